// SPDX-License-Identifier: GPL-2.0-or-later
// The HCI -> L2CAP -> ATT stack on hand-built records: request matching, ATT on a BR/EDR channel
// opened on the signalling channel, GATT maps remembered across connections; and the LRU map
// behind every per-device cap.
#include "fe95/stack/stack.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "fe95/att/bearer.h"
#include "fe95/lru.h"

namespace fe95 {
namespace {

struct Seen {
  std::uint64_t frame = 0;
  std::uint16_t conn = 0;
  std::uint8_t opcode = 0;
  bool has_handle = false;
  std::uint16_t handle = 0;
  std::uint64_t request_frame = 0;  // 0: no request matched
  std::string service, uuid;        // from the GATT map, "" when unknown
};

// The stack's links and PDUs through the ATT bearer, as both front ends see them.
class Recorder final : public Listener, private att::Listener {
 public:
  void on_link_up(const Record&, const Connection& c) override { bearers.open(c.link); }
  void on_att(const Record& rec, std::uint64_t first_frame, const Connection& c, ByteView pdu) override {
    bearers.pdu(rec, first_frame, c.link, pdu);
  }
  void on_disconnect(const Record& rec, const Connection& c, std::uint8_t) override {
    bearers.close(c.link, rec.frame);
  }
  void on_att(const att::Event& ev) override {
    Seen s;
    s.frame = ev.rec.frame;
    s.conn = ev.link.handle;
    s.opcode = ev.pdu.opcode;
    s.has_handle = ev.pdu.has_handle;
    s.handle = ev.pdu.handle;
    if (ev.request) s.request_frame = ev.request->frame;
    if (ev.service) s.service = ev.service->uuid.str();
    if (ev.attribute) s.uuid = ev.attribute->uuid.str();
    seen.push_back(s);
  }
  void on_diagnostic(const Diagnostic& d) override { diags.push_back(d); }
  std::vector<Seen> seen;
  std::vector<Diagnostic> diags;
  att::Bearers bearers{*this};
};

// Feeds hand-built HCI packets, numbering frames from 1.
class Feeder {
 public:
  explicit Feeder(Stack& s) : stack_(s) {}
  void packet(PacketType type, Direction dir, std::vector<std::uint8_t> bytes) {
    keep_.push_back(std::move(bytes));
    Record r;
    r.frame = ++frame;
    r.ts_ns = static_cast<std::int64_t>(frame) * 1000000;
    r.dir = dir;
    r.type = type;
    r.data = keep_.back();
    stack_.feed(r);
  }
  void le_connect(std::uint16_t handle, std::uint8_t last_addr_byte) {
    std::vector<std::uint8_t> p{0x01,
                                0x00,
                                static_cast<std::uint8_t>(handle),
                                static_cast<std::uint8_t>(handle >> 8),
                                0x00,
                                0x00,
                                last_addr_byte,
                                0x12,
                                0x6a,
                                0x8d,
                                0x7c,
                                0xc4,
                                0x18,
                                0x00,
                                0x00,
                                0x00,
                                0xc8,
                                0x00,
                                0x00};
    std::vector<std::uint8_t> ev{0x3e, static_cast<std::uint8_t>(p.size())};
    ev.insert(ev.end(), p.begin(), p.end());
    packet(PacketType::event, Direction::rcvd, ev);
  }
  void disconnect(std::uint16_t handle) {
    packet(PacketType::event, Direction::rcvd,
           {0x05, 0x04, 0x00, static_cast<std::uint8_t>(handle), static_cast<std::uint8_t>(handle >> 8), 0x13});
  }
  // One unfragmented L2CAP frame on `cid`.
  void l2cap(std::uint16_t handle, Direction dir, std::uint16_t cid, const std::vector<std::uint8_t>& payload) {
    const auto l2len = static_cast<std::uint16_t>(payload.size());
    const auto acllen = static_cast<std::uint16_t>(payload.size() + 4);
    std::vector<std::uint8_t> acl{static_cast<std::uint8_t>(handle), static_cast<std::uint8_t>(0x20 | handle >> 8),
                                  static_cast<std::uint8_t>(acllen), static_cast<std::uint8_t>(acllen >> 8),
                                  static_cast<std::uint8_t>(l2len),  static_cast<std::uint8_t>(l2len >> 8),
                                  static_cast<std::uint8_t>(cid),    static_cast<std::uint8_t>(cid >> 8)};
    acl.insert(acl.end(), payload.begin(), payload.end());
    packet(PacketType::acl, dir, acl);
  }
  void att(std::uint16_t handle, Direction dir, const std::vector<std::uint8_t>& pdu) {
    l2cap(handle, dir, 0x0004, pdu);
  }
  std::uint64_t frame = 0;

