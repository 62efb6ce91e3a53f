// SPDX-License-Identifier: GPL-2.0-or-later
// The keys files of other tools, recognised by content (docs/PHONE_LOGS.md §4): each format read,
// each broken one rejected with the line or field that is wrong, all-FF keys left out as "no key".
#include <gtest/gtest.h>

#include "fe95/keys/formats.h"

namespace fe95::keys_formats_test {
namespace {

const std::string kKettleMac = "C4:7C:8D:6A:12:34";
const std::string kSensorMac = "A4:C1:38:00:11:22";

// As token_extractor.py prints it (print_entry: a label padded to 10 characters, 3 spaces in).
const std::string kCloudText =
    "Logging in...\n"
    "Logged in.\n"
    "\n"
    "Devices found for server \"de\" @ home \"123456\":\n"
    "   ---------\n"
    "   NAME:     Mi Smart Kettle\n"
    "   ID:       blt.3.129pdsl4cko00\n"
    "   BLE KEY:  b853075158487ca39a5b5ea9ffffffff\n"
    "   MAC:      C4:7C:8D:6A:12:34\n"
    "   TOKEN:    015ccba8800abdc12eb8ed82\n"
    "   MODEL:    yunmi.kettle.v2\n"
    "   ---------\n"
    "   NAME:     Thermometer\n"
    "   ID:       blt.3.abcdef\n"
    "   BLE KEY:  ffffffffffffffffffffffffffffffff\n"
    "   MAC:      A4:C1:38:00:11:22\n"
    "   TOKEN:    00112233445566778899aabb\n"
    "   MODEL:    miaomiaoce.sensor_ht.t2\n"
    "   ---------\n"
    "   NAME:     Vacuum\n"
    "   ID:       123456789\n"
    "   MAC:      50:EC:50:00:00:01\n"
    "   IP:       192.168.1.20\n"
    "   TOKEN:    0123456789abcdef0123456789abcdef\n"
    "   MODEL:    roborock.vacuum.s5\n"
    "   ---------\n";

KeysFile parse_ok(const std::string& text) {
  KeysFile f;
  auto err = parse_keys_file(text, f);
  EXPECT_FALSE(err) << (err ? err->message + " (line " + std::to_string(err->line) + ", field " + err->field + ")"
                            : "");
  return f;
}

KeysError parse_bad(const std::string& text) {
  KeysFile f;
  auto err = parse_keys_file(text, f);
  EXPECT_TRUE(err) << "parsed";
  return err.value_or(KeysError{});
}

TEST(KeysFormats, CloudExtractorText) {
  const KeysFile f = parse_ok(kCloudText);
  EXPECT_EQ(f.format, KeysFormat::cloud_text);
  ASSERT_EQ(f.entries.size(), 2u);  // the vacuum's 32-digit Wi-Fi token is no Bluetooth key
  const KeyEntry& kettle = f.entries[0];
  EXPECT_EQ(kettle.mac->str(), kKettleMac);
  EXPECT_EQ(to_hex(*kettle.token), "015ccba8800abdc12eb8ed82");
  EXPECT_EQ(to_hex(*kettle.beacon_key), "b853075158487ca39a5b5ea9");        // the FFFFFFFF suffix dropped
  EXPECT_EQ(to_hex(*kettle.bind_key), "b853075158487ca39a5b5ea9ffffffff");  // and the 32-digit reading kept
  const KeyEntry& sensor = f.entries[1];
  EXPECT_EQ(sensor.mac->str(), kSensorMac);
  EXPECT_EQ(to_hex(*sensor.token), "00112233445566778899aabb");
  EXPECT_FALSE(sensor.beacon_key);  // all FF: "no key", not tried
  EXPECT_FALSE(sensor.bind_key);
  ASSERT_EQ(f.notes.size(), 1u);
  EXPECT_EQ(f.notes[0].line, 15u);
  EXPECT_EQ(f.notes[0].message,
            "BLE KEY of A4:C1:38:00:11:22 is all FF: the cloud has no key for it (\"no key\"); not tried");
}

TEST(KeysFormats, CloudExtractorTextErrorsNameTheLine) {
  std::string bad_mac = kCloudText;
  bad_mac.replace(bad_mac.find("C4:7C:8D:6A:12:34"), 17, "C4:7C:8D:6A:12");
  KeysError e = parse_bad(bad_mac);
  EXPECT_EQ(e.line, 9u);
  EXPECT_EQ(e.message, "MAC \"C4:7C:8D:6A:12\" is not AA:BB:CC:DD:EE:FF");
  std::string bad_token = kCloudText;
  bad_token.replace(bad_token.find("00112233445566778899aabb"), 24, "0011223344");
  e = parse_bad(bad_token);
  EXPECT_EQ(e.line, 17u);
  EXPECT_EQ(e.message, "TOKEN \"0011223344\" is neither 24 hex digits (a BLE token) nor 32 (a Wi-Fi device's token)");
  std::string bad_key = kCloudText;
  bad_key.replace(bad_key.find("b853075158487ca39a5b5ea9ffffffff"), 32, "b8530751");
  e = parse_bad(bad_key);
  EXPECT_EQ(e.line, 8u);
  EXPECT_NE(e.message.find("BLE KEY \"b8530751\" is neither 24 hex digits"), std::string::npos);
}

const std::string kCloudJson = R"({
  "homes": [
    {
      "home_id": 123456,
      "devices": [
        {"name": "Mi Smart Kettle", "did": "blt.3.129pdsl4cko00", "mac": "C4:7C:8D:6A:12:34",
         "token": "015ccba8800abdc12eb8ed82", "model": "yunmi.kettle.v2",
         "BLE_DATA": {"beaconkey": "b853075158487ca39a5b5ea9"}},
        {"name": "Thermometer", "did": "blt.3.abcdef", "mac": "A4:C1:38:00:11:22",
         "BLE_DATA": {"beaconkey": "000102030405060708090a0b0c0d0e0f"}},
        {"name": "Vacuum", "did": "123456789", "mac": "50:EC:50:00:00:01",
         "token": "0123456789abcdef0123456789abcdef"}
      ]
    }
  ]
})";

