// SPDX-License-Identifier: GPL-2.0-or-later
// The wearables end to end (docs/MIWEAR.md): `fe95 analyze --authkey MAC=KEY` verifies and
// decrypts the shipped wearable session over each of the four transports, says so in the text
// report, and `fe95 verify` judges it; without the key, with another key, and from a keys file.
#include <gtest/gtest.h>

#include "support.h"

namespace fe95::test {
namespace {

using nlohmann::json;

constexpr const char* kWatch = "D0:62:2C:F2:D7:80";
constexpr const char* kKey = "D0:62:2C:F2:D7:80=00112233445566778899aabbccddeeff";  // docs/MIWEAR.md §7

std::string cap(const std::string& name) {
  return shipped_captures() + "/" + name;
}

struct Out {
  json session;
  std::vector<json> messages;
};
Out analyze(const std::string& capture, std::vector<std::string> args) {
  std::vector<std::string> argv{FE95_BINARY, "analyze", "--json", "-q", cap(capture)};
  argv.insert(argv.end(), args.begin(), args.end());
  auto r = run(argv);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  Out o;
  std::size_t sessions = 0;
  for (auto& j : json_lines(r.out)) {
    if (j["type"] == "session") o.session = j, ++sessions;
    if (j["type"] == "message") o.messages.push_back(j);
  }
  EXPECT_EQ(sessions, 1u) << capture;
  return o;
}

const char* const kCaptures[] = {"wear-ble-v1.btsnoop", "wear-ble-v2.btsnoop", "wear-spp-v1.btsnoop",
                                 "wear-spp-v2.btsnoop"};

TEST(Wear, EachTransportVerifiesAndDecryptsWithTheAuthKey) {
  for (const char* c : kCaptures) {
    SCOPED_TRACE(c);
    const Out o = analyze(c, {"--authkey", kKey});
    const json& s = o.session;
    EXPECT_EQ(s["protocol"], "miwear");
    EXPECT_EQ(s["device"], kWatch);
    EXPECT_EQ(s["status"], "verified");
    EXPECT_EQ(s["end"], "disconnect");
    EXPECT_EQ(s["auth"], "nonce_exchange");
    EXPECT_EQ(s["watch_hmac_ok"], true);
    EXPECT_EQ(s["phone_hmac_ok"], true);
    EXPECT_EQ(s["auth_key_source"], "option");
    EXPECT_EQ(s["keys"]["dec_key"], "a2cf6c33c13b444edf33b4d1a3b3a4c1");
    EXPECT_EQ(s["keys"]["enc_key"], "644de586a875a5817a40ba4a92361a46");
    EXPECT_EQ(s["device_info"]["model"], "Pixel");
    EXPECT_EQ(s["device_info"]["device_type_name"], "android");
    EXPECT_EQ(s["device_info"]["system_version"], 34.0);
    EXPECT_EQ(s["device_info"]["region"], "EN");
    EXPECT_EQ(s["result"]["code"], 1);
    EXPECT_EQ(s["messages"]["undecrypted"], 0);
    EXPECT_EQ(s["messages"]["tag_failed"], 0);
    EXPECT_GE(s["messages"]["decrypted"], 7);
    EXPECT_TRUE(s["diagnostics"].empty()) << s["diagnostics"];
    const std::string transport = s["transport"]["name"];
    EXPECT_EQ(transport, std::string(c).substr(5, 6).replace(3, 1, "_"));
    // The files, checked and typed.
    ASSERT_EQ(s["files"].size(), 2u);
    EXPECT_EQ(s["files"][0]["kind"], "activity");
    EXPECT_EQ(s["files"][0]["crc_ok"], true);
    EXPECT_EQ(s["files"][0]["file_id"], "21f3286504008c");
    EXPECT_EQ(s["files"][0]["subtype_name"], "treadmill");
    EXPECT_EQ(s["files"][1]["kind"], "upload");
    EXPECT_EQ(s["files"][1]["type_name"], "watchface");
    EXPECT_EQ(s["files"][1]["md5_ok"], true);
    EXPECT_EQ(s["files"][1]["crc_ok"], true);
    // Every message a record, the encrypted ones decrypted, the commands with their envelope and tree.
    EXPECT_EQ(o.messages.size(), s["messages"]["kept"].get<std::size_t>());
    std::size_t battery = 0;
    for (const auto& m : o.messages) {
      if (m["encrypted"] == true) {
        EXPECT_EQ(m["decrypted"], true) << m;
      }
      if (m.contains("tag_ok")) {
        EXPECT_EQ(m["tag_ok"], true);
      }
      if (m.contains("envelope") && m["envelope"].value("name", "") == "battery" && m["from"] == "watch") {
        ++battery;
        EXPECT_EQ(m["plaintext"], "08021001220612040a020850");  // level 80 (docs/MIWEAR.md §7)
        ASSERT_TRUE(m.contains("protobuf"));
        EXPECT_EQ(m["protobuf"][2]["field"], 4);  // system (type 2 + 2)
        EXPECT_EQ(m["protobuf"][2]["message"][0]["message"][0]["message"][0]["value"], 80);
      }
    }
    EXPECT_EQ(battery, 1u);
    const bool v2 = transport == "ble_v2" || transport == "spp_v2";
    EXPECT_EQ(s["messages"]["retransmissions"], v2 ? 1 : 0);
  }
}

TEST(Wear, WithoutTheKeyAndWithAnotherKey) {
  const Out none = analyze("wear-spp-v2.btsnoop", {});
  EXPECT_EQ(none.session["status"], "no_key");
  EXPECT_EQ(none.session["messages"]["decrypted"], 0);
  EXPECT_EQ(none.session["messages"]["undecrypted"], 7);
  EXPECT_FALSE(none.session.contains("keys"));
  const Out other =
      analyze("wear-ble-v1.btsnoop", {"--authkey", "D0:62:2C:F2:D7:80=0xffeeddccbbaa99887766554433221100"});
  EXPECT_EQ(other.session["status"], "failed");
  EXPECT_EQ(other.session["watch_hmac_ok"], false);
  ASSERT_EQ(other.session["diagnostics"].size(), 1u);
  EXPECT_EQ(other.session["diagnostics"][0]["code"], "miwear.watch_holds_other_key");
  EXPECT_EQ(other.session["diagnostics"][0]["frames"].size(), 2u);
  // A key for another watch is not tried on this one.
  const Out elsewhere =
      analyze("wear-ble-v1.btsnoop", {"--authkey", "11:22:33:44:55:66=00112233445566778899aabbccddeeff"});
  EXPECT_EQ(elsewhere.session["status"], "no_key");
}

TEST(Wear, TextReportSaysWhatWasChecked) {
  auto r = run({FE95_BINARY, "analyze", "-q", "--authkey", kKey, cap("wear-spp-v2.btsnoop")});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  for (const char* line :
       {"    login    frames ", "  verified\n",
        "the watch's proof and the phone's check out with the auth key [wearable, spp_v2]",
        "      transport    spp_v2 over RFCOMM DLCI 2, SPP-V1 version answer 3, SPPv2 3.1.49",
        "      auth key     00112233445566778899aabbccddeeff (option)",
        "      phone        Pixel, android, system 34, region EN, app capability 224", "      result       1 success",
        "battery (2/1)  08021001220612040a020850",
        "      file         activity 21f3286504008c sports/treadmill/details, 2 parts, 312 bytes, CRC-32 ok",
        "      file         upload watchface, MD5 ok, 3 parts, 1026 bytes, CRC-32 ok", "1 resent packets dropped",
        "1 FE95 session (1 verified)"})
    EXPECT_NE(r.out.find(line), std::string::npos) << line << "\n" << r.out;
}

TEST(Wear, VerifyJudgesWearableSessions) {
  std::vector<std::string> all{FE95_BINARY, "verify", "--authkey", kKey};
  for (const char* c : kCaptures) all.push_back(cap(c));
  auto ok = run(all);
  EXPECT_EQ(ok.exit_code, 0) << ok.out << ok.err;
  EXPECT_NE(ok.out.find("4 passed, 0 failed"), std::string::npos) << ok.out;
  EXPECT_NE(ok.out.find("PASS " + cap("wear-spp-v1.btsnoop") + " frames 20-39 D0:62:2C:F2:D7:80 wearable"),
            std::string::npos)
      << ok.out;
  auto bad = run({FE95_BINARY, "verify", "--authkey", "D0:62:2C:F2:D7:80=ffeeddccbbaa99887766554433221100",
                  cap("wear-ble-v2.btsnoop")});
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_NE(bad.out.find("FAIL"), std::string::npos);
  EXPECT_NE(bad.out.find("failed (miwear.watch_holds_other_key)"), std::string::npos) << bad.out;
}

TEST(Wear, KeysFileColumnAndExport) {
  const std::string dir = temp_dir();
  // A six-column line with the auth key verifies; --export-keys keeps an --authkey given.
  write_file(dir + "/keys.csv", "\"D0:62:2C:F2:D7:80\",\"\",\"\",\"\",\"\",\"00112233445566778899aabbccddeeff\"\n");
  auto v = run({FE95_BINARY, "verify", "--keys", dir + "/keys.csv", cap("wear-ble-v1.btsnoop")});
  EXPECT_EQ(v.exit_code, 0) << v.out << v.err;
  auto e = run(
      {FE95_BINARY, "analyze", "-q", "--authkey", kKey, cap("wear-spp-v1.btsnoop"), "--export-keys", dir + "/out.csv"});
  ASSERT_EQ(e.exit_code, 0) << e.err;
  EXPECT_NE(read_file(dir + "/out.csv")
                .find("\"D0:62:2C:F2:D7:80\",\"\",\"\",\"\",\"\",\"00112233445566778899aabbccddeeff\""),
            std::string::npos)
      << read_file(dir + "/out.csv");
  auto again = run({FE95_BINARY, "verify", "--keys", dir + "/out.csv", cap("wear-spp-v2.btsnoop")});
  EXPECT_EQ(again.exit_code, 0) << again.out;
  // A bad --authkey names what was expected (exit 2).
  auto bad = run({FE95_BINARY, "analyze", "--authkey", "D0:62:2C:F2:D7:80=0011", cap("wear-spp-v2.btsnoop")});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.err.find("expected MAC=KEY, KEY 32 hex digits (0x accepted)"), std::string::npos) << bad.err;
}

}  // namespace
}  // namespace fe95::test