 private:
  Stack& stack_;
  std::vector<std::vector<std::uint8_t>> keep_;
};

TEST(Stack, ResponsesTakeTheirRequestsHandleAndFrame) {
  Recorder r;
  Stack stack(r);
  Feeder f(stack);
  f.le_connect(0x0040, 0x34);
  f.att(0x0040, Direction::sent, {0x0a, 0x12, 0x00});              // 2: Read Request 0x0012
  f.att(0x0040, Direction::rcvd, {0x0b, 0x31, 0x2e, 0x30});        // 3: Read Response
  f.att(0x0040, Direction::rcvd, {0x0b, 0x31});                    // 4: a response nobody asked for
  f.att(0x0040, Direction::sent, {0x12, 0x15, 0x00, 0x01, 0x00});  // 5: Write Request 0x0015
  f.att(0x0040, Direction::sent, {0x13});                          // 6: a Write Response the wrong way
  f.att(0x0040, Direction::rcvd, {0x13});                          // 7: the Write Response
  ASSERT_EQ(r.seen.size(), 6u);
  EXPECT_EQ(r.seen[1].request_frame, 2u);
  EXPECT_TRUE(r.seen[1].has_handle);
  EXPECT_EQ(r.seen[1].handle, 0x0012);
  EXPECT_EQ(r.seen[2].request_frame, 0u);
  EXPECT_FALSE(r.seen[2].has_handle);
  EXPECT_EQ(r.seen[4].request_frame, 0u);  // a response travels opposite to its request
  EXPECT_EQ(r.seen[5].request_frame, 5u);
  EXPECT_EQ(r.seen[5].handle, 0x0015);
}

TEST(Stack, AttOnABrEdrChannelOpenedForPsm31) {
  Recorder r;
  Stack stack(r);
  Feeder f(stack);
  // Connection Request (PSM 0x001f, source CID 0x0040) from the host, Connection Response
  // (destination CID 0x0041, source CID 0x0040, success) from the peer, both on CID 0x0001.
  f.l2cap(0x000b, Direction::sent, 0x0001, {0x02, 0x07, 0x04, 0x00, 0x1f, 0x00, 0x40, 0x00});
  f.l2cap(0x000b, Direction::rcvd, 0x0001, {0x03, 0x07, 0x08, 0x00, 0x41, 0x00, 0x40, 0x00, 0x00, 0x00, 0x00, 0x00});
  f.l2cap(0x000b, Direction::sent, 0x0041, {0x0a, 0x03, 0x00});  // to the peer: its CID
  f.l2cap(0x000b, Direction::rcvd, 0x0040, {0x0b, 0x4b});        // to the host: the host's CID
  f.l2cap(0x000b, Direction::sent, 0x0040, {0x0a, 0x03, 0x00});  // wrong CID for this direction
  f.l2cap(0x000b, Direction::sent, 0x0050, {0x0a, 0x03, 0x00});  // a channel never opened
  ASSERT_EQ(r.seen.size(), 2u);
  EXPECT_EQ(r.seen[0].frame, 3u);
  EXPECT_EQ(r.seen[0].opcode, 0x0a);
  EXPECT_EQ(r.seen[1].frame, 4u);
  EXPECT_EQ(r.seen[1].request_frame, 3u);
}

TEST(Stack, GattMapOfAPeerIsRememberedAcrossConnections) {
  Recorder r;
  Stack stack(r);
  Feeder f(stack);
  f.le_connect(0x0040, 0x34);
  // Primary services: FE95 at 0x000c-0x001c. Characteristics: 0x0001 with value handle 0x000e.
  f.att(0x0040, Direction::sent, {0x10, 0x01, 0x00, 0xff, 0xff, 0x00, 0x28});
  f.att(0x0040, Direction::rcvd, {0x11, 0x06, 0x0c, 0x00, 0x1c, 0x00, 0x95, 0xfe});
  f.att(0x0040, Direction::sent, {0x08, 0x0c, 0x00, 0x1c, 0x00, 0x03, 0x28});
  f.att(0x0040, Direction::rcvd, {0x09, 0x07, 0x0d, 0x00, 0x12, 0x0e, 0x00, 0x01, 0x00});
  f.disconnect(0x0040);
  // The same device again, on another handle, with no discovery: its map is known.
  f.le_connect(0x0041, 0x34);
  f.att(0x0041, Direction::sent, {0x52, 0x0e, 0x00, 0x90, 0xca, 0x85, 0xde});
  // Another device on a third handle: nothing known.
  f.le_connect(0x0042, 0x99);
  f.att(0x0042, Direction::sent, {0x52, 0x0e, 0x00, 0x90, 0xca, 0x85, 0xde});
  ASSERT_EQ(r.seen.size(), 6u);
  EXPECT_EQ(r.seen[4].conn, 0x0041);
  EXPECT_EQ(r.seen[4].service, "fe95");
  EXPECT_EQ(r.seen[4].uuid, "0001");
  EXPECT_EQ(r.seen[5].conn, 0x0042);
  EXPECT_EQ(r.seen[5].uuid, "");
}

TEST(Lru, EvictsTheLeastRecentlySeenAndCountsIt) {
  LruMap<int> m(3);
  m.get(1) = 10;
  m.get(2) = 20;
  m.get(3) = 30;
  ASSERT_NE(m.touch(1), nullptr);  // 1 is now the most recent
  std::optional<std::pair<std::uint64_t, int>> out;
  m.get(4, &out) = 40;  // evicts 2
  ASSERT_TRUE(out);
  EXPECT_EQ(out->first, 2u);
  EXPECT_EQ(out->second, 20);
  EXPECT_EQ(m.size(), 3u);
  EXPECT_EQ(m.evictions(), 1u);
  EXPECT_EQ(m.peek(2), nullptr);
  EXPECT_EQ(*m.peek(1), 10);
  std::vector<std::uint64_t> order;
  m.for_each([&](std::uint64_t k, int) { order.push_back(k); });
  EXPECT_EQ(order, (std::vector<std::uint64_t>{3, 1, 4}));
  m.erase(3);
  EXPECT_EQ(m.size(), 2u);
}

}  // namespace
}  // namespace fe95
