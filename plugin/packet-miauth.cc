// SPDX-License-Identifier: GPL-2.0-or-later
// The MiAuth postdissector: Wireshark already rebuilds HCI/L2CAP/ATT, so this reads btatt's
// fields (btatt_input.cc) and feeds the same miauth::Tracker the CLI uses. One implementation,
// two front ends.
//
// Wireshark dissects again, in any order, when a user clicks: the tracker advances only on the
// first pass (!PINFO_FD_VISITED), and the events it emits are folded into per-frame data there.
// A frame shows what was known when it was first dissected -- identical with and without -2.
// Each session keeps its own items: a step belongs to its session, and a session that ends at a
// frame (the next session's start, a disconnection) shows there as a separate summary subtree,
// with its own field names (miauth.session.*), so a filter never mixes two sessions' values.
#include <cctype>
#include <string>
#include <unordered_map>
#include <vector>

#include "btatt_input.h"
#include "fe95/products.h"
#include "plugin.h"

namespace fe95::plugin {

int proto_miauth = -1;

namespace {

using namespace fe95::miauth;

int ett_miauth = -1, ett_miauth_session = -1, ett_miauth_finding = -1;
int hf_miauth_kind = -1, hf_miauth_step = -1, hf_miauth_handle = -1, hf_miauth_value = -1, hf_miauth_plaintext = -1, hf_miauth_what = -1, hf_miauth_token = -1,
    hf_miauth_token_source = -1, hf_miauth_session_key = -1, hf_miauth_tick = -1, hf_miauth_product_id = -1, hf_miauth_product_id_source = -1,
    hf_miauth_model = -1, hf_miauth_status = -1, hf_miauth_device = -1, hf_miauth_session_frame = -1, hf_miauth_request_frame = -1,
    hf_miauth_verdict_frame = -1;
int hf_miauth_session = -1, hf_miauth_session_kind = -1, hf_miauth_session_status = -1, hf_miauth_session_end = -1, hf_miauth_session_first = -1,
    hf_miauth_session_last = -1, hf_miauth_session_device = -1, hf_miauth_session_token = -1, hf_miauth_firmware = -1, hf_miauth_device_id = -1,
    hf_miauth_beacon_key = -1, hf_miauth_bond = -1, hf_miauth_session_verdict_frame = -1;
int hf_miauth_diagnostic = -1, hf_miauth_diagnostic_frame = -1;
// Standard auth (docs/STANDARD_AUTH.md): miauth.std.*
int hf_miauth_protocol = -1, hf_std_opcode = -1, hf_std_result = -1, hf_std_frame_type = -1, hf_std_sequence = -1,
    hf_std_data_type = -1, hf_std_message = -1, hf_std_counter = -1, hf_std_status = -1, hf_std_dev_key = -1,
    hf_std_app_key = -1, hf_std_dev_iv = -1, hf_std_app_iv = -1, hf_std_zero_frame = -1;

// Verdict experts (once per session, on the frame that settles it) and one expert per finding
// code, registered from the diagnostics table and looked up by the code's index.
expert_field ei_miauth_verified = EI_INIT, ei_miauth_failed = EI_INIT, ei_miauth_other_token = EI_INIT, ei_miauth_incomplete = EI_INIT,
             ei_miauth_no_token = EI_INIT;
std::vector<expert_field> ei_codes;

// ---- words for people (the fields keep the stable code names for filters) ----
const char* kind_label(Kind k) {
  switch (k) {
    case Kind::register_session: return "Register";
    case Kind::login_session: return "Login";
  }
  return "?";
}
const char* step_label(Step s) {
  switch (s) {
    case Step::register_start: return "Register start";
    case Step::t1: return "T1: the client's token, encrypted";
    case Step::t2: return "T2: the device's answer";
    case Step::register_end: return "Register end: the client's confirmation";
    case Step::login_start: return "Login start";
    case Step::challenge: return "Challenge from the device";
    case Step::response: return "Response from the client";
    case Step::confirmation: return "Confirmation from the device";
    case Step::bond_result: return "Bond result";
    case Step::encrypted_read: return "Encrypted read";
    case Step::encrypted_write: return "Encrypted write";
    case Step::product_id_read: return "Product id read (0x0002)";
    case Step::std_opcode: return "Opcode to the control point (0x0010)";
    case Step::std_result: return "Result from the device (0x0010)";
    case Step::std_frame: return "Transfer frame (0x0019)";
    case Step::std_session: return "Encrypted session message";
  }
  return "?";
}
const char* protected_label(Protected p) {
  switch (p) {
    case Protected::none: return "Not recognised";
    case Protected::firmware: return "Firmware version";
    case Protected::device_id: return "Device id";
    case Protected::beacon_key: return "Beacon key";
    case Protected::wifi: return "Wi-Fi setup";
  }
  return "?";
}
const char* status_label(Status s) {
  switch (s) {
    case Status::verified: return "Verified";
    case Status::failed: return "Failed: the traffic contradicts the token";
    case Status::other_token: return "The client's response fits its token; the device never confirms";
    case Status::incomplete: return "Incomplete: the session ends first";
    case Status::no_token: return "No token: enter one in Preferences > Protocols > MiAuth";
    case Status::registered: return "Registered: the token was agreed by ECDH and is not in the capture";
  }
  return "?";
}
const char* source_label(Source s) {
  switch (s) {
    case Source::option: return "the MiAuth token preference";
    case Source::keys_file: return "the MiAuth key table";
    case Source::register_session: return "a register session in this capture";
    case Source::read_0002: return "a read of characteristic 0x0002";
    case Source::mibeacon: return "the device's MiBeacon adverts";
    case Source::search: return "a search of all 65,536 product ids";
    case Source::login: return "a login in this capture";
  }
  return "?";
}
const char* end_label(EndReason r) {
  switch (r) {
    case EndReason::next_session: return "the next session on the link";
    case EndReason::disconnect: return "disconnection";
    case EndReason::end_of_capture: return "the end of the capture";
    case EndReason::link_dropped: return "the link being dropped";
  }
  return "?";
}

// ---- the per-frame store, written on the first pass ----
struct StepView {
  std::uint64_t session = 0;  // the session's first frame
  Kind kind = Kind::register_session;
  Step step = Step::register_start;
  std::uint16_t handle = 0;
  Bytes value, plaintext;
  Protected what = Protected::none;
  std::optional<Status> status;  // when definite at this frame
  bool verdict = false;          // this frame settles the session's status
  std::uint64_t verdict_frame = 0;
  std::string device;
  std::optional<Token> token, session_key;
  std::optional<Source> token_source, pid_source;
  std::optional<Word> tick;
  std::optional<std::uint16_t> product_id;
  BtattInput::Layout at;  // where the PDU's parts sit
  // Standard auth.
  Protocol protocol = Protocol::legacy;
  Bytes message;              // the message this frame completed, or the 55 AB frame it ended
  std::uint8_t message_type = 0;
  std::optional<std::uint32_t> counter;
  std::optional<stdauth::SessionKeys> keys;
};
struct SessionView {
  std::uint64_t first = 0, last = 0;
  Kind kind = Kind::register_session;
  Status status = Status::incomplete;
  bool verdict = false;  // the status is announced here (not settled earlier, or changed)
  std::uint64_t verdict_frame = 0;
  EndReason end = EndReason::end_of_capture;
  std::string device;
  std::optional<Token> token;
  std::optional<std::string> firmware, device_id;
  std::optional<BeaconKey> beacon_key;
  std::optional<bool> bond;
};
struct FindingView {
  std::uint64_t session = 0;
  Code code = Code::cut_by_disconnect;
  std::string message;
  std::vector<std::uint64_t> frames;
};
struct FrameData {
  std::vector<StepView> steps;  // one, except when Decode As and discovery both name a PDU
  std::vector<SessionView> ends;
  std::vector<FindingView> findings;
};

class State final : public Sink {
public:
  State() : tracker_(keys(), *this), standard_(keys(), *this) {}
  void first_pass(tvbuff_t* tvb, packet_info* pinfo, proto_tree* tree, const Bytes* forced_value) {
    current_ = pinfo->num;
    input_.read_frame(tvb, pinfo, tree, forced_value, trackers_);
  }
  [[nodiscard]] const FrameData* frame(std::uint32_t num) const {
    auto it = frames_.find(num);
    return it == frames_.end() ? nullptr : &it->second;
  }
  // Decode As: the value btatt handed to the handle dissector (btatt then shows no btatt.value).
  std::optional<Bytes> forced;

private:
  void on_step(const Session& s, const StepRecord& r) override {
    StepView v;
    v.session = s.first_frame;
    v.kind = s.kind;
    v.step = r.step;
    v.handle = r.handle;
    v.value = r.value;
    v.plaintext = r.plaintext;
    v.what = r.what;
    if (s.status != Status::incomplete) {
      v.status = s.status;
      auto [it, fresh] = announced_.try_emplace(s.first_frame, s.status, current_);
      if (fresh || it->second.first != s.status) {
        it->second = {s.status, current_};
        v.verdict = true;
      }
      v.verdict_frame = it->second.second;
    }
    if (s.device) v.device = s.device->str();
    v.token = s.token;
    v.token_source = s.token_source;
    v.session_key = s.session_key;
    v.tick = s.tick;
    v.product_id = s.product_id;
    v.pid_source = s.product_id_source;
    v.at = input_.layout();
    v.protocol = s.protocol;
    v.message = r.message;
    v.message_type = r.message_type;
    v.counter = r.counter;
    if (s.standard) v.keys = s.standard->keys;
    frames_[current_].steps.push_back(std::move(v));
  }
  void on_finding(const Session& s, const Finding& f) override {
    frames_[current_].findings.push_back({s.first_frame, f.code, describe(f), f.frames});
  }
  void on_session(const Session& s) override {
    SessionView v;
    v.first = s.first_frame;
    v.last = s.last_frame;
    v.kind = s.kind;
    v.status = s.status;
    if (auto it = announced_.find(s.first_frame); it != announced_.end()) {
      v.verdict = it->second.first != s.status;
      v.verdict_frame = v.verdict ? current_ : it->second.second;
      announced_.erase(it);
    } else {
      v.verdict = true;
      v.verdict_frame = current_;
    }
    v.end = s.end_reason;
    if (s.device) v.device = s.device->str();
    v.token = s.token;
    v.firmware = s.firmware;
    v.device_id = s.device_id;
    v.beacon_key = s.beacon_key;
    v.bond = s.bond_ok;
    frames_[current_].ends.push_back(std::move(v));
  }
  void on_learned(const Learned& l) override { apply(keys(), l); }
  void on_diagnostic(const Diagnostic& d) override {
    frames_[current_].findings.push_back({0, d.code, d.message, {d.frame}});
  }

