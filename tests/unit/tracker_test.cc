// SPDX-License-Identifier: GPL-2.0-or-later
// The Mi auth tracker on literal input sequences (no capture, no subprocess): the events it
// emits, in order, once each, per link.
#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

#include "fe95/att/att.h"
#include "fe95/miauth/session.h"
#include "fe95/miauth/solve.h"

namespace fe95::miauth {
namespace {

using session::term;
const char* kind_name(Kind k) {
  return term(k).name;
}
const char* status_name(Status s) {
  return term(s).name;
}
const char* end_reason_name(EndReason r) {
  return term(r).name;
}

// The role discovery gives characteristic `uuid` of service `service` (16-bit UUIDs).
Role role_of(std::uint16_t service, std::uint16_t uuid) {
  gatt::Server server;
  const std::uint8_t sv[] = {static_cast<std::uint8_t>(service), static_cast<std::uint8_t>(service >> 8)};
  const std::uint8_t u[] = {static_cast<std::uint8_t>(uuid), static_cast<std::uint8_t>(uuid >> 8)};
  server.note(0x0030, att::Uuid::from(sv), att::Uuid::from(u));
  return session::role_of(server.service_of(0x0030), server.attribute(0x0030));
}

const BdAddr kMac = *BdAddr::parse("C4:7C:8D:6A:12:34");
constexpr std::uint16_t kPid = 275;
constexpr Token kToken{0x01, 0x5c, 0xcb, 0xa8, 0x80, 0x0a, 0xbd, 0xc1, 0x2e, 0xb8, 0xed, 0x82};
constexpr Token kOther{0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb};
constexpr std::uint16_t kEvent = 0x0010, kTokenHandle = 0x0012;

// Every event as one line, in order.
class Recorder final : public Sink {
 public:
  void on_step(const session::Session& s, const StepRecord& r) override {
    log.push_back("step " + std::to_string(r.frame) + " " + kind_name(s.kind) + " " + s.step_term(r).name +
                  (s.status != Status::incomplete ? std::string(" ") + status_name(s.status) : "") +
                  (s.token ? " token " + to_hex(*s.token) : ""));
    ++steps_at[r.frame];
  }
  void on_finding(const session::Session& s, const Finding& f) override {
    log.push_back(std::string("finding ") + kind_name(s.kind) + " " + code_name(f.code));
  }
  void on_session(const session::Session& s) override {
    log.push_back(std::string("session ") + kind_name(s.kind) + " " + std::to_string(s.first_frame) + "-" +
                  std::to_string(s.last_frame) + " " + status_name(s.status) + " " + end_reason_name(s.end_reason));
    sessions.push_back(*session::as<Session>(s));
  }
  void on_learned(const Learned& l) override {
    log.push_back("learned " + l.mac.str() + (l.token ? " token " + to_hex(*l.token) : "") +
                  (l.product_id ? " pid " + std::to_string(l.product_id->first) : ""));
  }
  std::vector<std::string> log;
  std::map<std::uint64_t, int> steps_at;
  std::vector<Session> sessions;
};

// Builds the tracker's input, one PDU per frame.
class Feed {
 public:
  explicit Feed(Tracker& t) : t_(t) {}
  void pdu(std::uint64_t link, std::uint8_t opcode, std::uint16_t handle, ByteView value) {
    Input in;
    in.frame = ++frame;
    in.ts_ns = static_cast<std::int64_t>(frame) * 1000000;
    in.link = link;
    in.conn = static_cast<std::uint16_t>(0x40 + link);
    in.peer = &kMac;
    in.dir = opcode == att::kNotify ? Direction::rcvd : Direction::sent;
    in.opcode = opcode;
    in.handle = handle;
    in.value = value;
    t_.on_att(in);
  }
  void write(std::uint64_t link, std::uint16_t h, ByteView v) { pdu(link, att::kWriteCmd, h, v); }
  void notify(std::uint64_t link, std::uint16_t h, ByteView v) { pdu(link, att::kNotify, h, v); }
  void end(std::uint64_t link) {
    ++frame;
    t_.on_link_end(static_cast<std::int64_t>(frame) * 1000000, link, EndReason::disconnect);
  }
  // A register by a client with `token`, on a device that accepts it.
  void register_session(std::uint64_t link, const Token& token) {
    write(link, kEvent, kRegisterStart);
    const Bytes t1 = rc4(ByteView(mix_a(kMac, kPid)), ByteView(token));
    write(link, kTokenHandle, t1);
    notify(link, kTokenHandle, make_t2(kMac, kPid, token));
    write(link, kTokenHandle, rc4<4>(token, kRegisterEnd));
  }
  // A login by a client with client_token on a device holding device_token (which confirms only
  // when they are the same).
  void login(std::uint64_t link, const Token& client_token, const Token& device_token) {
    const Word tick{0x11, 0x22, 0x33, 0x44};
    write(link, kEvent, kLoginStart);
    const Word challenge = rc4<4>(device_token, tick);
    notify(link, kTokenHandle, challenge);
    const Word client_tick = rc4<4>(client_token, challenge);
    write(link, kTokenHandle, rc4<4>(login_key(client_token, client_tick), kLoginResponse));
    if (client_token == device_token) notify(link, kTokenHandle, rc4<4>(login_key(device_token, tick), kLoginConfirm));
  }
  std::uint64_t frame = 0;

