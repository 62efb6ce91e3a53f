// SPDX-License-Identifier: GPL-2.0-or-later
// The protocol-neutral session layer: what every FE95 protocol family (legacy Mi auth in miauth/,
// standard auth in stdauth/, later the wearables) has in common, and the events its session
// machine emits. A family plugs in with its own session type (derived from Session), its own step
// and value vocabularies and its own wording of its findings (its Family descriptor); no family
// includes another. The orchestrator (analysis/) feeds every family the same Input, and the front
// ends fold the same events.
//
// Events are append-only (Sink): each step once, at its frame, with what is known then; each
// finding once, when it is found; each session once, when it ends, with its final record; each key
// the traffic proved once. The CLI folds them into its report, the Wireshark plugin into per-frame
// data stored on the first pass. Session machines read the key store and never write it: learned
// keys go to the store's owner (the orchestrator).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "fe95/att/gatt.h"
#include "fe95/capture/capture.h"
#include "fe95/diag.h"
#include "fe95/keys/keys.h"
#include "fe95/vocab.h"

namespace fe95::session {

// ---- the vocabularies every family shares (words: session/vocab.h) ----
enum class Kind : std::uint8_t { register_session, login_session };
enum class Status : std::uint8_t {
  verified,     // every step checks out
  failed,       // the traffic contradicts the token (or the client broke the protocol)
  other_token,  // login: the client's response fits its token, the device never confirms
  incomplete,   // the capture or the connection ends first
  no_token,     // login: no candidate token to verify with
  registered,   // standard register: the device accepted (the token, from ECDH, is not in the capture)
  no_key,       // wearables: the nonce exchange happened, no auth key to check it with (docs/MIWEAR.md §3)
  truncated,    // the capture cut the session's PDUs (a filtered or snooz log, a snap length): not checked
};
// Why a session ended.
enum class EndReason : std::uint8_t { next_session, disconnect, end_of_capture, link_dropped };

// The role of an attribute handle, from GATT discovery: the characteristics of service 0xFE95
// (docs/PROTOCOL.md §2, docs/STANDARD_AUTH.md §1, docs/MIWEAR.md §1.2-§1.3) and the 128-bit
// services standard auth uses.
// `unknown`: discovery says nothing of the handle, so the traffic decides.
enum class Role : std::uint8_t {
  unknown,
  other,         // discovery names it, and it is none of the below
  cccd,          // a Client Characteristic Configuration descriptor (0x2902)
  token,         // 0x0001: the token channel (register T1/T2/end, login challenge/response/confirm)
  product_id,    // 0x0002: the device's product id, read in clear
  version,       // 0x0004: firmware version
  wifi,          // 0x0005: Wi-Fi setup records
  event,         // 0x0010: session starts and the bond result; standard auth's control point
  device_id,     // 0x0013: device id
  beacon_key,    // 0x0014: the MiBeacon key
  std_transfer,  // 0x0019: standard auth's transfer channel
  secure_auth,   // 0x0016: secure auth (same framing, not decodable)
  nus_write,     // Nordic UART 6e400002: the app's writes (scooter 55 AB frames)
  nus_notify,    // Nordic UART 6e400003: the device's notifications
  stdio_write,   // stdio ...0101: the app's mi_session blobs
  stdio_notify,  // stdio ...0102: the device's mi_session blobs
  // The wearables on FE95 (docs/MIWEAR.md §1.2, §1.3): BLE-V1's rxfer characteristics, BLE-V2's pair.
  wear_read,      // 0x0051: the watch's commands (notify); the phone writes acks
  wear_write,     // 0x0052: the phone's commands (write); the watch notifies acks
  wear_activity,  // 0x0053: activity files from the watch
  wear_upload,    // 0x0055: uploads from the phone
  wear_v2_rx,     // 0x005E: BLE-V2, the SPPv2 stream watch->phone (notify)
  wear_v2_tx,     // 0x005F: BLE-V2, the SPPv2 stream phone->watch (write)
};
// The role of an attribute from what GATT discovery knows of it and of its service (null:
// unknown), from the one table of roles (session.cc).
Role role_of(const gatt::Service* service, const gatt::Attribute* attribute);

// The forms of the FE95 characteristics' values (docs/PROTOCOL.md §2), for every family: text of a
// fixed-size characteristic (trailing NULs are padding), and a firmware version string.
std::string text_of(ByteView v);
bool looks_like_version(ByteView v);

// Their words (vocab.h), in enum order.
std::span<const Term> kind_terms();
std::span<const Term> status_terms();
std::span<const Term> end_reason_terms();
std::span<const Term> role_terms();
inline const Term& term(Kind k) {
  return kind_terms()[static_cast<std::size_t>(k)];
}
inline const Term& term(Status s) {
  return status_terms()[static_cast<std::size_t>(s)];
}
inline const Term& term(EndReason r) {
  return end_reason_terms()[static_cast<std::size_t>(r)];
}
inline const Term& term(Role r) {
  return role_terms()[static_cast<std::size_t>(r)];
}

// ---- what a session machine consumes: one ATT PDU, reduced to what the protocols need ----
struct Input {
  std::uint64_t frame = 0;
  std::int64_t ts_ns = 0;
  std::uint64_t link = 0;         // Link::id: unique per connection (a reused handle is a new link)
  std::uint16_t adapter = 0;      // where the link is, as reported with its sessions: controller
  std::uint16_t conn = 0;         // ... and ACL connection handle
  std::string_view link_name;     // over-the-air links: "LL 0x8edf9233" (valid for the call); else empty
  const BdAddr* peer = nullptr;   // the device's address, when the connection event was seen
  std::int64_t connected_ns = 0;  // 0 when the capture has no connection event
  Direction dir = Direction::unknown;
  std::uint8_t opcode = 0;
  std::uint16_t handle = 0;  // the attribute (a response's: its request's)
  ByteView value;            // valid for the call only
  Role role = Role::unknown;
  const gatt::Server* server = nullptr;  // the GATT map the attribute belongs to (asked when a session starts)
  // The capture cut the PDU (a filtered or snooz log, a snap length): `value` holds only its first
  // bytes, `cut` more were on the wire. Opcode, handle and length still give the step; nothing is
  // checked against the token on it.
  std::uint32_t cut = 0;
  // The value's length on the wire.
  [[nodiscard]] std::size_t size() const { return value.size() + cut; }
};

// ---- what a session machine emits ----

// One PDU as a family's machine understood it. `step` and `what` are codes of the family's own
// vocabularies (Family::steps, Family::values).
struct StepRecord {
  std::uint64_t frame = 0;
  std::uint8_t step = 0;
  std::uint16_t handle = 0;
  Bytes value;            // as on the wire
  Bytes plaintext;        // empty where it could not be decrypted (yet)
  std::uint8_t what = 0;  // what a decrypted value turned out to be (0: nothing known)
  bool tried = false;     // decryption attempted with the session's current token
  // A message this frame completed (reassembled), its type in the family's words, and for
  // encrypted session messages the rebuilt counter (plaintext then holds the decrypted message).
  Bytes message;
  std::uint8_t message_type = 0;
  std::optional<std::uint32_t> counter;
  bool cut = false;  // the capture cut the PDU: `value` holds only its first bytes
};

// A finding: typed data, no sentence. Its wording is the family's describe() (Family::describe),
// which both front ends call; no session machine writes prose. The arguments a code uses are named
// in its family's describe().
struct Finding {
  Finding() = default;
  Finding(Code c, std::vector<std::uint64_t> f) : code(c), frames(std::move(f)) {}

