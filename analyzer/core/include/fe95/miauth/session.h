// SPDX-License-Identifier: GPL-2.0-or-later
// The FE95 legacy Mi auth session machine (docs/PROTOCOL.md §4). Fed with ATT PDUs (Input) of one
// capture, or several in timestamp order, it finds register and login sessions with or without
// GATT discovery, recovers and verifies tokens, decrypts what the token protects, and names the
// client mistakes it recognises.
//
// What it finds leaves as append-only events (Sink): each step once, at its frame, with what is
// known then; each finding once, when it is found; each session once, when it ends, with its
// final record; each key the traffic proved once. Front ends fold them: the CLI into its report,
// the Wireshark plugin into per-frame data stored on the first pass. The tracker reads the key
// store and never writes it: learned keys go to its owner (the orchestrator, fe95::Analysis).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "fe95/diag.h"
#include "fe95/keys.h"
#include "fe95/miauth/crypto.h"
#include "fe95/miauth/input.h"
#include "fe95/stdauth/data.h"

namespace fe95::miauth {

enum class Kind : std::uint8_t { register_session, login_session };
// Legacy: the RC4 handshake on 0x0001 (docs/PROTOCOL.md). Standard: 0x0010 + 0x0019, ECDH register,
// HMAC login, AES-CCM session (docs/STANDARD_AUTH.md).
enum class Protocol : std::uint8_t { legacy, standard };
const char* protocol_name(Protocol p);
enum class Status : std::uint8_t {
  verified,      // every step checks out
  failed,        // the traffic contradicts the token (or the client broke the protocol)
  other_token,   // login: the client's response fits its token, the device never confirms
  incomplete,    // the capture or the connection ends first
  no_token,      // login: no candidate token to verify with
  registered,    // standard register: the device accepted (the token, from ECDH, is not in the capture)
};
const char* kind_name(Kind k);
const char* status_name(Status s);

enum class Step : std::uint8_t {
  register_start, t1, t2, register_end, login_start, challenge, response, confirmation, bond_result,
  encrypted_read, encrypted_write, product_id_read,
  // Standard auth: an opcode written to 0x0010, the device's result there, a frame on 0x0019 (or
  // 0x0016), a piece of an encrypted session message (NUS or stdio).
  std_opcode, std_result, std_frame, std_session,
};
const char* step_name(Step s);

// What a value protected by the token turned out to be.
enum class Protected : std::uint8_t { none, firmware, device_id, beacon_key, wifi };
const char* protected_name(Protected p);  // "" for none

// The client's last register write: rc4(token, 92ab54fa), the plain constant, or neither.
enum class EndForm : std::uint8_t { none, encrypted, plain, mismatch };
const char* end_form_name(EndForm f);  // "" for none

// A finding: typed data, no sentence. The wording is describe()'s (explain.cc), which both front
// ends call; the tracker never writes prose.
struct Finding {
  Finding() = default;
  Finding(Code c, std::vector<std::uint64_t> f) : code(c), frames(std::move(f)) {}