 private:
  Tracker& t_;
};

std::vector<std::string> with_prefix(const std::vector<std::string>& log, const std::string& prefix) {
  std::vector<std::string> out;
  for (const auto& l : log)
    if (l.rfind(prefix, 0) == 0) out.push_back(l);
  return out;
}

TEST(Tracker, NeverWritesTheKeyStore) {
  // Register then login on one link, with no owner applying what the tracker learned: the
  // register's token is emitted (learned) but not stored, so the login has no candidate.
  KeyStore keys;
  keys.set_option_pid(kPid);
  Recorder r;
  Tracker t(keys, r);
  Feed f(t);
  f.register_session(1, kToken);
  f.login(1, kOther, kToken);
  f.end(1);
  EXPECT_EQ(with_prefix(r.log, "learned").size(), 2u);
  EXPECT_TRUE(keys.learned().empty());
  ASSERT_EQ(r.sessions.size(), 2u);
  EXPECT_EQ(r.sessions[0].status, Status::verified);
  EXPECT_EQ(r.sessions[1].status, Status::no_token);
}

// With the key store's owner applying what the tracker learned (as fe95::Analysis and the plugin
// do), a register then a wrong-token login on one link: two sessions, the register ending at the
// login's start (before the login's first step), the login failing with token_mismatch.
class Owner final : public Sink {
 public:
  Owner(KeyStore& k, Recorder& r) : keys_(k), r_(r) {}
  void on_step(const session::Session& s, const StepRecord& st) override { r_.on_step(s, st); }
  void on_finding(const session::Session& s, const Finding& f) override { r_.on_finding(s, f); }
  void on_session(const session::Session& s) override { r_.on_session(s); }
  void on_learned(const Learned& l) override {
    r_.on_learned(l);
    session::apply(keys_, l);
  }