  Tracker tracker_;
  stdauth::Tracker standard_;
  Trackers trackers_{tracker_, standard_};
  BtattInput input_;
  std::unordered_map<std::uint32_t, FrameData> frames_;
  // The status announced (and the frame) per running session, by its first frame: a verdict is
  // told once, where it is settled. Erased at the session's end, so bounded by the live links.
  std::unordered_map<std::uint64_t, std::pair<Status, std::uint32_t>> announced_;
  std::uint32_t current_ = 0;
};
State* state = nullptr;

void init_state() {
  delete state;
  reset_keys();  // MiAuth's init runs before MiBeacon's (registration order): one reset per capture
  state = new State;
}

void cleanup_state() {
  delete state;
  state = nullptr;
}

// ---- the tree ----
expert_field* status_expert(Status s) {
  switch (s) {
    case Status::verified: return &ei_miauth_verified;
    case Status::failed: return &ei_miauth_failed;
    case Status::other_token: return &ei_miauth_other_token;
    case Status::incomplete: return &ei_miauth_incomplete;
    case Status::no_token: return &ei_miauth_no_token;
    case Status::registered: return &ei_miauth_verified;
  }
  return &ei_miauth_incomplete;
}

// A derived value (no bytes of the frame behind it), marked generated.
proto_item* derived(proto_item* it) {
  proto_item_set_generated(it);
  return it;
}
proto_item* coded(proto_tree* t, int hf, tvbuff_t* tvb, int at, int len, const char* code, const char* label) {
  return proto_tree_add_string_format_value(t, hf, tvb, at, len, code, "%s (%s)", label, code);
}
template <std::size_t N>
proto_item* add_hex(proto_tree* t, int hf, const std::array<std::uint8_t, N>& v) {
  return derived(proto_tree_add_string(t, hf, nullptr, 0, 0, to_hex(v).c_str()));
}
std::string short_hex(const Token& t) { return to_hex(ByteView(t).first(4)) + "…"; }

// Text of a decrypted string value (fixed-size characteristics pad with NULs).
std::string text_of(const Bytes& b) {
  std::string s(b.begin(), b.end());
  s.erase(s.find_last_not_of('\0') + 1);
  return s;
}

// Where a step's PDU sits in this pass (the btatt data source and the opcode's offset).
struct Pdu {
  tvbuff_t* tvb = nullptr;
  int base = 0;
};

// The standard-auth fields of a step (miauth.std.*): what the frame is, the message it completed,
// the decrypted session message; returns the Info phrase.
std::string show_standard(packet_info* pinfo, tvbuff_t* frame_tvb, proto_tree* t, const StepView& v, tvbuff_t* vt,
                          int vat, int vlen) {
  derived(proto_tree_add_string(t, hf_miauth_protocol, nullptr, 0, 0, "standard"));
  std::string phrase;
  if ((v.step == Step::std_opcode || v.step == Step::std_result) && !v.value.empty()) {
    const char* name = stdauth::opcode_name(v.value[0]);
    proto_tree_add_string_format_value(t, v.step == Step::std_opcode ? hf_std_opcode : hf_std_result, vt, vat,
                                       vt ? std::min(vlen, 1) : 0, name, "0x%02x %s", v.value[0], name);
    phrase = std::string(v.step == Step::std_opcode ? "opcode " : "result ") + (*name ? name : "unknown");
  } else if (v.step == Step::std_frame) {
    const stdauth::Frame f = stdauth::parse_frame(v.value);
    proto_tree_add_string(t, hf_std_frame_type, vt, vat, vt ? std::min(vlen, 4) : 0, stdauth::frame_kind_name(f.kind));
    phrase = stdauth::frame_kind_name(f.kind);
    if (f.kind == stdauth::FrameKind::data) {
      proto_tree_add_uint(t, hf_std_sequence, vt, vat, vt ? 2 : 0, f.sn);
      phrase += " " + std::to_string(f.sn);
    } else if (f.kind == stdauth::FrameKind::command || f.kind == stdauth::FrameKind::single) {
      proto_tree_add_string(t, hf_std_data_type, vt, vt ? vat + 3 : 0, vt ? 1 : 0, stdauth::data_type_name(f.sub));
      phrase += std::string(" ") + stdauth::data_type_name(f.sub);
    } else if (f.kind == stdauth::FrameKind::ack) {
      phrase += std::string(" ") + stdauth::ack_name(f.sub);
    }
    if (!v.message.empty()) {
      // The reassembled message: a data source of its own ("Reassembled MiAuth", a bytes tab).
      const auto n = static_cast<guint>(v.message.size());
      auto* copy = static_cast<guint8*>(wmem_memdup(pinfo->pool, v.message.data(), n));
      tvbuff_t* mtvb = tvb_new_child_real_data(frame_tvb, copy, n, static_cast<gint>(n));
      add_new_data_source(pinfo, mtvb, "Reassembled MiAuth");
      proto_tree_add_item(t, hf_std_message, mtvb, 0, static_cast<int>(n), ENC_NA);
      derived(proto_tree_add_string(t, hf_std_data_type, nullptr, 0, 0, stdauth::data_type_name(v.message_type)));
      phrase += std::string(", ") + stdauth::data_type_name(v.message_type) + " complete";
    }
  } else if (v.step == Step::std_session) {
    if (stdauth::is_zero_frame(v.message)) {
      derived(proto_tree_add_boolean(t, hf_std_zero_frame, nullptr, 0, 0, TRUE));
      phrase = "pre-login zero frame";
    } else if (v.counter) {
      derived(proto_tree_add_uint(t, hf_std_counter, nullptr, 0, 0, *v.counter));
      phrase = "session message " + std::to_string(*v.counter) + " decrypted";
    } else {
      phrase = v.message.empty() ? "session message piece" : "session message (not decrypted)";
    }
  }
  if (v.keys && (v.step == Step::std_frame || v.step == Step::std_result)) {
    add_hex(t, hf_std_dev_key, v.keys->dev_key);
    add_hex(t, hf_std_app_key, v.keys->app_key);
    add_hex(t, hf_std_dev_iv, v.keys->dev_iv);
    add_hex(t, hf_std_app_iv, v.keys->app_iv);
  }
  return phrase;
}

std::string show_step(packet_info* pinfo, tvbuff_t* frame_tvb, proto_tree* t, const StepView& v, const Pdu& pdu) {
  const BtattInput::Layout& at = v.at;
  const bool value_bytes = at.value_at >= 0 && fits(pdu.tvb, pdu.base + at.value_at, at.value_len) &&
                           static_cast<std::size_t>(at.value_len) == v.value.size();
  tvbuff_t* vt = value_bytes ? pdu.tvb : nullptr;
  const int vat = value_bytes ? pdu.base + at.value_at : 0, vlen = value_bytes ? at.value_len : 0;
  derived(coded(t, hf_miauth_kind, nullptr, 0, 0, kind_name(v.kind), kind_label(v.kind)));
  proto_item* step = coded(t, hf_miauth_step, vt, vat, vlen, step_name(v.step), step_label(v.step));
  if (!value_bytes) derived(step);
  if (at.handle_at >= 0 && fits(pdu.tvb, pdu.base + at.handle_at, 2))
    proto_tree_add_uint(t, hf_miauth_handle, pdu.tvb, pdu.base + at.handle_at, 2, v.handle);
  else
    derived(proto_tree_add_uint(t, hf_miauth_handle, nullptr, 0, 0, v.handle));
  if (value_bytes)
    proto_tree_add_item(t, hf_miauth_value, vt, vat, vlen, ENC_NA);
  else
    derived(proto_tree_add_bytes_with_length(t, hf_miauth_value, nullptr, 0, 0, v.value.data(), static_cast<gint>(v.value.size())));
  if (at.request_frame) derived(proto_tree_add_uint(t, hf_miauth_request_frame, nullptr, 0, 0, at.request_frame));
  std::string phrase;
  if (!v.plaintext.empty()) {
    // The plaintext: a data source of its own ("Decrypted MiAuth", a bytes tab in the GUI), unless
    // the value was sent in clear (the start opcodes): then it is the value's own bytes.
    const auto n = static_cast<guint>(v.plaintext.size());
    tvbuff_t* dtvb = nullptr;
    int dat = 0;
    if (v.plaintext == v.value && value_bytes) {
      dtvb = vt;
      dat = vat;
    } else {
      auto* copy = static_cast<guint8*>(wmem_memdup(pinfo->pool, v.plaintext.data(), n));
      dtvb = tvb_new_child_real_data(frame_tvb, copy, n, static_cast<gint>(n));
      add_new_data_source(pinfo, dtvb, "Decrypted MiAuth");
    }
    proto_tree_add_item(t, hf_miauth_plaintext, dtvb, dat, static_cast<int>(n), ENC_NA);
    if (v.what != Protected::none) {
      std::string shown;
      switch (v.what) {
        case Protected::firmware:
        case Protected::device_id: shown = text_of(v.plaintext); break;
        case Protected::beacon_key: shown = to_hex(v.plaintext); break;
        case Protected::wifi: shown = std::to_string(v.plaintext.size()) + " bytes of setup records"; break;
        case Protected::none: break;
      }
      proto_tree_add_string_format_value(t, hf_miauth_what, dtvb, dat, static_cast<int>(n), protected_name(v.what),
                                         "%s: %s (%s)", protected_label(v.what), shown.c_str(), protected_name(v.what));
      phrase = std::string(protected_label(v.what)) + " " + shown;
      phrase[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(phrase[0])));
    }
  } else if (v.what != Protected::none) {
    derived(coded(t, hf_miauth_what, nullptr, 0, 0, protected_name(v.what), protected_label(v.what)));
  }
  if (phrase.empty()) {
    switch (v.step) {
      case Step::register_start: phrase = "start"; break;
      case Step::t1: phrase = "T1"; break;
      case Step::t2: phrase = "T2"; break;
      case Step::register_end: phrase = "end"; break;
      case Step::login_start: phrase = "start"; break;
      case Step::challenge: phrase = "challenge"; break;
      case Step::response: phrase = "response"; break;
      case Step::confirmation: phrase = "confirmation"; break;
      case Step::bond_result: phrase = "bond result"; break;
      case Step::encrypted_read: phrase = v.plaintext.empty() ? "encrypted read (not decrypted)" : "encrypted read"; break;
      case Step::encrypted_write: phrase = v.plaintext.empty() ? "encrypted write (not decrypted)" : "encrypted write"; break;
      case Step::product_id_read: phrase = "product id read"; break;
      case Step::std_opcode: case Step::std_result: case Step::std_frame: case Step::std_session: break;
    }
  }
  if (v.protocol == Protocol::standard) phrase = show_standard(pinfo, frame_tvb, t, v, vt, vat, vlen);
  if (!v.device.empty()) derived(proto_tree_add_string(t, hf_miauth_device, nullptr, 0, 0, v.device.c_str()));
  derived(proto_tree_add_uint(t, hf_miauth_session_frame, nullptr, 0, 0, static_cast<std::uint32_t>(v.session)));
  if (v.token) {
    add_hex(t, hf_miauth_token, *v.token);
    derived(coded(t, hf_miauth_token_source, nullptr, 0, 0, source_name(*v.token_source), source_label(*v.token_source)));
    if (v.step == Step::t2 || v.step == Step::challenge) phrase += ", token " + short_hex(*v.token);
  }
  if (v.tick) add_hex(t, hf_miauth_tick, *v.tick);
  if (v.session_key) add_hex(t, hf_miauth_session_key, *v.session_key);
  if (v.product_id) {
    derived(proto_tree_add_uint(t, hf_miauth_product_id, nullptr, 0, 0, *v.product_id));
    derived(coded(t, hf_miauth_product_id_source, nullptr, 0, 0, source_name(*v.pid_source), source_label(*v.pid_source)));
    if (const char* m = product_name(*v.product_id)) derived(proto_tree_add_string(t, hf_miauth_model, nullptr, 0, 0, m));
  }
  if (v.status) {
    proto_item* st = derived(coded(t, hf_miauth_status, nullptr, 0, 0, status_name(*v.status), status_label(*v.status)));
    if (v.protocol == Protocol::standard)
      derived(coded(t, hf_std_status, nullptr, 0, 0, status_name(*v.status), status_label(*v.status)));
    if (v.verdict_frame) derived(proto_tree_add_uint(t, hf_miauth_verdict_frame, nullptr, 0, 0, static_cast<std::uint32_t>(v.verdict_frame)));
    if (v.verdict) {
      expert_add_info_format(pinfo, st, status_expert(*v.status), "MiAuth %s session (from frame %llu): %s",
                             kind_name(v.kind), static_cast<unsigned long long>(v.session), status_label(*v.status));
      phrase += std::string(", ") + status_name(*v.status);
    }
  }
  return std::string("MiAuth ") + kind_name(v.kind) + ": " + phrase;
}

std::string show_session(packet_info* pinfo, proto_tree* tree, const SessionView& v) {
  proto_item* si = proto_tree_add_string_format_value(
      tree, hf_miauth_session, nullptr, 0, 0, (std::string(kind_name(v.kind)) + " " + status_name(v.status)).c_str(),
      "%s session, frames %llu-%llu, ended by %s: %s", kind_label(v.kind), static_cast<unsigned long long>(v.first),
      static_cast<unsigned long long>(v.last), end_label(v.end), status_label(v.status));
  derived(si);
  proto_tree* t = proto_item_add_subtree(si, ett_miauth_session);
  derived(coded(t, hf_miauth_session_kind, nullptr, 0, 0, kind_name(v.kind), kind_label(v.kind)));
  proto_item* st = derived(coded(t, hf_miauth_session_status, nullptr, 0, 0, status_name(v.status), status_label(v.status)));
  if (v.verdict)
    expert_add_info_format(pinfo, st, status_expert(v.status), "MiAuth %s session (frames %llu-%llu): %s", kind_name(v.kind),
                           static_cast<unsigned long long>(v.first), static_cast<unsigned long long>(v.last),
                           status_label(v.status));
  if (v.verdict_frame)
    derived(proto_tree_add_uint(t, hf_miauth_session_verdict_frame, nullptr, 0, 0, static_cast<std::uint32_t>(v.verdict_frame)));
  derived(coded(t, hf_miauth_session_end, nullptr, 0, 0, end_reason_name(v.end), end_label(v.end)));
  derived(proto_tree_add_uint(t, hf_miauth_session_first, nullptr, 0, 0, static_cast<std::uint32_t>(v.first)));
  derived(proto_tree_add_uint(t, hf_miauth_session_last, nullptr, 0, 0, static_cast<std::uint32_t>(v.last)));
  if (!v.device.empty()) derived(proto_tree_add_string(t, hf_miauth_session_device, nullptr, 0, 0, v.device.c_str()));
  if (v.token) add_hex(t, hf_miauth_session_token, *v.token);
  if (v.firmware) derived(proto_tree_add_string(t, hf_miauth_firmware, nullptr, 0, 0, v.firmware->c_str()));
  if (v.device_id) derived(proto_tree_add_string(t, hf_miauth_device_id, nullptr, 0, 0, v.device_id->c_str()));
  if (v.beacon_key) add_hex(t, hf_miauth_beacon_key, *v.beacon_key);
  if (v.bond) derived(proto_tree_add_string(t, hf_miauth_bond, nullptr, 0, 0, *v.bond ? "ok" : "failed"));
  return std::string("MiAuth ") + kind_name(v.kind) + " session ended (" + end_reason_name(v.end) + "): " +
         status_name(v.status);
}

void show_finding(packet_info* pinfo, proto_tree* tree, const FindingView& f) {
  proto_item* fi = derived(proto_tree_add_string_format_value(tree, hf_miauth_diagnostic, nullptr, 0, 0, code_name(f.code),
                                                              "%s (%s)", f.message.c_str(), code_name(f.code)));
  proto_tree* t = proto_item_add_subtree(fi, ett_miauth_finding);
  for (auto frame : f.frames) derived(proto_tree_add_uint(t, hf_miauth_diagnostic_frame, nullptr, 0, 0, static_cast<std::uint32_t>(frame)));
  expert_add_info_format(pinfo, fi, &ei_codes[static_cast<std::size_t>(f.code)], "%s", f.message.c_str());
}

void show(const FrameData& fd, tvbuff_t* frame_tvb, packet_info* pinfo, proto_tree* tree) {
  // Where the frame's ATT PDU is: in the frame's own bytes (an offset kept from the first pass),
  // else in a reassembled SDU that btatt's opcode field of this pass points into.
  Pdu pdu;
  const int in_frame = fd.steps.empty() ? -1 : fd.steps.front().at.pdu_in_frame;
  if (in_frame >= 0) {
    pdu = {frame_tvb, in_frame};
  } else if (const field_info* op = BtattInput::pdu_field(tree); op && op->ds_tvb) {
    pdu = {op->ds_tvb, op->start};
  }
  // The protocol item spans the ATT value of the frame's step, when there is one.
  proto_item* ti = nullptr;
  if (!fd.steps.empty()) {
    const auto& at = fd.steps.front().at;
    if (at.value_at >= 0 && fits(pdu.tvb, pdu.base + at.value_at, at.value_len))
      ti = proto_tree_add_item(tree, proto_miauth, pdu.tvb, pdu.base + at.value_at, at.value_len, ENC_NA);
  }
  if (!ti) ti = proto_tree_add_item(tree, proto_miauth, frame_tvb, 0, 0, ENC_NA);
  proto_tree* t = proto_item_add_subtree(ti, ett_miauth);
  col_set_str(pinfo->cinfo, COL_PROTOCOL, "MiAuth");
  std::string info;
  auto append = [&](const std::string& s) { info += (info.empty() ? "" : "; ") + s; };
  // Sessions that end here first: they precede the step that may have ended them.
  for (const auto& e : fd.ends) append(show_session(pinfo, t, e));
  for (const auto& s : fd.steps) append(show_step(pinfo, frame_tvb, t, s, pdu));
  for (const auto& f : fd.findings) show_finding(pinfo, t, f);
  proto_item_append_text(ti, ": %s", info.c_str() + (info.rfind("MiAuth ", 0) == 0 ? 7 : 0));
  col_append_sep_str(pinfo->cinfo, COL_INFO, " | ", info.c_str());
}

int dissect(tvbuff_t* tvb, packet_info* pinfo, proto_tree* tree, void*) {
  try {
    if (!state) init_state();
    if (!PINFO_FD_VISITED(pinfo)) state->first_pass(tvb, pinfo, tree, state->forced ? &*state->forced : nullptr);
    state->forced.reset();
  } catch (...) {
    // Nothing may unwind into Wireshark; the frame shows what was stored before.
  }
  const FrameData* fd = state ? state->frame(pinfo->num) : nullptr;
  if (fd) show(*fd, tvb, pinfo, tree);
  return 0;
}

// Decode As (`-d btatt.handle==0x0012,miauth`) declares a handle the token characteristic for
// captures where neither discovery nor the traffic tells it. btatt gives the handle dissector the
// value and then shows no btatt.value: keep a copy for the postdissector.
int decode_as_token(tvbuff_t* tvb, packet_info* pinfo, proto_tree*, void*) {
  try {
    if (!state) init_state();
    if (!PINFO_FD_VISITED(pinfo)) {
      Bytes v(tvb_captured_length(tvb));
      tvb_memcpy(tvb, v.data(), 0, v.size());
      state->forced = std::move(v);
    }
  } catch (...) {
  }
  return static_cast<int>(tvb_captured_length(tvb));
}

int expert_severity(Severity s) {
  switch (s) {
    case Severity::note: return PI_NOTE;
    case Severity::warning: return PI_WARN;
    case Severity::error: return PI_ERROR;
  }
  return PI_WARN;
}

}  // namespace