  Code code = Code::cut_by_disconnect;  // a finding code of the diagnostics table (diag.h)
  std::vector<std::uint64_t> frames;
  Bytes value;                                      // the bytes concerned
  std::optional<BdAddr> mac;                        // a device address
  std::optional<Token> token;                       // the token the traffic fits (the client's, the app's)
  std::optional<Token> device_token;                // the token the device holds
  std::optional<std::uint16_t> product_id;          // the product id that verifies / the device's
  std::optional<std::uint16_t> claimed_product_id;  // the product id that did not verify
  std::optional<Source> claimed_source;             // where that one came from
  std::optional<std::uint8_t> byte;                 // a byte of the protocol: a result code, a low byte, an opcode
  std::uint64_t count = 0;                          // how many: candidate tokens, fragments received
  std::optional<std::uint64_t> total;               // out of how many (fragments announced; unset: unknown)
  std::uint64_t number = 0;                         // which one: a fragment's number, a cap, a counter
  std::uint8_t sender = 0, other_sender = 0;        // who, in the family's words (0 app, 1 device)
  std::uint8_t type = 0;                            // a message type in the family's words
  std::int64_t ms = 0;                              // a duration
  bool flag = false;                                // a code's yes/no (cut_by_disconnect: counted from the connection)
  Kind kind = Kind::register_session;               // which kind of session the finding concerns
};

// A protocol family as the front ends see it: its name, its vocabularies and its wording.
struct Family {
  const char* name;                                // "legacy", "standard": the JSON `protocol`
  const char* label;                               // for people
  std::span<const Term> steps;                     // by StepRecord::step
  std::span<const Term> values;                    // by StepRecord::what (code 0: nothing known)
  std::string (*describe)(const struct Finding&);  // one sentence a person understands, no command-line flags
};

// What every family's session has; each family derives its own (miauth::Session, stdauth::Session)
// and front ends reach its record through as<T>().
struct Session {
  Session() = default;
  explicit Session(const Family& f) : family(&f) {}
  virtual ~Session() = default;
  Session(const Session&) = default;
  Session& operator=(const Session&) = default;
  Session(Session&&) = default;
  Session& operator=(Session&&) = default;

