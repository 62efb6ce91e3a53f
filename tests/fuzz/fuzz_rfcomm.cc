// SPDX-License-Identifier: GPL-2.0-or-later
// The BR/EDR L2CAP channel tracker and the RFCOMM session alone, fed records decoded from the
// input: [kind][dir][len u16 LE][bytes]. Kind 0: a C-frame on CID 1 (ChannelTracker); kind 1: an
// SDU of the PSM 3 channel (rfcomm::Session); kind 2: an SDU addressed to a CID, routed by the
// tracker as the Stack will route it. dir: 0 sent, 1 rcvd, else unknown.
#include "fe95/l2cap/signaling.h"
#include "fe95/rfcomm/rfcomm.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace fe95;
  Cursor c(ByteView(data, size));
  l2cap::ChannelTracker tracker;
  rfcomm::Session session, routed;
  std::uint8_t kind = 0, d = 0;
  std::uint16_t len = 0;
  ByteView bytes;
  std::uint64_t frame = 0, touched = 0;
  while (c.u8(kind) && c.u8(d) && c.u16le(len) && c.bytes(len, bytes)) {
    ++frame;
    const Direction dir = d == 0 ? Direction::sent : d == 1 ? Direction::rcvd : Direction::unknown;
    switch (kind % 3) {
      case 0:
        for (const auto& e : tracker.feed(frame, dir, bytes)) touched += e.channel.psm;
        break;
      case 1: {
        auto r = session.feed(frame, dir, bytes);
        for (const auto& e : r.events) touched += e.data.size() + e.credits;  // the views must be valid here
        for (const auto& m : r.mux) touched += m.value.size();
        touched += r.frame.info.size();
        break;
      }
      case 2: {
        if (bytes.size() < 2) break;
        const l2cap::DynamicChannel* ch = tracker.find(dir, load_u16le(bytes.data()));
        if (ch && ch->psm == rfcomm::kPsm) touched += routed.feed(frame, dir, bytes.subspan(2)).events.size();
        break;
      }
    }
  }
  for (std::uint8_t i = 0; i <= rfcomm::kMaxDlci; ++i) touched += session.dlc(i).stream_bytes[0];
  tracker.reset();
  return touched == 0xdeadbeef ? 1 : 0;
}
