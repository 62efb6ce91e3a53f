// SPDX-License-Identifier: GPL-2.0-or-later
// The wearables' session machine (docs/MIWEAR.md §12 "To wire it", step 4).
#include "fe95/miwear/tracker.h"

#include <algorithm>

#include "fe95/att/att.h"

namespace fe95::miwear {

using session::Finding;
using session::Input;
using session::Role;
using session::Status;

namespace {

// How telling a step is: a PDU that carried several things shows its most telling one.
int rank(Step s) {
  switch (s) {
    case Step::piece:
      return 0;
    case Step::control:
      return 1;
    case Step::session_config:
      return 2;
    case Step::version:
      return 3;
    case Step::message:
    case Step::activity:
    case Step::upload:
      return 4;
    default:
      return 5;  // the auth's steps
  }
}
void promote(Step& have, Step to) {
  if (rank(to) > rank(have)) have = to;
}

std::uint8_t sender(Dir d) {
  return static_cast<std::uint8_t>(index(d));
}

// BLE-V1: the characteristic of a role and its V1Channel slot.
std::uint16_t characteristic(Role r) {
  switch (r) {
    case Role::wear_read:
      return kCharCommandRead;
    case Role::wear_write:
      return kCharCommandWrite;
    case Role::wear_activity:
      return kCharActivity;
    case Role::wear_upload:
      return kCharUpload;
    default:
      return 0;
  }
}
std::size_t v1_slot(Role r) {
  switch (r) {
    case Role::wear_read:
      return 0;
    case Role::wear_write:
      return 1;
    case Role::wear_activity:
      return 2;
    default:
      return 3;
  }
}

Code code_of(ProblemKind k) {
  switch (k) {
    case ProblemKind::v1_malformed_frame:
      return Code::miwear_v1_malformed_frame;
    case ProblemKind::v1_chunk_without_start:
      return Code::miwear_v1_chunk_without_start;
    case ProblemKind::v1_chunk_out_of_range:
      return Code::miwear_v1_chunk_out_of_range;
    case ProblemKind::v1_too_many_chunks:
      return Code::miwear_v1_too_many_chunks;
    case ProblemKind::v1_message_too_long:
      return Code::miwear_v1_message_too_long;
    case ProblemKind::v1_start_during_transfer:
      return Code::miwear_v1_start_during_transfer;
    case ProblemKind::v1_unfinished_transfer:
      return Code::miwear_v1_unfinished_transfer;
    case ProblemKind::v1_nack:
      return Code::miwear_v1_nack;
    case ProblemKind::sppv2_crc_bad:
      return Code::miwear_sppv2_crc_bad;
    case ProblemKind::sppv2_garbage:
      return Code::miwear_sppv2_garbage;
    case ProblemKind::sppv2_unfinished:
      return Code::miwear_sppv2_unfinished;
    case ProblemKind::sppv2_malformed_payload:
      return Code::miwear_sppv2_malformed_payload;
    case ProblemKind::sppv1_garbage:
      return Code::miwear_sppv1_garbage;
    case ProblemKind::sppv1_bad_trailer:
      return Code::miwear_sppv1_bad_trailer;
    case ProblemKind::sppv1_unfinished:
      return Code::miwear_sppv1_unfinished;
    case ProblemKind::stream_overflow:
      return Code::miwear_stream_overflow;
  }
  return Code::miwear_stream_overflow;
}

// What a message carries by its channel (§1.2, §5.1, §5.2; files §6).
Content content_of(Transport t, std::uint16_t channel) {
  switch (t) {
    case Transport::ble_v1:
      return channel == kCharActivity ? Content::activity
             : channel == kCharUpload ? Content::upload
                                      : Content::protobuf;
    case Transport::ble_v2:
    case Transport::spp_v2:
      return channel == kV2ChannelPb        ? Content::protobuf
             : channel == kV2ChannelMass    ? Content::upload
             : channel == kV2ChannelFitness ? Content::activity
                                            : Content::raw;
    case Transport::spp_v1:
      return channel == kSpp1ProtoToPhone || channel == kSpp1ProtoToWatch ? Content::protobuf
             : channel == kSpp1Fitness                                    ? Content::activity
             : channel == kSpp1Mass                                       ? Content::upload
                                                                          : Content::raw;
  }
  return Content::raw;
}

bool starts_with(ByteView v, std::initializer_list<std::uint8_t> p) {
  return v.size() >= p.size() && std::equal(p.begin(), p.end(), v.begin());
}

}  // namespace

bool Tracker::starts_auth(ByteView v) {
  // BLE-V1: a plain single frame (flag 2, §2) holding a type-1 envelope of subtype 26 or 5 (§3).
  if (v.size() >= 8 && v[0] == 0 && v[1] == 0 && v[2] == 2 && v[3] == 2 && v[4] == 0x08 && v[5] == 0x01 &&
      v[6] == 0x10 && (v[7] == 0x1a || v[7] == 0x05))
    return true;
  // BLE-V2: a session config packet with sequence number 0 opening the session (§5.1).
  return v.size() > 8 && v[0] == 0xa5 && v[1] == 0xa5 && (v[2] & 0x0f) == 2 && v[3] == 0 &&
         (v[8] == kV2StartRequest || v[8] == kV2StartResponse);
}

Tracker::Channel* Tracker::channel(const Input& in, int dlci, Mode mode) {
  const Key k{in.link, dlci};
  if (auto it = channels_.find(k); it != channels_.end()) return &it->second;
  if (channels_.size() >= kMaxChannels) {
    auto oldest = std::min_element(channels_.begin(), channels_.end(), [](const auto& a, const auto& b) {
      return a.second.last_frame < b.second.last_frame;
    });
    finish(oldest->second, session::EndReason::link_dropped);
    if (oldest->first.second < 0 && --gatt_links_[oldest->first.first] <= 0) gatt_links_.erase(oldest->first.first);
    channels_.erase(oldest);
  }
  Channel& c = channels_.try_emplace(k).first->second;
  c.link = in.link;
  if (dlci >= 0) c.dlci = static_cast<std::uint8_t>(dlci);
  c.mode = mode;
  c.last_frame = in.frame;
  if (dlci < 0) ++gatt_links_[in.link];
  return &c;
}

session::StepRecord& Tracker::add_step(Session& s, const Input& in, Step step) {
  session::StepRecord r = s.step_of(in, static_cast<std::uint8_t>(step));
  step_stored_ = s.steps.size() < kMaxSteps;
  if (!step_stored_) {
    overflow_ = std::move(r);
    return overflow_;
  }
  s.steps.push_back(std::move(r));
  return s.steps.back();
}

void Tracker::emit_step(Session& s) {
  sink_.on_step(s, step_stored_ ? s.steps.back() : overflow_);
  s.step_messages.clear();
  s.step_files.clear();
}

void Tracker::add_finding(Session& s, Finding f) {
  // One finding per code and session: a flood of bad chunks is one finding, its repeats counted.
  const bool seen =
      std::any_of(s.findings.begin(), s.findings.end(), [&](const Finding& x) { return x.code == f.code; });
  if (seen || s.findings.size() >= kMaxFindings) {
    ++s.data.repeated[f.code];
    return;
  }
  s.findings.push_back(std::move(f));
  sink_.on_finding(s, s.findings.back());
}

void Tracker::problem(Session& s, const Problem& p) {
  Finding f{code_of(p.kind), p.frames};
  f.sender = p.from ? sender(*p.from) : 0;
  f.count = p.count;
  f.total = p.total;
  f.number = p.number;
  f.byte = p.byte;
  f.value = p.value;
  add_finding(s, std::move(f));
}

void Tracker::start(Channel& c, const Input& in) {
  Session s;
  session::open(s, in, keys_, session::Kind::login_session);
  s.data.transport = c.mode == Mode::spp_v1   ? Transport::spp_v1
                     : c.mode == Mode::spp_v2 ? Transport::spp_v2
                     : in.role == Role::wear_v2_rx || in.role == Role::wear_v2_tx ||
                             (in.value.size() >= 2 && in.value[0] == 0xa5 && in.value[1] == 0xa5)
                         ? Transport::ble_v2
                         : Transport::ble_v1;
  s.data.dlci = c.dlci;
  c.session = std::move(s);
}

void Tracker::keep(Session& s, Message m) {
  Data& d = s.data;
  const std::size_t bytes = m.wire.size() + m.plaintext.size();
  if (d.messages.size() >= Data::kMaxMessages || d.kept_bytes + bytes > Data::kMaxKeptBytes) {
    ++d.not_kept;
    return;
  }
  d.kept_bytes += bytes;
  d.messages.push_back(std::move(m));
}

void Tracker::on_att(const Input& in) {
  const bool write = in.opcode == att::kWriteReq || in.opcode == att::kWriteCmd;
  const bool notify = in.opcode == att::kNotify || in.opcode == att::kIndicate;
  if (!write && !notify) return;
  const Dir from = write ? Dir::to_watch : Dir::to_phone;
  auto it = channels_.find({in.link, -1});
  Channel* c = it == channels_.end() ? nullptr : &it->second;
  Role role = in.role;
  if (role == Role::unknown) {
    // Without discovery: a handle the traffic named before, or a value that starts the auth.
    if (c)
      for (const auto& [h, r] : c->learned)
        if (h == in.handle) role = r;
    if (role == Role::unknown) {
      if (!starts_auth(in.value)) return;
      const bool v2 = in.value[0] == 0xa5;
      role = v2 ? (write ? Role::wear_v2_tx : Role::wear_v2_rx) : (write ? Role::wear_write : Role::wear_read);
      if (!c) c = channel(in, -1, Mode::gatt);
      if (c->learned.size() < 8) c->learned.emplace_back(in.handle, role);
    }
  }
  if (!is_wear_role(role)) return;
  if (!c) c = channel(in, -1, Mode::gatt);
  std::vector<Raw> raws;
  std::vector<Problem> problems;
  Step floor = Step::piece;
  SppV2Link::Result v2;
  const bool is_v2 = role == Role::wear_v2_rx || role == Role::wear_v2_tx;
  if (is_v2) {
    v2 = c->v2.feed(from, in.value, in.frame);
    v2_events(*c, from, v2, raws, problems, floor);
  } else {
    const std::uint16_t ch = characteristic(role);
    auto r = c->v1[v1_slot(role)].feed(in.frame, from, in.value);
    problems = std::move(r.problems);
    if (r.frame.kind != V1Kind::chunk && r.frame.kind != V1Kind::start && r.frame.kind != V1Kind::single &&
        r.frame.kind != V1Kind::malformed)
      floor = Step::control;
    if (r.message) {
      V1Message& m = *r.message;
      Raw raw;
      raw.from = m.from;
      raw.channel = ch;
      raw.frames = m.frames.frames;
      raw.more_frames = m.frames.more;
      raw.encrypted = m.encrypted;
      raw.content = content_of(Transport::ble_v1, ch);
      if (m.encrypted) {
        const Sealed sl = v1_sealed(m, ch);
        raw.counter = sl.counter;
        raw.counter_on_wire = sl.counter_on_wire;
        raw.too_short = sl.short_;
        raw.body_at = sl.short_ ? 0 : static_cast<std::size_t>(sl.body.data() - m.data.data());
      }
      raw.bytes = std::move(m.data);
      raws.push_back(std::move(raw));
    }
  }
  unit(*c, in, from, std::move(raws), std::move(problems), floor, is_v2 ? &v2.events : nullptr);
  if (Session* s = c->session ? &*c->session : nullptr) {
    Data& d = s->data;
    std::uint16_t* slot = nullptr;
    switch (role) {
      case Role::wear_read:
        slot = &d.read_handle;
        break;
      case Role::wear_write:
        slot = &d.write_handle;
        break;
      case Role::wear_activity:
        slot = &d.activity_handle;
        break;
      case Role::wear_upload:
        slot = &d.upload_handle;
        break;
      case Role::wear_v2_rx:
        slot = &d.v2_rx_handle;
        break;
      case Role::wear_v2_tx:
        slot = &d.v2_tx_handle;
        break;
      default:
        break;
    }
    if (slot && !*slot) *slot = in.handle;
    if (in.role != Role::unknown) d.from_discovery = true;
  }
}

void Tracker::on_rfcomm(const Input& in) {
  if (in.dir == Direction::unknown || in.value.empty() || in.handle > 0xff) return;
  const Dir from = in.dir == Direction::sent ? Dir::to_watch : Dir::to_phone;
  const int dlci = in.handle;
  Channel* c = nullptr;
  if (auto it = channels_.find({in.link, dlci}); it != channels_.end()) {
    c = &it->second;
  } else {
    // A DLC is the wearables' when its data starts like one of their framings (§1.1, §12 step 2).
    const ByteView v = in.value;
    Mode mode;
    if (starts_with(v, {0xba, 0xdc, 0xfe}))
      mode = Mode::spp_v1;
    else if (starts_with(v, {0xa5, 0xa5}))
      mode = Mode::spp_v2;
    else
      return;
    c = channel(in, dlci, mode);
  }
  std::vector<Raw> raws;
  std::vector<Problem> problems;
  Step floor = Step::piece;
  SppV2Link::Result v2;
  bool to_v2 = false;
  if (c->mode == Mode::spp_v1) {
    auto frames = c->spp1[index(from)].feed(in.value, in.frame, problems);
    for (auto& p : problems)
      if (!p.from) p.from = from;
    for (auto& f : frames) {
      Raw raw;
      raw.from = from;
      raw.channel = f.channel;
      raw.frames = f.frames.frames;
      raw.more_frames = f.frames.more;
      raw.version = f.channel == kSpp1Version;
      raw.content = raw.version ? Content::raw : content_of(Transport::spp_v1, f.channel);
      raw.encrypted = f.data_type == kSpp1Encrypted;
      if (raw.encrypted) {
        const Sealed sl = sppv1_sealed(f);
        raw.counter = sl.counter;
        raw.counter_on_wire = sl.counter_on_wire;
        raw.too_short = sl.short_;
        raw.body_at = sl.short_ ? 0 : static_cast<std::size_t>(sl.body.data() - f.body.data());
      }
      // The watch's version answer: 2 or more moves both sides to SPPv2 (§1.1, GB XiaomiSppSupport l.272-274).
      if (raw.version && from == Dir::to_phone && !f.body.empty() && f.body[0] >= 2) to_v2 = true;
      raw.bytes = std::move(f.body);
      raws.push_back(std::move(raw));
    }
  } else {
    v2 = c->v2.feed(from, in.value, in.frame);
    v2_events(*c, from, v2, raws, problems, floor);
  }
  unit(*c, in, from, std::move(raws), std::move(problems), floor, c->mode == Mode::spp_v2 ? &v2.events : nullptr);
  if (to_v2) {
    c->mode = Mode::spp_v2;
    if (c->session) c->session->data.transport = Transport::spp_v2;
  }
}

void Tracker::v2_events(Channel& c, Dir from, const SppV2Link::Result& r, std::vector<Raw>& raws,
                        std::vector<Problem>& problems, Step& floor) {
  (void)c;
  for (const auto& p : r.problems) problems.push_back(p);
  for (const auto& e : r.events) {
    switch (e.kind) {
      case SppV2Link::EventKind::ack:
      case SppV2Link::EventKind::nak:
      case SppV2Link::EventKind::retransmission:
      case SppV2Link::EventKind::other:
        promote(floor, Step::control);
        break;
      case SppV2Link::EventKind::config:
        promote(floor, Step::session_config);
        break;
      case SppV2Link::EventKind::data: {
        Raw raw;
        raw.from = from;
        raw.channel = e.channel;
        raw.frames = e.packet.frames.frames;
        raw.more_frames = e.packet.frames.more;
        raw.content = content_of(Transport::spp_v2, e.channel);
        raw.encrypted = raw.ctr = e.opcode == kV2EncryptedWrite;
        const ByteView body = e.body();
        raw.bytes.assign(body.begin(), body.end());
        raws.push_back(std::move(raw));
        break;
      }
    }
  }
}

void Tracker::unit(Channel& c, const Input& in, Dir from, std::vector<Raw> raws, std::vector<Problem> problems,
                   Step floor, const std::vector<SppV2Link::Event>* events) {
  // A new auth from the phone on a channel whose session already had one starts the next session.
  if (c.session && (!c.session->data.phone_nonce.empty() || c.session->data.user_id_auth))
    for (const Raw& r : raws) {
      if (r.encrypted || r.from != Dir::to_watch || r.content != Content::protobuf) continue;
      const auto e = decode_envelope(r.bytes);
      const auto a = e ? parse_auth(*e) : std::nullopt;
      if (a && (a->step == AuthStep::phone_nonce || a->step == AuthStep::user_id)) {
        finish(c, session::EndReason::next_session);
        break;
      }
    }
  if (!c.session) start(c, in);
  Session& s = *c.session;
  c.last_frame = in.frame;
  s.last_frame = in.frame;
  s.end_ns = in.ts_ns;
  session::StepRecord& step = add_step(s, in, floor);
  Step kind = floor;
  for (auto& p : problems) {
    if (!p.from) p.from = from;
    problem(s, p);
  }
  if (events)
    for (const auto& e : *events) {
      Data& d = s.data;
      if (e.kind == SppV2Link::EventKind::config && e.config) {
        // The watch's start response names its side; the phone's request fills what it lacks.
        const V2Config& k = *e.config;
        const bool response = k.opcode == kV2StartResponse;
        if (k.version && (response || !d.sppv2_version)) d.sppv2_version = k.version;
        if (k.max_packet && (response || !d.sppv2_max_packet)) d.sppv2_max_packet = k.max_packet;
        if (k.tx_window && (response || !d.sppv2_tx_window)) d.sppv2_tx_window = k.tx_window;
        if (k.timeout_ms && (response || !d.sppv2_timeout_ms)) d.sppv2_timeout_ms = k.timeout_ms;
      } else if (e.kind == SppV2Link::EventKind::retransmission) {
        ++d.retransmissions;
      } else if (e.kind == SppV2Link::EventKind::data && e.seq_gap) {
        Finding f{Code::miwear_sppv2_seq_gap, e.packet.frames.frames};
        f.sender = sender(e.dir);
        f.number = e.packet.seq;
        add_finding(s, std::move(f));
      }
    }
  for (Raw& r : raws) on_message(c, s, r, kind);
  step.step = static_cast<std::uint8_t>(kind);
  for (const Message& m : s.step_messages) {
    if (!m.readable() || m.plaintext.empty()) continue;
    step.plaintext = m.plaintext;
    step.message = m.wire;
    if (m.counter) step.counter = *m.counter;
    break;
  }
  emit_step(s);
}

void Tracker::on_message(Channel& c, Session& s, Raw& raw, Step& kind) {
  Data& d = s.data;
  Message m;
  m.frames = std::move(raw.frames);
  m.more_frames = raw.more_frames;
  m.from = raw.from;
  m.transport = d.transport;
  m.channel = raw.channel;
  m.content = raw.content;
  m.encrypted = raw.encrypted;
  ++d.messages_total;
  const std::uint64_t last = m.frames.empty() ? s.last_frame : m.frames.back();
  if (raw.version) {
    promote(kind, Step::version);
    if (raw.from == Dir::to_phone && !raw.bytes.empty()) d.spp_version = raw.bytes[0];
    m.plaintext = raw.bytes;
    m.wire = std::move(raw.bytes);
    ++d.plain;
    s.step_messages.push_back(m);
    keep(s, std::move(m));
    return;
  }
  if (!raw.encrypted) {
    m.plaintext = raw.bytes;
    ++d.plain;
  } else if (raw.ctr) {  // AES-CTR, no tag (§4.2)
    if (d.keys) {
      m.plaintext = ctr_crypt(d.keys->key(raw.from), raw.bytes);
      m.decrypted = true;
      ++d.decrypted;
    } else {
      ++d.undecrypted;
    }
  } else {  // AES-CCM with a 4-byte tag (§4.1)
    m.counter = raw.counter;
    m.counter_on_wire = raw.counter_on_wire;
    if (!d.keys || raw.too_short) {
      ++d.undecrypted;
    } else {
      const Opened o = ccm_open(d.keys->key(raw.from), d.keys->nonce(raw.from), raw.counter,
                                ByteView(raw.bytes).subspan(raw.body_at));
      m.plaintext = o.plaintext;
      m.tag_ok = o.tag_ok;
      m.decrypted = true;
      ++d.decrypted;
      if (!o.tag_ok) {
        ++d.tag_failed;
        Finding f{Code::miwear_tag_failed, {last}};
        f.sender = sender(raw.from);
        f.number = raw.counter;
        f.type = static_cast<std::uint8_t>(raw.content);
        add_finding(s, std::move(f));
      }
    }
  }
  m.wire = std::move(raw.bytes);
  const Step as = m.content == Content::activity ? Step::activity
                  : m.content == Content::upload ? Step::upload
                                                 : Step::message;
  promote(kind, as);
  if (m.readable()) {
    if (m.content == Content::protobuf) {
      const auto e = decode_envelope(m.plaintext);
      if (!e || !e->tree.complete) {
        Finding f{Code::miwear_not_protobuf, {last}};
        f.sender = sender(m.from);
        f.count = m.plaintext.size();
        f.number = e ? e->tree.error_offset : 0;
        add_finding(s, std::move(f));
      }
      if (e) {
        m.type = e->type;
        m.subtype = e->subtype;
        m.error = e->error;
        if (e->tree.depth_limited || e->tree.fields_capped) {
          Finding f{Code::miwear_protobuf_limit, {last}};
          f.sender = sender(m.from);
          f.flag = e->tree.depth_limited;
          f.number = e->tree.depth_limited ? pb::Limits{}.max_depth : pb::Limits{}.max_fields;
          add_finding(s, std::move(f));
        }
        if (const auto a = parse_auth(*e)) on_auth(s, *a, m, kind);
      }
    } else if (m.content == Content::activity || m.content == Content::upload) {
      on_file_part(c, s, m);
    }
  }
  s.step_messages.push_back(m);
  keep(s, std::move(m));
}

void Tracker::on_auth(Session& s, const AuthMessage& a, const Message& m, Step& kind) {
  Data& d = s.data;
  const std::uint64_t frame = m.frames.empty() ? s.last_frame : m.frames.back();
  const bool phone = m.from == Dir::to_watch;
  switch (a.step) {
    case AuthStep::phone_nonce:
      if (!phone) return;
      promote(kind, Step::phone_nonce);
      d.phone_nonce.assign(a.phone_nonce.begin(), a.phone_nonce.end());
      d.phone_nonce_frame = frame;
      return;
    case AuthStep::watch_nonce: {
      if (phone) return;
      promote(kind, Step::watch_nonce);
      d.watch_nonce.assign(a.watch_nonce.begin(), a.watch_nonce.end());
      d.watch_hmac.assign(a.watch_hmac.begin(), a.watch_hmac.end());
      d.watch_nonce_frame = frame;
      if (d.phone_nonce.size() != kNonceLen || d.watch_nonce.size() != kNonceLen || d.watch_hmac.size() != 32) return;
      // The key is right or wrong here, before anything is encrypted (§3).
      const auto candidates = keys_.auth_keys(s.device);
      d.candidates = candidates.size();
      if (candidates.empty()) {
        s.status = Status::no_key;
        return;
      }
      for (const auto& cand : candidates) {
        const auto k = session_keys(cand.key, d.phone_nonce, d.watch_nonce);
        if (!k) continue;
        const Hash32 p = watch_proof(*k, d.phone_nonce, d.watch_nonce);
        if (!std::equal(p.begin(), p.end(), d.watch_hmac.begin())) continue;
        d.keys = k;
        d.auth_key = cand.key;
        d.auth_key_source = cand.source;
        break;
      }
      d.watch_proof_ok = d.keys.has_value();
      if (!d.keys) {
        Finding f{Code::miwear_watch_holds_other_key, {d.phone_nonce_frame, d.watch_nonce_frame}};
        f.count = candidates.size();
        add_finding(s, std::move(f));
        s.status = Status::failed;
      }
      return;
    }
    case AuthStep::phone_confirm: {
      if (!phone) return;
      promote(kind, Step::phone_confirm);
      d.phone_hmac.assign(a.phone_hmac.begin(), a.phone_hmac.end());
      d.device_info_sealed.assign(a.device_info_sealed.begin(), a.device_info_sealed.end());
      d.phone_confirm_frame = frame;
      if (!d.keys) return;
      const Hash32 p = phone_proof(*d.keys, d.phone_nonce, d.watch_nonce);
      d.phone_proof_ok = d.phone_hmac.size() == p.size() && std::equal(p.begin(), p.end(), d.phone_hmac.begin());
      if (!d.device_info_sealed.empty()) {
        // The device info: AES-CCM under encKey, counter 0 (§3).
        const Opened o = ccm_open(d.keys->enc_key, d.keys->enc_nonce, 0, d.device_info_sealed);
        if (!o.too_short) {
          d.device_info_tag_ok = o.tag_ok;
          d.device_info = parse_device_info(o.plaintext);
          if (!o.tag_ok) {
            Finding f{Code::miwear_tag_failed, {frame}};
            f.flag = true;
            add_finding(s, std::move(f));
          }
        }
      }
      if (!*d.phone_proof_ok) {
        add_finding(s, Finding{Code::miwear_phone_used_other_key, {d.watch_nonce_frame, frame}});
        s.status = Status::failed;
      } else if (s.status != Status::failed) {
        s.status = Status::verified;
      }
      return;
    }
    case AuthStep::watch_result:
      if (phone) return;
      promote(kind, Step::watch_result);
      d.result = a.result;
      d.capability = a.capability;
      d.result_frame = frame;
      if (a.result && *a.result != 1) {
        Finding f{Code::miwear_auth_rejected, {frame}};
        f.number = *a.result;
        add_finding(s, std::move(f));
        s.status = Status::failed;
      }
      return;
    case AuthStep::error:
      promote(kind, Step::auth_error);
      if (phone) return;
      d.error_code = a.error_code;
      d.error_frame = frame;
      {
        Finding f{Code::miwear_watch_error, {frame}};
        f.number = a.error_code.value_or(0);
        add_finding(s, std::move(f));
      }
      s.status = Status::failed;
      return;
    case AuthStep::user_id:
      if (!phone) return;
      promote(kind, Step::user_id);
      d.user_id_auth = true;
      d.user_id = a.user_id;
      return;
    case AuthStep::user_id_result:
      if (phone) return;
      promote(kind, Step::user_id_result);
      d.user_id_status = a.status;
      d.result_frame = frame;
      if (a.status == 1) {
        if (s.status != Status::failed) s.status = Status::verified;
      } else {
        Finding f{Code::miwear_user_id_rejected, {frame}};
        f.number = a.status.value_or(0);
        add_finding(s, std::move(f));
        s.status = Status::failed;
      }
      return;
    case AuthStep::other:
      return;
  }
}

void Tracker::on_file_part(Channel& c, Session& s, Message& m) {
  FileStream& fs = m.content == Content::activity ? c.activity : c.upload;
  const Code malformed =
      m.content == Content::activity ? Code::miwear_activity_malformed : Code::miwear_upload_malformed;
  const std::uint64_t frame = m.frames.empty() ? s.last_frame : m.frames.back();
  const FileStream::Result r = fs.feed(m.plaintext, frame);
  if (r.part) {
    m.part = r.part->number;
    m.parts = r.part->total;
  }
  auto trouble = [&](std::uint8_t type, std::uint64_t count, std::uint64_t number) {
    Finding f{malformed, {frame}};
    f.type = type;
    f.count = count;
    f.number = number;
    add_finding(s, std::move(f));
  };
  switch (r.trouble) {
    case FileStream::Trouble::none:
      break;
    case FileStream::Trouble::short_part:
      trouble(1, m.plaintext.size(), 0);
      break;
    case FileStream::Trouble::out_of_order:
      trouble(2, r.part ? r.part->number : 0, r.expected);
      break;
    case FileStream::Trouble::short_file:
      trouble(3, r.file ? r.file->size : 0, 0);
      break;
  }
  if (!r.file) return;
  const FileReport& fr = *r.file;
  if (fr.complete) {
    if (fr.kind == FileKind::upload && !fr.size_ok) {
      trouble(4, fr.size >= kUploadHeaderLen + 4 ? fr.size - kUploadHeaderLen - 4 : 0, fr.declared_size.value_or(0));
    } else if (fr.kind == FileKind::upload && fr.md5_ok && !*fr.md5_ok) {
      Finding f{Code::miwear_upload_md5_bad, {fr.first_frame, fr.last_frame}};
      f.byte = fr.upload_type;
      f.count = fr.declared_size.value_or(0);
      add_finding(s, std::move(f));
    }
    if (!fr.crc_ok) {
      Finding f{fr.kind == FileKind::activity ? Code::miwear_activity_crc_bad : Code::miwear_upload_crc_bad,
                {fr.first_frame, fr.last_frame}};
      f.value = fr.id;
      f.byte = fr.upload_type;
      f.count = fr.crc;
      f.number = fr.crc_computed;
      add_finding(s, std::move(f));
    }
  }
  s.step_files.push_back(fr);
  if (s.data.files.size() < Data::kMaxFiles)
    s.data.files.push_back(fr);
  else
    ++s.data.files_not_kept;
}

void Tracker::conclude(Session& s) {
  Data& d = s.data;
  if (s.status == Status::failed) return;
  if (d.user_id_auth) {
    s.status = d.user_id_status == 1 ? Status::verified : Status::incomplete;
  } else if (d.phone_nonce.empty() || d.watch_hmac.empty()) {
    s.status = Status::incomplete;  // no nonce exchange in the capture (it began later, or ended first)
  } else if (d.candidates == 0) {
    s.status = Status::no_key;
  } else if (d.watch_proof_ok == true && d.phone_proof_ok == true && (!d.result || *d.result == 1)) {
    s.status = Status::verified;
  } else {
    s.status = Status::incomplete;
  }
}

void Tracker::finish(Channel& c, session::EndReason why) {
  if (!c.session) return;
  Session& s = *c.session;
  s.end_reason = why;
  conclude(s);
  sink_.on_session(s);
  c.session.reset();
}

void Tracker::on_link_end(std::int64_t ts_ns, std::uint64_t link, session::EndReason why) {
  auto it = channels_.lower_bound({link, -1});
  while (it != channels_.end() && it->first.first == link) {
    Channel& c = it->second;
    if (c.session) {
      Session& s = *c.session;
      if (ts_ns > s.end_ns) s.end_ns = ts_ns;
      // What the framings and files leave unfinished.
      std::vector<Problem> left;
      for (auto& v : c.v1)
        for (auto& p : v.finish()) left.push_back(std::move(p));
      for (auto& p : c.v2.finish().problems) left.push_back(std::move(p));
      for (std::size_t i = 0; i < c.spp1.size(); ++i) {
        std::vector<Problem> ps;
        c.spp1[i].finish(ps);
        for (auto& p : ps) {
          p.from = i ? Dir::to_phone : Dir::to_watch;
          left.push_back(std::move(p));
        }
      }
      for (const auto& p : left) problem(s, p);
      for (FileStream* fs : {&c.activity, &c.upload})
        if (const std::uint16_t n = fs->pending_parts()) {
          Finding f{fs == &c.activity ? Code::miwear_activity_malformed : Code::miwear_upload_malformed,
                    {s.last_frame}};
          f.type = 5;
          f.count = n;
          f.total = fs->pending_total();
          add_finding(s, std::move(f));
        }
      finish(c, why);
    }
    if (it->first.second < 0) gatt_links_.erase(link);
    it = channels_.erase(it);
  }
}

}  // namespace fe95::miwear