TEST(KeysFormats, CloudExtractorJson) {
  const KeysFile f = parse_ok(kCloudJson);
  EXPECT_EQ(f.format, KeysFormat::cloud_json);
  ASSERT_EQ(f.entries.size(), 2u);
  EXPECT_EQ(f.entries[0].mac->str(), kKettleMac);
  EXPECT_EQ(to_hex(*f.entries[0].token), "015ccba8800abdc12eb8ed82");
  EXPECT_EQ(to_hex(*f.entries[0].beacon_key), "b853075158487ca39a5b5ea9");
  EXPECT_FALSE(f.entries[0].bind_key);
  EXPECT_EQ(f.entries[1].mac->str(), kSensorMac);
  EXPECT_FALSE(f.entries[1].token);
  EXPECT_EQ(to_hex(*f.entries[1].bind_key), "000102030405060708090a0b0c0d0e0f");
}

TEST(KeysFormats, CloudExtractorJsonErrorsNameTheField) {
  std::string bad = kCloudJson;
  bad.replace(bad.find("A4:C1:38:00:11:22"), 17, "not-a-mac");
  KeysError e = parse_bad(bad);
  EXPECT_EQ(e.field, "homes[0].devices[1].mac");
  EXPECT_EQ(e.message, "\"not-a-mac\" is not AA:BB:CC:DD:EE:FF");
  bad = kCloudJson;
  bad.replace(bad.find("000102030405060708090a0b0c0d0e0f"), 32, "0001");
  e = parse_bad(bad);
  EXPECT_EQ(e.field, "homes[0].devices[1].BLE_DATA.beaconkey");
  // JSON that does not parse: the line.
  e = parse_bad("{\n  \"homes\": [\n    {\"devices\": [}\n  ]\n}\n");
  EXPECT_EQ(e.line, 3u);
  EXPECT_NE(e.message.find("not valid JSON"), std::string::npos);
  // JSON of something else.
  e = parse_bad(R"({"result": {"list": []}})");
  EXPECT_NE(e.message.find("no device object with a \"mac\" field"), std::string::npos);
}