void register_miauth() {
  static hf_register_info hf[] = {
      {&hf_miauth_kind, {"Session kind", "miauth.kind", FT_STRING, BASE_NONE, nullptr, 0, "register or login", HFILL}},
      {&hf_miauth_step, {"Step", "miauth.step", FT_STRING, BASE_NONE, nullptr, 0, "register_start, t1, t2, register_end, login_start, challenge, response, confirmation, bond_result, encrypted_read, encrypted_write, product_id_read", HFILL}},
      {&hf_miauth_handle, {"Handle", "miauth.handle", FT_UINT16, BASE_HEX, nullptr, 0, nullptr, HFILL}},
      {&hf_miauth_value, {"Value", "miauth.value", FT_BYTES, BASE_NONE, nullptr, 0, "as on the wire", HFILL}},
      {&hf_miauth_request_frame, {"Response to", "miauth.request_frame", FT_FRAMENUM, BASE_NONE, FRAMENUM_TYPE(FT_FRAMENUM_REQUEST), 0, "the request this response answers", HFILL}},
      {&hf_miauth_plaintext, {"Plaintext", "miauth.plaintext", FT_BYTES, BASE_NONE, nullptr, 0, "the value decrypted (the Decrypted MiAuth bytes)", HFILL}},
      {&hf_miauth_what, {"Decrypted value", "miauth.what", FT_STRING, BASE_NONE, nullptr, 0, "firmware, device_id, beacon_key, wifi", HFILL}},
      {&hf_miauth_token, {"Token", "miauth.token", FT_STRING, BASE_NONE, nullptr, 0, nullptr, HFILL}},
      {&hf_miauth_token_source, {"Token from", "miauth.token_source", FT_STRING, BASE_NONE, nullptr, 0, "option, keys_file, register_session, login", HFILL}},
      {&hf_miauth_session_key, {"Session key", "miauth.session_key", FT_STRING, BASE_NONE, nullptr, 0, nullptr, HFILL}},
      {&hf_miauth_tick, {"Tick", "miauth.tick", FT_STRING, BASE_NONE, nullptr, 0, nullptr, HFILL}},
      {&hf_miauth_product_id, {"Product id", "miauth.product_id", FT_UINT16, BASE_DEC, nullptr, 0, nullptr, HFILL}},
      {&hf_miauth_product_id_source, {"Product id from", "miauth.product_id_source", FT_STRING, BASE_NONE, nullptr, 0, "option, keys_file, read_0002, mibeacon, search", HFILL}},
      {&hf_miauth_model, {"Model", "miauth.model", FT_STRING, BASE_NONE, nullptr, 0, nullptr, HFILL}},
      {&hf_miauth_status, {"Status", "miauth.status", FT_STRING, BASE_NONE, nullptr, 0, "the step's session status, where definite at this frame: verified, failed, other_token, no_token", HFILL}},
      {&hf_miauth_verdict_frame, {"Status settled in", "miauth.verdict_frame", FT_FRAMENUM, BASE_NONE, FRAMENUM_TYPE(FT_FRAMENUM_NONE), 0, "the frame that settled the session's status (confirmed or refuted the token)", HFILL}},
      {&hf_miauth_device, {"Device", "miauth.device", FT_STRING, BASE_NONE, nullptr, 0, nullptr, HFILL}},
      {&hf_miauth_session_frame, {"Session start", "miauth.session_frame", FT_FRAMENUM, BASE_NONE, FRAMENUM_TYPE(FT_FRAMENUM_NONE), 0, nullptr, HFILL}},
      {&hf_miauth_session, {"Session ended", "miauth.session", FT_STRING, BASE_NONE, nullptr, 0, "a session that ended at this frame: its kind and status", HFILL}},
      {&hf_miauth_session_kind, {"Kind", "miauth.session.kind", FT_STRING, BASE_NONE, nullptr, 0, nullptr, HFILL}},
      {&hf_miauth_session_status, {"Status", "miauth.session.status", FT_STRING, BASE_NONE, nullptr, 0, "verified, failed, other_token, incomplete, no_token", HFILL}},
      {&hf_miauth_session_verdict_frame, {"Status settled in", "miauth.session.verdict_frame", FT_FRAMENUM, BASE_NONE, FRAMENUM_TYPE(FT_FRAMENUM_NONE), 0, nullptr, HFILL}},
      {&hf_miauth_session_end, {"Ended by", "miauth.session_end", FT_STRING, BASE_NONE, nullptr, 0, "next_session, disconnect, end_of_capture, link_dropped", HFILL}},
      {&hf_miauth_session_first, {"First frame", "miauth.session.first_frame", FT_FRAMENUM, BASE_NONE, FRAMENUM_TYPE(FT_FRAMENUM_NONE), 0, nullptr, HFILL}},
      {&hf_miauth_session_last, {"Last frame", "miauth.session.last_frame", FT_FRAMENUM, BASE_NONE, FRAMENUM_TYPE(FT_FRAMENUM_NONE), 0, nullptr, HFILL}},
      {&hf_miauth_session_device, {"Device", "miauth.session.device", FT_STRING, BASE_NONE, nullptr, 0, nullptr, HFILL}},
      {&hf_miauth_session_token, {"Token", "miauth.session.token", FT_STRING, BASE_NONE, nullptr, 0, nullptr, HFILL}},
      {&hf_miauth_firmware, {"Firmware", "miauth.firmware", FT_STRING, BASE_NONE, nullptr, 0, nullptr, HFILL}},
      {&hf_miauth_device_id, {"Device id", "miauth.device_id", FT_STRING, BASE_NONE, nullptr, 0, nullptr, HFILL}},
      {&hf_miauth_beacon_key, {"Beacon key", "miauth.beacon_key", FT_STRING, BASE_NONE, nullptr, 0, nullptr, HFILL}},
      {&hf_miauth_bond, {"Bond result", "miauth.bond", FT_STRING, BASE_NONE, nullptr, 0, nullptr, HFILL}},
      {&hf_miauth_diagnostic, {"Diagnostic", "miauth.diagnostic", FT_STRING, BASE_NONE, nullptr, 0, "a finding's code (README, Diagnostics)", HFILL}},
      {&hf_miauth_diagnostic_frame, {"Frame", "miauth.diagnostic.frame", FT_FRAMENUM, BASE_NONE, FRAMENUM_TYPE(FT_FRAMENUM_NONE), 0, "a frame the finding concerns", HFILL}},
      {&hf_miauth_protocol, {"Protocol", "miauth.protocol", FT_STRING, BASE_NONE, nullptr, 0, "standard: standard auth on 0x0010 + 0x0019 (legacy steps have no such field)", HFILL}},
      {&hf_std_opcode, {"Opcode", "miauth.std.opcode", FT_STRING, BASE_NONE, nullptr, 0, "an opcode the app wrote to the control point 0x0010", HFILL}},
      {&hf_std_result, {"Result", "miauth.std.result", FT_STRING, BASE_NONE, nullptr, 0, "the device's result on 0x0010", HFILL}},
      {&hf_std_frame_type, {"Frame type", "miauth.std.frame_type", FT_STRING, BASE_NONE, nullptr, 0, "the rxfer frame on 0x0019: command, ack, single, single_ack, link_ask, link_ack, data, malformed", HFILL}},
      {&hf_std_sequence, {"Sequence", "miauth.std.sequence", FT_UINT16, BASE_DEC, nullptr, 0, "a data fragment's number", HFILL}},
      {&hf_std_data_type, {"Data type", "miauth.std.data_type", FT_STRING, BASE_NONE, nullptr, 0, "what a command, single or completed message carries: app_random, dev_confirmation, ecc_pubkey, ...", HFILL}},
      {&hf_std_message, {"Message", "miauth.std.message", FT_BYTES, BASE_NONE, nullptr, 0, "the message this frame completed, reassembled (the Reassembled MiAuth bytes)", HFILL}},
      {&hf_std_counter, {"Counter", "miauth.std.counter", FT_UINT32, BASE_DEC, nullptr, 0, "a decrypted session message's counter (32 bits, rebuilt)", HFILL}},
      {&hf_std_status, {"Status", "miauth.std.status", FT_STRING, BASE_NONE, nullptr, 0, "a standard-auth session's status where definite: verified, failed, no_token, registered", HFILL}},
      {&hf_std_dev_key, {"Device key", "miauth.std.dev_key", FT_STRING, BASE_NONE, nullptr, 0, "the login's device-to-app AES key (derived)", HFILL}},
      {&hf_std_app_key, {"App key", "miauth.std.app_key", FT_STRING, BASE_NONE, nullptr, 0, "the login's app-to-device AES key (derived)", HFILL}},
      {&hf_std_dev_iv, {"Device IV", "miauth.std.dev_iv", FT_STRING, BASE_NONE, nullptr, 0, nullptr, HFILL}},
      {&hf_std_app_iv, {"App IV", "miauth.std.app_iv", FT_STRING, BASE_NONE, nullptr, 0, nullptr, HFILL}},
      {&hf_std_zero_frame, {"Pre-login zero frame", "miauth.std.zero_frame", FT_BOOLEAN, BASE_NONE, nullptr, 0, "a scooter's 55 AB frame of zeros before the login", HFILL}},
  };
  static int* ett[] = {&ett_miauth, &ett_miauth_session, &ett_miauth_finding};
  proto_miauth = proto_register_protocol("Xiaomi MiAuth (FE95)", "MiAuth", "miauth");
  proto_register_field_array(proto_miauth, hf, G_N_ELEMENTS(hf));
  proto_register_subtree_array(ett, G_N_ELEMENTS(ett));

  // Experts: the session verdicts, then one per finding code of the diagnostics table.
  static std::vector<ei_register_info> ei = {
      {&ei_miauth_verified, {"miauth.expert.verified", PI_SECURITY, PI_CHAT, "MiAuth session verified", EXPFILL}},
      {&ei_miauth_failed, {"miauth.expert.failed", PI_SECURITY, PI_ERROR, "MiAuth verification failed", EXPFILL}},
      {&ei_miauth_other_token, {"miauth.expert.other_token", PI_SECURITY, PI_WARN, "The device holds another token", EXPFILL}},
      {&ei_miauth_incomplete, {"miauth.expert.incomplete", PI_SEQUENCE, PI_WARN, "MiAuth session incomplete", EXPFILL}},
      {&ei_miauth_no_token, {"miauth.expert.no_token", PI_SECURITY, PI_NOTE, "No token to verify the login with", EXPFILL}},
  };
  static std::vector<std::string> names;
  const auto codes = all_codes();
  ei_codes.assign(codes.size(), expert_field EI_INIT);
  names.reserve(codes.size());  // the registered pointers must stay valid
  for (const auto& c : codes) {
    if (c.layer != Layer::miauth && c.layer != Layer::stdauth) continue;
    names.push_back(std::string("miauth.expert.") + c.name);
    ei.push_back({&ei_codes[static_cast<std::size_t>(c.code)],
                  {names.back().c_str(), PI_PROTOCOL, expert_severity(c.severity), c.meaning, EXPFILL}});
  }
  expert_module_t* em = expert_register_protocol(proto_miauth);
  expert_register_field_array(em, ei.data(), static_cast<int>(ei.size()));

  register_keys(prefs_register_protocol(proto_miauth, nullptr));
  register_init_routine(init_state);
  register_cleanup_routine(cleanup_state);
}

void handoff_miauth() {
  dissector_handle_t handle = create_dissector_handle(dissect, proto_miauth);
  register_postdissector(handle);
  GArray* wanted = g_array_new(FALSE, FALSE, sizeof(int));
  BtattInput::want_fields(wanted);
  set_postdissector_wanted_hfids(handle, wanted);
  // btatt asserts that a handle dissector has a registered name.
  dissector_add_for_decode_as("btatt.handle", register_dissector("miauth", decode_as_token, proto_miauth));
}

}  // namespace fe95::plugin
