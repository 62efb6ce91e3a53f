// SPDX-License-Identifier: GPL-2.0-or-later
// BLE-V1: the wearables' rxfer framing on FE95 characteristics 0x0051/0x0052/0x0053/0x0055
// (docs/MIWEAR.md §2). Each ATT value is one frame: a chunk (index >= 1), a chunked-message start
// with its encryption flag and chunk count, the receiver's acks (ready, done, nack, missing-chunk
// list), a single-frame message with its flag, or a single ack. V1Channel reassembles the
// messages of one characteristic, one chunked message per sender at a time, bounded.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <vector>

#include "fe95/bytes.h"
#include "fe95/miwear/common.h"

namespace fe95::miwear {

// The characteristics (16-bit UUIDs in service FE95, §1.2).
enum : std::uint16_t {
  kCharCommandRead = 0x0051,   // the watch's commands (notify); the phone writes acks
  kCharCommandWrite = 0x0052,  // the phone's commands (write); the watch notifies acks
  kCharActivity = 0x0053,      // activity files from the watch
  kCharUpload = 0x0055,        // uploads from the phone
  kCharV2Rx = 0x005e,          // BLE-V2: SPPv2 stream watch->phone (notify)
  kCharV2Tx = 0x005f,          // BLE-V2: SPPv2 stream phone->watch (write)
};

enum class V1Kind : std::uint8_t {
  chunk,       // nn nn data, nn >= 1
  start,       // 00 00 00 E NN NN: a chunked message follows (E: 1 encrypted, 0 plain)
  ready,       // 00 00 01 01: the receiver is ready for the chunks
  done,        // 00 00 01 00: the receiver has every chunk
  nack,        // 00 00 01 02: the receiver drops the message
  missing,     // 00 00 01 05 u16...: the chunks to send again (empty: everything)
  ack_other,   // 00 00 01 xx, another status
  single,      // 00 00 02 F body: a one-frame message (F: 1 encrypted, anything else plain)
  single_ack,  // 00 00 03 R: R = 0 ok, otherwise a nack
  malformed,   // too short, or an unknown control type
};
const char* v1_kind_name(V1Kind k);

struct V1Frame {
  V1Kind kind = V1Kind::malformed;
  std::uint16_t index = 0;             // chunk: its 1-based index
  std::uint8_t flag = 0;               // start/single: byte 3 (the encryption flag)
  bool encrypted = false;              // start: flag == 1; single: flag == 1
  std::optional<std::uint16_t> count;  // start: the chunk count
  std::uint8_t status = 0;             // acks: byte 3
  std::vector<std::uint16_t> missing;  // missing: the chunk indices (at most kMaxMissing)
  std::size_t missing_total = 0;       // missing: how many the frame lists
  ByteView payload;                    // chunk: after the index; single: the body
};
inline constexpr std::size_t kMaxMissing = 256;
V1Frame parse_v1(ByteView value);

// A whole message: a single frame, or chunks 1..N joined in index order (§2, GB's receiver).
struct V1Message {
  Dir from = Dir::to_watch;
  bool encrypted = false;
  bool single = false;
  std::uint8_t flag = 0;
  std::uint16_t chunks = 0;  // 0 for a single frame
  Bytes data;                // the body: single frame after byte 3, or the joined chunks
  FrameList frames;          // the start (or single) and every chunk
};

// What an encrypted message carries before its ciphertext (§2, §4.1): phone->watch messages
// carry their u16 counter first, except chunked uploads on 0x0055 (counter 0, no prefix); single
// uploads carry 00 00; watch->phone messages carry none (counter 0).
Sealed v1_sealed(const V1Message& m, std::uint16_t characteristic);

// Bytes to send an encrypted or plain message as the phone would (the capture writer, tests):
// one single frame, or a start and chunks of at most chunk_data bytes.
std::vector<Bytes> v1_frames(ByteView body, bool encrypted, std::size_t chunk_data, bool force_chunks = false);
Bytes v1_control(V1Kind kind, std::uint8_t status = 0);  // ready, done, nack, single_ack

class V1Channel {
 public:
  // Bounds: chunks per message (GB sends at most (MTU-3)-2 = 507 bytes a chunk; 1024 chunks is
  // half a megabyte), bytes per message, problems per channel.
  static constexpr std::uint16_t kMaxChunks = 1024;
  static constexpr std::size_t kMaxMessageBytes = 512 * 1024;
  static constexpr std::size_t kMaxProblems = 32;

  struct Counters {
    std::uint64_t frames = 0, messages = 0, singles = 0, chunked = 0, chunks = 0, duplicate_chunks = 0;
    std::uint64_t acks = 0, nacks = 0, missing_lists = 0, malformed = 0, problems_dropped = 0;
  };
  struct Result {
    V1Frame frame;
    std::optional<V1Message> message;  // completed by this frame
    bool duplicate = false;            // a chunk received before (GB overwrites the earlier copy)
    bool ignored = false;              // part of a message being ignored (too long)
    std::vector<Problem> problems;
  };
  // One ATT value on the characteristic, sent by `from` (writes: the phone; notifications: the watch).
  Result feed(std::uint64_t frame, Dir from, ByteView value);
  // The link ends: an unfinished chunked message is a problem.
  std::vector<Problem> finish();
  [[nodiscard]] const Counters& counters() const { return counters_; }

 private:
  struct Transfer {
    bool encrypted = false;
    std::uint8_t flag = 0;
    std::uint16_t count = 0;
    std::vector<Bytes> chunks;  // by index - 1
    std::vector<bool> have;
    std::size_t received = 0, bytes = 0;
    FrameList frames;
    std::uint64_t start_frame = 0;
  };
  // Null past kMaxProblems (counted).
  Problem* problem(std::vector<Problem>& out, ProblemKind k, std::vector<std::uint64_t> frames, std::string detail);
  std::array<std::optional<Transfer>, 2> active_;  // by sender (Dir index)
  std::array<bool, 2> ignoring_{};
  Counters counters_;
  std::size_t problems_ = 0;
};

}  // namespace fe95::miwear
