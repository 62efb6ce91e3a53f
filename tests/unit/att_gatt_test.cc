// SPDX-License-Identifier: GPL-2.0-or-later
// ATT opcode table and the GATT map learned from discovery.
#include "fe95/att/att.h"

#include <gtest/gtest.h>

#include "fe95/att/gatt.h"

namespace fe95 {
namespace {

TEST(Att, EveryOpcodeIsLengthChecked) {
  int known = 0;
  for (int op = 0; op < 256; ++op) {
    const auto* info = att::opcode_info(static_cast<std::uint8_t>(op));
    if (!info) continue;
    ++known;
    Bytes shorter(info->min_len - 1u, 0);
    if (!shorter.empty()) shorter[0] = static_cast<std::uint8_t>(op);
    att::Pdu p;
    EXPECT_NE(att::parse(shorter, p), att::ParseError::none) << std::hex << op;
    Bytes exact(info->min_len, 0);
    exact[0] = static_cast<std::uint8_t>(op);
    EXPECT_EQ(att::parse(exact, p), att::ParseError::none) << std::hex << op;
  }
  EXPECT_EQ(known, 31);  // Core v5.3 Vol 3 Part F §3.4.8
}

TEST(Att, UnknownOpcodeAndEmpty) {
  att::Pdu p;
  EXPECT_EQ(att::parse(Bytes{0x7f}, p), att::ParseError::unknown_opcode);
  EXPECT_EQ(att::parse(Bytes{}, p), att::ParseError::empty);
}

TEST(Att, FixedLengthOpcodeTooLongKeepsItsFields) {
  att::Pdu p;
  const Bytes long_read{0x0a, 0xff, 0x03, 0x99};
  EXPECT_EQ(att::parse(long_read, p), att::ParseError::bad_length);
  EXPECT_TRUE(p.has_handle);
  EXPECT_EQ(p.handle, 0x03ff);
}

TEST(Att, WriteAndNotification) {
  att::Pdu p;
  const Bytes write{0x12, 0x10, 0x00, 0x90, 0xca, 0x85, 0xde};
  ASSERT_EQ(att::parse(write, p), att::ParseError::none);
  EXPECT_EQ(p.handle, 0x10);
  EXPECT_EQ(to_hex(p.value), "90ca85de");
  const Bytes signed_write{0xd2, 0x10, 0x00, 0x01, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
  ASSERT_EQ(att::parse(signed_write, p), att::ParseError::none);
  EXPECT_EQ(to_hex(p.value), "01");  // the 12-byte signature is not part of the value
}

TEST(Att, UuidStrings) {
  EXPECT_EQ(att::Uuid::from(Bytes{0x95, 0xfe}).str(), "fe95");
  // 0000fe95-0000-1000-8000-00805f9b34fb, the 16-bit alias in 128-bit form
  Bytes base{0xfb, 0x34, 0x9b, 0x5f, 0x80, 0x00, 0x00, 0x80, 0x00, 0x10, 0x00, 0x00, 0x95, 0xfe, 0x00, 0x00};
  EXPECT_EQ(att::Uuid::from(base).str(), "fe95");
  base[0] = 0xfa;
  EXPECT_EQ(att::Uuid::from(base).str(), "0000fe95-0000-1000-8000-00805f9b34fa");
}

gatt::Request request(std::uint8_t op, std::uint16_t type) {
  gatt::Request r;
  r.opcode = op;
  r.type = att::Uuid::from(Bytes{static_cast<std::uint8_t>(type), static_cast<std::uint8_t>(type >> 8)});
  return r;
}

TEST(Gatt, LearnsServicesCharacteristicsAndDescriptors) {
  gatt::Server s;
  att::Pdu p;
  const Bytes services{0x11, 0x06, 0x0c, 0x00, 0x1c, 0x00, 0x95, 0xfe};
  const Bytes chars{0x09, 0x07, 0x11, 0x00, 0x18, 0x12, 0x00, 0x01, 0x00};
  const Bytes descriptors{0x05, 0x01, 0x13, 0x00, 0x02, 0x29};
  ASSERT_EQ(att::parse(services, p), att::ParseError::none);
  EXPECT_TRUE(s.learn(request(0x10, 0x2800), p));
  ASSERT_EQ(att::parse(chars, p), att::ParseError::none);
  EXPECT_TRUE(s.learn(request(0x08, 0x2803), p));
  ASSERT_EQ(att::parse(descriptors, p), att::ParseError::none);
  EXPECT_TRUE(s.learn(request(0x04, 0), p));
  ASSERT_NE(s.service_of(0x12), nullptr);
  EXPECT_EQ(s.service_of(0x12)->uuid.str(), "fe95");
  EXPECT_EQ(s.service_of(0x1d), nullptr);
  ASSERT_NE(s.attribute(0x12), nullptr);
  EXPECT_EQ(s.attribute(0x12)->uuid.str(), "0001");
  EXPECT_EQ(s.attribute(0x13)->uuid.str(), "2902");
  EXPECT_EQ(s.find_characteristic(0xfe95, 0x0001), 0x12);
  EXPECT_EQ(s.find_characteristic(0x1800, 0x0001), 0);
}

TEST(Gatt, MillionsOfClaimedHandlesStayBounded) {
  gatt::Server s;
  bool capped = false;
  for (std::uint32_t base = 1; base < 60000; base += 3) {
    Bytes rsp{0x09, 0x07};
    const auto h = static_cast<std::uint16_t>(base);
    rsp.insert(rsp.end(), {static_cast<std::uint8_t>(h), static_cast<std::uint8_t>(h >> 8), 0x02,
                           static_cast<std::uint8_t>(h + 1), static_cast<std::uint8_t>((h + 1) >> 8), 0x00, 0x2a});
    att::Pdu p;
    ASSERT_EQ(att::parse(rsp, p), att::ParseError::none);
    if (!s.learn(request(0x08, 0x2803), p)) capped = true;
  }
  EXPECT_TRUE(capped);
  EXPECT_LE(s.size(), gatt::Server::kMaxAttributes + gatt::Server::kMaxServices);
}

}  // namespace
}  // namespace fe95
