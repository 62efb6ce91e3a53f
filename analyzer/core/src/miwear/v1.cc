// SPDX-License-Identifier: GPL-2.0-or-later
#include "fe95/miwear/v1.h"

#include <algorithm>

namespace fe95::miwear {

const char* v1_kind_name(V1Kind k) {
  switch (k) {
    case V1Kind::chunk:
      return "chunk";
    case V1Kind::start:
      return "start";
    case V1Kind::ready:
      return "ready";
    case V1Kind::done:
      return "done";
    case V1Kind::nack:
      return "nack";
    case V1Kind::missing:
      return "missing";
    case V1Kind::ack_other:
      return "ack";
    case V1Kind::single:
      return "single";
    case V1Kind::single_ack:
      return "single_ack";
    case V1Kind::malformed:
      return "malformed";
  }
  return "?";
}

V1Frame parse_v1(ByteView v) {
  V1Frame f;
  if (v.size() < 2) return f;
  f.index = load_u16le(v.data());
  if (f.index != 0) {
    f.kind = V1Kind::chunk;
    f.payload = v.subspan(2);
    return f;
  }
  if (v.size() < 4) return f;
  switch (v[2]) {
    case 0x00:  // start: 00 00 00 E NN NN (GB XiaomiCharacteristicV1 l.462-466)
      if (v.size() < 6) return f;
      f.kind = V1Kind::start;
      f.flag = v[3];
      f.encrypted = v[3] == 1;
      f.count = load_u16le(v.data() + 4);
      return f;
    case 0x01:  // acks (l.333-372, l.518-527)
      f.status = v[3];
      switch (v[3]) {
        case 0x00:
          f.kind = V1Kind::done;
          break;
        case 0x01:
          f.kind = V1Kind::ready;
          break;
        case 0x02:
          f.kind = V1Kind::nack;
          break;
        case 0x05:
          f.kind = V1Kind::missing;
          f.missing_total = (v.size() - 4) / 2;
          for (std::size_t i = 4; i + 1 < v.size() && f.missing.size() < kMaxMissing; i += 2)
            f.missing.push_back(load_u16le(v.data() + i));
          break;
        default:
          f.kind = V1Kind::ack_other;
          break;
      }
      return f;
    case 0x02:  // single: 00 00 02 F body; only F = 1 is encrypted (l.375-395)
      f.kind = V1Kind::single;
      f.flag = v[3];
      f.encrypted = v[3] == 1;
      f.payload = v.subspan(4);
      return f;
    case 0x03:  // single ack (l.396-417)
      f.kind = V1Kind::single_ack;
      f.status = v[3];
      return f;
    default:
      return f;
  }
}

Sealed v1_sealed(const V1Message& m, std::uint16_t characteristic) {
  Sealed s;
  const ByteView d(m.data);
  const bool prefix = m.from == Dir::to_watch && (m.single || characteristic != kCharUpload);
  if (prefix) {
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
  s.short_ = s.body.size() < 4;  // not even a tag
  return s;
}

std::vector<Bytes> v1_frames(ByteView body, bool encrypted, std::size_t chunk_data, bool force_chunks) {
  std::vector<Bytes> out;
  if (chunk_data == 0) chunk_data = 1;
  if (!force_chunks && body.size() <= chunk_data) {
    Bytes s{0x00, 0x00, 0x02, static_cast<std::uint8_t>(encrypted ? 1 : 2)};
    s.insert(s.end(), body.begin(), body.end());
    out.push_back(std::move(s));
    return out;
  }
  const std::size_t n = (body.size() + chunk_data - 1) / chunk_data;
  out.push_back(Bytes{0x00, 0x00, 0x00, static_cast<std::uint8_t>(encrypted ? 1 : 0), static_cast<std::uint8_t>(n),
                      static_cast<std::uint8_t>(n >> 8)});
  for (std::size_t i = 0; i < n; ++i) {
    const std::size_t idx = i + 1;
    Bytes c{static_cast<std::uint8_t>(idx), static_cast<std::uint8_t>(idx >> 8)};
    const ByteView part = body.subspan(i * chunk_data, std::min(chunk_data, body.size() - i * chunk_data));
    c.insert(c.end(), part.begin(), part.end());
    out.push_back(std::move(c));
  }
  return out;
}

Bytes v1_control(V1Kind kind, std::uint8_t status) {
  switch (kind) {
    case V1Kind::ready:
      return {0x00, 0x00, 0x01, 0x01};
    case V1Kind::done:
      return {0x00, 0x00, 0x01, 0x00};
    case V1Kind::nack:
      return {0x00, 0x00, 0x01, 0x02};
    case V1Kind::single_ack:
      return {0x00, 0x00, 0x03, status};
    default:
      return {0x00, 0x00, 0x01, status};
  }
}

Problem* V1Channel::problem(std::vector<Problem>& out, ProblemKind k, std::vector<std::uint64_t> frames,
                            std::string detail) {
  if (problems_ >= kMaxProblems) {
    ++counters_.problems_dropped;
    return nullptr;
  }
  ++problems_;
  out.push_back(Problem{k, std::move(frames), std::move(detail)});
  return &out.back();
}

namespace {
// The typed facts of a problem (common.h), where it was kept.
void facts(Problem* p, Dir from, std::uint64_t count = 0, std::optional<std::uint64_t> total = std::nullopt,
           std::uint64_t number = 0) {
  if (!p) return;
  p->from = from;
  p->count = count;
  p->total = total;
  p->number = number;
}
}  // namespace

V1Channel::Result V1Channel::feed(std::uint64_t frame, Dir from, ByteView value) {
  Result r;
  ++counters_.frames;
  r.frame = parse_v1(value);
  const V1Frame& f = r.frame;
  const std::size_t me = index(from);
  auto& active = active_[me];
  switch (f.kind) {
    case V1Kind::malformed:
      ++counters_.malformed;
      if (Problem* p = problem(r.problems, ProblemKind::v1_malformed_frame, {frame},
                               "a " + std::to_string(value.size()) + "-byte value that is no rxfer frame: " +
                                   to_hex(value.first(std::min<std::size_t>(value.size(), 16))))) {
        facts(p, from, value.size());
        const ByteView shown = value.first(std::min<std::size_t>(value.size(), 16));
        p->value.assign(shown.begin(), shown.end());
      }
      break;
    case V1Kind::start: {
      if (active)
        facts(problem(r.problems, ProblemKind::v1_start_during_transfer, {active->start_frame, frame},
                      std::string("a new start from ") + dir_name(from) + " with " + std::to_string(active->received) +
                          " of " + std::to_string(active->count) + " chunks of the previous message"),
              from, active->received, active->count);
      active.reset();
      ignoring_[me] = false;
      if (*f.count == 0 || *f.count > kMaxChunks) {
        facts(problem(r.problems, ProblemKind::v1_too_many_chunks, {frame},
                      "a start announcing " + std::to_string(*f.count) + " chunks (1 to " + std::to_string(kMaxChunks) +
                          " are followed)"),
              from, 0, *f.count, kMaxChunks);
        ignoring_[me] = true;
        r.ignored = true;
        break;
      }
      Transfer t;
      t.encrypted = f.encrypted;
      t.flag = f.flag;
      t.count = *f.count;
      t.chunks.resize(t.count);
      t.have.assign(t.count, false);
      t.frames.add(frame);
      t.start_frame = frame;
      active = std::move(t);
      break;
    }
    case V1Kind::chunk: {
      ++counters_.chunks;
      if (ignoring_[me]) {
        r.ignored = true;
        break;
      }
      if (!active) {
        facts(problem(r.problems, ProblemKind::v1_chunk_without_start, {frame},
                      "chunk " + std::to_string(f.index) + " from " + dir_name(from) +
                          " with no chunked message announced"),
              from, 0, std::nullopt, f.index);
        break;
      }
      Transfer& t = *active;
      if (f.index > t.count) {  // GB ignores it (XiaomiCharacteristicV1 l.216-234)
        facts(problem(r.problems, ProblemKind::v1_chunk_out_of_range, {t.start_frame, frame},
                      "chunk " + std::to_string(f.index) + " of a message of " + std::to_string(t.count) + " chunks"),
              from, 0, t.count, f.index);
        break;
      }
      const std::size_t i = f.index - 1u;
      r.duplicate = t.have[i];
      if (r.duplicate) {
        ++counters_.duplicate_chunks;
        t.bytes -= t.chunks[i].size();
      } else {
        t.have[i] = true;
        ++t.received;
      }
      t.bytes += f.payload.size();
      if (t.bytes > kMaxMessageBytes) {
        facts(problem(r.problems, ProblemKind::v1_message_too_long, {t.start_frame, frame},
                      "chunks adding up to more than " + std::to_string(kMaxMessageBytes) +
                          " bytes: the message is ignored"),
              from, t.received, t.count, kMaxMessageBytes);
        active.reset();
        ignoring_[me] = true;
        r.ignored = true;
        break;
      }
      t.chunks[i].assign(f.payload.begin(), f.payload.end());  // a duplicate overwrites, as in GB
      t.frames.add(frame);
      if (t.received == t.count) {
        V1Message m;
        m.from = from;
        m.encrypted = t.encrypted;
        m.flag = t.flag;
        m.chunks = t.count;
        m.data.reserve(t.bytes);
        for (const auto& c : t.chunks) m.data.insert(m.data.end(), c.begin(), c.end());
        m.frames = std::move(t.frames);
        active.reset();
        ++counters_.messages;
        ++counters_.chunked;
        r.message = std::move(m);
      }
      break;
    }
    case V1Kind::single: {
      if (active) {
        facts(
            problem(r.problems, ProblemKind::v1_start_during_transfer, {active->start_frame, frame},
                    std::string("a single frame from ") + dir_name(from) + " with " + std::to_string(active->received) +
                        " of " + std::to_string(active->count) + " chunks of a chunked message"),
            from, active->received, active->count);
        active.reset();
      }
      ignoring_[me] = false;
      V1Message m;
      m.from = from;
      m.encrypted = f.encrypted;
      m.flag = f.flag;
      m.single = true;
      m.data.assign(f.payload.begin(), f.payload.end());
      m.frames.add(frame);
      ++counters_.messages;
      ++counters_.singles;
      r.message = std::move(m);
      break;
    }
    case V1Kind::nack:
    case V1Kind::single_ack:
      if (f.kind == V1Kind::single_ack && f.status == 0) {
        ++counters_.acks;
        break;
      }
      ++counters_.nacks;
      // A nack of a chunked message makes its sender drop it (l.333-341).
      if (f.kind == V1Kind::nack) active_[index(reverse(from))].reset();
      if (Problem* p = problem(r.problems, ProblemKind::v1_nack, {frame},
                               std::string(dir_name(from)) + " refused a message (" + v1_kind_name(f.kind) +
                                   " status " + std::to_string(f.status) + ")")) {
        facts(p, from);
        p->byte = f.status;
      }
      break;
    case V1Kind::missing:
      ++counters_.missing_lists;
      break;
    case V1Kind::ready:
    case V1Kind::done:
    case V1Kind::ack_other:
      ++counters_.acks;
      break;
  }
  return r;
}

std::vector<Problem> V1Channel::finish() {
  std::vector<Problem> out;
  for (std::size_t i = 0; i < 2; ++i) {
    if (!active_[i]) continue;
    facts(problem(out, ProblemKind::v1_unfinished_transfer, {active_[i]->start_frame},
                  std::string("the link ended with ") + std::to_string(active_[i]->received) + " of " +
                      std::to_string(active_[i]->count) + " chunks of a message from " +
                      dir_name(i ? Dir::to_phone : Dir::to_watch)),
          i ? Dir::to_phone : Dir::to_watch, active_[i]->received, active_[i]->count);
    active_[i].reset();
  }
  return out;
}

}  // namespace fe95::miwear