 private:
  KeyStore& keys_;
  Recorder& r_;
};

TEST(Tracker, EventsAreAppendOnlyAndInOrder) {
  KeyStore keys;
  keys.set_option_pid(kPid);
  Recorder r;
  Owner owner(keys, r);
  Tracker t(keys, owner);
  Feed f(t);
  f.register_session(1, kToken);
  f.login(1, kOther, kToken);
  f.end(1);
  const std::string kettle = to_hex(kToken);
  const std::vector<std::string> expected = {
      "step 1 register register_start",
      "step 2 register t1 token " + kettle,
      "step 3 register t2 token " + kettle,
      "step 4 register register_end verified token " + kettle,
      "learned C4:7C:8D:6A:12:34 token " + kettle + " pid 275",
      "learned C4:7C:8D:6A:12:34 pid 275",
      "session register 1-4 verified next_session",
      "step 5 login login_start",
      "step 6 login challenge token " + kettle,  // the only candidate, until the response
      "step 7 login response",
      "finding login token_mismatch",
      "session login 5-7 failed disconnect",
  };
  EXPECT_EQ(r.log, expected);
  for (const auto& [frame, n] : r.steps_at) EXPECT_EQ(n, 1) << "frame " << frame;
  // The final records: the register's T1 plaintext was filled in once T2 confirmed the token.
  ASSERT_EQ(r.sessions.size(), 2u);
  EXPECT_EQ(to_hex(r.sessions[0].steps[1].plaintext), kettle);
  ASSERT_EQ(r.sessions[1].findings.size(), 1u);
  EXPECT_EQ(r.sessions[1].findings[0].frames, (std::vector<std::uint64_t>{6, 7}));
}

TEST(Tracker, LinksNeverMix) {
  KeyStore keys;
  keys.set_option_pid(kPid);
  Recorder r;
  Tracker t(keys, r);
  Feed f(t);
  // Two registers interleaved PDU by PDU on two links.
  const Bytes t1a = rc4(ByteView(mix_a(kMac, kPid)), ByteView(kToken));
  const Bytes t1b = rc4(ByteView(mix_a(kMac, kPid)), ByteView(kOther));
  f.write(1, kEvent, kRegisterStart);
  f.write(2, kEvent, kRegisterStart);
  f.write(1, kTokenHandle, t1a);
  f.write(2, kTokenHandle, t1b);
  f.notify(2, kTokenHandle, make_t2(kMac, kPid, kOther));
  f.notify(1, kTokenHandle, make_t2(kMac, kPid, kToken));
  f.write(1, kTokenHandle, rc4<4>(kToken, kRegisterEnd));
  f.write(2, kTokenHandle, rc4<4>(kOther, kRegisterEnd));
  f.end(2);
  f.end(1);
  ASSERT_EQ(r.sessions.size(), 2u);
  EXPECT_EQ(r.sessions[0].first_frame, 2u);
  EXPECT_EQ(to_hex(*r.sessions[0].token), to_hex(kOther));
  EXPECT_EQ(r.sessions[1].first_frame, 1u);
  EXPECT_EQ(to_hex(*r.sessions[1].token), to_hex(kToken));
  for (const auto& s : r.sessions) EXPECT_EQ(s.status, Status::verified);
}

TEST(Tracker, DraftByteOrderIsAFindingAtTheStart) {
  KeyStore keys;
  Recorder r;
  Tracker t(keys, r);
  Feed f(t);
  f.write(1, kEvent, kDraftRegisterStart);
  f.end(1);
  const std::vector<std::string> expected = {
      "step 1 register register_start",
      "finding register draft_byte_order",
      "finding register cut_by_disconnect",
      "session register 1-1 failed disconnect",
  };
  EXPECT_EQ(r.log, expected);
}

TEST(Tracker, RolesFromDiscoveryDecideTheChannels) {
  EXPECT_EQ(role_of(0xfe95, 0x0001), Role::token);
  EXPECT_EQ(role_of(0xfe95, 0x0010), Role::event);
  EXPECT_EQ(role_of(0xfe95, 0x0014), Role::beacon_key);
  EXPECT_EQ(role_of(0x180a, 0x0001), Role::other);
  EXPECT_EQ(role_of(0x180a, 0x2902), Role::cccd);
  EXPECT_EQ(role_of(0xfe95, 0x0003), Role::other);
  // A write to a characteristic discovery calls "other" never starts a session.
  KeyStore keys;
  Recorder r;
  Tracker t(keys, r);
  Input in;
  in.frame = 1;
  in.link = 1;
  in.opcode = att::kWriteCmd;
  in.handle = 0x30;
  in.value = kRegisterStart;
  in.role = Role::other;
  t.on_att(in);
  t.on_link_end(0, 1, EndReason::disconnect);
  EXPECT_TRUE(r.log.empty());
}

}  // namespace
}  // namespace fe95::miauth

