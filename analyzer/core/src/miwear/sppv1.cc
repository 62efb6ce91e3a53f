// SPDX-License-Identifier: GPL-2.0-or-later
#include "fe95/miwear/sppv1.h"

namespace fe95::miwear {

namespace {
constexpr std::uint8_t kMagic[] = {0xba, 0xdc, 0xfe};
constexpr std::uint8_t kTrailer = 0xef;
}  // namespace

const char* sppv1_channel_name(std::uint8_t channel) {
  switch (channel) {
    case kSpp1Version:
      return "version";
    case kSpp1ProtoToPhone:
      return "proto_to_phone";
    case kSpp1ProtoToWatch:
      return "proto_to_watch";
    case kSpp1Fitness:
      return "fitness";
    case kSpp1Voice:
      return "voice";
    case kSpp1Mass:
      return "mass";
    case kSpp1Ota:
      return "ota";
    default:
      return "";
  }
}

Bytes encode_sppv1(std::uint8_t channel_octet, std::uint8_t flags, std::uint8_t opcode, std::uint8_t serial,
                   std::uint8_t data_type, ByteView body) {
  if (body.size() > 0xffff - 3) body = body.first(0xffff - 3);
  const auto len = static_cast<std::uint16_t>(body.size() + 3);
  const std::uint8_t header[kSpp1Header] = {kMagic[0],
                                            kMagic[1],
                                            kMagic[2],
                                            channel_octet,
                                            flags,
                                            static_cast<std::uint8_t>(len),
                                            static_cast<std::uint8_t>(len >> 8),
                                            opcode,
                                            serial,
                                            data_type};
  Bytes out;
  out.reserve(kSpp1Header + body.size() + 1);
  out.insert(out.end(), header, header + kSpp1Header);
  out.insert(out.end(), body.begin(), body.end());
  out.push_back(kTrailer);
  return out;
}

Sealed sppv1_sealed(const SppV1Frame& f) {
  Sealed s;
  const ByteView d(f.body);
  if (f.channel == kSpp1ProtoToWatch) {  // XiaomiSppPacketV1 l.304-313
    if (d.size() < 2) {
      s.short_ = true;
      return s;
    }
    s.counter = load_u16le(d.data());
    s.counter_on_wire = true;
    s.body = d.subspan(2);
  } else {
    s.body = d;
  }
  s.short_ = s.body.size() < 4;
  return s;
}

std::vector<SppV1Frame> SppV1Stream::feed(ByteView data, std::uint64_t frame, std::vector<Problem>& problems) {
  std::vector<SppV1Frame> out;
  FrameList before;
  if (buf_.size() + data.size() > kMaxBuffered) before = buf_.frames(buf_.size());
  if (const std::size_t dropped = buf_.append(data, frame)) {
    counters_.overflow_bytes += dropped;
    problems.push_back(Problem{ProblemKind::stream_overflow, before.frames,
                               std::to_string(dropped) + " buffered bytes dropped: no frame completes within " +
                                   std::to_string(kMaxBuffered) + " bytes"});
    problems.back().count = dropped;
    problems.back().number = kMaxBuffered;
  }
  auto skip = [&](std::size_t n) {
    for (auto x : buf_.frames(n).frames) garbage_frames_.add(x);
    garbage_run_ += n;
    counters_.garbage_bytes += n;
    buf_.consume(n);
  };
  for (;;) {
    ByteView v = buf_.view();
    std::size_t pos = 0;
    // The next BA DC FE, or a prefix of it at the end.
    while (pos < v.size()) {
      std::size_t k = 0;
      while (k < 3 && pos + k < v.size() && v[pos + k] == kMagic[k]) ++k;
      if (k == 3 || pos + k == v.size()) break;
      ++pos;
    }
    if (pos) skip(pos);
    v = buf_.view();
    if (v.size() < kSpp1Header) break;
    const std::uint16_t len = load_u16le(v.data() + 5);
    if (len < 3) {  // no room for opcode, serial and data type: a false magic
      skip(1);
      continue;
    }
    const std::size_t total = 7u + len + 1u;
    if (v.size() < total) break;
    if (v[total - 1] != kTrailer) {
      ++counters_.bad_trailer;
      problems.push_back(Problem{
          ProblemKind::sppv1_bad_trailer, buf_.frames(total).frames,
          "a frame of " + std::to_string(total) + " bytes ending in " + to_hex(v.subspan(total - 1, 1)) + ", not ef"});
      problems.back().count = total;
      problems.back().byte = v[total - 1];
      skip(1);
      continue;
    }
    if (garbage_run_) {
      problems.push_back(Problem{ProblemKind::sppv1_garbage, garbage_frames_.frames,
                                 std::to_string(garbage_run_) + " bytes skipped before a frame"});
      problems.back().count = garbage_run_;
      garbage_run_ = 0;
      garbage_frames_ = {};
    }
    SppV1Frame f;
    f.channel_octet = v[3];
    f.channel = v[3] & 0x0f;
    f.flags = v[4];
    f.length = len;
    f.opcode = v[7];
    f.serial = v[8];
    f.data_type = v[9];
    f.body.assign(v.begin() + kSpp1Header, v.begin() + static_cast<std::ptrdiff_t>(total - 1));
    f.frames = buf_.frames(total);
    f.stream_offset = buf_.offset();
    buf_.consume(total);
    ++counters_.frames;
    out.push_back(std::move(f));
  }
  return out;
}

void SppV1Stream::finish(std::vector<Problem>& problems) {
  finish_stream(buf_, garbage_run_, garbage_frames_, ProblemKind::sppv1_garbage, ProblemKind::sppv1_unfinished, "frame",
                problems);
}

}  // namespace fe95::miwear