const std::string kHomeAssistant = R"({
  "version": 1,
  "minor_version": 3,
  "key": "core.config_entries",
  "data": {
    "entries": [
      {"entry_id": "01H1", "version": 1, "domain": "xiaomi_ble", "title": "Temperature/Humidity Sensor 1122",
       "data": {"bindkey": "000102030405060708090a0b0c0d0e0f"}, "options": {}, "unique_id": "A4:C1:38:00:11:22"},
      {"entry_id": "01H2", "version": 1, "domain": "hue", "title": "Hue Bridge", "data": {"host": "192.168.1.2"},
       "unique_id": "001788fffe000000"},
      {"entry_id": "01H3", "version": 1, "domain": "xiaomi_ble", "title": "Kettle",
       "data": {"bindkey": "b853075158487ca39a5b5ea9"}, "unique_id": "C4:7C:8D:6A:12:34"},
      {"entry_id": "01H4", "version": 1, "domain": "xiaomi_ble", "title": "Door sensor",
       "data": {}, "unique_id": "58:2D:34:10:20:30"}
    ]
  }
})";

TEST(KeysFormats, HomeAssistantConfigEntries) {
  const KeysFile f = parse_ok(kHomeAssistant);
  EXPECT_EQ(f.format, KeysFormat::home_assistant);
  ASSERT_EQ(f.entries.size(), 2u);  // the Hue bridge is another integration; the door sensor has no key
  EXPECT_EQ(f.entries[0].mac->str(), kSensorMac);
  EXPECT_EQ(to_hex(*f.entries[0].bind_key), "000102030405060708090a0b0c0d0e0f");
  EXPECT_EQ(f.entries[1].mac->str(), kKettleMac);
  EXPECT_EQ(to_hex(*f.entries[1].beacon_key), "b853075158487ca39a5b5ea9");
  std::string bad = kHomeAssistant;
  bad.replace(bad.find("b853075158487ca39a5b5ea9"), 24, "b85307515848");
  KeysError e = parse_bad(bad);
  EXPECT_EQ(e.field, "data.entries[2].data.bindkey");
  bad = kHomeAssistant;
  bad.replace(bad.find("\"C4:7C:8D:6A:12:34\""), 19, "42");
  e = parse_bad(bad);
  EXPECT_EQ(e.field, "data.entries[2].unique_id");
  EXPECT_EQ(e.message, "unique_id 42 is not a device address AA:BB:CC:DD:EE:FF");
}

const std::string kBleMonitor =
    "homeassistant:\n"
    "  name: Home\n"
    "ble_monitor:\n"
    "  discovery: false\n"
    "  devices:\n"
    "    - mac: 'A4:C1:38:00:11:22'\n"
    "      encryption_key: '000102030405060708090a0b0c0d0e0f'\n"
    "      name: Living room\n"
    "    - mac: 'C4:7C:8D:6A:12:34'\n"
    "      encryption_key: b853075158487ca39a5b5ea9\n"
    "    - mac: '58:2D:34:10:20:30'\n"
    "      reset_timer: 35\n";

TEST(KeysFormats, BleMonitorYaml) {
  const KeysFile f = parse_ok(kBleMonitor);
  EXPECT_EQ(f.format, KeysFormat::ble_monitor);
  ASSERT_EQ(f.entries.size(), 2u);
  EXPECT_EQ(f.entries[0].mac->str(), kSensorMac);
  EXPECT_EQ(to_hex(*f.entries[0].bind_key), "000102030405060708090a0b0c0d0e0f");
  EXPECT_EQ(f.entries[1].mac->str(), kKettleMac);
  EXPECT_EQ(to_hex(*f.entries[1].beacon_key), "b853075158487ca39a5b5ea9");
  // A devices: list alone (a package file) reads the same.
  const KeysFile alone =
      parse_ok("devices:\n  - mac: 'C4:7C:8D:6A:12:34'\n    encryption_key: b853075158487ca39a5b5ea9\n");
  EXPECT_EQ(alone.entries.size(), 1u);
}

