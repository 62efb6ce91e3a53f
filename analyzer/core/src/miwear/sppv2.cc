// SPDX-License-Identifier: GPL-2.0-or-later
#include "fe95/miwear/sppv2.h"

#include <algorithm>

namespace fe95::miwear {

namespace {

constexpr std::uint8_t kSync = 0xa5;

constexpr std::array<std::uint16_t, 256> make_arc_table() {
  std::array<std::uint16_t, 256> t{};
  for (unsigned i = 0; i < 256; ++i) {
    unsigned c = i;
    for (int b = 0; b < 8; ++b) c = c & 1 ? (c >> 1) ^ 0xa001u : c >> 1;
    t[i] = static_cast<std::uint16_t>(c);
  }
  return t;
}
constexpr auto kArc = make_arc_table();

void put16(Bytes& b, std::uint16_t v) {
  b.push_back(static_cast<std::uint8_t>(v));
  b.push_back(static_cast<std::uint8_t>(v >> 8));
}

std::string dotted(ByteView v) {
  std::string s;
  for (std::size_t i = 0; i < v.size(); ++i) s += (i ? "." : "") + std::to_string(v[i]);
  return s;
}

}  // namespace

std::uint16_t crc16_arc(ByteView data) {
  std::uint16_t crc = 0;
  for (std::uint8_t b : data) crc = static_cast<std::uint16_t>((crc >> 8) ^ kArc[(crc ^ b) & 0xff]);
  return crc;
}

const char* v2_type_name(std::uint8_t type) {
  switch (type) {
    case 0:
      return "nak";
    case 1:
      return "ack";
    case 2:
      return "config";
    case 3:
      return "data";
    default:
      return "";
  }
}

Bytes encode_v2(std::uint8_t type_octet, std::uint8_t seq, ByteView payload) {
  if (payload.size() > 0xffff) payload = payload.first(0xffff);
  Bytes out{kSync, kSync, type_octet, seq};
  put16(out, static_cast<std::uint16_t>(payload.size()));
  put16(out, crc16_arc(payload));
  out.insert(out.end(), payload.begin(), payload.end());
  return out;
}

std::vector<V2Packet> SppV2Stream::feed(ByteView data, std::uint64_t frame, std::vector<Problem>& problems) {
  std::vector<V2Packet> out;
  FrameList before;
  if (buf_.size() + data.size() > kMaxBuffered) before = buf_.frames(buf_.size());
  if (const std::size_t dropped = buf_.append(data, frame)) {
    counters_.overflow_bytes += dropped;
    problems.push_back(Problem{ProblemKind::stream_overflow, before.frames,
                               std::to_string(dropped) + " buffered bytes dropped: no packet completes within " +
                                   std::to_string(kMaxBuffered) + " bytes"});
    problems.back().count = dropped;
    problems.back().number = kMaxBuffered;
  }
  budget_ = std::min<std::uint64_t>(budget_ + kCrcWorkPerByte * data.size(), kCrcWorkPerByte * kMaxBuffered);
  auto skip = [&](std::size_t n) {
    const FrameList f = buf_.frames(n);
    for (auto x : f.frames) garbage_frames_.add(x);
    garbage_run_ += n;
    counters_.garbage_bytes += n;
    buf_.consume(n);
  };
  for (;;) {
    ByteView v = buf_.view();
    // Resynchronise on A5 A5 (GB XiaomiBleProtocolV2 l.144-175 searches the next A5).
    std::size_t pos = 0;
    while (pos + 1 < v.size() && !(v[pos] == kSync && v[pos + 1] == kSync)) ++pos;
    if (pos + 1 >= v.size()) {
      // No pair: keep a last A5, which may start one.
      const std::size_t keep = !v.empty() && v.back() == kSync ? 1 : 0;
      if (v.size() > keep) skip(v.size() - keep);
      break;
    }
    if (pos) skip(pos);
    v = buf_.view();
    if (v.size() < kV2Header) break;
    const std::uint8_t type = v[2] & 0x0f;
    const std::uint16_t len = load_u16le(v.data() + 4);
    if (type > 3) {  // no packet type: a false A5 A5
      skip(1);
      continue;
    }
    if (v.size() < kV2Header + len) break;  // wait for the rest
    if (len > budget_) {                    // junk dense in false headers: no CRC work left for this one
      ++counters_.unchecked;
      skip(1);
      continue;
    }
    budget_ -= len;
    const std::uint16_t crc = load_u16le(v.data() + 6);
    const ByteView payload = v.subspan(kV2Header, len);
    if (crc16_arc(payload) != crc) {
      ++counters_.crc_bad;
      problems.push_back(Problem{ProblemKind::sppv2_crc_bad, buf_.frames(kV2Header + len).frames,
                                 std::string(v2_type_name(type)) + " packet seq " + std::to_string(v[3]) + " of " +
                                     std::to_string(len) + " bytes: CRC " + hex16(crc) + ", computed " +
                                     hex16(crc16_arc(payload))});
      problems.back().byte = type;
      problems.back().number = v[3];
      problems.back().count = len;
      skip(1);
      continue;
    }
    if (garbage_run_) {
      problems.push_back(Problem{ProblemKind::sppv2_garbage, garbage_frames_.frames,
                                 std::to_string(garbage_run_) + " bytes skipped before a packet"});
      problems.back().count = garbage_run_;
      garbage_run_ = 0;
      garbage_frames_ = {};
    }
    V2Packet p;
    p.type_octet = v[2];
    p.type = type;
    p.frx = (v[2] & 0x10) != 0;
    p.seq = v[3];
    p.crc = crc;
    p.payload.assign(payload.begin(), payload.end());
    p.frames = buf_.frames(kV2Header + len);
    p.stream_offset = buf_.offset();
    buf_.consume(kV2Header + len);
    ++counters_.packets;
    out.push_back(std::move(p));
  }
  return out;
}

void SppV2Stream::finish(std::vector<Problem>& problems) {
  finish_stream(buf_, garbage_run_, garbage_frames_, ProblemKind::sppv2_garbage, ProblemKind::sppv2_unfinished,
                "packet", problems);
}

const char* v2_config_opcode_name(std::uint8_t op) {
  switch (op) {
    case kV2StartRequest:
      return "start_request";
    case kV2StartResponse:
      return "start_response";
    case kV2StopRequest:
      return "stop_request";
    case kV2StopResponse:
      return "stop_response";
    default:
      return "";
  }
}

const char* v2_tlv_name(std::uint8_t key) {
  switch (key) {
    case 1:
      return "version";
    case 2:
      return "max_packet_size";
    case 3:
      return "tx_window";
    case 4:
      return "send_timeout_ms";
    case 5:
      return "device_type";
    case 6:
      return "device_name";
    case 7:
      return "os_version";
    default:
      return "";
  }
}

V2Config parse_v2_config(ByteView payload) {
  V2Config c;
  Cursor in(payload);
  if (!in.u8(c.opcode)) {
    c.malformed = true;
    return c;
  }
  while (!in.empty()) {
    std::uint8_t key = 0;
    std::uint16_t len = 0;
    ByteView value;
    if (c.tlvs.size() >= kMaxTlvs || !in.u8(key) || !in.u16le(len) || !in.bytes(len, value)) {
      c.malformed = true;
      break;
    }
    c.tlvs.push_back(V2Tlv{key, Bytes(value.begin(), value.end())});
    switch (key) {
      case 1:
        c.version = dotted(value);
        break;
      case 2:
        if (value.size() == 2) c.max_packet = load_u16le(value.data());
        break;
      case 3:
        if (value.size() == 2) c.tx_window = load_u16le(value.data());
        break;
      case 4:
        if (value.size() == 2) c.timeout_ms = load_u16le(value.data());
        break;
      case 5:
        if (value.size() == 1) c.device_type = value[0];
        break;
      case 6:
        c.device_name = std::string(value.begin(), value.end());
        break;
      case 7:
        c.os_version = dotted(value);
        break;
      default:
        break;
    }
  }
  return c;
}

Bytes encode_v2_config(std::uint8_t opcode, const std::vector<V2Tlv>& tlvs) {
  Bytes out{opcode};
  for (const auto& t : tlvs) {
    out.push_back(t.key);
    put16(out, static_cast<std::uint16_t>(t.value.size()));
    out.insert(out.end(), t.value.begin(), t.value.end());
  }
  return out;
}

const char* v2_channel_name(std::uint8_t channel) {
  static constexpr const char* kNames[] = {"",    "pb",      "mass", "mass_voice", "file_sensor", "file_fitness",
                                           "ota", "network", "lyra", "research",   "multi_modal"};
  return channel < std::size(kNames) ? kNames[channel] : "";
}

void SppV2Link::add_problems(Result& r, std::vector<Problem>& found) {
  for (auto& p : found) {
    if (problems_ >= kMaxProblems) {
      ++counters_.problems_dropped;
      continue;
    }
    ++problems_;
    r.problems.push_back(std::move(p));
  }
  found.clear();
}

SppV2Link::Result SppV2Link::feed(Dir dir, ByteView data, std::uint64_t frame) {
  Result r;
  std::vector<Problem> found;
  const std::size_t i = index(dir);
  for (auto& p : streams_[i].feed(data, frame, found)) {
    Event e;
    e.dir = dir;
    switch (static_cast<V2Type>(p.type)) {
      case V2Type::ack:
        e.kind = EventKind::ack;
        ++counters_.acks;
        break;
      case V2Type::nak:
        e.kind = EventKind::nak;
        ++counters_.naks;
        break;
      case V2Type::config:
        e.kind = EventKind::config;
        e.config = parse_v2_config(p.payload);
        ++counters_.configs;
        if (e.config->malformed) {
          found.push_back(
              Problem{ProblemKind::sppv2_malformed_payload, p.frames.frames,
                      "a session config whose TLVs run past its " + std::to_string(p.payload.size()) + " bytes"});
          found.back().byte = p.type;
          found.back().count = p.payload.size();
        }
        break;
      case V2Type::data: {
        e.kind = EventKind::data;
        if (p.payload.size() < 2) {
          found.push_back(
              Problem{ProblemKind::sppv2_malformed_payload, p.frames.frames,
                      "a DATA packet of " + std::to_string(p.payload.size()) + " bytes, without channel and opcode"});
          found.back().byte = p.type;
          found.back().count = p.payload.size();
          e.kind = EventKind::other;
          break;
        }
        e.channel = p.payload[0];
        e.opcode = p.payload[1];
        if (p.frx) break;  // no sequence number to recognise a resend by
        // A resend repeats seq and bytes (AB-core sar/mod.rs resends from a NAK's seq; §5.1).
        auto& ring = recent_[i];
        const Seen s{p.seq, p.crc, static_cast<std::uint16_t>(p.payload.size())};
        const bool again = std::any_of(ring.begin(), ring.end(), [&](const Seen& x) {
          return x.seq == s.seq && x.crc == s.crc && x.length == s.length;
        });
        if (again) {
          e.kind = EventKind::retransmission;
          ++counters_.retransmissions;
          break;
        }
        // Each new DATA packet takes the next sequence number (GB l.344; §5.1).
        if (last_seq_[i] && p.seq != static_cast<std::uint8_t>(*last_seq_[i] + 1)) {
          e.seq_gap = true;
          ++counters_.seq_gaps;
        }
        last_seq_[i] = p.seq;
        if (ring.size() < kDedupWindow) {
          ring.push_back(s);
        } else {
          ring[next_[i]] = s;
          next_[i] = (next_[i] + 1) % kDedupWindow;
        }
        ++counters_.data;
        break;
      }
    }
    e.packet = std::move(p);
    r.events.push_back(std::move(e));
  }
  for (auto& p : found) p.from = dir;
  add_problems(r, found);
  return r;
}

SppV2Link::Result SppV2Link::finish() {
  Result r;
  std::vector<Problem> found;
  for (std::size_t i = 0; i < streams_.size(); ++i) {
    const std::size_t before = found.size();
    streams_[i].finish(found);
    for (std::size_t k = before; k < found.size(); ++k) found[k].from = i ? Dir::to_phone : Dir::to_watch;
  }
  add_problems(r, found);
  return r;
}

}  // namespace fe95::miwear
