// SPDX-License-Identifier: GPL-2.0-or-later
// BR/EDR L2CAP signalling (CID 0x0001, Core v5.3 Vol 3 Part A §4): which dynamic channel a
// B-frame's CID belongs to. A pure per-link tracker of Connection Request/Response (the PSM and
// the two CIDs), Configuration Request (MTU, mode) and Disconnection Request/Response; the Stack
// feeds it the C-frames of one ACL link and asks it for the channel of each data CID. RFCOMM is
// PSM 3 (fe95/rfcomm/rfcomm.h); docs/MIWEAR.md §11.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "fe95/bytes.h"
#include "fe95/capture/capture.h"

namespace fe95::l2cap {

// Signalling command codes (Vol 3 Part A §4, table 4.2).
enum SigCode : std::uint8_t {
  kCommandReject = 0x01,
  kConnectionRequest = 0x02,
  kConnectionResponse = 0x03,
  kConfigureRequest = 0x04,
  kConfigureResponse = 0x05,
  kDisconnectionRequest = 0x06,
  kDisconnectionResponse = 0x07,
  kEchoRequest = 0x08,
  kEchoResponse = 0x09,
  kInformationRequest = 0x0a,
  kInformationResponse = 0x0b,
};
const char* sig_code_name(std::uint8_t code);  // "connection_request", ... or ""

struct SigCommand {
  std::uint8_t code = 0;
  std::uint8_t id = 0;
  ByteView data;  // the command's data (its length field's worth)
};
struct SigParse {
  std::vector<SigCommand> commands;  // at most kMaxSigCommands
  bool malformed = false;            // a command header or length runs past the frame
};
inline constexpr std::size_t kMaxSigCommands = 16;
// The commands of one C-frame (several may share it, §4).
SigParse parse_signaling(ByteView payload);

// Connection Response results (§4.3).
enum : std::uint16_t { kConnSuccess = 0, kConnPending = 1 };

struct DynamicChannel {
  std::uint16_t psm = 0;
  Direction requester = Direction::unknown;  // who sent the Connection Request
  std::uint16_t requester_cid = 0;           // its source CID
  std::uint16_t responder_cid = 0;           // the responder's (the response's destination CID)
  std::uint64_t opened_frame = 0;
  // MTU each side announced in its Configuration Request (index: Direction sent 0, rcvd 1);
  // 0 when not seen (the default 672 applies, §5.1).
  std::uint16_t mtu[2] = {0, 0};
  std::uint8_t mode = 0;  // the retransmission/flow-control mode asked (§5.4): 0 basic
  // The CID a B-frame sent by `from` carries on this channel: the receiver's CID (§2.1).
  [[nodiscard]] std::uint16_t cid_from(Direction from) const {
    return from == requester ? responder_cid : requester_cid;
  }
};

class ChannelTracker {
 public:
  // Bounds on a hostile capture: unanswered requests and open channels per link.
  static constexpr std::size_t kMaxPending = 16;
  static constexpr std::size_t kMaxChannels = 32;

  enum class EventKind : std::uint8_t { opened, refused, closed, evicted };
  struct Event {
    EventKind kind = EventKind::opened;
    DynamicChannel channel;
    std::uint64_t frame = 0;
    std::uint16_t result = 0;  // refused: the Connection Response's result
  };
  struct Counters {
    std::uint64_t commands = 0, malformed = 0, unmatched_responses = 0, pending_dropped = 0, evicted = 0;
  };

  // psms: the PSMs whose channels are followed (empty: every PSM).
  explicit ChannelTracker(std::vector<std::uint16_t> psms = {3}) : psms_(std::move(psms)) {}

  // One C-frame on CID 0x0001 of the link, sent by `dir`.
  std::vector<Event> feed(std::uint64_t frame, Direction dir, ByteView payload);
  // The open channel a B-frame sent by `dir` with this CID belongs to, or null.
  [[nodiscard]] const DynamicChannel* find(Direction dir, std::uint16_t cid) const;
  // The link went down: every channel closes (no event), pending requests are dropped.
  void reset();

  [[nodiscard]] std::size_t open_channels() const { return channels_.size(); }
  [[nodiscard]] const Counters& counters() const { return counters_; }

 private:
  struct Request {
    Direction from = Direction::unknown;
    std::uint8_t id = 0;
    std::uint16_t psm = 0, scid = 0;
    std::uint64_t frame = 0;
  };
  [[nodiscard]] bool follows(std::uint16_t psm) const;
  void on_command(std::vector<Event>& out, std::uint64_t frame, Direction dir, const SigCommand& c);
  // The channel whose endpoint on `side` has CID `local_cid` (side unknown: either endpoint).
  std::vector<DynamicChannel>::iterator channel_of_local(Direction side, std::uint16_t local_cid);

  std::vector<std::uint16_t> psms_;
  std::vector<Request> requests_;
  std::vector<DynamicChannel> channels_;
  Counters counters_;
};

}  // namespace fe95::l2cap