TEST(KeysFormats, BleMonitorYamlErrorsNameTheLine) {
  std::string bad = kBleMonitor;
  bad.replace(bad.find("b853075158487ca39a5b5ea9"), 24, "b853");
  KeysError e = parse_bad(bad);
  EXPECT_EQ(e.line, 10u);
  EXPECT_NE(e.message.find("encryption_key \"b853\" is neither 24 hex digits"), std::string::npos) << e.message;
  bad = kBleMonitor;
  bad.replace(bad.find("'C4:7C:8D:6A:12:34'"), 19, "'C4-7C'");
  e = parse_bad(bad);
  EXPECT_EQ(e.line, 9u);
  EXPECT_EQ(e.message, "mac \"C4-7C\" is not AA:BB:CC:DD:EE:FF");
  e = parse_bad("ble_monitor:\n  devices:\n    - mac: 'A4:C1:38:00:11:22'\n      encryption_key: !secret sensor_key\n");
  EXPECT_EQ(e.line, 4u);
  EXPECT_EQ(e.message, "encryption_key is !secret sensor_key: give fe95 the key itself");
  e = parse_bad("ble_monitor:\n  devices:\n    - mac: [unclosed\n");
  EXPECT_GE(e.line, 3u);
  EXPECT_NE(e.message.find("not valid YAML"), std::string::npos);
}

TEST(KeysFormats, Fe95CsvIsStillTheDefault) {
  const KeysFile f = parse_ok(
      "# fe95 keys: mac, product_id, token, beacon_key, bind_key (Wireshark UAT format)\n"
      "\"C4:7C:8D:6A:12:34\",\"275\",\"015ccba8800abdc12eb8ed82\",\"b853075158487ca39a5b5ea9\",\"\"\n");
  EXPECT_EQ(f.format, KeysFormat::fe95_csv);
  ASSERT_EQ(f.entries.size(), 1u);
  EXPECT_EQ(*f.entries[0].product_id, 275);
  // An empty CSV is a valid keys file; an empty file of another tool says it has no key.
  EXPECT_TRUE(parse_ok("# nothing yet\n").entries.empty());
  const KeysError e = parse_bad("   ---------\n   NAME:     Lamp\n   ---------\n");
  EXPECT_EQ(e.message, "no key in this Xiaomi cloud tokens extractor text file");
  const KeysError csv = parse_bad("\"C4:7C:8D:6A:12:34\",\"x\"\n");
  EXPECT_EQ(csv.line, 1u);
}

TEST(KeysFormats, ABinaryFileIsNoKeysFile) {
  const std::string mi_token("\x01\x5c\xcb\xa8\x80\x0a\xbd\xc1\x2e\xb8\xed\x82", 12);
  const KeysError e = parse_bad(mi_token);
  EXPECT_EQ(e.message, "a binary file (12 bytes), not a keys file; miauth's 12-byte mi_token goes to --token-file");
}

TEST(TokenFile, MiTokenOrHexText) {
  std::string why;
  const std::string mi_token("\x01\x5c\xcb\xa8\x80\x0a\xbd\xc1\x2e\xb8\xed\x82", 12);
  auto t = parse_token_file(mi_token, why);
  ASSERT_TRUE(t);
  EXPECT_EQ(to_hex(*t), "015ccba8800abdc12eb8ed82");
  t = parse_token_file("015ccba8800abdc12eb8ed82\n", why);
  ASSERT_TRUE(t);
  EXPECT_EQ(to_hex(*t), "015ccba8800abdc12eb8ed82");
  EXPECT_FALSE(parse_token_file("0123", why));
  EXPECT_EQ(why, "4 bytes: a token file is miauth's mi_token (12 bytes) or 24 hex digits");
}

}  // namespace
}  // namespace fe95::keys_formats_test
