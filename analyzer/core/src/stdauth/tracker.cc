// SPDX-License-Identifier: GPL-2.0-or-later
// The standard-auth session machine (docs/STANDARD_AUTH.md §3-§5).
#include "fe95/stdauth/tracker.h"

#include <algorithm>
#include <cstring>

#include "fe95/att/att.h"

namespace fe95::stdauth {

using session::Finding;
using session::Input;
using session::Kind;
using session::Role;
using session::Status;

namespace {

bool is_write(std::uint8_t op) {
  return op == att::kWriteReq || op == att::kWriteCmd;
}
bool is_notify(std::uint8_t op) {
  return op == att::kNotify || op == att::kIndicate;
}

// An opcode written to the control point (§3.1): 1 or 4 bytes, the low byte selecting the
// procedure; the upper bytes are zero except for 0x15, which carries the IO capability.
// Without discovery (`known` false) the IO bytes of 0x15 must be zero too, as third-party clients
// send them: a legacy client's random 4-byte write then passes for an opcode once in 2^24.
// `size`: the value's length on the wire; `v` may hold only its first bytes (cut by the capture).
std::uint8_t at(ByteView v, std::size_t i) {
  return i < v.size() ? v[i] : 0;
}

std::optional<std::uint8_t> app_opcode(ByteView v, std::size_t size, bool known) {
  if ((size != 1 && size != 4) || v.size() < std::min<std::size_t>(size, 2)) return std::nullopt;
  const std::uint8_t op = v[0];
  if (op != 0xa2 && op != 0xa4 && op != 0x15 && op != 0x24 && op != 0x13 && op != 0x14) return std::nullopt;
  if (size == 4 && at(v, 3) != 0) return std::nullopt;
  if (size == 4 && (op != 0x15 || !known) && (at(v, 1) | at(v, 2)) != 0) return std::nullopt;
  return op;
}

// The device's result on the control point: 4 bytes in every trace (1 tolerated, §3.1).
std::optional<std::uint8_t> device_result(ByteView v, std::size_t size) {
  if ((size != 1 && size != 4) || v.size() < std::min<std::size_t>(size, 2)) return std::nullopt;
  if (size == 4 && (at(v, 1) | at(v, 2) | at(v, 3)) != 0) return std::nullopt;
  switch (v[0]) {
    case 0x11:
    case 0x12:
    case 0x21:
    case 0x22:
    case 0x23:
    case 0xe0:
    case 0xe1:
    case 0xe2:
    case 0xe3:
      return v[0];
    default:
      return std::nullopt;
  }
}

// The transfer channel's framing without discovery (§2.7): a control frame 00 00 0x (x <= 5).
bool looks_like_control(ByteView v) {
  return v.size() >= 4 && v[0] == 0 && v[1] == 0 && v[2] <= 5;
}

template <std::size_t N>
std::optional<std::array<std::uint8_t, N>> fixed(ByteView v) {
  if (v.size() != N) return std::nullopt;
  std::array<std::uint8_t, N> a{};
  std::memcpy(a.data(), v.data(), N);
  return a;
}

const Key16& key_of(const SessionKeys& k, Sender s) {
  return s == Sender::app ? k.app_key : k.dev_key;
}
const Iv4& iv_of(const SessionKeys& k, Sender s) {
  return s == Sender::app ? k.app_iv : k.dev_iv;
}

}  // namespace

bool is_zero_frame(ByteView f) {
  return f.size() >= 5 && f.size() == f[2] + 16u && f[0] == 0x55 && f[1] == 0xab &&
         std::all_of(f.begin() + 3, f.end() - 2, [](std::uint8_t b) { return b == 0; });
}

const char* channel_name(MessageChannel c) {
  return c == MessageChannel::uart ? "uart" : "stdio";
}

const char* uart_address_name(std::uint8_t d) {
  switch (d) {
    case 0x20:
      return "master_to_esc";
    case 0x21:
      return "master_to_ble";
    case 0x22:
      return "master_to_bms";
    case 0x23:
      return "esc_to_master";
    case 0x24:
      return "ble_to_master";
    case 0x25:
      return "bms_to_master";
    default:
      return "";
  }
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
}

void Tracker::add_finding(Session& s, Finding f) {
  if (s.findings.size() >= kMaxFindings) return;
  s.findings.push_back(std::move(f));
  sink_.on_finding(s, s.findings.back());
}

void Tracker::add_message(Session& s, SessionMessage m) {
  Data& d = s.data;
  if (d.messages.size() >= Data::kMaxMessages) {
    ++d.messages_dropped;
    return;
  }
  d.messages.push_back(std::move(m));
}

void Tracker::on_att(const Input& p) {
  const bool write = is_write(p.opcode), notify = is_notify(p.opcode);
  if (p.opcode == att::kReadRsp) {  // reads matter only inside a session
    if (auto it = links_.find(p.link); it != links_.end()) on_read(it->second, p);
    return;
  }
  if (!write && !notify) return;
  const Sender from = write ? Sender::app : Sender::device;
  const Role role = p.role;

  // Links cost state only once they carry an opcode of the control point or secure auth.
  const std::optional<std::uint8_t> op = write && (role == Role::unknown || role == Role::event)
                                             ? app_opcode(p.value, p.size(), role == Role::event)
                                             : std::nullopt;
  Link* link = nullptr;
  if (op || role == Role::secure_auth) {
    link = &links_[p.link];
  } else if (links_.empty()) {
    return;  // no link has spoken standard auth: the common case costs no lookup
  } else if (auto it = links_.find(p.link); it != links_.end()) {
    link = &it->second;
  }
  if (!link) return;
  Link& l = *link;

  if (role == Role::secure_auth) {
    if (!l.secure_reported) {
      l.secure_reported = true;
      Diagnostic d;
      d.frame = p.frame;
      d.code = Code::std_secure_auth;
      d.handle = p.handle;
      d.raw_hex = to_hex(p.value);
      sink_.on_diagnostic(d);
    }
    return;
  }

  if (op && (l.control == 0 || l.control == p.handle || role == Role::event)) {
    l.control = p.handle;
    Session* s = l.session ? &*l.session : nullptr;
    const bool register_open = s && s->kind == Kind::register_session && !s->data.app_public;
    if (*op == 0xa2 || (*op == 0x15 && !register_open)) {
      start(l, p, Kind::register_session);
    } else if (*op == 0x24) {
      start(l, p, Kind::login_session);
    } else if (s) {
      if (*op == 0x13 || *op == 0x14) s->data.app_verdict = *op;
      s->last_frame = p.frame;
      s->end_ns = p.ts_ns;
      add_step(*s, p, Step::opcode).plaintext = Bytes(p.value.begin(), p.value.end());
      emit_step(*s);
    }
    return;
  }
  if (notify && p.handle == l.control && l.session) {
    if (const auto r = device_result(p.value, p.size())) {
      Session& s = *l.session;
      s.data.result = *r;
      s.data.result_frame = p.frame;
      s.last_frame = p.frame;
      s.end_ns = p.ts_ns;
      add_step(s, p, Step::result).plaintext = Bytes(p.value.begin(), p.value.end());
      if (s.kind == Kind::login_session) resolve_login(s);
      emit_step(s);
      return;
    }
  }

  // The transfer channel, the scooter's UART, by discovery or else by content. A handle that
  // carried a 55 AB frame stays the UART: its all-zero continuation pieces look like rxfer commands
  // of zero fragments (the client bug of STANDARD_AUTH.md §8, session D).
  const int dir = static_cast<int>(from);
  const bool starts_uart = p.value.size() >= 2 && p.value[0] == 0x55 && p.value[1] == 0xab;
  const bool uart = role == Role::nus_write || role == Role::nus_notify ||
                    (role == Role::unknown && (p.handle == l.nus[dir] || (starts_uart && p.handle != l.transfer)));
  const bool transfer =
      p.handle == l.transfer || role == Role::std_transfer ||
      (!uart && l.transfer == 0 && role == Role::unknown && p.handle != l.control && looks_like_control(p.value));
  if (p.cut) {
    // Cut by the capture: a step of the session, its framing and content unread (the transfer
    // channel's reassembly would take what survived for whole fragments).
    if (!l.session) return;
    Session& s = *l.session;
    s.last_frame = p.frame;
    s.end_ns = p.ts_ns;
    if (transfer) l.transfer = p.handle;
    add_step(s, p, transfer ? Step::frame : Step::session_message);
    emit_step(s);
    return;
  }
  if (transfer) {
    if (l.transfer != p.handle) {
      l.transfer = p.handle;
      l.transfer_from_discovery = role == Role::std_transfer;
    }
    on_transfer(l, p, from);
    return;
  }
  if (!l.session) return;
  if (uart) {
    l.nus[dir] = p.handle;
    on_uart(l, p, from);
    return;
  }
  if (role == Role::stdio_write || role == Role::stdio_notify) {
    on_stdio(l, p, from, true);
    return;
  }
  if (role == Role::unknown) on_stdio(l, p, from, false);
}

// A read of a characteristic the FE95 service keeps in clear under standard auth: the firmware
// version on 0x0004 (docs/STANDARD_AUTH.md §1; Mi Home reads it right after its login), the product
// id on 0x0002. Without discovery the version is known by its form. Reported as the legacy
// family reports its reads: a step with the value and what it is, and the session's field.
bool Tracker::on_read(Link& l, const Input& in) {
  if (!l.session || in.opcode != att::kReadRsp) return false;
  const bool version = in.role == Role::version || (in.role == Role::unknown && session::looks_like_version(in.value));
  const bool product = in.role == Role::product_id && in.value.size() == 2;
  if (!version && !product) return false;
  Session& s = *l.session;
  s.last_frame = in.frame;
  s.end_ns = in.ts_ns;
  session::StepRecord& step = add_step(s, in, Step::read);
  step.plaintext.assign(in.value.begin(), in.value.end());
  step.what = static_cast<std::uint8_t>(version ? Value::firmware : Value::product_id);
  if (version)
    s.data.firmware = session::text_of(in.value);
  else
    s.data.product_id = load_u16le(in.value.data());
  emit_step(s);
  return true;
}

void Tracker::start(Link& l, const Input& in, Kind kind) {
  if (l.session) finish(l, session::EndReason::next_session);
  Session s;
  session::open(s, in, keys_, kind);
  Data& d = s.data;
  d.control_handle = in.handle;
  d.transfer_handle = l.transfer;
  d.from_discovery = in.role == Role::event || l.transfer_from_discovery;
  d.dmtu = l.channel.dmtu();
  d.negotiated = l.channel.negotiated();
  if (in.value.size() == 4 && in.value[0] == 0x15) d.io_capability = std::array{in.value[1], in.value[2]};
  l.session = std::move(s);
  l.last_counter[0].reset();
  l.last_counter[1].reset();
  l.uart[0] = Uart{};
  l.uart[1] = Uart{};
  Session& ss = *l.session;
  add_step(ss, in, Step::opcode).plaintext = Bytes(in.value.begin(), in.value.end());
  emit_step(ss);
}

void Tracker::on_transfer(Link& l, const Input& in, Sender from) {
  std::vector<Problem> problems;
  const Channel::Result r = l.channel.feed(in.frame, from, in.value, problems);
  if (!l.session) return;  // e.g. the 0xA4 negotiation before the login: the channel learns the DMTU
  Session& s = *l.session;
  s.last_frame = in.frame;
  s.end_ns = in.ts_ns;
  Data& d = s.data;
  d.transfer_handle = l.transfer;
  d.dmtu = l.channel.dmtu();
  d.negotiated = l.channel.negotiated();
  session::StepRecord& step = add_step(s, in, Step::frame);
  if (r.message) {
    step.message = r.message->data;
    step.message_type = r.message->type;
  }
  // After a PDU the capture cut, the channel misses its bytes: what it finds wrong is no fault.
  if (!s.cut_pdus)
    for (auto& pr : problems) add_finding(s, std::move(pr));
  if (r.message) on_message(s, *r.message);
  emit_step(s);
}

void Tracker::on_message(Session& s, const Message& m) {
  Data& d = s.data;
  const std::vector<std::uint64_t> frames = {m.frames.front(), m.frames.back()};
  if (s.kind == Kind::register_session) {
    if (m.type == 0x00 && m.from == Sender::device && !d.app_public && !d.device_public) {
      // Device info (§4.2): version u16, IO capability, the previous DID right-aligned in 20 bytes.
      if (m.data.size() >= 2) d.protocol_version = load_u16le(m.data.data());
      if (m.data.size() >= 4 && !d.io_capability) d.io_capability = std::array{m.data[2], m.data[3]};
      if (m.data.size() > 4) {
        std::string did;
        for (std::size_t i = 4; i < m.data.size(); ++i)
          if (m.data[i] != 0 || !did.empty()) did.push_back(static_cast<char>(m.data[i]));
        d.previous_did = did;
      }
    } else if (m.type == 0x03) {
      auto& key = m.from == Sender::app ? d.app_public : d.device_public;
      auto& ok = m.from == Sender::app ? d.app_public_on_curve : d.device_public_on_curve;
      key = fixed<64>(m.data);
      ok = key && on_p256(*key);
      if (!*ok) {
        Finding f{Code::std_public_key_off_curve, frames};
        f.sender = static_cast<std::uint8_t>(m.from);
        f.value = m.data;
        add_finding(s, std::move(f));
      }
    } else if (m.type == 0x00 && m.from == Sender::app) {
      d.did_ciphertext_len = m.data.size();
    }
    return;
  }
  switch (m.type) {
    case 0x0b:
      if (m.from == Sender::app) d.app_random = fixed<16>(m.data);
      break;
    case 0x0d:
      if (m.from == Sender::device) d.dev_random = fixed<16>(m.data);
      break;
    case 0x0c:
      if (m.from == Sender::device) {
        d.dev_confirmation = fixed<32>(m.data);
        d.dev_confirmation_frame = m.frames.back();
      }
      break;
    case 0x0a:
      if (m.from == Sender::app) {
        d.app_confirmation = fixed<32>(m.data);
        d.app_confirmation_frame = m.frames.back();
      }
      break;
    default:
      return;
  }
  resolve_login(s);
}

// §5.3: each candidate token against the device's confirmation, then the app's.
void Tracker::resolve_login(Session& s) {
  Data& d = s.data;
  if (!d.app_random || !d.dev_random || !d.dev_confirmation) return;
  // Tried only when there is a candidate: with none, nothing was checked and dev_confirmation_ok
  // stays unset (a real Mi Home login read without a token showed `false` here).
  // The tokens first, then the device's keys given in another role (a token given as its beacon or
  // bind key): the device's HMAC confirms one or none.
  std::vector<KeyStore::Candidate> candidates = keys_.tokens(s.device);
  if (s.device)
    for (const auto& c : keys_.tokens_in_other_roles(*s.device)) candidates.push_back(c);
  if (!candidates.empty() && !d.dev_confirmation_ok.value_or(false)) {
    d.dev_confirmation_ok = false;
    for (const auto& c : candidates) {
      const SessionKeys k = login_keys(c.token, *d.app_random, *d.dev_random);
      if (device_confirmation(k, *d.app_random, *d.dev_random) == *d.dev_confirmation) {
        d.dev_confirmation_ok = true;
        d.keys = k;
        s.token = c.token;
        s.token_source = c.source;
        break;
      }
    }
  }
  if (d.keys && d.app_confirmation && !d.app_confirmation_ok)
    d.app_confirmation_ok = app_confirmation(*d.keys, *d.app_random, *d.dev_random) == *d.app_confirmation;
  // The status as soon as it is definite; conclude() settles the rest.
  if (d.dev_confirmation_ok.value_or(false) && d.app_confirmation_ok.value_or(false) &&
      (!d.result || *d.result == 0x21))
    s.status = Status::verified;
}

void Tracker::on_uart(Link& l, const Input& in, Sender from) {
  Session& s = *l.session;
  s.last_frame = in.frame;
  s.end_ns = in.ts_ns;
  Uart& u = l.uart[static_cast<int>(from)];
  add_step(s, in, Step::session_message);
  const bool starts = in.value.size() >= 2 && in.value[0] == 0x55 && in.value[1] == 0xab;
  if (u.buf.empty() && !starts) {
    ++s.data.undecrypted;  // a piece of no 55 AB frame (or its start was missed)
    emit_step(s);
    return;
  }
  u.buf.insert(u.buf.end(), in.value.begin(), in.value.end());
  u.frames.push_back(in.frame);
  // Frames are L + 16 bytes (§6.3); a value may end one and start the next.
  while (u.buf.size() >= 3 && u.buf.size() >= u.buf[2] + 16u) {
    const std::size_t n = u.buf[2] + 16u;
    const Bytes frame(u.buf.begin(), u.buf.begin() + static_cast<std::ptrdiff_t>(n));
    uart_frame(l, s, from, frame, u.frames, in);
    u.buf.erase(u.buf.begin(), u.buf.begin() + static_cast<std::ptrdiff_t>(n));
    u.frames.assign(1, in.frame);
    if (u.buf.size() >= 2 && !(u.buf[0] == 0x55 && u.buf[1] == 0xab)) u.buf.clear();
  }
  if (u.buf.empty()) u.frames.clear();
  emit_step(s);
}

void Tracker::uart_frame(Link& l, Session& s, Sender from, ByteView frame, std::vector<std::uint64_t> frames,
                         const Input& in) {
  Data& d = s.data;
  session::StepRecord& step = step_stored_ ? s.steps.back() : overflow_;
  const std::size_t n = frame.size();
  // Before the login a scooter sends frames of zeros: 55 ab L 00 ... 00 ck ck (§6.3).
  if (is_zero_frame(frame)) {
    ++d.zero_frames;
    step.message.assign(frame.begin(), frame.end());
    return;
  }
  const std::uint16_t sum = uart_checksum(frame.subspan(2, n - 4));
  const bool ck_ok = load_u16le(frame.data() + n - 2) == sum;
  if (!ck_ok) {
    Finding f{Code::uart_checksum, frames};
    f.value.assign(frame.end() - 2, frame.end());  // the checksum sent
    f.number = sum;                                // the one the frame sums to
    add_finding(s, std::move(f));
  }
  if (!d.keys || !d.dev_confirmation_ok.value_or(false)) {
    ++d.undecrypted;
    return;
  }
  const int dir = static_cast<int>(from);
  const std::uint32_t counter = extend_counter(l.last_counter[dir], load_u16le(frame.data() + 3));
  const auto nonce = session_nonce(iv_of(*d.keys, from), counter);
  const auto pt = ccm_decrypt(key_of(*d.keys, from), nonce, {}, frame.subspan(5, n - 7), 4);
  SessionMessage m;
  m.frames = std::move(frames);
  m.from = from;
  m.channel = MessageChannel::uart;
  m.handle = in.handle;
  m.counter = counter;
  m.wire.assign(frame.begin(), frame.end());
  m.checksum_ok = ck_ok;
  if (!pt) {
    ++d.mic_failures;
    Finding f{Code::session_mic_failed, m.frames};
    f.sender = static_cast<std::uint8_t>(from);
    f.type = static_cast<std::uint8_t>(MessageChannel::uart);
    f.number = counter;
    add_finding(s, std::move(f));
  } else {
    l.last_counter[dir] = counter;
    m.mic_ok = true;
    m.plaintext = *pt;
    if (pt->size() >= 7) {
      UartCommand c;
      c.d = (*pt)[0];
      c.t = (*pt)[1];
      c.c = (*pt)[2];
      c.data.assign(pt->begin() + 3, pt->end() - 4);
      std::memcpy(c.tail.data(), pt->data() + pt->size() - 4, 4);
      m.uart = std::move(c);
    }
    step.plaintext = *pt;
    step.counter = counter;
  }
  step.message.assign(frame.begin(), frame.end());
  add_message(s, std::move(m));
}

bool Tracker::on_stdio(Link& l, const Input& in, Sender from, bool known) {
  Session& s = *l.session;
  Data& d = s.data;
  const bool keyed = d.keys && d.dev_confirmation_ok.value_or(false);
  if (!keyed) {  // counted, not a step: without keys a blob cannot be told from other traffic
    if (known) ++d.undecrypted;
    return known;
  }
  if (!known && in.value.size() < 7) return false;
  std::optional<Bytes> pt;
  std::uint32_t counter = 0;
  const int dir = static_cast<int>(from);
  if (keyed && in.value.size() >= 6) {
    counter = extend_counter(l.last_counter[dir], load_u16le(in.value.data()));
    pt = ccm_decrypt(key_of(*d.keys, from), session_nonce(iv_of(*d.keys, from), counter), {}, in.value.subspan(2), 4);
  }
  if (!known && !pt) return false;  // not a blob of this session: someone else's characteristic
  s.last_frame = in.frame;
  s.end_ns = in.ts_ns;
  session::StepRecord& step = add_step(s, in, Step::session_message);
  SessionMessage m;
  m.frames = {in.frame};
  m.from = from;
  m.channel = MessageChannel::stdio;
  m.handle = in.handle;
  m.counter = counter;
  m.wire.assign(in.value.begin(), in.value.end());
  if (!pt) {
    ++d.mic_failures;
    Finding f{Code::session_mic_failed, {in.frame}};
    f.sender = static_cast<std::uint8_t>(from);
    f.type = static_cast<std::uint8_t>(MessageChannel::stdio);
    f.number = counter;
    add_finding(s, std::move(f));
    add_message(s, std::move(m));
  } else {
    l.last_counter[dir] = counter;
    m.mic_ok = true;
    m.plaintext = *pt;
    step.plaintext = *pt;
    step.counter = counter;
    add_message(s, std::move(m));
  }
  emit_step(s);
  return true;
}

void Tracker::conclude(Link& l, Session& s) {
  Data& d = s.data;
  std::vector<Problem> problems;
  l.channel.finish(problems);
  // The capture cut PDUs of the session: nothing in them is checked, and nothing they lack is a fault.
  const bool cut = s.cut_pdus != 0;
  if (!cut)
    for (auto& pr : problems) add_finding(s, std::move(pr));
  const std::vector<std::uint64_t> result_frames =
      d.result_frame ? std::vector<std::uint64_t>{d.result_frame} : std::vector<std::uint64_t>{s.first_frame};
  if (s.kind == Kind::register_session) {
    const bool off_curve =
        (d.app_public_on_curve && !*d.app_public_on_curve) || (d.device_public_on_curve && !*d.device_public_on_curve);
    if (d.result && (*d.result == 0x12 || *d.result == 0xe1)) {
      Finding f{Code::std_register_rejected, result_frames};
      f.byte = *d.result;
      add_finding(s, std::move(f));
      s.status = Status::failed;
    } else if (off_curve || (d.app_verdict && *d.app_verdict == 0x14)) {
      s.status = Status::failed;
    } else if (d.result && *d.result == 0x11) {
      s.status = Status::registered;
    } else {
      s.status = cut ? Status::truncated : Status::incomplete;
    }
    if (d.app_public || d.device_public) add_finding(s, Finding{Code::std_token_not_in_capture, {s.first_frame}});
  } else {
    const bool have = d.app_random && d.dev_random && d.dev_confirmation;
    auto candidates = keys_.tokens(s.device);
    if (s.device)
      for (const auto& c : keys_.tokens_in_other_roles(*s.device)) candidates.push_back(c);
    if (d.result && *d.result == 0xe0) {
      add_finding(s, Finding{Code::std_not_registered, result_frames});
      s.status = Status::failed;
    } else if (cut && s.status != Status::verified) {
      s.status = Status::truncated;
    } else if (!have) {
      s.status = Status::incomplete;
    } else if (candidates.empty()) {
      s.status = Status::no_token;
    } else if (d.dev_confirmation_ok.value_or(false)) {
      s.status = Status::verified;
      if (d.app_confirmation_ok && !*d.app_confirmation_ok) {
        std::vector<std::uint64_t> frames{d.dev_confirmation_frame, d.app_confirmation_frame};
        if (d.result_frame) frames.push_back(d.result_frame);
        Finding f{Code::std_app_used_other_token, std::move(frames)};
        f.token = s.token;
        add_finding(s, std::move(f));
        s.status = Status::failed;
      } else if (d.result && *d.result != 0x21) {
        Finding f{Code::std_login_rejected, result_frames};
        f.byte = *d.result;
        add_finding(s, std::move(f));
        s.status = Status::failed;
      }
    } else {
      // The device's confirmation fits no candidate: does the app's fit one?
      std::optional<Token> app_token;
      if (d.app_confirmation)
        for (const auto& c : candidates) {
          const SessionKeys k = login_keys(c.token, *d.app_random, *d.dev_random);
          if (app_confirmation(k, *d.app_random, *d.dev_random) == *d.app_confirmation) {
            app_token = c.token;
            break;
          }
        }
      // The confirmations that decided it: the device's, and the app's when it was sent.
      std::vector<std::uint64_t> frames{d.dev_confirmation_frame};
      if (d.app_confirmation) frames.push_back(d.app_confirmation_frame);
      Finding f{app_token ? Code::std_device_holds_other_token : Code::std_no_candidate, std::move(frames)};
      f.token = app_token;
      f.count = candidates.size();
      add_finding(s, std::move(f));
      s.status = Status::failed;
    }
    if (s.status == Status::verified && s.device && s.token) {
      if (s.token_source == Source::given_as_beacon_key || s.token_source == Source::given_as_bind_key) {
        Finding f{Code::key_in_other_role, {d.dev_confirmation_frame}};
        f.mac = s.device;
        f.claimed_source = s.token_source;
        f.kind = s.kind;
        f.token = s.token;
        add_finding(s, std::move(f));
      }
      sink_.on_learned(session::Learned{*s.device, s.token, std::nullopt, std::nullopt});
    }
  }
}

void Tracker::finish(Link& l, session::EndReason why) {
  Session& s = *l.session;
  s.end_reason = why;
  // An opcode-like write on a handle discovery did not name, and nothing of standard auth after
  // it: some other protocol's 4 bytes (a legacy login's response can look like 24 00 00 00), not
  // a session.
  if (!s.data.from_discovery && s.steps.size() == 1) {
    l.session.reset();
    return;
  }
  conclude(l, s);
  sink_.on_session(s);
  l.session.reset();
  l.uart[0] = Uart{};
  l.uart[1] = Uart{};
}

void Tracker::on_link_end(std::int64_t ts_ns, std::uint64_t link, session::EndReason why) {
  auto it = links_.find(link);
  if (it == links_.end()) return;
  if (it->second.session) {
    if (ts_ns > it->second.session->end_ns) it->second.session->end_ns = ts_ns;
    finish(it->second, why);
  }
  links_.erase(it);
}

}  // namespace fe95::stdauth
