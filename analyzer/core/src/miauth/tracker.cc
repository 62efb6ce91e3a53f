// SPDX-License-Identifier: GPL-2.0-or-later
// The session machine: session starts, steps, resolution, conclusion (docs/PROTOCOL.md §4).
#include <algorithm>
#include <cstring>

#include "fe95/att/att.h"
#include "fe95/miauth/session.h"
#include "fe95/miauth/solve.h"
#include "protected.h"

namespace fe95::miauth {

namespace {

bool is_write(std::uint8_t op) {
  return op == att::kWriteReq || op == att::kWriteCmd;
}
bool is_notify(std::uint8_t op) {
  return op == att::kNotify || op == att::kIndicate;
}

// A 4-byte value that is `w`: whole, or cut by the capture with at least its first two bytes
// surviving and matching (a filtered log keeps two value bytes, a snooz log three).
bool is_word(const Input& p, const Word& w) {
  if (!p.cut) return equal(p.value, w);
  return p.size() == 4 && p.value.size() >= 2 && std::memcmp(p.value.data(), w.data(), p.value.size()) == 0;
}

Word word(ByteView v) {
  Word w{};
  std::memcpy(w.data(), v.data(), std::min<std::size_t>(4, v.size()));
  return w;
}

Status decide_whole(const Session& s, bool ended, std::size_t candidates);

// The one place a session's status is decided. While the session runs (ended = false), only what
// no later PDU can change; at its end, everything. `candidates`: the tokens a login was tried with.
// A session the capture cut is `truncated` unless what survived already verified it: its cut
// values are never checked, so it neither fails nor mismatches a token.
Status decide_status(const Session& s, bool ended, std::size_t candidates) {
  const Status st = decide_whole(s, ended, candidates);
  return s.cut_pdus && st != Status::verified ? Status::truncated : st;
}

Status decide_whole(const Session& s, bool ended, std::size_t candidates) {
  if (s.draft_order) return ended ? Status::failed : Status::incomplete;  // the device ignores it
  if (s.kind == Kind::register_session) {
    if (s.t2_verified && !*s.t2_verified) return Status::failed;
    if (s.end_form == EndForm::mismatch) return Status::failed;
    if (s.t2_verified && *s.t2_verified && (s.end_form == EndForm::encrypted || s.end_form == EndForm::plain))
      return Status::verified;
    if (!ended || !s.device || s.t1.empty() || s.t2.empty()) return Status::incomplete;
    if (!s.t2_verified) return Status::failed;  // T2 there, but no product id to check it under
    return Status::incomplete;                  // the client's final write never came
  }
  if (s.session_key && s.confirmation.size() >= 4)
    return equal(rc4(*s.session_key, ByteView(s.confirmation).first(4)), kLoginConfirm) ? Status::verified
                                                                                        : Status::failed;
  if (!ended || s.challenge.empty() || s.response.empty()) return Status::incomplete;
  if (!s.token) return candidates == 0 ? Status::no_token : Status::failed;
  if (s.end_reason == EndReason::end_of_capture) return Status::incomplete;
  return Status::other_token;  // the response fits the token; the device never confirms
}

// The token channel's state machine (docs/PROTOCOL.md §4) as a transition table: a PDU of the
// session's kind, written or notified, with a value of the given length, becomes the step when
// the step before it (`after`) has been seen and this one has not.
struct Transition {
  Kind kind;
  bool written;  // write request/command (else notification/indication)
  std::size_t min_len, max_len;
  std::uint64_t Session::*after;  // the frame of the message that must come first, or null
  Bytes Session::*field;          // where the message is kept (cut by the capture: its first bytes)
  std::uint64_t Session::*frame;
  Step step;
};
constexpr std::size_t kAny = SIZE_MAX;
const Transition kTokenChannel[] = {
    {Kind::register_session, true, 12, 12, nullptr, &Session::t1, &Session::t1_frame, Step::t1},
    {Kind::register_session, false, 12, 12, &Session::t1_frame, &Session::t2, &Session::t2_frame, Step::t2},
    {Kind::register_session, true, 4, 4, &Session::t1_frame, &Session::end, &Session::end_frame, Step::register_end},
    {Kind::login_session, false, 4, kAny, nullptr, &Session::challenge, &Session::challenge_frame, Step::challenge},
    {Kind::login_session, true, 4, 4, &Session::challenge_frame, &Session::response, &Session::response_frame,
     Step::response},
    {Kind::login_session, false, 4, kAny, &Session::response_frame, &Session::confirmation,
     &Session::confirmation_frame, Step::confirmation},
};

}  // namespace

StepRecord& Tracker::add_step(Session& s, const Input& in, Step step) {
  s.steps.push_back(s.step_of(in, static_cast<std::uint8_t>(step)));
  return s.steps.back();
}

void Tracker::add_finding(Session& s, Finding f) {
  s.findings.push_back(std::move(f));
  sink_.on_finding(s, s.findings.back());
}

void Tracker::on_att(const Input& p) {
  // Outside a session only three kinds of PDU matter: a session start, a product id read and a
  // CCCD enable (all below). Other PDUs look their link up without inserting it, so links that
  // never carry FE95 traffic cost no state and no insertion.
  const bool context = (is_write(p.opcode) && p.size() == 4) || (p.opcode == att::kReadRsp && p.value.size() == 2) ||
                       (p.opcode == att::kWriteReq && p.value.size() == 2);
  ConnState* state = nullptr;
  if (context) {
    state = &conns_[p.link];
  } else if (auto it = conns_.find(p.link); it != conns_.end() && it->second.session) {
    state = &it->second;
  }
  if (!state) return;
  ConnState& st = *state;
  const Role role = p.role;

  // Session starts: a 4-byte opcode written to the event characteristic (docs/PROTOCOL.md §4).
  if (is_write(p.opcode) && p.size() == 4 && (role == Role::unknown || role == Role::event)) {
    const bool reg = is_word(p, kRegisterStart), login = is_word(p, kLoginStart);
    const bool dreg = is_word(p, kDraftRegisterStart), dlogin = is_word(p, kDraftLoginStart);
    if (reg || login || dreg || dlogin) {
      start(st, p, (reg || dreg) ? Kind::register_session : Kind::login_session, dreg || dlogin);
      return;
    }
  }
  // Context outside sessions: the product id read (char 0x0002) and CCCD enables.
  if (p.opcode == att::kReadRsp && p.value.size() == 2 && !p.cut &&
      (role == Role::product_id || (role == Role::unknown && !st.session))) {
    if (role == Role::product_id || !st.pid_read) st.pid_read = load_u16le(p.value.data());
    if (st.session && role == Role::product_id) {
      StepRecord& r = add_step(*st.session, p, Step::product_id_read);
      r.plaintext = r.value;
      sink_.on_step(*st.session, r);
    }
    return;
  }
  // Notifications enabled on a CCCD (by discovery, or any handle without it): the characteristic
  // value just before it may be the token channel.
  if (p.opcode == att::kWriteReq && p.value.size() == 2 && !p.cut && p.value[0] == 0x01 && p.value[1] == 0x00 &&
      (role == Role::unknown || role == Role::cccd))
    st.cccd_hint = static_cast<std::uint16_t>(p.handle - 1);

  if (st.session) on_session_pdu(st, p);
}

void Tracker::start(ConnState& st, const Input& in, Kind kind, bool draft) {
  if (st.session) finish(st, EndReason::next_session);
  Session s;
  session::open(s, in, keys_, kind);
  s.event_handle = in.handle;
  s.draft_order = draft;
  const std::uint16_t token_char = in.server ? in.server->find_characteristic(0xfe95, 0x0001) : 0;
  if (token_char) {
    s.token_handle = token_char;
    s.gatt_known = true;
  } else if (st.cccd_hint && st.cccd_hint != s.event_handle) {
    s.token_handle = st.cccd_hint;
  }
  StepRecord& r = add_step(s, in, kind == Kind::register_session ? Step::register_start : Step::login_start);
  r.plaintext = r.value;  // session starts are sent in clear (of a cut one, what survived)
  st.session = std::move(s);
  Session& ss = *st.session;
  sink_.on_step(ss, ss.steps.back());
  if (draft) {
    Finding f{Code::draft_byte_order, {in.frame}};
    f.value = ss.steps.back().value;
    f.kind = kind;
    add_finding(ss, std::move(f));
  }
}

void Tracker::on_session_pdu(ConnState& st, const Input& p) {
  Session& s = *st.session;
  const Role role = p.role;
  s.last_frame = p.frame;
  s.end_ns = p.ts_ns;
  if (s.steps.size() >= kMaxSteps) return;

  const bool on_token = s.token_handle ? p.handle == s.token_handle
                                       : (p.handle != s.event_handle && (role == Role::unknown || role == Role::token));
  Step step{};
  bool token_step = false;
  if (on_token) {
    for (const auto& t : kTokenChannel) {
      if (t.kind != s.kind || (t.written ? !is_write(p.opcode) : !is_notify(p.opcode))) continue;
      if (p.size() < t.min_len || p.size() > t.max_len) continue;
      if ((t.after && !(s.*t.after)) || s.*t.frame) continue;
      step = t.step;
      token_step = true;
      (s.*t.field).assign(p.value.begin(), p.value.end());
      s.*t.frame = p.frame;
      break;
    }
    if (token_step && !s.token_handle) s.token_handle = p.handle;
  }
  if (token_step) {
    add_step(s, p, step);
    advance(st, s);
    sink_.on_step(s, s.steps.back());
    return;
  }
  // The bond result: a second 4-byte write to the event characteristic, rc4(token, ·).
  if (p.handle == s.event_handle && is_write(p.opcode) && p.size() == 4) {
    StepRecord& r = add_step(s, p, Step::bond_result);
    if (s.token && !r.cut) {
      r.plaintext = rc4(*s.token, r.value);
      if (equal(r.plaintext, kBondOk)) s.bond_ok = true;
      if (equal(r.plaintext, kBondFailed)) s.bond_ok = false;
    }
    sink_.on_step(s, r);
    return;
  }
  // Values the token protects: reads of 0x0004/0x0013/0x0014, writes to 0x0013/0x0005. Without
  // discovery any other read or write of the session is a candidate, kept only if its plaintext
  // has the expected form (decrypt_protected).
  const Protected known = protected_of(role);
  const bool known_plain = std::find(s.plain_handles.begin(), s.plain_handles.end(), p.handle) != s.plain_handles.end();
  if ((role == Role::unknown || known != Protected::none) && !known_plain && p.handle != s.token_handle &&
      p.handle != s.event_handle && p.size() != 0) {
    // A cut value on a handle discovery did not name cannot be recognised by its plaintext: skipped.
    if (p.cut && known == Protected::none) return;
    if (p.opcode == att::kReadRsp) {
      add_step(s, p, Step::encrypted_read).what = static_cast<std::uint8_t>(known);
    } else if (is_write(p.opcode)) {
      // Of the protected characteristics, only the device id and Wi-Fi are written.
      add_step(s, p, Step::encrypted_write).what = static_cast<std::uint8_t>(
          known == Protected::device_id || known == Protected::wifi ? known : Protected::none);
    } else {
      return;
    }
    decrypt_protected(s);
    if (what_of(s.steps.back()) != Protected::none) sink_.on_step(s, s.steps.back());
    if (p.cut) s.status = decide_status(s, false, 0);
  }
}

void Tracker::advance(ConnState& st, Session& s) {
  const std::optional<Token> before = s.token;
  // Resolve again only when the token channel brought something new (each resolution costs a
  // few RC4 key schedules per candidate).
  const std::size_t seen = (s.t1.empty() ? 0u : 1u) + (s.t2.empty() ? 0u : 1u) + (s.end.empty() ? 0u : 1u) +
                           (s.challenge.empty() ? 0u : 1u) + (s.response.empty() ? 0u : 1u) +
                           (s.confirmation.empty() ? 0u : 1u) + (s.device ? 8u : 0u);
  // A value the capture cut is never checked: once the session has one, what was resolved from
  // the whole values before it stands, and nothing more is (decide_status says `truncated`).
  if (seen != s.resolved_steps && !s.cut_pdus) {
    s.resolved_steps = seen;
    if (s.kind == Kind::register_session)
      resolve_register(st, s);
    else
      resolve_login(s);
  }
  if (s.token != before)
    for (auto& r : s.steps) r.tried = false;
  decrypt_protected(s);
  // The status as soon as it is definite (front ends that dissect in one pass show it at that
  // frame); conclude() settles the rest when the session ends.
  s.status = decide_status(s, false, 0);
}

void Tracker::resolve_register(ConnState& st, Session& s) {
  if (s.draft_order) return;
  RegisterSolution before;
  before.product_id = s.product_id;
  before.product_id_source = s.product_id_source;
  before.matches = s.product_id_matches;
  before.t2_verified = s.t2_verified;
  before.token = s.token;
  before.end_form = s.end_form;
  const RegisterSolution sol = solve_register(before, {s.t1, s.t2, s.end, s.device, st.pid_read}, keys_);
  if (!s.device && sol.device) {
    s.device = sol.device;
    s.device_source = sol.device_source;
  }
  s.product_id = sol.product_id;
  s.product_id_source = sol.product_id_source;
  s.product_id_matches = sol.matches;
  s.t2_verified = sol.t2_verified;
  if (sol.refuted) {
    Finding f{Code::wrong_product_id, {s.t1_frame, s.t2_frame}};
    f.claimed_product_id = sol.refuted->first;
    f.claimed_source = sol.refuted->second;
    f.product_id = s.product_id;
    add_finding(s, std::move(f));
  }
  if (sol.token) {
    s.token = sol.token;
    s.token_source = Source::register_session;
  }
  if (sol.end_form != EndForm::none && s.end_form == EndForm::none) {
    s.end_form = sol.end_form;
    for (auto& r : s.steps)
      if (step_of(r) == Step::register_end) r.plaintext = rc4(*s.token, r.value);
  }
  for (auto& r : s.steps) {
    if (step_of(r) == Step::t1 && s.token) r.plaintext.assign(s.token->begin(), s.token->end());
    if (step_of(r) == Step::t2 && s.token && s.t2_verified && *s.t2_verified)
      r.plaintext.assign(s.token->begin(), s.token->end());
  }
}

void Tracker::resolve_login(Session& s) {
  if (s.draft_order || s.challenge.size() < 4) return;
  const auto candidates = keys_.tokens(s.device);
  // Solved from scratch at every step: a candidate adopted at the challenge (the only one) is
  // dropped when the response contradicts it.
  LoginSolution sol = candidates.empty() ? LoginSolution{} : solve_login(s.challenge, s.response, candidates);
  // None of the tokens fits: the device's keys given in another role (a token given as its beacon
  // or bind key), once the response can confirm one.
  if (!sol.token && s.device && s.response.size() == 4)
    if (const auto other = keys_.tokens_in_other_roles(*s.device); !other.empty())
      if (LoginSolution o = solve_login(s.challenge, s.response, other); o.token) sol = o;
  if (candidates.empty() && !sol.token) return;
  s.token = sol.token;
  s.token_source = sol.source;
  s.tick = sol.tick;
  s.session_key = sol.session_key;
  for (auto& r : s.steps) {
    if (step_of(r) == Step::challenge || step_of(r) == Step::response || step_of(r) == Step::confirmation)
      r.plaintext.clear();
    if (!s.token) continue;
    if (step_of(r) == Step::challenge) r.plaintext.assign(s.tick->begin(), s.tick->end());
    if (step_of(r) == Step::response || step_of(r) == Step::confirmation)
      r.plaintext = rc4(*s.session_key, ByteView(r.value).first(std::min<std::size_t>(4, r.value.size())));
  }
}

void Tracker::decrypt_protected(Session& s) {
  if (!s.token) return;
  // Each candidate is tried once per token (advance() clears `tried` when the token changes), so
  // a long session costs linear, not quadratic, work.
  for (auto& r : s.steps) {
    if ((step_of(r) != Step::encrypted_read && step_of(r) != Step::encrypted_write) || !r.plaintext.empty() ||
        r.tried || r.cut)
      continue;
    r.tried = true;
    Bytes plain = rc4(*s.token, r.value);  // the token's key schedule is cached (Rc4)
    Protected what = what_of(r);
    if (what == Protected::none) {  // no discovery: recognise the plaintext by its form
      what = recognise(step_of(r) == Step::encrypted_write, plain, r.frame);
      if (what == Protected::none) {  // application traffic (plaintext after auth): not ours, nor its handle
        if (s.plain_handles.size() < 64 &&
            std::find(s.plain_handles.begin(), s.plain_handles.end(), r.handle) == s.plain_handles.end())
          s.plain_handles.push_back(r.handle);
        continue;
      }
    }
    r.what = static_cast<std::uint8_t>(what);
    r.plaintext = plain;
    if (what == Protected::firmware)
      s.firmware = text_of(plain);
    else if (what == Protected::device_id)
      s.device_id = text_of(plain);
    else if (what == Protected::beacon_key && plain.size() == 12) {
      BeaconKey k{};
      std::copy(plain.begin(), plain.end(), k.begin());
      s.beacon_key = k;
    } else if (what == Protected::wifi) {
      if (auto w = parse_wifi(plain, r.frame)) s.wifi.push_back(*w);
    }
  }
}

void Tracker::conclude(ConnState& st, Session& s) {
  advance(st, s);
  const auto candidates = keys_.tokens(s.device);
  s.status = decide_status(s, true, candidates.size());
  // Why: the findings that explain the status.
  auto cut = [&]() {
    if (s.end_reason != EndReason::disconnect && s.end_reason != EndReason::link_dropped) return;
    Finding f{Code::cut_by_disconnect, {s.first_frame, s.last_frame}};
    f.flag = s.connected_ns != 0;
    f.ms = (s.end_ns - (s.connected_ns ? s.connected_ns : s.start_ns)) / 1000000;
    add_finding(s, std::move(f));
  };
  if (s.status == Status::truncated) {
    // The capture cut its PDUs: the status says so, and nothing about the token can be found.
  } else if (s.kind == Kind::register_session) {
    if (s.draft_order) {
      // draft_byte_order, found at the start, says it all
    } else if (!s.device) {
      add_finding(s, {Code::no_device_address, {s.first_frame}});
    } else if (s.t1.empty() || s.t2.empty()) {
      cut();
    } else if (!s.t2_verified || !*s.t2_verified) {
      Finding f{Code::t2_unverified, {s.t1_frame, s.t2_frame}};
      f.mac = s.device;
      add_finding(s, std::move(f));
    } else if (s.end.empty()) {
      cut();
    } else if (s.end_form == EndForm::mismatch) {
      // Explain: which token did the client use?
      const BdAddr printed = s.device->reversed();
      const Token tr = token_from_t1(printed, *s.product_id, s.t1);
      bool explained = false;
      if (equal(s.end, rc4<4>(tr, kRegisterEnd))) {
        Finding f{Code::client_mac_order, {s.t1_frame, s.end_frame}};
        f.mac = s.device;  // the device's address; the message says which order the client used
        f.token = tr;
        f.device_token = s.token;
        add_finding(s, std::move(f));
        explained = true;
      }
      for (unsigned lo = 0; lo < 256 && !explained; ++lo) {
        const auto pid = static_cast<std::uint16_t>((*s.product_id & 0xff00) | lo);
        if (lo == (*s.product_id & 0xff)) continue;
        const Token tc = token_from_t1(*s.device, pid, s.t1);
        if (equal(s.end, rc4<4>(tc, kRegisterEnd))) {
          Finding f{Code::client_product_id, {s.t1_frame, s.t2_frame, s.end_frame}};
          f.byte = static_cast<std::uint8_t>(lo);
          f.product_id = s.product_id;
          f.token = tc;
          add_finding(s, std::move(f));
          explained = true;
        }
      }
      if (!explained) add_finding(s, {Code::register_end_mismatch, {s.end_frame}});
    } else if (s.end_form == EndForm::plain) {
      add_finding(s, {Code::plain_register_end, {s.end_frame}});
    }
  } else {
    if (s.draft_order) {
      // draft_byte_order, found at the start, says it all
    } else if (s.challenge.empty() || s.response.empty()) {
      cut();
    } else if (!s.token) {
      if (!candidates.empty()) {
        // The draft derived a 4-byte key: token[0:4] ^ tick, with its constants big-endian.
        for (const auto& c : candidates) {
          const Word tick = rc4<4>(c.token, word(s.challenge));
          const Word key4 = {
              static_cast<std::uint8_t>(c.token[0] ^ tick[0]), static_cast<std::uint8_t>(c.token[1] ^ tick[1]),
              static_cast<std::uint8_t>(c.token[2] ^ tick[2]), static_cast<std::uint8_t>(c.token[3] ^ tick[3])};
          const Bytes plain = rc4(key4, s.response);
          if (equal(plain, kLoginResponse) || equal(plain, kDraftLoginResponse)) {
            Finding f{Code::draft_login_key, {s.challenge_frame, s.response_frame}};
            f.token = c.token;
            add_finding(s, std::move(f));
            break;
          }
        }
        if (s.findings.empty() || s.findings.back().code != Code::draft_login_key) {
          Finding f{Code::token_mismatch, {s.challenge_frame, s.response_frame}};
          f.count = candidates.size();
          add_finding(s, std::move(f));
        }
      }
    } else if (!s.confirmation.empty()) {
      if (s.status == Status::verified && s.device) {
        if (s.token_source &&
            (*s.token_source == Source::given_as_beacon_key || *s.token_source == Source::given_as_bind_key)) {
          Finding f{Code::key_in_other_role, {s.response_frame, s.confirmation_frame}};
          f.mac = s.device;
          f.claimed_source = s.token_source;
          f.kind = s.kind;
          f.token = s.token;
          add_finding(s, std::move(f));
        }
        sink_.on_learned({*s.device, s.token, std::nullopt, std::nullopt});
      } else if (s.status == Status::failed) {
        add_finding(s, {Code::confirmation_mismatch, {s.confirmation_frame}});
      }
    } else if (s.status == Status::other_token) {
      Finding f{Code::device_holds_other_token, {s.response_frame, s.last_frame}};
      f.token = s.token;
      add_finding(s, std::move(f));
    }
    // Seen in a real capture (drndos/mi-kettle-poc#2): 12-byte login notifications whose last
    // 8 bytes are not understood yet. The first 4 are decoded; the rest is reported.
    for (const Bytes* n : {&s.challenge, &s.confirmation})
      if (n->size() > 4) {
        Finding f{Code::long_login_notification, {n == &s.challenge ? s.challenge_frame : s.confirmation_frame}};
        f.value = *n;
        add_finding(s, std::move(f));
      }
  }
  if (s.draft_order && s.status != Status::truncated) cut();
  // What the run learned serves later sessions and adverts.
  if (s.kind == Kind::register_session && s.status == Status::verified && s.device)
    sink_.on_learned({*s.device, s.token, std::make_pair(*s.product_id, Source::register_session), std::nullopt});
  if (s.device && s.product_id && s.t2_verified && *s.t2_verified)
    sink_.on_learned({*s.device, std::nullopt, std::make_pair(*s.product_id, *s.product_id_source), std::nullopt});
  if (s.device && s.beacon_key) sink_.on_learned({*s.device, std::nullopt, std::nullopt, s.beacon_key});
}

void Tracker::finish(ConnState& st, EndReason reason) {
  if (!st.session) return;
  Session s = std::move(*st.session);
  st.session.reset();
  s.end_reason = reason;
  conclude(st, s);
  sink_.on_session(s);
}

void Tracker::on_link_end(std::int64_t ts_ns, std::uint64_t link, EndReason why) {
  auto it = conns_.find(link);
  if (it == conns_.end()) return;
  if (it->second.session) {
    it->second.session->end_ns = std::max(it->second.session->end_ns, ts_ns);
    finish(it->second, why);
  }
  conns_.erase(it);
}

}  // namespace fe95::miauth
