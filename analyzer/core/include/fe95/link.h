// SPDX-License-Identifier: GPL-2.0-or-later
// A connection as the layers above L2CAP see it: ATT and the Xiaomi sessions key their state by
// Link::id and report where a link is (adapter, handle or label) and whom it reaches (peer).
// Both front ends produce it: the CLI's Stack (stack/stack.h) for every HCI connection and
// over-the-air link, the Wireshark plugin for every link btatt shows.
#pragma once

#include <cstdint>
#include <string>

#include "fe95/bytes.h"

namespace fe95 {

// Disconnect reasons that are not HCI error codes (Vol 1 Part F): why fe95 itself closed a link.
inline constexpr std::uint8_t kReasonEndOfCapture = 0xfd;  // the capture ended with the link up
inline constexpr std::uint8_t kReasonSuperseded = 0xfe;    // a new connection reused the handle
inline constexpr std::uint8_t kReasonEvicted = 0xff;       // dropped by a cap on live connections

struct Link {
  std::uint64_t id = 0;           // unique per connection in one run (a reused handle is a new link)
  std::uint16_t adapter = 0;      // controller index (Linux monitor), else 0
  std::uint16_t handle = 0;       // ACL connection handle (over the air: fe95's own number)
  std::string label;              // over-the-air links: "LL 0x8edf9233"; else empty
  bool known = false;             // the connection event was seen: peer and connected_ns are set
  BdAddr peer;                    // the remote device
  std::int64_t connected_ns = 0;  // when the connection event was seen
};

}  // namespace fe95