namespace fe95::miauth {
namespace {

TEST(Solvers, RegisterFromMessagesAlone) {
  KeyStore keys;
  const Bytes t1 = rc4(ByteView(mix_a(kMac, kPid)), ByteView(kToken));
  const Token t2 = make_t2(kMac, kPid, kToken);
  const Word end = rc4<4>(kToken, kRegisterEnd);
  // T1 only: no product id yet, nothing proved.
  RegisterSolution s = solve_register({}, {t1, {}, {}, kMac, std::nullopt}, keys);
  EXPECT_FALSE(s.token);
  // T2: the search finds the id, T2 verifies, the token follows.
  s = solve_register(s, {t1, t2, {}, kMac, std::nullopt}, keys);
  ASSERT_TRUE(s.token);
  EXPECT_EQ(*s.token, kToken);
  EXPECT_EQ(s.product_id, kPid);
  EXPECT_EQ(s.product_id_source, Source::search);
  EXPECT_EQ(s.t2_verified, true);
  EXPECT_FALSE(s.refuted);
  // The end: encrypted under the token.
  s = solve_register(s, {t1, t2, end, kMac, std::nullopt}, keys);
  EXPECT_EQ(s.end_form, EndForm::encrypted);
  // A claimed product id that T2 refutes is replaced, and said so once.
  RegisterSolution claimed = solve_register({}, {t1, t2, {}, kMac, std::uint16_t{131}}, keys);
  ASSERT_TRUE(claimed.refuted);
  EXPECT_EQ(claimed.refuted->first, 131);
  EXPECT_EQ(claimed.refuted->second, Source::read_0002);
  EXPECT_EQ(claimed.product_id, kPid);
  EXPECT_FALSE(solve_register(claimed, {t1, t2, end, kMac, std::uint16_t{131}}, keys).refuted);
}

TEST(Solvers, LoginPicksTheCandidateTheResponseFits) {
  const Word tick{0x11, 0x22, 0x33, 0x44};
  const Word challenge = rc4<4>(kToken, tick);
  const Word response = rc4<4>(login_key(kToken, tick), kLoginResponse);
  const std::vector<KeyStore::Candidate> both{{kOther, Source::option}, {kToken, Source::keys_file}};
  // Before the response two candidates cannot be told apart; one alone is adopted.
  EXPECT_FALSE(solve_login(challenge, {}, both).token);
  EXPECT_EQ(solve_login(challenge, {}, {{kOther, Source::option}}).token, kOther);
  const LoginSolution s = solve_login(challenge, response, both);
  ASSERT_TRUE(s.token);
  EXPECT_EQ(*s.token, kToken);
  EXPECT_EQ(s.source, Source::keys_file);
  EXPECT_EQ(s.tick, tick);
  EXPECT_EQ(to_hex(*s.session_key), to_hex(login_key(kToken, tick)));
  EXPECT_FALSE(solve_login(challenge, response, {{kOther, Source::option}}).token);
}

TEST(Tracker, ALoginCostsOneKeyScheduleNotOnePerMessage) {
  // 200 verified logins with the known token, each with its own tick (so its own login key). The
  // token's schedule is shared by all of them and each login key's by its three messages: about
  // one schedule per login (the key itself), where one per message and candidate cost ~12.
  constexpr int kLogins = 200;
  struct Messages {
    Word challenge, response, confirmation;
  };
  std::vector<Messages> m;
  for (int i = 0; i < kLogins; ++i) {
    const Word tick{static_cast<std::uint8_t>(i), static_cast<std::uint8_t>(i >> 8), 0x33, 0x44};
    const Token key = login_key(kToken, tick);
    m.push_back({rc4<4>(kToken, tick), rc4<4>(key, kLoginResponse), rc4<4>(key, kLoginConfirm)});
  }
  // Push the precomputed login keys out of the schedule cache: the tracker must run its own.
  for (std::size_t i = 0; i < 2 * Rc4::kCachedSchedules; ++i) {
    Token filler = kOther;
    filler[0] = static_cast<std::uint8_t>(i);
    filler[1] = static_cast<std::uint8_t>(i >> 8);
    (void)rc4<4>(filler, kLoginResponse);
  }
  KeyStore keys;
  keys.add_option_token(kToken);
  Recorder r;
  Tracker t(keys, r);
  Feed f(t);
  const std::uint64_t before = Rc4::schedules_run();
  for (int i = 0; i < kLogins; ++i) {
    const auto link = static_cast<std::uint64_t>(i + 1);
    f.write(link, kEvent, kLoginStart);
    f.notify(link, kTokenHandle, m[static_cast<std::size_t>(i)].challenge);
    f.write(link, kTokenHandle, m[static_cast<std::size_t>(i)].response);
    f.notify(link, kTokenHandle, m[static_cast<std::size_t>(i)].confirmation);
    f.end(link);
  }
  const std::uint64_t schedules = Rc4::schedules_run() - before;
  ASSERT_EQ(r.sessions.size(), static_cast<std::size_t>(kLogins));
  for (const auto& s : r.sessions) EXPECT_EQ(s.status, Status::verified);
  EXPECT_GE(schedules, static_cast<std::uint64_t>(kLogins));  // each login key is new
  EXPECT_LE(schedules, static_cast<std::uint64_t>(kLogins) + 2);
}

}  // namespace
}  // namespace fe95::miauth