  Code code = Code::cut_by_disconnect;  // a Layer::miauth code of the diagnostics table
  std::vector<std::uint64_t> frames;
  // Arguments, by code; the others stay unset.
  Bytes value;      // draft_byte_order: the start written; long_login_notification: the whole notification
  std::optional<BdAddr> mac;           // t2_unverified, client_mac_order: the device address
  std::optional<Token> token;          // the client's token (client_mac_order, client_product_id), the token the
                                       // response fits (draft_login_key, device_holds_other_token)
  std::optional<Token> device_token;   // client_mac_order: the token the device holds
  std::optional<std::uint16_t> product_id;          // wrong_product_id: the id that verifies; client_product_id: the device's
  std::optional<std::uint16_t> claimed_product_id;  // wrong_product_id: the id that did not verify
  std::optional<Source> claimed_source;             // wrong_product_id: where it came from
  std::optional<std::uint8_t> low_byte;             // client_product_id: the low byte the client mixed with
  std::size_t count = 0;               // token_mismatch: candidate tokens tried
  std::int64_t ms = 0;                 // cut_by_disconnect: the link's life before the drop
  bool since_connection = false;       // cut_by_disconnect: ms counted from the connection (else from the start)
  Kind kind = Kind::register_session;  // draft_byte_order: which start
  std::string detail;                  // standard auth: what the transport or the session saw, in words
};

// One sentence a person understands, for any front end (no command-line flags in it).
std::string describe(const Finding& f);

// One FE95 PDU as the machine understood it.
struct StepRecord {
  std::uint64_t frame = 0;
  Step step = Step::register_start;
  std::uint16_t handle = 0;
  Bytes value;      // as on the wire
  Bytes plaintext;  // empty where it could not be decrypted (yet)
  Protected what = Protected::none;  // for encrypted reads/writes
  bool tried = false;  // decryption attempted with the session's current token
  // Standard auth: the message this frame completed (type: §3.2 data type), and for session
  // messages the rebuilt counter (plaintext then holds the decrypted message).
  Bytes message;
  std::uint8_t message_type = 0;
  std::optional<std::uint32_t> counter;
};

struct WifiRecord {
  std::uint64_t frame = 0;
  std::uint8_t type = 0;
  std::string type_name;
  Bytes data;
  bool text = false;       // a text field (user id, SSID, password, domain, country code)
  bool continues = false;  // the record's length runs into the next write
};

struct Session {
  Protocol protocol = Protocol::legacy;
  Kind kind = Kind::register_session;
  std::uint16_t adapter = 0;
  std::uint16_t conn = 0;
  std::string link;               // over-the-air captures: "LL 0x8edf9233" (conn is then fe95's own)
  std::optional<BdAddr> device;
  std::optional<Source> device_source;  // unset: the connection event; else option or mibeacon
  std::uint64_t first_frame = 0, last_frame = 0;
  std::int64_t start_ns = 0, end_ns = 0;
  std::int64_t connected_ns = 0;  // 0 when the capture has no connection event
  std::uint16_t event_handle = 0, token_handle = 0;
  bool draft_order = false;
  bool gatt_known = false;        // the FE95 characteristics came from discovery
  Status status = Status::incomplete;
  EndReason end_reason = EndReason::end_of_capture;

  std::optional<Token> token;
  std::optional<Source> token_source;
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

  std::vector<StepRecord> steps;
  std::vector<Finding> findings;
  // Handles whose values decrypted to nothing FE95 protects: application traffic, which is
  // plaintext after auth (docs/PROTOCOL.md §2), is not collected again.
  std::vector<std::uint16_t> plain_handles;
  std::size_t resolved_steps = 0;  // token-channel steps seen when the session was last resolved

  std::optional<stdauth::Data> standard;  // protocol standard only
};

// A key the traffic proved, for the key store's owner: a verified register's token (with its
// product id), a verified login's token, a product id T2 confirmed, a beacon key read in clear.
struct Learned {
  BdAddr mac;
  std::optional<Token> token;
  std::optional<std::pair<std::uint16_t, Source>> product_id;
  std::optional<BeaconKey> beacon_key;
};

// A session of `kind` starting at `in`: where it is (adapter, handle), the device (the connection's
// peer, else --mac), its first frame and time, the handle its start was written to. Both session
// machines (legacy and standard) start sessions with it.
Session open_session(const Input& in, const KeyStore& keys, Protocol protocol, Kind kind);

// Applies what was learned to the key store: for the store's owner (fe95::Analysis, the plugin).
void apply(KeyStore& keys, const Learned& l);

class Sink {
public:
  virtual ~Sink() = default;
  // A PDU of a session, once, at its frame: the session as known at that frame.
  virtual void on_step(const Session&, const StepRecord&) {}
  // A finding, once, when found (at the frame being processed).
  virtual void on_finding(const Session&, const Finding&) {}
  // The session's final record, once, when it ends.
  virtual void on_session(const Session&) = 0;
  virtual void on_learned(const Learned&) {}
  // Something about a link that belongs to no session (secure auth on 0x0016).
  virtual void on_diagnostic(const Diagnostic&) {}
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
