// SPDX-License-Identifier: GPL-2.0-or-later
// Pieces the Xiaomi wearable ("miwear") wire formats share (docs/MIWEAR.md): who sent a byte,
// a bounded byte stream that remembers which capture frames carried its bytes, and the problems
// the framings report (values with stable names; the session machine turns them into findings).
#pragma once

#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "fe95/bytes.h"

namespace fe95::miwear {

// The two ends of a wearable link.
enum class Dir : std::uint8_t { to_watch, to_phone };
const char* dir_name(Dir d);  // "phone->watch", "watch->phone"
inline std::size_t index(Dir d) {
  return d == Dir::to_phone ? 1 : 0;
}
inline Dir reverse(Dir d) {
  return d == Dir::to_watch ? Dir::to_phone : Dir::to_watch;
}

enum class ProblemKind : std::uint8_t {
  // BLE-V1 rxfer framing (§2)
  v1_malformed_frame,        // a value that is no rxfer frame
  v1_chunk_without_start,    // a chunk with no chunked message of its sender announced
  v1_chunk_out_of_range,     // a chunk index past the announced count (GB ignores it)
  v1_too_many_chunks,        // a start announcing 0 or more chunks than fe95 follows: ignored
  v1_message_too_long,       // chunks adding up to more bytes than fe95 keeps: ignored
  v1_start_during_transfer,  // a new start or single while the sender's chunked message is unfinished
  v1_unfinished_transfer,    // the link ended with chunks missing
  v1_nack,                   // the receiver refused a message (01 02, or a single ack != 0)
  // SPPv2 packet stream (§5.1)
  sppv2_crc_bad,            // a packet whose CRC-16/ARC fails: dropped, the stream resynchronised
  sppv2_garbage,            // bytes skipped while looking for A5 A5
  sppv2_unfinished,         // the stream ended inside a packet
  sppv2_malformed_payload,  // a session config or DATA payload too short for its fields
  // SPP-V1 framing (§5.2)
  sppv1_garbage,      // bytes skipped while looking for BA DC FE
  sppv1_bad_trailer,  // a frame whose last byte is not EF: dropped, the stream resynchronised
  sppv1_unfinished,   // the stream ended inside a frame
  // every stream
  stream_overflow,  // more bytes buffered than the cap: the oldest were dropped
};
const char* problem_name(ProblemKind k);  // "miwear.v1.malformed_frame", ...

struct Problem {
  Problem() = default;
  Problem(ProblemKind k, std::vector<std::uint64_t> f, std::string d)
      : kind(k), frames(std::move(f)), detail(std::move(d)) {}

  ProblemKind kind = ProblemKind::v1_malformed_frame;
  std::vector<std::uint64_t> frames;  // the capture frames concerned (first ones, capped)
  std::string detail;                 // one line, no sentence start (tests, tools)
  // The same facts typed, for the family's wording of its findings (miwear/explain.cc):
  std::uint64_t count = 0;             // how many: bytes skipped or dropped, chunks received, a length
  std::optional<std::uint64_t> total;  // out of how many: chunks announced
  std::uint64_t number = 0;            // which one: a chunk index, a sequence number, a cap
  std::optional<Dir> from;             // whose message or stream
  std::optional<std::uint8_t> byte;    // a protocol byte: an ack status, a packet type, a trailer
  Bytes value;                         // the bytes concerned (the first 16)
};

// The frames a message or packet came from: every distinct one, in order, at most kMaxFrames
// (the count of the others in `more`).
struct FrameList {
  static constexpr std::size_t kMaxFrames = 64;
  std::vector<std::uint64_t> frames;
  std::uint64_t more = 0;
  void add(std::uint64_t f);
};

// What an encrypted message carries before its ciphertext: a u16 counter on the wire, or none
// (counter 0). BLE-V1: v1_sealed (v1.h); SPP-V1: sppv1_sealed (sppv1.h).
struct Sealed {
  std::uint32_t counter = 0;
  bool counter_on_wire = false;
  ByteView body;        // ciphertext || 4-byte tag
  bool short_ = false;  // too short for its counter and a tag
};

// A byte stream reassembled from pieces (ATT values, RFCOMM information fields) that knows which
// frame carried each byte. Bounded: past `cap` bytes the oldest are dropped (and counted).
class ByteStream {
 public:
  explicit ByteStream(std::size_t cap) : cap_(cap) {}
  // Appends; returns how many of the oldest buffered bytes were dropped to stay within the cap.
  std::size_t append(ByteView data, std::uint64_t frame);
  [[nodiscard]] ByteView view() const { return ByteView(buf_).subspan(head_); }
  [[nodiscard]] std::size_t size() const { return buf_.size() - head_; }
  // The stream offset of view()[0] (bytes consumed or dropped before it).
  [[nodiscard]] std::uint64_t offset() const { return base_; }
  // The frames that carried view()[0, n).
  [[nodiscard]] FrameList frames(std::size_t n) const;
  void consume(std::size_t n);
  void clear() { consume(size()); }

 private:
  Bytes buf_;
  std::size_t head_ = 0;
  std::uint64_t base_ = 0;
  std::size_t cap_;
  // (stream offset where the piece ends, its frame), oldest first; adjacent pieces of one frame merge.
  std::deque<std::pair<std::uint64_t, std::uint64_t>> pieces_;
};

// The end of a framed stream (SPP-V1 frames, SPPv2 packets): the skipped bytes not yet reported
// (`garbage_run`, from `garbage_frames`) and the bytes of an unfinished `unit` become problems of
// the given kinds; the stream and the garbage run are emptied.
void finish_stream(ByteStream& buf, std::size_t& garbage_run, FrameList& garbage_frames, ProblemKind garbage,
                   ProblemKind unfinished, const char* unit, std::vector<Problem>& problems);

}  // namespace fe95::miwear
