// SPDX-License-Identifier: GPL-2.0-or-later
// What the Stack follows above L2CAP on a BR/EDR link: its dynamic channels (the signalling on
// CID 0x0001, l2cap/signaling.h) and RFCOMM on the channels of PSM 3 (rfcomm/rfcomm.h), the wiring
// of docs/MIWEAR.md §12 step 1 (tests/support/wear_read.cc is the reference loop). It hands each
// RFCOMM frame and each DLC's data up to the Stack's Listener, and reports what RFCOMM and the
// channel tracker find wrong as link diagnostics: each kind once per link, at its first
// occurrence (a flood of bad frames is one line; the rest are counted by the layers).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "fe95/capture/capture.h"
#include "fe95/diag.h"
#include "fe95/l2cap/signaling.h"
#include "fe95/rfcomm/rfcomm.h"

namespace fe95 {

class Listener;
struct Connection;

class BrEdrChannels {
 public:
  // RFCOMM sessions followed per link: one PSM 3 channel is the norm; a new one past the cap
  // replaces the oldest.
  static constexpr std::size_t kMaxRfcommSessions = 4;

  // A C-frame on CID 0x0001 of the link.
  void signaling(const Record& rec, const Connection& c, ByteView payload, Listener& l);
  // A B-frame with this CID: true when it belongs to a PSM 3 channel (consumed here).
  bool data(const Record& rec, const Connection& c, std::uint16_t cid, ByteView sdu, Listener& l);

 private:
  struct Rfcomm {
    std::uint16_t requester_cid = 0;
    Direction requester = Direction::unknown;
    rfcomm::Session session;
  };
  Rfcomm& session_of(const l2cap::DynamicChannel& ch);
  void report(const Record& rec, Diagnostic d, ByteView raw, Listener& l);

  l2cap::ChannelTracker tracker_{{rfcomm::kPsm}};
  std::vector<Rfcomm> sessions_;  // at most kMaxRfcommSessions
  std::uint32_t reported_ = 0;    // the rfcomm::ProblemKinds already reported on this link (a bit each)
  bool evicted_reported_ = false;
};

}  // namespace fe95
