// SPDX-License-Identifier: GPL-2.0-or-later
#include "fe95/bytes.h"

#include <gtest/gtest.h>

namespace fe95 {
namespace {

TEST(Bytes, HexRoundTrip) {
  const Bytes b{0x00, 0x9a, 0xff};
  EXPECT_EQ(to_hex(b), "009aff");
  EXPECT_EQ(parse_hex("00:9A:ff"), b);
  EXPECT_EQ(parse_hex("00 9a ff"), b);
  EXPECT_FALSE(parse_hex("0"));
  EXPECT_FALSE(parse_hex("0g"));
  EXPECT_FALSE(parse_hex("0:0"));
  EXPECT_EQ(hex16(0x2a), "0x002a");
}

TEST(Bytes, CursorNeverReadsPastTheEnd) {
  const Bytes b{1, 2, 3};
  Cursor c(b);
  std::uint16_t v = 0;
  std::uint32_t w = 0;
  EXPECT_TRUE(c.u16le(v));
  EXPECT_EQ(v, 0x0201);
  EXPECT_FALSE(c.u16le(v));  // one byte left
  EXPECT_FALSE(c.u32be(w));
  ByteView view;
  EXPECT_FALSE(c.bytes(2, view));
  EXPECT_EQ(c.remaining(), 1u);
}

TEST(Bytes, AddressOrder) {
  auto a = BdAddr::parse("AA:BB:CC:DD:EE:FF");
  ASSERT_TRUE(a);
  // Over the air (and in HCI events) the last printed octet comes first.
  EXPECT_EQ(a->le[0], 0xff);
  EXPECT_EQ(a->le[5], 0xaa);
  EXPECT_EQ(a->str(), "AA:BB:CC:DD:EE:FF");
  EXPECT_EQ(a->reversed().str(), "FF:EE:DD:CC:BB:AA");
  EXPECT_EQ(BdAddr::parse("aabbccddeeff"), a);
  EXPECT_FALSE(BdAddr::parse("AA:BB:CC:DD:EE"));
  EXPECT_FALSE(BdAddr::parse("AA:BB:CC:DD:EE:GG"));
  EXPECT_FALSE(BdAddr::parse("AABB:CC:DD:EE:FF:"));
}

}  // namespace
}  // namespace fe95

#include "fe95/keys/keys.h"

namespace fe95 {
namespace {

TEST(Keys, EscapeNeedsTwoHexDigits) {
  std::vector<KeyEntry> e;
  auto err = parse_keys("\"\\x  \",\"\",\"\",\"\",\"\"\n", e);  // regression: fuzz_keys SEGV
  ASSERT_TRUE(err);
  EXPECT_NE(err->message.find("bad \\x escape"), std::string::npos);
  EXPECT_FALSE(parse_keys("\"\\x41A:BB:CC:DD:EE:FF\",\"\",\"\",\"\",\"\"\n", e));
  ASSERT_EQ(e.size(), 1u);
  EXPECT_EQ(e[0].mac->str(), "AA:BB:CC:DD:EE:FF");
}

// The wearables' auth key (docs/MIWEAR.md §3): a sixth column; five-column lines still read.
TEST(Keys, AuthKeyColumnAndTheOldFiveColumnForm) {
  std::vector<KeyEntry> e;
  ASSERT_FALSE(
      parse_keys("\"C4:7C:8D:6A:12:34\",\"275\",\"\",\"\",\"\"\n"
                 "\"D0:62:2C:F2:D7:80\",\"\",\"\",\"\",\"\",\"00112233445566778899AABBCCDDEEFF\"\n"
                 "\"D0:62:2C:F2:D7:81\",\"\",\"\",\"\",\"\",\"0x00112233445566778899aabbccddeeff\"\n",
                 e));
  ASSERT_EQ(e.size(), 3u);
  EXPECT_FALSE(e[0].auth_key);
  ASSERT_TRUE(e[1].auth_key);
  EXPECT_EQ(to_hex(*e[1].auth_key), "00112233445566778899aabbccddeeff");
  EXPECT_EQ(e[2].auth_key, e[1].auth_key);
  // Written in six columns, lower-case hex, and read back the same.
  EXPECT_EQ(format_key_line(e[1]), "\"D0:62:2C:F2:D7:80\",\"\",\"\",\"\",\"\",\"00112233445566778899aabbccddeeff\"");
  EXPECT_EQ(format_key_line(e[0]), "\"C4:7C:8D:6A:12:34\",\"275\",\"\",\"\",\"\",\"\"");
  std::vector<KeyEntry> again;
  ASSERT_FALSE(parse_keys(format_keys(e), again));
  EXPECT_EQ(again, e);
  // Wrong lengths, and a seventh column, are errors naming the column.
  for (const char* bad : {"\"\",\"\",\"\",\"\",\"\",\"0011\"\n", "\"\",\"\",\"\",\"\",\"\",\"\",\"\"\n"}) {
    std::vector<KeyEntry> x;
    const auto err = parse_keys(bad, x);
    ASSERT_TRUE(err) << bad;
    EXPECT_NE(err->message.find("auth_key"), std::string::npos) << err->message;
  }
  EXPECT_FALSE(parse_auth_key("00112233445566778899aabbccddeeff00"));
  EXPECT_FALSE(parse_auth_key("0x"));
  EXPECT_TRUE(parse_auth_key(" 0X00112233445566778899aabbccddeeff "));
}

TEST(Keys, AuthKeysAreTriedPerDeviceOrAllWithoutAnAddress) {
  KeyStore k;
  const BdAddr watch = *BdAddr::parse("D0:62:2C:F2:D7:80"), other = *BdAddr::parse("D0:62:2C:F2:D7:81");
  KeyEntry a;
  a.mac = watch;
  a.auth_key = parse_auth_key("00112233445566778899aabbccddeeff");
  k.add_entry(a, Source::option);
  KeyEntry b;
  b.mac = other;
  b.auth_key = parse_auth_key("ffeeddccbbaa99887766554433221100");
  k.add_entry(b, Source::keys_file);
  ASSERT_EQ(k.auth_keys(watch).size(), 1u);
  EXPECT_EQ(k.auth_keys(watch)[0].key, *a.auth_key);
  EXPECT_EQ(k.auth_keys(watch)[0].source, Source::option);
  EXPECT_EQ(k.auth_keys(*BdAddr::parse("11:22:33:44:55:66")).size(), 0u);  // a device with none: no key
  const auto all = k.auth_keys(std::nullopt);                              // no address: every key, by address
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0].mac, watch);
  EXPECT_EQ(all[1].mac, other);
  // --export-keys writes the key given as an option (learned nothing: the key never travels).
  const auto exported = k.learned();
  ASSERT_EQ(exported.size(), 1u);
  EXPECT_EQ(exported[0].mac, watch);
  EXPECT_EQ(exported[0].auth_key, a.auth_key);
}

}  // namespace
}  // namespace fe95
