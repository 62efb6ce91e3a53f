// SPDX-License-Identifier: GPL-2.0-or-later
// L2CAP basic-frame reassembly from HCI ACL fragments (Core v5.3 Vol 3 Part A §3.1, §7.2).
// State is keyed by the full identity (adapter, ACL handle, direction): BlueZ keys it per
// controller only, so two interleaved LE links corrupt each other -- the counter-example.
#pragma once

#include <cstdint>
#include <unordered_map>

#include "fe95/bytes.h"
#include "fe95/capture/capture.h"
#include "fe95/diag.h"
#include "fe95/hci/hci.h"

namespace fe95::l2cap {

inline constexpr std::uint16_t kCidAtt = 0x0004;
inline constexpr std::uint16_t kCidSignalingBrEdr = 0x0001;
inline constexpr std::uint16_t kCidSignaling = 0x0005;  // LE
inline constexpr std::uint16_t kCidSmp = 0x0006;

struct Frame {
  std::uint16_t cid = 0;
  ByteView payload;               // valid until the next feed()
  std::uint64_t first_frame = 0;  // record that started the SDU (== last record when unfragmented)
};

class DiagnosticSink {
 public:
  virtual ~DiagnosticSink() = default;
  virtual void diagnostic(Diagnostic d) = 0;
};

class Reassembler {
 public:
  // At most this many SDUs are in flight at once (64 x 64 KiB = 4 MiB); a new one past the cap
  // evicts the longest-idle, with a diagnostic.
  static constexpr std::size_t kMaxPending = 64;

  explicit Reassembler(DiagnosticSink& sink) : sink_(sink) {}

  // Feeds one ACL packet. Returns true and fills out when an L2CAP frame is complete.
  bool feed(const Record& rec, const hci::AclHeader& acl, Frame& out);
  // Drops state for a link (disconnection); reports an unfinished SDU.
  void reset(std::uint16_t adapter, std::uint16_t handle, const Record& rec);
  [[nodiscard]] std::size_t pending() const { return pending_.size(); }

 private:
  struct Pending {
    Bytes buf;
    std::uint32_t expected = 0;  // 4 + L2CAP length; 0 while the length field is still incomplete
    std::uint64_t first_frame = 0;
    std::uint64_t last_frame = 0;
  };
  static std::uint64_t key(std::uint16_t adapter, std::uint16_t handle, Direction dir) {
    return static_cast<std::uint64_t>(adapter) << 24 | static_cast<std::uint64_t>(handle) << 8 |
           static_cast<std::uint64_t>(dir);
  }
  bool complete(Pending& p, Frame& out);

  DiagnosticSink& sink_;
  std::unordered_map<std::uint64_t, Pending> pending_;
  Bytes done_;  // the last reassembled SDU, so out.payload stays valid until the next feed
};

}  // namespace fe95::l2cap
