// SPDX-License-Identifier: GPL-2.0-or-later
#include "fe95/miwear/common.h"

#include <algorithm>

namespace fe95::miwear {

const char* dir_name(Dir d) {
  return d == Dir::to_watch ? "phone->watch" : "watch->phone";
}

const char* problem_name(ProblemKind k) {
  switch (k) {
    case ProblemKind::v1_malformed_frame:
      return "miwear.v1.malformed_frame";
    case ProblemKind::v1_chunk_without_start:
      return "miwear.v1.chunk_without_start";
    case ProblemKind::v1_chunk_out_of_range:
      return "miwear.v1.chunk_out_of_range";
    case ProblemKind::v1_too_many_chunks:
      return "miwear.v1.too_many_chunks";
    case ProblemKind::v1_message_too_long:
      return "miwear.v1.message_too_long";
    case ProblemKind::v1_start_during_transfer:
      return "miwear.v1.start_during_transfer";
    case ProblemKind::v1_unfinished_transfer:
      return "miwear.v1.unfinished_transfer";
    case ProblemKind::v1_nack:
      return "miwear.v1.nack";
    case ProblemKind::sppv2_crc_bad:
      return "miwear.sppv2.crc_bad";
    case ProblemKind::sppv2_garbage:
      return "miwear.sppv2.garbage";
    case ProblemKind::sppv2_unfinished:
      return "miwear.sppv2.unfinished";
    case ProblemKind::sppv2_malformed_payload:
      return "miwear.sppv2.malformed_payload";
    case ProblemKind::sppv1_garbage:
      return "miwear.sppv1.garbage";
    case ProblemKind::sppv1_bad_trailer:
      return "miwear.sppv1.bad_trailer";
    case ProblemKind::sppv1_unfinished:
      return "miwear.sppv1.unfinished";
    case ProblemKind::stream_overflow:
      return "miwear.stream_overflow";
  }
  return "?";
}

void FrameList::add(std::uint64_t f) {
  if (std::find(frames.begin(), frames.end(), f) != frames.end()) return;
  if (frames.size() < kMaxFrames)
    frames.push_back(f);
  else
    ++more;
}

std::size_t ByteStream::append(ByteView data, std::uint64_t frame) {
  if (data.empty()) return 0;
  const std::uint64_t end = base_ + size() + data.size();
  if (!pieces_.empty() && pieces_.back().second == frame)
    pieces_.back().first = end;
  else
    pieces_.emplace_back(end, frame);
  buf_.insert(buf_.end(), data.begin(), data.end());
  const std::size_t over = size() > cap_ ? size() - cap_ : 0;
  consume(over);
  return over;
}

FrameList ByteStream::frames(std::size_t n) const {
  FrameList out;
  if (n == 0) return out;
  const std::uint64_t end = base_ + std::min(n, size());
  for (const auto& [piece_end, frame] : pieces_) {
    out.add(frame);
    if (piece_end >= end) break;
  }
  return out;
}

void ByteStream::consume(std::size_t n) {
  n = std::min(n, size());
  head_ += n;
  base_ += n;
  while (!pieces_.empty() && pieces_.front().first <= base_) pieces_.pop_front();
  // Compact once the consumed prefix is the larger part: amortised O(1) per byte.
  if (head_ > 4096 && head_ * 2 > buf_.size()) {
    buf_.erase(buf_.begin(), buf_.begin() + static_cast<std::ptrdiff_t>(head_));
    head_ = 0;
  }
  if (head_ == buf_.size()) {
    buf_.clear();
    head_ = 0;
  }
}

void finish_stream(ByteStream& buf, std::size_t& garbage_run, FrameList& garbage_frames, ProblemKind garbage,
                   ProblemKind unfinished, const char* unit, std::vector<Problem>& problems) {
  if (garbage_run) {
    problems.push_back(Problem{garbage, garbage_frames.frames,
                               std::to_string(garbage_run) + " bytes skipped at the end of the stream"});
    problems.back().count = garbage_run;
  }
  garbage_run = 0;
  garbage_frames = {};
  if (buf.size()) {
    problems.push_back(Problem{unfinished, buf.frames(buf.size()).frames,
                               "the stream ended " + std::to_string(buf.size()) + " bytes into a " + unit});
    problems.back().count = buf.size();
  }
  buf.clear();
}

}  // namespace fe95::miwear
