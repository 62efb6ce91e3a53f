// SPDX-License-Identifier: GPL-2.0-or-later
// MiBeacon parsing and decryption: the published vectors of docs/PROTOCOL.md §7 and bad frames.
#include "fe95/mibeacon/mibeacon.h"

#include <gtest/gtest.h>

#include <algorithm>

namespace fe95::mibeacon {
namespace {

Bytes hex(const char* s) {
  return *parse_hex(s);
}

TEST(MiBeacon, LegacyV3PublishedVector) {
  const Bytes sd = hex("5830b603d28b98c54124f8c3491476757e00000099");
  Frame f = parse(sd);
  EXPECT_EQ(f.fc.version(), 3u);
  EXPECT_TRUE(f.fc.encrypted());
  EXPECT_EQ(f.product_id, 0x03b6);
  ASSERT_TRUE(f.mac);
  EXPECT_EQ(f.mac->str(), "F8:24:41:C5:98:8B");
  EXPECT_EQ(f.status, Status::encrypted_no_key);
  decrypt(f, *f.mac, parse_beacon_key("b853075158487ca39a5b5ea9"), std::nullopt);
  ASSERT_EQ(f.status, Status::decrypted) << f.reason;
  EXPECT_EQ(to_hex(f.plaintext), "011003000103");
  ASSERT_EQ(f.objects.size(), 1u);
  EXPECT_EQ(f.objects[0].id, 0x1001);
  EXPECT_STREQ(f.objects[0].name, "button");
}

TEST(MiBeacon, V5PublishedVectorChecksTheMic) {
  const Bytes sd = hex("5858480b685f12342d585a0b1841e2aa000e00a4964fb5");
  Frame f = parse(sd);
  EXPECT_EQ(f.fc.version(), 5u);
  EXPECT_EQ(f.fc.auth_mode(), 2u);
  ASSERT_TRUE(f.mac);
  EXPECT_EQ(f.mac->str(), "5A:58:2D:34:12:5F");
  Frame good = f;
  decrypt(good, *f.mac, std::nullopt, parse_bind_key("814aac74c4f17b6c1581e1ab87816b99"));
  ASSERT_EQ(good.status, Status::decrypted) << good.reason;
  EXPECT_EQ(to_hex(good.plaintext), "0610025402");
  ASSERT_EQ(good.objects.size(), 1u);
  ASSERT_EQ(good.objects[0].values.size(), 1u);
  EXPECT_DOUBLE_EQ(good.objects[0].values[0].value, 59.6);
  EXPECT_STREQ(good.objects[0].values[0].unit, "%");
  Frame bad = f;
  decrypt(bad, *f.mac, std::nullopt, parse_bind_key("814aac74c4f17b6c1581e1ab87816b98"));
  EXPECT_EQ(bad.status, Status::wrong_key);
}

TEST(MiBeacon, CapabilityFrameWithoutObjects) {
  // LYWSD03MMC capability frame from the ix7trackerpro capture.
  Frame f = parse(hex("30585b05ed284f8638c1a408"));
  EXPECT_EQ(f.status, Status::plain);
  EXPECT_EQ(f.product_id, 0x055b);
  EXPECT_EQ(f.mac->str(), "A4:C1:38:86:4F:28");
  EXPECT_EQ(f.capability, 0x08);
  EXPECT_FALSE(f.io_capability);
}

TEST(MiBeacon, IoCapabilityIsTwoBytesAsTheSpecSays) {
  Frame f =
      parse(hex("2000ff0001"
                "28"
                "3412"));  // fc: capability only; cap 0x28: bit 5 -> I/O cap follows
  EXPECT_EQ(f.io_capability, 0x1234);
}

TEST(MiBeacon, PlainObjectsDecodeWithUnits) {
  Frame f =
      parse(hex("4020aa01"
                "07"
                "0d1004"
                "e900"
                "5e01"
                "0a1001"
                "5d"));  // fc: objects, v2
  ASSERT_EQ(f.status, Status::plain) << f.reason;
  ASSERT_EQ(f.objects.size(), 2u);
  EXPECT_DOUBLE_EQ(f.objects[0].values[0].value, 23.3);
  EXPECT_DOUBLE_EQ(f.objects[0].values[1].value, 35.0);
  EXPECT_DOUBLE_EQ(f.objects[1].values[0].value, 93);
}

TEST(MiBeacon, BadFramesAreMalformedNotCrashes) {
  EXPECT_EQ(parse(hex("5030")).status, Status::malformed);            // short header
  EXPECT_EQ(parse(hex("5030aa0101aabb")).status, Status::malformed);  // MAC cut short
  EXPECT_EQ(parse(hex("4020aa0107"
                      "0d1004e9"))
                .status,
            Status::malformed);                                   // object length past the end
  EXPECT_EQ(parse(hex("4820aa0107")).status, Status::malformed);  // encrypted, nothing to decrypt
  for (std::size_t n = 0; n < 40; ++n) {
    Bytes b(n, 0xff);
    (void)parse(b);  // every length, every flag: no crash
  }
}

TEST(MiBeacon, AShortTrailingPieceKeepsTheObjectsBeforeIt) {
  // A real MMC-W505 advert (xiaomi-ble and ble_monitor tests, test_Xiaomi_MMC_W505): one object
  // 0x000a (34.45 °C) and one stray byte. Both references ignore a piece shorter than an object
  // header; so does fe95, and says so.
  Frame f = parse(hex("702291030fdbab531824d0090a0002750d07"));
  ASSERT_EQ(f.status, Status::plain) << f.reason;
  ASSERT_EQ(f.objects.size(), 1u);
  EXPECT_DOUBLE_EQ(f.objects[0].values.at(0).value, 34.45);
  EXPECT_EQ(to_hex(f.trailing), "07");
  EXPECT_EQ(f.reason, "");
  // Two bytes are not an object header either; three are (and then must fit).
  f =
      parse(hex("4020aa0107"
                "0a10015d"
                "0102"));
  EXPECT_EQ(f.status, Status::plain);
  EXPECT_EQ(to_hex(f.trailing), "0102");
  f =
      parse(hex("4020aa0107"
                "0a10015d"
                "010203"));
  EXPECT_EQ(f.status, Status::malformed);
  EXPECT_EQ(f.reason, "object 0x0201 claims 3 bytes, 0 left");
  ASSERT_EQ(f.objects.size(), 1u);  // the object before it is kept
  // Decrypted (v5, MIC checked): the same rule.
  Frame v5 = parse(hex("5858480b685f12342d585a0b1841e2aa000e00a4964fb5"));
  EXPECT_TRUE(v5.trailing.empty());
}

TEST(MiBeacon, UnknownObjectsAreShownNotErrors) {
  Frame f =
      parse(hex("4020aa0107"
                "3412"
                "03"
                "aabbcc"
                "0a10015d"));
  ASSERT_EQ(f.status, Status::plain) << f.reason;
  ASSERT_EQ(f.objects.size(), 2u);
  EXPECT_EQ(f.objects[0].id, 0x1234);
  EXPECT_EQ(f.objects[0].name, nullptr);
  EXPECT_EQ(to_hex(f.objects[0].data), "aabbcc");
  EXPECT_TRUE(f.objects[0].values.empty());
  EXPECT_EQ(f.objects[1].values.at(0).value, 93);
}

TEST(MiBeacon, TwoHundredFiftyFiveObjects) {
  // An extended advert can carry 765 bytes of service data: 255 empty objects, all kept.
  Bytes sd = hex("4020aa0107");
  for (int i = 0; i < 255; ++i) {
    sd.push_back(static_cast<std::uint8_t>(i));
    sd.push_back(0x77);
    sd.push_back(0);
  }
  Frame f = parse(sd);
  ASSERT_EQ(f.status, Status::plain) << f.reason;
  ASSERT_EQ(f.objects.size(), 255u);
  EXPECT_EQ(f.objects[254].id, 0x77fe);
  EXPECT_EQ(f.objects[254].at, 254u * 3);
  // Every length claiming 255 bytes: two objects of 258 bytes each fit, the third runs past the end.
  for (std::size_t i = 7; i < sd.size(); i += 3) sd[i] = 255;
  f = parse(sd);
  EXPECT_EQ(f.status, Status::malformed);
  EXPECT_EQ(f.reason, "object 0x77ac claims 255 bytes, 246 left");
  EXPECT_EQ(f.objects.size(), 2u);
}

TEST(MiBeacon, WrongKeysOfRealAdverts) {
  // ble_monitor test_Xiaomi_RTCGQ02LM: a real v5 advert with a key that is not its own.
  Frame v5 = parse(hex("58598d0a170fc4e044ef547cc27a5c03a1000000790df258"));
  decrypt(v5, *v5.mac, std::nullopt, parse_bind_key("FFD8CE9C08AE7533A79BDAF0BB755E96"));
  EXPECT_EQ(v5.status, Status::wrong_key);
  EXPECT_TRUE(v5.objects.empty());
  // xiaomi-ble test_bindkey_wrong_legacy: the dimmer's v3 advert, a beacon key one digit off.
  Frame v3 = parse(hex("5830b603d28b98c54124f8c3491476757e00000099"));
  decrypt(v3, *v3.mac, parse_beacon_key("b853075158487aa39a5b5ea9"), std::nullopt);
  EXPECT_EQ(v3.status, Status::wrong_key);
  EXPECT_NE(v3.reason.find("wrong beacon key"), std::string::npos) << v3.reason;
  EXPECT_TRUE(v3.objects.empty());
  EXPECT_TRUE(v3.trailing.empty());
}

TEST(MiBeacon, EveryObjectIdWithEveryLengthIsBounded) {
  // Every known id (and a few unknown), every length up to 12, every first byte: values or a
  // note, never a crash, at most a few values each.
  std::vector<std::uint16_t> ids;
  for (const auto& t : object_types()) ids.push_back(t.id);
  ids.insert(ids.end(), {0x0000, 0x1234, 0xffff});
  std::size_t decoded = 0;
  for (auto id : ids)
    for (std::size_t n = 0; n <= 12; ++n)
      for (int first = 0; first < 256; first += 17) {
        Bytes d(n, 0xa5);
        if (n) d[0] = static_cast<std::uint8_t>(first);
        std::vector<Value> v;
        std::string note;
        decode_object(id, d, 0x03b6, v, note);
        EXPECT_LE(v.size(), 6u);
        decoded += !v.empty();
      }
  EXPECT_GT(decoded, 1000u);
}

TEST(MiBeacon, EveryPartKnowsWhereItSits) {
  // fc 0x4070: MAC, capability and objects; capability 0x28 (I/O capability follows); two objects.
  const Bytes sd =
      hex("7040"
          "5b05"
          "07"
          "ed284f8638c1"
          "28"
          "3412"
          "0d1004e9005e01"
          "0a10015d");
  Frame f = parse(sd);
  ASSERT_EQ(f.status, Status::plain) << f.reason;
  EXPECT_EQ(f.mac_at, 5u);
  EXPECT_EQ(f.capability_at, 11u);
  EXPECT_EQ(f.io_capability_at, 12u);
  EXPECT_EQ(f.payload_at, 14u);
  ASSERT_EQ(f.objects.size(), 2u);
  EXPECT_EQ(f.objects[0].at, 0u);
  EXPECT_EQ(f.objects[1].at, 7u);
  // What the offsets point at is what was parsed.
  EXPECT_EQ(BdAddr::from_le(ByteView(sd).subspan(f.mac_at, 6)), *f.mac);
  EXPECT_EQ(sd[f.capability_at], *f.capability);
  EXPECT_EQ(load_u16le(sd.data() + f.io_capability_at), *f.io_capability);
  for (const auto& o : f.objects) {
    EXPECT_EQ(load_u16le(sd.data() + f.payload_at + o.at), o.id);
    EXPECT_EQ(sd[f.payload_at + o.at + 2], o.data.size());
    EXPECT_TRUE(
        std::equal(o.data.begin(), o.data.end(), sd.begin() + static_cast<std::ptrdiff_t>(f.payload_at + o.at + 3)));
  }
  // Decrypted objects sit in the plaintext.
  Frame v5 = parse(hex("5858480b685f12342d585a0b1841e2aa000e00a4964fb5"));
  decrypt(v5, *v5.mac, std::nullopt, parse_bind_key("814aac74c4f17b6c1581e1ab87816b99"));
  ASSERT_EQ(v5.objects.size(), 1u);
  EXPECT_EQ(v5.objects[0].at, 0u);
  EXPECT_EQ(v5.payload_at, 11u);
}

}  // namespace
}  // namespace fe95::mibeacon
