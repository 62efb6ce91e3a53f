// SPDX-License-Identifier: GPL-2.0-or-later
// The legacy Mi auth family (docs/PROTOCOL.md §4): its session record, step and value vocabularies
// and session machine. Fed with ATT PDUs (session::Input) of one capture, or several in timestamp
// order, the machine finds register and login sessions with or without GATT discovery, recovers
// and verifies tokens, decrypts what the token protects, and names the client mistakes it
// recognises. It plugs into the session layer (session/session.h): its events are the layer's,
// its session derives from session::Session.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "fe95/diag.h"
#include "fe95/keys/keys.h"
#include "fe95/miauth/crypto.h"
#include "fe95/session/session.h"

namespace fe95::miauth {

// The session layer's names, as this family uses them.
using session::EndReason;
using session::Finding;
using session::Input;
using session::Kind;
using session::Learned;
using session::Role;
using session::Sink;
using session::Status;
using session::StepRecord;

// The family's steps (session::StepRecord::step) and what a value protected by the token turned
// out to be (session::StepRecord::what); their words are kFamily's tables (names.cc).
enum class Step : std::uint8_t {
  register_start,
  t1,
  t2,
  register_end,
  login_start,
  challenge,
  response,
  confirmation,
  bond_result,
  encrypted_read,
  encrypted_write,
  product_id_read,
};
enum class Protected : std::uint8_t { none, firmware, device_id, beacon_key, wifi };
inline Step step_of(const StepRecord& r) {
  return static_cast<Step>(r.step);
}
inline Protected what_of(const StepRecord& r) {
  return static_cast<Protected>(r.what);
}
const char* protected_name(Protected p);  // "" for none

// The client's last register write: rc4(token, 92ab54fa), the plain constant, or neither.
enum class EndForm : std::uint8_t { none, encrypted, plain, mismatch };
const char* end_form_name(EndForm f);  // "" for none

// The family's wording of its findings (explain.cc), for both front ends.
std::string describe(const Finding& f);

struct WifiRecord {
  std::uint64_t frame = 0;
  std::uint8_t type = 0;
  std::string type_name;
  Bytes data;
  bool text = false;       // a text field (user id, SSID, password, domain, country code)
  bool continues = false;  // the record's length runs into the next write
};

struct Session : session::Session {
  static const session::Family kFamily;
  Session() : session::Session(kFamily) {}
  [[nodiscard]] std::unique_ptr<session::Session> clone() const override { return std::make_unique<Session>(*this); }

  std::uint16_t event_handle = 0, token_handle = 0;
  bool draft_order = false;
  bool gatt_known = false;  // the FE95 characteristics came from discovery
  std::optional<std::uint16_t> product_id;
  std::optional<Source> product_id_source;
  std::vector<std::uint16_t> product_id_matches;  // ids under which T2 verifies (search)

  // Register.
  Bytes t1, t2, end;
  std::uint64_t t1_frame = 0, t2_frame = 0, end_frame = 0;
  std::optional<bool> t2_verified;
  EndForm end_form = EndForm::none;  // plain: some kettle firmware accepts it
  // Login.
  Bytes challenge, response, confirmation;
  std::uint64_t challenge_frame = 0, response_frame = 0, confirmation_frame = 0;
  std::optional<Word> tick;
  std::optional<Token> session_key;

  // What the token protects.
  std::optional<std::string> firmware;
  std::optional<std::string> device_id;
  std::optional<BeaconKey> beacon_key;
  std::optional<bool> bond_ok;
  std::vector<WifiRecord> wifi;

  // Handles whose values decrypted to nothing FE95 protects: application traffic, which is
  // plaintext after auth (docs/PROTOCOL.md §2), is not collected again.
  std::vector<std::uint16_t> plain_handles;
  std::size_t resolved_steps = 0;  // token-channel steps seen when the session was last resolved
};

class Tracker {
 public:
  // Bound on the values kept per session for decryption (a hostile capture cannot grow it).
  static constexpr std::size_t kMaxSteps = 256;

  Tracker(const KeyStore& keys, Sink& sink) : keys_(keys), sink_(sink) {}
  void on_att(const Input& in);
  // The link closed (or the capture ended, or the link was dropped): its session ends.
  void on_link_end(std::int64_t ts_ns, std::uint64_t link, EndReason why);

 private:
  struct ConnState {
    std::optional<Session> session;
    std::optional<std::uint16_t> pid_read;  // a 2-byte read (char 0x0002) on this link
    std::uint16_t cccd_hint = 0;            // handle whose CCCD was enabled (token channel?)
  };
  void start(ConnState& st, const Input& in, Kind kind, bool draft);
  void finish(ConnState& st, EndReason reason);
  void on_session_pdu(ConnState& st, const Input& in);
  void advance(ConnState& st, Session& s);   // compute what the steps so far allow
  void conclude(ConnState& st, Session& s);  // final status, findings, decryption
  StepRecord& add_step(Session& s, const Input& in, Step step);
  void add_finding(Session& s, Finding f);
  void decrypt_protected(Session& s);
  void resolve_register(ConnState& st, Session& s);
  void resolve_login(Session& s);

  const KeyStore& keys_;
  Sink& sink_;
  std::unordered_map<std::uint64_t, ConnState> conns_;  // by Input::link; erased at the link's end
};

}  // namespace fe95::miauth
