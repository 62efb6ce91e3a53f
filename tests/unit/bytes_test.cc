// SPDX-License-Identifier: GPL-2.0-or-later
#include <gtest/gtest.h>

#include "fe95/bytes.h"

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

#include "fe95/keys.h"

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

}  // namespace
}  // namespace fe95
