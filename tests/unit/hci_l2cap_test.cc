// SPDX-License-Identifier: GPL-2.0-or-later
// HCI events and L2CAP reassembly, with literal byte arrays named by scenario.
#include <gtest/gtest.h>

#include <memory>

#include "fe95/hci/hci.h"
#include "fe95/l2cap/l2cap.h"

namespace fe95 {
namespace {

TEST(Hci, LeConnectionComplete) {
  const Bytes ev{0x3e, 0x13, 0x01, 0x00, 0x40, 0x00, 0x00, 0x00, 0x34, 0x12, 0x6a,
                 0x8d, 0x7c, 0xc4, 0x27, 0x00, 0x00, 0x00, 0xf4, 0x01, 0x00};
  hci::Event e;
  hci::parse_event(ev, e);
  ASSERT_TRUE(e.connection);
  EXPECT_FALSE(e.malformed);
  EXPECT_EQ(e.connection->handle, 0x40);
  EXPECT_EQ(e.connection->peer.str(), "C4:7C:8D:6A:12:34");
}

TEST(Hci, TruncatedEventIsMalformedNotACrash) {
  const Bytes ev{0x3e, 0x13, 0x01, 0x00, 0x40};
  hci::Event e;
  hci::parse_event(ev, e);
  EXPECT_TRUE(e.malformed);
  EXPECT_FALSE(e.connection);
}

TEST(Hci, AdvertisingReportWithServiceData) {
  const Bytes ev{0x3e, 0x17, 0x02, 0x01, 0x00, 0x00, 0x28, 0x4f, 0x86, 0x38, 0xc1, 0xa4, 0x0b,
                 0x02, 0x01, 0x06, 0x07, 0x16, 0x95, 0xfe, 0x30, 0x58, 0x5b, 0x05, 0xc4};
  hci::Event e;
  hci::parse_event(ev, e);
  ASSERT_EQ(e.adverts.size(), 1u);
  EXPECT_EQ(e.adverts[0].addr.str(), "A4:C1:38:86:4F:28");
  int service_data = 0;
  EXPECT_TRUE(hci::for_each_ad(e.adverts[0].data, [&](std::uint8_t type, ByteView d) {
    if (type == 0x16 && d.size() >= 2 && d[0] == 0x95 && d[1] == 0xfe) ++service_data;
  }));
  EXPECT_EQ(service_data, 1);
}

TEST(Hci, AdStructureRunningPastTheEnd) {
  const Bytes ad{0x02, 0x01, 0x06, 0x09, 0x16, 0x95};
  int n = 0;
  EXPECT_FALSE(hci::for_each_ad(ad, [&](std::uint8_t, ByteView) { ++n; }));
  EXPECT_EQ(n, 1);
}

struct Collect : l2cap::DiagnosticSink {
  std::vector<Diagnostic> diags;
  void diagnostic(Diagnostic d) override { diags.push_back(std::move(d)); }
};

Record rec(std::uint64_t frame, Direction dir) {
  Record r;
  r.frame = frame;
  r.dir = dir;
  return r;
}

// Keeps every fragment alive for the whole test: the reassembler hands out views.
hci::AclHeader acl(std::uint16_t handle, std::uint8_t pb, Bytes data) {
  static std::vector<std::unique_ptr<Bytes>> keep;
  keep.push_back(std::make_unique<Bytes>(std::move(data)));
  hci::AclHeader h;
  h.handle = handle;
  h.pb = pb;
  h.data = *keep.back();
  return h;
}

TEST(L2cap, TwoLinksInterleavingFragmentsDoNotCorruptEachOther) {
  Collect sink;
  l2cap::Reassembler r(sink);
  const Bytes a1{0x05, 0x00, 0x04, 0x00, 0x1b, 0x12}, a2{0x00, 0xaa, 0xbb};
  const Bytes b1{0x04, 0x00, 0x04, 0x00, 0x52}, b2{0x10, 0x00, 0xcc};
  l2cap::Frame f;
  EXPECT_FALSE(r.feed(rec(1, Direction::rcvd), acl(0x40, 2, a1), f));
  EXPECT_FALSE(r.feed(rec(2, Direction::sent), acl(0x41, 0, b1), f));
  ASSERT_TRUE(r.feed(rec(3, Direction::rcvd), acl(0x40, 1, a2), f));
  EXPECT_EQ(to_hex(f.payload), "1b1200aabb");
  EXPECT_EQ(f.first_frame, 1u);
  ASSERT_TRUE(r.feed(rec(4, Direction::sent), acl(0x41, 1, b2), f));
  EXPECT_EQ(to_hex(f.payload), "521000cc");
  EXPECT_TRUE(sink.diags.empty());
}

TEST(L2cap, SameHandleOppositeDirectionsAreSeparate) {
  Collect sink;
  l2cap::Reassembler r(sink);
  l2cap::Frame f;
  EXPECT_FALSE(r.feed(rec(1, Direction::sent), acl(0x40, 0, {0x03, 0x00, 0x04, 0x00, 0x12}), f));
  EXPECT_FALSE(r.feed(rec(2, Direction::rcvd), acl(0x40, 2, {0x03, 0x00, 0x04, 0x00, 0x1b}), f));
  ASSERT_TRUE(r.feed(rec(3, Direction::sent), acl(0x40, 1, {0x01, 0x02}), f));
  EXPECT_EQ(to_hex(f.payload), "120102");
  EXPECT_TRUE(sink.diags.empty());
}

TEST(L2cap, ContinuationWithoutStart) {
  Collect sink;
  l2cap::Reassembler r(sink);
  l2cap::Frame f;
  EXPECT_FALSE(r.feed(rec(7, Direction::rcvd), acl(0x40, 1, {0x01, 0x02}), f));
  ASSERT_EQ(sink.diags.size(), 1u);
  EXPECT_EQ(sink.diags[0].code, Code::l2cap_continuation_without_start);
  EXPECT_EQ(sink.diags[0].frame, 7u);
  EXPECT_EQ(sink.diags[0].raw_hex, "0102");
}

TEST(L2cap, NewStartWhilePendingDropsTheOldOne) {
  Collect sink;
  l2cap::Reassembler r(sink);
  l2cap::Frame f;
  EXPECT_FALSE(r.feed(rec(1, Direction::rcvd), acl(0x40, 2, {0x09, 0x00, 0x04, 0x00, 0x1b}), f));
  ASSERT_TRUE(r.feed(rec(2, Direction::rcvd), acl(0x40, 2, {0x01, 0x00, 0x04, 0x00, 0x1e}), f));
  EXPECT_EQ(to_hex(f.payload), "1e");
  ASSERT_EQ(sink.diags.size(), 1u);
  EXPECT_EQ(sink.diags[0].code, Code::l2cap_start_while_pending);
}

TEST(L2cap, LengthOverflowIsDropped) {
  Collect sink;
  l2cap::Reassembler r(sink);
  l2cap::Frame f;
  EXPECT_FALSE(r.feed(rec(1, Direction::rcvd), acl(0x40, 2, {0x03, 0x00, 0x04, 0x00, 0x1b}), f));
  EXPECT_FALSE(r.feed(rec(2, Direction::rcvd), acl(0x40, 1, {0x01, 0x02, 0x03, 0x04}), f));
  ASSERT_EQ(sink.diags.size(), 1u);
  EXPECT_EQ(sink.diags[0].code, Code::l2cap_overflow);
  EXPECT_EQ(r.pending(), 0u);
}

TEST(L2cap, PendingSdusAreCapped) {
  Collect sink;
  l2cap::Reassembler r(sink);
  l2cap::Frame f;
  // 65,535-byte SDUs that never finish, on ever new handles: memory stays bounded.
  for (std::uint16_t h = 0; h < 1000; ++h)
    r.feed(rec(h + 1u, Direction::rcvd), acl(h, 2, {0xff, 0xff, 0x04, 0x00, 0x1b}), f);
  EXPECT_EQ(r.pending(), l2cap::Reassembler::kMaxPending);
  EXPECT_EQ(sink.diags.size(), 1000u - l2cap::Reassembler::kMaxPending);
}

}  // namespace
}  // namespace fe95

namespace fe95 {
namespace {

TEST(Hci, CommandCompleteAndStatus) {
  hci::Event e;
  const Bytes complete{0x0e, 0x04, 0x01, 0x03, 0x0c, 0x00};  // Reset, success
  hci::parse_event(complete, e);
  ASSERT_TRUE(e.command);
  EXPECT_EQ(e.command->opcode, 0x0c03);
  EXPECT_EQ(e.command->status, 0);
  EXPECT_FALSE(e.command->is_status);
  const Bytes status{0x0f, 0x04, 0x0c, 0x01, 0x0d, 0x20};  // LE Create Connection, command disallowed
  hci::parse_event(status, e);
  ASSERT_TRUE(e.command);
  EXPECT_EQ(e.command->opcode, 0x200d);
  EXPECT_EQ(e.command->status, 0x0c);
  EXPECT_TRUE(e.command->is_status);
  const Bytes cut{0x0f, 0x04, 0x0c};
  hci::parse_event(cut, e);
  EXPECT_TRUE(e.malformed);
  EXPECT_FALSE(e.command);
}

}  // namespace
}  // namespace fe95