  const Family* family = nullptr;
  Kind kind = Kind::register_session;
  std::uint16_t adapter = 0;
  std::uint16_t conn = 0;
  std::string link;  // over-the-air captures: "LL 0x8edf9233" (conn is then fe95's own)
  std::optional<BdAddr> device;
  std::optional<Source> device_source;  // unset: the connection event; else option or mibeacon
  std::uint64_t first_frame = 0, last_frame = 0;
  std::int64_t start_ns = 0, end_ns = 0;
  std::int64_t connected_ns = 0;  // 0 when the capture has no connection event
  Status status = Status::incomplete;
  EndReason end_reason = EndReason::end_of_capture;
  std::optional<Token> token;
  std::optional<Source> token_source;
  std::uint64_t cut_pdus = 0;  // PDUs of the session the capture cut (Input::cut): then nothing after is checked
  std::vector<StepRecord> steps;
  std::vector<Finding> findings;

  // A copy of the whole record, the family's part included (a front end that keeps sessions).
  [[nodiscard]] virtual std::unique_ptr<Session> clone() const { return std::make_unique<Session>(*this); }

  [[nodiscard]] const Term& step_term(const StepRecord& r) const;
  [[nodiscard]] const Term* value_term(const StepRecord& r) const;  // null: nothing known
  [[nodiscard]] std::string describe(const Finding& f) const { return family->describe(f); }
  // The step `in` is, as every family records it: frame, step code, handle, value, and whether the
  // capture cut it (counted in cut_pdus). The family keeps or caps it.
  [[nodiscard]] StepRecord step_of(const Input& in, std::uint8_t step) {
    StepRecord r;
    r.frame = in.frame;
    r.step = step;
    r.handle = in.handle;
    r.value.assign(in.value.begin(), in.value.end());
    r.cut = in.cut != 0;
    cut_pdus += r.cut;
    return r;
  }
};

// The family's own record of a session: null when `s` belongs to another family.
template <typename T>
const T* as(const Session& s) {
  return s.family == &T::kFamily ? static_cast<const T*>(&s) : nullptr;
}
// Whether `f` is the family of session type T.
template <typename T>
bool as_family(const Family* f) {
  return f == &T::kFamily;
}

// A session of `kind` starting at `in`: where it is (adapter, handle), the device (the
// connection's peer, else --mac), its first frame and time.
void open(Session& s, const Input& in, const KeyStore& keys, Kind kind);

// A key the traffic proved, for the key store's owner: a verified register's token (with its
// product id), a verified login's token, a product id T2 confirmed, a beacon key read in clear.
struct Learned {
  BdAddr mac;
  std::optional<Token> token;
  std::optional<std::pair<std::uint16_t, Source>> product_id;
  std::optional<BeaconKey> beacon_key;
};
// Applies what was learned to the key store: for the store's owner (the orchestrator).
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

}  // namespace fe95::session
