// SPDX-License-Identifier: GPL-2.0-or-later
// The standard-auth transfer channel, characteristic 0x0019 ("rxfer", docs/STANDARD_AUTH.md §2):
// control frames (commands, acks, singles, link-parameter management) and data fragments,
// reassembled into messages, one transfer at a time. Both directions use the same procedure; the
// sender of a frame is known from its ATT opcode (the app writes, the device notifies).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "fe95/bytes.h"
#include "fe95/diag.h"
#include "fe95/session/session.h"

namespace fe95::stdauth {

enum class Sender : std::uint8_t { app, device };
const char* sender_name(Sender s);  // "app", "device"
inline Sender other(Sender s) {
  return s == Sender::app ? Sender::device : Sender::app;
}

// Frame kinds (§2.2): sn == 0 selects a control frame by byte 2.
enum class FrameKind : std::uint8_t {
  command,     // 00 00 00 <type> <count u16>: a message of <count> fragments follows
  ack,         // 00 00 01 <status> [lost sn u16...]
  single,      // 00 00 02 <type> <message>
  single_ack,  // 00 00 03 <status>
  link_ask,    // 00 00 04 <sub> ...: link-parameter management from its initiator
  link_ack,    // 00 00 05 <sub> ...: its answer
  data,        // <sn u16, sn >= 1> <payload>
  malformed,   // too short, or an unknown control type
};
const char* frame_kind_name(FrameKind k);

// ACK status (§2.2).
enum : std::uint8_t { kAckSuccess = 0, kAckReady = 1, kAckBusy = 2, kAckTimeout = 3, kAckCancel = 4, kAckLost = 5 };

struct Frame {
  FrameKind kind = FrameKind::malformed;
  std::uint16_t sn = 0;                // data fragments
  std::uint8_t sub = 0;                // command/single: data type; ack/single_ack: status; link: 0 ask, 1 test
  std::optional<std::uint16_t> count;  // command: fragments announced (absent in a 4-byte command)
  std::vector<std::uint16_t> lost;     // ack lost: the fragments to send again
  ByteView payload;                    // single/link: after byte 3; data: after the sn
};
Frame parse_frame(ByteView value);

const char* data_type_name(std::uint8_t type);   // "app_random", ... or "" when unknown (§3.2)
const char* ack_name(std::uint8_t status);       // "success", "ready", ... or ""
const char* opcode_name(std::uint8_t low_byte);  // "dev_info_get", "login_success", ... or "" (§3.1)

// A whole message: what the sender meant to transfer.
struct Message {
  Sender from = Sender::app;
  std::uint8_t type = 0;
  Bytes data;
  bool single = false;                // one single frame (type 2)
  std::vector<std::uint64_t> frames;  // the command (or single) and every fragment kept
};

// A protocol violation found by the channel: a finding with the frames it names and its typed
// arguments (worded by describe(), explain.cc).
using Problem = session::Finding;

class Channel {
 public:
  // Bounds on a hostile capture: fragments per message (a public key is 4, a login confirmation 2;
  // 64 x 242 bytes is more than any standard-auth message), lost-acks per transfer, and the
  // problems reported per channel.
  static constexpr std::uint16_t kMaxFragments = 64;
  static constexpr std::size_t kMaxLostAcks = 16;
  static constexpr std::size_t kMaxProblems = 32;

  struct Result {
    Frame frame;
    std::optional<Message> message;  // completed by this frame
    bool resend = false;             // a data fragment sent again (after a lost-ack)
    bool ignored = false;            // part of a transfer being ignored (too long, lost-ack loop)
  };
  // One ATT value on the channel. `problems` receives what this frame violates.
  Result feed(std::uint64_t frame, Sender from, ByteView value, std::vector<Problem>& problems);
  // The channel ends (session end): an unfinished transfer is a problem.
  void finish(std::vector<Problem>& problems);

  [[nodiscard]] std::uint16_t dmtu() const { return dmtu_; }
  [[nodiscard]] bool negotiated() const { return negotiated_; }
  [[nodiscard]] bool busy() const { return active_.has_value(); }

 private:
  struct Transfer {
    Sender from;
    std::uint8_t type;
    std::optional<std::uint16_t> count;
    std::vector<Bytes> fragments;  // by sn - 1
    std::vector<bool> have;
    std::size_t received = 0;
    std::vector<std::uint64_t> frames;
    std::size_t lost_acks = 0;
  };
  void problem(std::vector<Problem>& out, Problem p);
  std::optional<Message> complete_if_done(bool on_success);

  std::optional<Transfer> active_;
  std::optional<Sender> ignoring_;  // fragments of an ignored transfer from this sender are dropped
  std::uint16_t dmtu_ = 18;
  bool negotiated_ = false;
  std::size_t problems_ = 0;
};

}  // namespace fe95::stdauth
