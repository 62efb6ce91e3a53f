#include "fe95/miauth/session.h"

#include <algorithm>
#include <cstring>

namespace fe95::miauth {

namespace {

constexpr std::uint16_t kServiceFe95 = 0xfe95;
constexpr std::uint16_t kCharToken = 0x0001, kCharProductId = 0x0002, kCharVersion = 0x0004,
                        kCharWifi = 0x0005, kCharEvent = 0x0010, kCharDeviceId = 0x0013, kCharBeaconKey = 0x0014;

bool is_write(std::uint8_t op) { return op == att::kWriteReq || op == att::kWriteCmd; }
bool is_notify(std::uint8_t op) { return op == att::kNotify || op == att::kIndicate; }

bool equals(ByteView v, const Word& w) { return v.size() == 4 && std::memcmp(v.data(), w.data(), 4) == 0; }

Word word(ByteView v) {
  Word w{};
  std::memcpy(w.data(), v.data(), std::min<std::size_t>(4, v.size()));
  return w;
}

// The FE95 characteristic UUID of the PDU's handle, 0 when discovery does not say, or 0xffff
// when discovery says it is some other (non-FE95) attribute.
std::uint16_t fe95_char(const AttEvent& ev) {
  if (!ev.attribute) return 0;
  if (!ev.service || !ev.service->uuid.is16(kServiceFe95)) return 0xffff;
  return ev.attribute->uuid.len == 2 ? ev.attribute->uuid.u16() : 0xffff;
}

bool printable(ByteView v) {
  if (v.empty()) return false;
  for (auto c : v)
    if (c < 0x20 || c > 0x7e) return false;
  return true;
}

// Trailing NULs are padding in fixed-size characteristics (a 20-byte device id, a 10-byte version).
std::string text_of(ByteView v) {
  std::size_t n = v.size();
  while (n && v[n - 1] == 0) --n;
  return std::string(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(n));
}

bool looks_like_version(ByteView v) {
  const std::string t = text_of(v);
  if (t.empty() || !printable(ByteView(reinterpret_cast<const std::uint8_t*>(t.data()), t.size()))) return false;
  int digits = 0;
  for (char c : t) {
    if (c >= '0' && c <= '9') ++digits;
    else if (c != '.' && c != '_') return false;
  }
  return digits >= 2 && t.find('.') != std::string::npos;
}

bool looks_like_device_id(ByteView v) {
  const std::string t = text_of(v);
  return t.find("blt.") != std::string::npos && printable(ByteView(reinterpret_cast<const std::uint8_t*>(t.data()), t.size()));
}

const char* wifi_type_name(std::uint8_t t) {
  static const char* const names[] = {"user_id", "ssid", "password", "retry", "restore", "utc",
                                      "domain", "time_zone", "config_type", "bind_key", "country_code"};
  return t < 11 ? names[t] : nullptr;
}

// PROTOCOL.md §4, Wi-Fi: [remaining length][type][data...], types 0x00-0x0A.
std::optional<WifiRecord> parse_wifi(ByteView p, std::uint64_t frame) {
  if (p.size() < 2 || !wifi_type_name(p[1])) return std::nullopt;
  const std::size_t len = p[0];
  if (len == 0) return std::nullopt;
  WifiRecord r;
  r.frame = frame;
  r.type = p[1];
  r.type_name = wifi_type_name(p[1]);
  // The length counts the type and data that remain, possibly continued in later writes.
  const std::size_t here = p.size() - 1;
  r.continues = len > here;
  const std::size_t n = std::min(len, here) - 1;
  r.data.assign(p.begin() + 2, p.begin() + 2 + static_cast<std::ptrdiff_t>(n));
  return r;
}

std::string ms_text(std::int64_t ns) { return std::to_string(ns / 1000000) + " ms"; }

}  // namespace

const char* kind_name(Kind k) { return k == Kind::register_session ? "register" : "login"; }

const char* status_name(Status s) {
  switch (s) {
    case Status::verified: return "verified";
    case Status::failed: return "failed";
    case Status::other_token: return "other_token";
    case Status::incomplete: return "incomplete";
    case Status::no_token: return "no_token";
  }
  return "?";
}

const char* step_name(Step s) {
  switch (s) {
    case Step::register_start: return "register_start";
    case Step::t1: return "t1";
    case Step::t2: return "t2";
    case Step::register_end: return "register_end";
    case Step::login_start: return "login_start";
    case Step::challenge: return "challenge";
    case Step::response: return "response";
    case Step::confirmation: return "confirmation";
    case Step::bond_result: return "bond_result";
    case Step::encrypted_read: return "encrypted_read";
    case Step::encrypted_write: return "encrypted_write";
    case Step::product_id_read: return "product_id_read";
  }
  return "?";
}

StepRecord& Tracker::add_step(Session& s, const AttEvent& ev, Step step) {
  StepRecord r;
  r.frame = ev.rec.frame;
  r.step = step;
  r.handle = ev.pdu.handle;
  r.value.assign(ev.pdu.value.begin(), ev.pdu.value.end());
  s.steps.push_back(std::move(r));
  return s.steps.back();
}

void Tracker::on_att(const AttEvent& ev) {
  const att::Pdu& p = ev.pdu;
  if (!p.has_handle) return;
  ConnState& st = conns_[ev.conn.serial];
  const std::uint16_t ch = fe95_char(ev);

  // Session starts: a 4-byte opcode written to the event characteristic (PROTOCOL.md §4 step 1).
  if (is_write(p.opcode) && p.value.size() == 4 && (ch == 0 || ch == kCharEvent)) {
    const bool reg = equals(p.value, kRegisterStart), login = equals(p.value, kLoginStart);
    const bool dreg = equals(p.value, kDraftRegisterStart), dlogin = equals(p.value, kDraftLoginStart);
    if (reg || login || dreg || dlogin) {
      start(st, ev, (reg || dreg) ? Kind::register_session : Kind::login_session, dreg || dlogin);
      return;
    }
  }
  // Context outside sessions: the product id read (char 0x0002) and CCCD enables.
  if (p.opcode == att::kReadRsp && p.value.size() == 2 && (ch == kCharProductId || (ch == 0 && !st.session))) {
    if (ch == kCharProductId || !st.pid_read) st.pid_read = load_u16le(p.value.data());
    if (st.session && ch == kCharProductId) {
      StepRecord& r = add_step(*st.session, ev, Step::product_id_read);
      r.plaintext = r.value;
      sink_.on_step(*st.session, r);
    }
    return;
  }
  // Notifications enabled on a CCCD (by discovery, or any handle without it): the characteristic
  // value just before it may be the token channel.
  if (p.opcode == att::kWriteReq && p.value.size() == 2 && p.value[0] == 0x01 && p.value[1] == 0x00 &&
      (!ev.attribute || ev.attribute->uuid.is16(gatt::kCccd)))
    st.cccd_hint = static_cast<std::uint16_t>(p.handle - 1);

  if (st.session) on_session_pdu(st, ev);
}

void Tracker::start(ConnState& st, const AttEvent& ev, Kind kind, bool draft) {
  if (st.session) finish(st, "next_session");
  Session s;
  s.kind = kind;
  s.adapter = ev.conn.adapter;
  s.conn = ev.conn.handle;
  if (ev.conn.known && !ev.conn.peer.is_zero()) {
    s.device = ev.conn.peer;
  } else if (keys_.option_mac()) {
    s.device = keys_.option_mac();
    s.device_source = Source::option;
  }
  s.first_frame = s.last_frame = ev.rec.frame;
  s.start_ns = s.end_ns = ev.rec.ts_ns;
  s.connected_ns = ev.conn.known ? ev.conn.connected_ns : 0;
  s.event_handle = ev.pdu.handle;
  s.draft_order = draft;
  const std::uint16_t token_char = ev.server.find_characteristic(kServiceFe95, kCharToken);
  if (token_char) {
    s.token_handle = token_char;
    s.gatt_known = true;
  } else if (st.cccd_hint && st.cccd_hint != s.event_handle) {
    s.token_handle = st.cccd_hint;
  }
  StepRecord& r = add_step(s, ev, kind == Kind::register_session ? Step::register_start : Step::login_start);
  r.plaintext = r.value;  // session starts are sent in clear
  if (draft)
    s.findings.push_back({"draft_byte_order",
                          std::string("session start written in the 2019 draft's byte order (") + to_hex(r.value) +
                              " instead of " +
                              to_hex(kind == Kind::register_session ? ByteView(kRegisterStart) : ByteView(kLoginStart)) +
                              "); the device ignores such a session",
                          {ev.rec.frame}});
  st.session = std::move(s);
  sink_.on_step(*st.session, st.session->steps.back());
}

void Tracker::on_session_pdu(ConnState& st, const AttEvent& ev) {
  Session& s = *st.session;
  const att::Pdu& p = ev.pdu;
  const std::uint16_t ch = fe95_char(ev);
  s.last_frame = ev.rec.frame;
  s.end_ns = ev.rec.ts_ns;
  if (s.steps.size() >= kMaxSteps) return;

  const bool on_token = s.token_handle ? p.handle == s.token_handle
                                       : (p.handle != s.event_handle && (ch == 0 || ch == kCharToken));
  const bool reg = s.kind == Kind::register_session;
  Step step{};
  bool token_step = false;
  if (on_token) {
    if (reg) {
      if (is_write(p.opcode) && p.value.size() == 12 && s.t1.empty()) {
        step = Step::t1;
        token_step = true;
        s.t1.assign(p.value.begin(), p.value.end());
        s.t1_frame = ev.rec.frame;
      } else if (is_notify(p.opcode) && p.value.size() == 12 && !s.t1.empty() && s.t2.empty()) {
        step = Step::t2;
        token_step = true;
        s.t2.assign(p.value.begin(), p.value.end());
        s.t2_frame = ev.rec.frame;
      } else if (is_write(p.opcode) && p.value.size() == 4 && !s.t1.empty() && s.end.empty()) {
        step = Step::register_end;
        token_step = true;
        s.end.assign(p.value.begin(), p.value.end());
        s.end_frame = ev.rec.frame;
      }
    } else {
      if (is_notify(p.opcode) && p.value.size() >= 4 && s.challenge.empty()) {
        step = Step::challenge;
        token_step = true;
        s.challenge.assign(p.value.begin(), p.value.end());
        s.challenge_frame = ev.rec.frame;
      } else if (is_write(p.opcode) && p.value.size() == 4 && !s.challenge.empty() && s.response.empty()) {
        step = Step::response;
        token_step = true;
        s.response.assign(p.value.begin(), p.value.end());
        s.response_frame = ev.rec.frame;
      } else if (is_notify(p.opcode) && p.value.size() >= 4 && !s.response.empty() && s.confirmation.empty()) {
        step = Step::confirmation;
        token_step = true;
        s.confirmation.assign(p.value.begin(), p.value.end());
        s.confirmation_frame = ev.rec.frame;
      }
    }
    if (token_step && !s.token_handle) s.token_handle = p.handle;
  }
  if (token_step) {
    add_step(s, ev, step);
    advance(st, s);
    sink_.on_step(s, s.steps.back());
    return;
  }
  // The bond result: a second 4-byte write to the event characteristic, rc4(token, ·).
  if (p.handle == s.event_handle && is_write(p.opcode) && p.value.size() == 4) {
    StepRecord& r = add_step(s, ev, Step::bond_result);
    if (s.token) {
      r.plaintext = rc4(*s.token, r.value);
      if (equals(r.plaintext, kBondOk)) s.bond_ok = true;
      if (equals(r.plaintext, kBondFailed)) s.bond_ok = false;
    }
    sink_.on_step(s, r);
    return;
  }
  // Values the token protects: reads of 0x0004/0x0013/0x0014, writes to 0x0013/0x0005. Without
  // discovery any other read or write of the session is a candidate, kept only if its plaintext
  // has the expected form (decrypt_protected).
  const bool protected_char = ch == kCharVersion || ch == kCharDeviceId || ch == kCharBeaconKey || ch == kCharWifi;
  const bool known_plain =
      std::find(s.plain_handles.begin(), s.plain_handles.end(), p.handle) != s.plain_handles.end();
  if ((ch == 0 || protected_char) && !known_plain && p.handle != s.token_handle && p.handle != s.event_handle &&
      !p.value.empty()) {
    if (p.opcode == att::kReadRsp) {
      StepRecord& r = add_step(s, ev, Step::encrypted_read);
      if (ch) r.what = ch == kCharVersion ? "firmware" : ch == kCharDeviceId ? "device_id" : ch == kCharBeaconKey ? "beacon_key" : "wifi";
    } else if (is_write(p.opcode)) {
      StepRecord& r = add_step(s, ev, Step::encrypted_write);
      if (ch) r.what = ch == kCharDeviceId ? "device_id" : ch == kCharWifi ? "wifi" : "";
    } else {
      return;
    }
    decrypt_protected(s);
    if (!s.steps.back().what.empty()) sink_.on_step(s, s.steps.back());
  }
}

void Tracker::advance(ConnState& st, Session& s) {
  const std::optional<Token> before = s.token;
  // Resolve again only when the token channel brought something new (each resolution costs a
  // few RC4 key schedules per candidate).
  const std::size_t seen = (s.t1.empty() ? 0u : 1u) + (s.t2.empty() ? 0u : 1u) + (s.end.empty() ? 0u : 1u) +
                           (s.challenge.empty() ? 0u : 1u) + (s.response.empty() ? 0u : 1u) +
                           (s.confirmation.empty() ? 0u : 1u) + (s.device ? 8u : 0u);
  if (seen != s.resolved_steps) {
    s.resolved_steps = seen;
    if (s.kind == Kind::register_session) resolve_register(st, s);
    else resolve_login(s);
  }
  if (s.token != before)
    for (auto& r : s.steps) r.tried = false;
  decrypt_protected(s);
  // The status as soon as it is definite (front ends that dissect in one pass show it at that
  // frame); conclude() settles the rest when the session ends.
  if (s.kind == Kind::register_session) {
    if (s.t2_verified && !*s.t2_verified) s.status = Status::failed;
    else if (s.end_form == "mismatch") s.status = Status::failed;
    else if (s.t2_verified && *s.t2_verified && (s.end_form == "encrypted" || s.end_form == "plain"))
      s.status = Status::verified;
  } else if (s.session_key && s.confirmation.size() >= 4) {
    s.status = equals(rc4(*s.session_key, ByteView(s.confirmation).first(4)), kLoginConfirm) ? Status::verified
                                                                                              : Status::failed;
  }
}

void Tracker::resolve_register(ConnState& st, Session& s) {
  if (s.draft_order || s.t1.size() != 12) return;
  if (!s.device && s.t2.size() == 12) {
    // No connection event: try the devices seen advertising. T1 ^ T2 must be the mixB keystream
    // of (MAC, product id): a chance match is a 2^-96 event.
    for (const auto& [mac, pid] : keys_.advertised()) {
      std::uint8_t x[12];
      for (int i = 0; i < 12; ++i) x[i] = static_cast<std::uint8_t>(s.t1[static_cast<std::size_t>(i)] ^ s.t2[static_cast<std::size_t>(i)]);
      Bytes ks(12, 0);
      Rc4(mix_b(mac, pid)).apply(ks.data(), 12);
      if (std::equal(ks.begin(), ks.end(), x)) {
        s.device = mac;
        s.device_source = Source::mibeacon;
        break;
      }
    }
  }
  if (!s.device) return;
  const BdAddr& mac = *s.device;
  // 1. The product id: --pid or the keys file, then a read of 0x0002 on this link, then what the
  // run learned (MiBeacon adverts), then -- once T2 is there -- a search of all 65,536 ids.
  if (!s.product_id) {
    auto kp = keys_.product_id(mac);
    if (kp && (kp->second == Source::option || kp->second == Source::keys_file)) {
      s.product_id = kp->first;
      s.product_id_source = kp->second;
    } else if (st.pid_read) {
      s.product_id = st.pid_read;
      s.product_id_source = Source::read_0002;
    } else if (kp) {
      s.product_id = kp->first;
      s.product_id_source = kp->second;
    }
  }
  // 2. T2 confirms the product id (T1 ^ T2 is the mixB keystream; PROTOCOL.md §4).
  if (s.t2.size() == 12 && !s.t2_verified) {
    const std::optional<std::uint16_t> claimed = s.product_id;
    const std::optional<Source> claimed_source = s.product_id_source;
    bool ok = claimed && t2_verifies(mac, *claimed, token_from_t1(mac, *claimed, s.t1), s.t2);
    if (!ok) {
      s.product_id_matches = search_product_ids(mac, s.t1, s.t2);
      if (!s.product_id_matches.empty()) {
        // Several ids can share a keystream prefix only by chance; prefer the claimed one's
        // neighbours' low byte (the token depends on it), else the lowest.
        s.product_id = s.product_id_matches.front();
        s.product_id_source = Source::search;
        ok = true;
        if (claimed)
          s.findings.push_back(
              {"wrong_product_id",
               "T2 does not verify with product id " + std::to_string(*claimed) + " (from " +
                   source_name(*claimed_source) + "); it verifies with " + std::to_string(*s.product_id) +
                   ", which would have worked",
               {s.t1_frame, s.t2_frame}});
      }
    }
    s.t2_verified = ok;
  }
  if (s.product_id) {
    s.token = token_from_t1(mac, *s.product_id, s.t1);
    s.token_source = Source::register_session;
  }
  // 3. The client's final write: rc4(token, 92 AB 54 FA), or the plain constant.
  if (s.token && s.end.size() == 4 && s.end_form.empty()) {
    const Word expect = rc4<4>(*s.token, kRegisterEnd);
    if (equals(s.end, expect)) s.end_form = "encrypted";
    else if (equals(s.end, kRegisterEnd)) s.end_form = "plain";
    else s.end_form = "mismatch";
    for (auto& r : s.steps)
      if (r.step == Step::register_end) r.plaintext = rc4(*s.token, r.value);
  }
  for (auto& r : s.steps) {
    if (r.step == Step::t1 && s.token) r.plaintext.assign(s.token->begin(), s.token->end());
    if (r.step == Step::t2 && s.token && s.t2_verified && *s.t2_verified) r.plaintext.assign(s.token->begin(), s.token->end());
  }
}

void Tracker::resolve_login(Session& s) {
  if (s.draft_order || s.challenge.size() < 4) return;
  const auto candidates = keys_.tokens(s.device);
  if (candidates.empty()) return;
  // Re-derived from scratch at every step: a candidate adopted at the challenge (the only one)
  // is dropped when the response contradicts it.
  s.token.reset();
  s.token_source.reset();
  s.tick.reset();
  s.session_key.reset();
  // The token is the candidate under which the client's response decrypts to 09 AC BF 93.
  const Word challenge = word(s.challenge);
  for (const auto& c : candidates) {
    const Word tick = rc4<4>(c.token, challenge);
    const Token key = login_key(c.token, tick);
    if (s.response.size() == 4 && !equals(rc4(key, s.response), kLoginResponse)) continue;
    if (s.response.size() != 4 && candidates.size() > 1) continue;  // cannot tell them apart yet
    s.token = c.token;
    s.token_source = c.source;
    s.tick = tick;
    s.session_key = key;
    break;
  }
  for (auto& r : s.steps) {
    if (r.step == Step::challenge || r.step == Step::response || r.step == Step::confirmation) r.plaintext.clear();
    if (!s.token) continue;
    if (r.step == Step::challenge) r.plaintext.assign(s.tick->begin(), s.tick->end());
    if (r.step == Step::response || r.step == Step::confirmation)
      r.plaintext = rc4(*s.session_key, ByteView(r.value).first(std::min<std::size_t>(4, r.value.size())));
  }
}

Bytes Tracker::decrypt(const Token& token, ByteView data) {
  if (!schedule_ || schedule_->first != token) schedule_.emplace(token, Rc4(token));
  Rc4 ks = schedule_->second;  // copy of the post-KSA state
  Bytes out(data.begin(), data.end());
  ks.apply(out.data(), out.size());
  return out;
}

void Tracker::decrypt_protected(Session& s) {
  if (!s.token) return;
  // Each candidate is tried once per token (advance() clears `tried` when the token changes), so
  // a long session costs linear, not quadratic, work.
  for (auto& r : s.steps) {
    if ((r.step != Step::encrypted_read && r.step != Step::encrypted_write) || !r.plaintext.empty() || r.tried)
      continue;
    r.tried = true;
    Bytes plain = decrypt(*s.token, r.value);
    std::string what = r.what;
    if (what.empty()) {  // no discovery: recognise the plaintext by its form
      if (r.step == Step::encrypted_read && looks_like_version(plain)) what = "firmware";
      else if (looks_like_device_id(plain)) what = "device_id";
      else if (r.step == Step::encrypted_read && plain.size() == 12) what = "beacon_key";
      else if (r.step == Step::encrypted_write && parse_wifi(plain, r.frame)) what = "wifi";
      else {  // application traffic (plaintext after auth): not ours, and neither is its handle
        if (s.plain_handles.size() < 64 &&
            std::find(s.plain_handles.begin(), s.plain_handles.end(), r.handle) == s.plain_handles.end())
          s.plain_handles.push_back(r.handle);
        continue;
      }
    }
    r.what = what;
    r.plaintext = plain;
    if (what == "firmware") s.firmware = text_of(plain);
    else if (what == "device_id") s.device_id = text_of(plain);
    else if (what == "beacon_key" && plain.size() == 12) {
      BeaconKey k{};
      std::copy(plain.begin(), plain.end(), k.begin());
      s.beacon_key = k;
    } else if (what == "wifi") {
      if (auto w = parse_wifi(plain, r.frame)) s.wifi.push_back(*w);
    }
  }
}

void Tracker::conclude(ConnState& st, Session& s) {
  advance(st, s);
  auto cut = [&]() {
    if (s.end_reason != "disconnect" && s.end_reason != "link_dropped") return;
    std::string since = s.connected_ns ? ms_text(s.end_ns - s.connected_ns) + " after the connection"
                                       : ms_text(s.end_ns - s.start_ns) + " after the session start";
    s.findings.push_back({"cut_by_disconnect", "the link dropped " + since + ", before the session finished",
                          {s.first_frame, s.last_frame}});
  };
  if (s.kind == Kind::register_session) {
    if (s.draft_order) {
      s.status = Status::failed;
    } else if (!s.device) {
      s.status = Status::incomplete;
      s.findings.push_back({"no_device_address",
                            "the capture has no connection event for this link: pass --mac to recover the token",
                            {s.first_frame}});
    } else if (s.t1.empty() || s.t2.empty()) {
      s.status = Status::incomplete;
      cut();
    } else if (!s.t2_verified || !*s.t2_verified) {
      s.status = Status::failed;
      s.findings.push_back({"t2_unverified",
                            "T2 verifies under no product id for " + s.device->str() +
                                ": the device answered for another address, or T1/T2 are not a register pair",
                            {s.t1_frame, s.t2_frame}});
    } else if (s.end.empty()) {
      s.status = Status::incomplete;
      cut();
    } else if (s.end_form == "mismatch") {
      s.status = Status::failed;
      // Explain: which token did the client use?
      const BdAddr printed = s.device->reversed();
      const Token tr = token_from_t1(printed, *s.product_id, s.t1);
      bool explained = false;
      if (equals(s.end, rc4<4>(tr, kRegisterEnd))) {
        s.findings.push_back({"client_mac_order",
                              "the client mixed the MAC in printed order (" + printed.str() +
                                  ") instead of over-the-air order; its token was " + to_hex(tr) +
                                  ", the device holds " + to_hex(*s.token),
                              {s.t1_frame, s.end_frame}});
        explained = true;
      }
      for (unsigned lo = 0; lo < 256 && !explained; ++lo) {
        const auto pid = static_cast<std::uint16_t>((*s.product_id & 0xff00) | lo);
        if (lo == (*s.product_id & 0xff)) continue;
        const Token tc = token_from_t1(*s.device, pid, s.t1);
        if (equals(s.end, rc4<4>(tc, kRegisterEnd))) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "0x%02x", lo);
          s.findings.push_back({"client_product_id",
                                std::string("the client mixed with a wrong product id (low byte ") + buf +
                                    "); the device is product id " + std::to_string(*s.product_id) +
                                    ", which would have worked; the client's token was " + to_hex(tc),
                                {s.t1_frame, s.t2_frame, s.end_frame}});
          explained = true;
        }
      }
      if (!explained)
        s.findings.push_back({"register_end_mismatch",
                              "the client's final write is neither rc4(token, 92ab54fa) nor the plain constant",
                              {s.end_frame}});
    } else {
      s.status = Status::verified;
      if (s.end_form == "plain")
        s.findings.push_back({"plain_register_end",
                              "the client sent the register-end constant unencrypted (some kettle firmware accepts it)",
                              {s.end_frame}, });
    }
  } else {
    if (s.draft_order) {
      s.status = Status::failed;
    } else if (s.challenge.empty() || s.response.empty()) {
      s.status = Status::incomplete;
      cut();
    } else if (!s.token) {
      const auto candidates = keys_.tokens(s.device);
      if (candidates.empty()) {
        s.status = Status::no_token;
      } else {
        s.status = Status::failed;
        // The draft derived a 4-byte key: token[0:4] ^ tick, with its constants big-endian.
        for (const auto& c : candidates) {
          const Word tick = rc4<4>(c.token, word(s.challenge));
          const Word key4 = {static_cast<std::uint8_t>(c.token[0] ^ tick[0]), static_cast<std::uint8_t>(c.token[1] ^ tick[1]),
                             static_cast<std::uint8_t>(c.token[2] ^ tick[2]), static_cast<std::uint8_t>(c.token[3] ^ tick[3])};
          const Bytes plain = rc4(key4, s.response);
          if (equals(plain, kLoginResponse) || equals(plain, kDraftLoginResponse)) {
            s.findings.push_back({"draft_login_key",
                                  "the client derived the 2019 draft's 4-byte session key (token[0:4] ^ tick) with token " +
                                      to_hex(c.token) + "; the device uses 12 bytes",
                                  {s.challenge_frame, s.response_frame}});
            break;
          }
        }
        if (s.findings.empty() || s.findings.back().code != "draft_login_key")
          s.findings.push_back({"token_mismatch",
                                "no candidate token (" + std::to_string(candidates.size()) +
                                    " tried) explains the client's response",
                                {s.challenge_frame, s.response_frame}});
      }
    } else if (!s.confirmation.empty()) {
      const Bytes plain = rc4(*s.session_key, ByteView(s.confirmation).first(4));
      if (equals(plain, kLoginConfirm)) {
        s.status = Status::verified;
        if (s.device) keys_.learn_token(*s.device, *s.token, std::nullopt);
      } else {
        s.status = Status::failed;
        s.findings.push_back({"confirmation_mismatch",
                              "the response fits the token but the confirmation does not decrypt to c9589a36",
                              {s.confirmation_frame}});
      }
    } else if (s.end_reason == "end_of_capture") {
      s.status = Status::incomplete;
    } else {
      s.status = Status::other_token;
      s.findings.push_back({"device_holds_other_token",
                            "the client's response fits token " + to_hex(*s.token) +
                                " but the device never confirms: it holds another token",
                            {s.response_frame, s.last_frame}});
    }
    // Seen in a real capture (drndos/mi-kettle-poc#2): 12-byte login notifications whose last
    // 8 bytes are not understood yet. The first 4 are decoded; the rest is reported.
    for (const Bytes* n : {&s.challenge, &s.confirmation})
      if (n->size() > 4)
        s.findings.push_back({"long_login_notification",
                              "login notification of " + std::to_string(n->size()) +
                                  " bytes; decoded the first 4, not understood: " + to_hex(ByteView(*n).subspan(4)),
                              {n == &s.challenge ? s.challenge_frame : s.confirmation_frame}});
  }
  if (s.draft_order) cut();
  // What the run learned serves later sessions and adverts.
  if (s.kind == Kind::register_session && s.status == Status::verified && s.device)
    keys_.learn_token(*s.device, *s.token, s.product_id);
  if (s.device && s.product_id && s.t2_verified && *s.t2_verified)
    keys_.learn_product_id(*s.device, *s.product_id, *s.product_id_source);
  if (s.device && s.beacon_key) keys_.learn_beacon_key(*s.device, *s.beacon_key);
}

void Tracker::finish(ConnState& st, const char* reason) {
  if (!st.session) return;
  Session s = std::move(*st.session);
  st.session.reset();
  s.end_reason = reason;
  conclude(st, s);
  sink_.on_session(s);
}

void Tracker::on_disconnect(const Record& rec, const Connection& c, std::uint8_t reason) {
  auto it = conns_.find(c.serial);
  if (it == conns_.end()) return;
  if (it->second.session) {
    it->second.session->end_ns = std::max(it->second.session->end_ns, rec.ts_ns);
    finish(it->second, reason == kReasonEndOfCapture ? "end_of_capture"
                       : reason == kReasonEvicted || reason == kReasonSuperseded ? "link_dropped"
                                                                                  : "disconnect");
  }
  conns_.erase(it);
}

}  // namespace fe95::miauth
