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
    hf_miauth_model = -1, hf_miauth_status = -1, hf_miauth_device = -1, hf_miauth_session_frame = -1;
int hf_miauth_session = -1, hf_miauth_session_kind = -1, hf_miauth_session_status = -1, hf_miauth_session_end = -1, hf_miauth_session_first = -1,
    hf_miauth_session_last = -1, hf_miauth_session_device = -1, hf_miauth_session_token = -1, hf_miauth_firmware = -1, hf_miauth_device_id = -1,
    hf_miauth_beacon_key = -1, hf_miauth_bond = -1;
int hf_miauth_diagnostic = -1, hf_miauth_diagnostic_frame = -1;

// Status experts (once per session, at its summary) and one expert per finding code, registered
// from the diagnostics table and looked up by the code's index.
expert_field ei_miauth_verified = EI_INIT, ei_miauth_failed = EI_INIT, ei_miauth_other_token = EI_INIT, ei_miauth_incomplete = EI_INIT,
             ei_miauth_no_token = EI_INIT;
std::vector<expert_field> ei_codes;

// ---- the per-frame store, written on the first pass ----
struct StepView {
  std::uint64_t session = 0;  // the session's first frame
  Kind kind = Kind::register_session;
  Step step = Step::register_start;
  std::uint16_t handle = 0;
  Bytes value, plaintext;
  Protected what = Protected::none;
  std::optional<Status> status;  // when definite at this frame
  std::string device;
  std::optional<Token> token, session_key;
  std::optional<Source> token_source, pid_source;
  std::optional<Word> tick;
  std::optional<std::uint16_t> product_id;
};
struct SessionView {
  std::uint64_t first = 0, last = 0;
  Kind kind = Kind::register_session;
  Status status = Status::incomplete;
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
  State() : tracker_(keys(), *this) {}
  void first_pass(packet_info* pinfo, proto_tree* tree, const Bytes* forced_value) {
    current_ = pinfo->num;
    input_.read_frame(pinfo, tree, forced_value, tracker_);
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
    if (s.status != Status::incomplete) v.status = s.status;
    if (s.device) v.device = s.device->str();
    v.token = s.token;
    v.token_source = s.token_source;
    v.session_key = s.session_key;
    v.tick = s.tick;
    v.product_id = s.product_id;
    v.pid_source = s.product_id_source;
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

  Tracker tracker_;
  BtattInput input_;
  std::unordered_map<std::uint32_t, FrameData> frames_;
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
template <std::size_t N>
proto_item* add_hex(proto_tree* t, int hf, const std::array<std::uint8_t, N>& v) {
  return add_str(t, hf, to_hex(v));
}

expert_field* status_expert(Status s) {
  switch (s) {
    case Status::verified: return &ei_miauth_verified;
    case Status::failed: return &ei_miauth_failed;
    case Status::other_token: return &ei_miauth_other_token;
    case Status::incomplete: return &ei_miauth_incomplete;
    case Status::no_token: return &ei_miauth_no_token;
  }
  return &ei_miauth_incomplete;
}

std::string show_step(proto_tree* t, const StepView& v) {
  add_str(t, hf_miauth_kind, kind_name(v.kind));
  add_str(t, hf_miauth_step, step_name(v.step));
  add_uint(t, hf_miauth_handle, v.handle);
  add_bytes(t, hf_miauth_value, v.value);
  if (!v.plaintext.empty()) add_bytes(t, hf_miauth_plaintext, v.plaintext);
  if (v.what != Protected::none) add_str(t, hf_miauth_what, protected_name(v.what));
  if (!v.device.empty()) add_str(t, hf_miauth_device, v.device);
  add_uint(t, hf_miauth_session_frame, static_cast<std::uint32_t>(v.session));
  std::string info = std::string("Mi auth ") + kind_name(v.kind) + " " + step_name(v.step);
  if (v.what == Protected::firmware || v.what == Protected::device_id) {
    std::string text(v.plaintext.begin(), v.plaintext.end());
    text.erase(text.find_last_not_of('\0') + 1);  // fixed-size characteristics pad with NULs
    info += " \"" + text + "\"";
  }
  if (v.token) {
    add_hex(t, hf_miauth_token, *v.token);
    add_str(t, hf_miauth_token_source, source_name(*v.token_source));
    if (v.step == Step::t1 || v.step == Step::t2 || v.step == Step::challenge) info += ", token " + to_hex(*v.token);
  }
  if (v.tick) add_hex(t, hf_miauth_tick, *v.tick);
  if (v.session_key) add_hex(t, hf_miauth_session_key, *v.session_key);
  if (v.product_id) {
    add_uint(t, hf_miauth_product_id, *v.product_id);
    add_str(t, hf_miauth_product_id_source, source_name(*v.pid_source));
    if (const char* m = product_name(*v.product_id)) add_str(t, hf_miauth_model, m);
  }
  if (v.status) {
    add_str(t, hf_miauth_status, status_name(*v.status));
    info += std::string(" [") + status_name(*v.status) + "]";
  }
  return info;
}

std::string show_session(packet_info* pinfo, proto_tree* tree, const SessionView& v) {
  proto_item* si = add_str(tree, hf_miauth_session, std::string(kind_name(v.kind)) + " " + status_name(v.status));
  proto_tree* t = proto_item_add_subtree(si, ett_miauth_session);
  add_str(t, hf_miauth_session_kind, kind_name(v.kind));
  proto_item* st = add_str(t, hf_miauth_session_status, status_name(v.status));
  expert_add_info_format(pinfo, st, status_expert(v.status), "Mi auth %s session (frames %llu-%llu): %s",
                         kind_name(v.kind), static_cast<unsigned long long>(v.first),
                         static_cast<unsigned long long>(v.last), status_name(v.status));
  add_str(t, hf_miauth_session_end, end_reason_name(v.end));
  add_uint(t, hf_miauth_session_first, static_cast<std::uint32_t>(v.first));
  add_uint(t, hf_miauth_session_last, static_cast<std::uint32_t>(v.last));
  if (!v.device.empty()) add_str(t, hf_miauth_session_device, v.device);
  if (v.token) add_hex(t, hf_miauth_session_token, *v.token);
  if (v.firmware) add_str(t, hf_miauth_firmware, *v.firmware);
  if (v.device_id) add_str(t, hf_miauth_device_id, *v.device_id);
  if (v.beacon_key) add_hex(t, hf_miauth_beacon_key, *v.beacon_key);
  if (v.bond) add_str(t, hf_miauth_bond, *v.bond ? "ok" : "failed");
  return std::string("Mi auth ") + kind_name(v.kind) + " session ended (" + end_reason_name(v.end) + "): " +
         status_name(v.status);
}

void show_finding(packet_info* pinfo, proto_tree* tree, const FindingView& f) {
  proto_item* fi = add_str(tree, hf_miauth_diagnostic, code_name(f.code));
  proto_tree* t = proto_item_add_subtree(fi, ett_miauth_finding);
  for (auto frame : f.frames) add_uint(t, hf_miauth_diagnostic_frame, static_cast<std::uint32_t>(frame));
  expert_add_info_format(pinfo, fi, &ei_codes[static_cast<std::size_t>(f.code)], "%s: %s", code_name(f.code),
                         f.message.c_str());
}

void show(const FrameData& fd, packet_info* pinfo, proto_tree* tree) {
  proto_item* ti = proto_tree_add_item(tree, proto_miauth, nullptr, 0, 0, ENC_NA);
  proto_tree* t = proto_item_add_subtree(ti, ett_miauth);
  col_set_str(pinfo->cinfo, COL_PROTOCOL, "MiAuth");
  std::string info;
  auto append = [&](const std::string& s) { info += (info.empty() ? "" : "; ") + s; };
  // Sessions that end here first: they precede the step that may have ended them.
  for (const auto& e : fd.ends) append(show_session(pinfo, t, e));
  for (const auto& s : fd.steps) append(show_step(t, s));
  for (const auto& f : fd.findings) show_finding(pinfo, t, f);
  proto_item_append_text(ti, ": %s", info.c_str());
  col_append_sep_str(pinfo->cinfo, COL_INFO, " | ", info.c_str());
}

int dissect(tvbuff_t*, packet_info* pinfo, proto_tree* tree, void*) {
  try {
    if (!state) init_state();
    if (!PINFO_FD_VISITED(pinfo)) state->first_pass(pinfo, tree, state->forced ? &*state->forced : nullptr);
    state->forced.reset();
  } catch (...) {
    // Nothing may unwind into Wireshark; the frame shows what was stored before.
  }
  const FrameData* fd = state ? state->frame(pinfo->num) : nullptr;
  if (fd) show(*fd, pinfo, tree);
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
      {&hf_miauth_plaintext, {"Plaintext", "miauth.plaintext", FT_BYTES, BASE_NONE, nullptr, 0, nullptr, HFILL}},
      {&hf_miauth_what, {"Decrypted value", "miauth.what", FT_STRING, BASE_NONE, nullptr, 0, "firmware, device_id, beacon_key, wifi", HFILL}},
      {&hf_miauth_token, {"Token", "miauth.token", FT_STRING, BASE_NONE, nullptr, 0, nullptr, HFILL}},
      {&hf_miauth_token_source, {"Token source", "miauth.token_source", FT_STRING, BASE_NONE, nullptr, 0, nullptr, HFILL}},
      {&hf_miauth_session_key, {"Session key", "miauth.session_key", FT_STRING, BASE_NONE, nullptr, 0, nullptr, HFILL}},
      {&hf_miauth_tick, {"Tick", "miauth.tick", FT_STRING, BASE_NONE, nullptr, 0, nullptr, HFILL}},
      {&hf_miauth_product_id, {"Product id", "miauth.product_id", FT_UINT16, BASE_DEC, nullptr, 0, nullptr, HFILL}},
      {&hf_miauth_product_id_source, {"Product id source", "miauth.product_id_source", FT_STRING, BASE_NONE, nullptr, 0, nullptr, HFILL}},
      {&hf_miauth_model, {"Model", "miauth.model", FT_STRING, BASE_NONE, nullptr, 0, nullptr, HFILL}},
      {&hf_miauth_status, {"Status", "miauth.status", FT_STRING, BASE_NONE, nullptr, 0, "the step's session status, where definite at this frame", HFILL}},
      {&hf_miauth_device, {"Device", "miauth.device", FT_STRING, BASE_NONE, nullptr, 0, nullptr, HFILL}},
      {&hf_miauth_session_frame, {"Session start", "miauth.session_frame", FT_FRAMENUM, BASE_NONE, FRAMENUM_TYPE(FT_FRAMENUM_NONE), 0, nullptr, HFILL}},
      {&hf_miauth_session, {"Session ended", "miauth.session", FT_STRING, BASE_NONE, nullptr, 0, "a session that ended at this frame", HFILL}},
      {&hf_miauth_session_kind, {"Kind", "miauth.session.kind", FT_STRING, BASE_NONE, nullptr, 0, nullptr, HFILL}},
      {&hf_miauth_session_status, {"Status", "miauth.session.status", FT_STRING, BASE_NONE, nullptr, 0, "verified, failed, other_token, incomplete, no_token", HFILL}},
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
  };
  static int* ett[] = {&ett_miauth, &ett_miauth_session, &ett_miauth_finding};
  proto_miauth = proto_register_protocol("Xiaomi Mi Auth (FE95)", "MiAuth", "miauth");
  proto_register_field_array(proto_miauth, hf, G_N_ELEMENTS(hf));
  proto_register_subtree_array(ett, G_N_ELEMENTS(ett));

  // Experts: the session statuses, then one per finding code of the diagnostics table.
  static std::vector<ei_register_info> ei = {
      {&ei_miauth_verified, {"miauth.verified", PI_SECURITY, PI_CHAT, "Mi auth session verified", EXPFILL}},
      {&ei_miauth_failed, {"miauth.failed", PI_SECURITY, PI_ERROR, "Mi auth verification failed", EXPFILL}},
      {&ei_miauth_other_token, {"miauth.other_token", PI_SECURITY, PI_WARN, "The device holds another token", EXPFILL}},
      {&ei_miauth_incomplete, {"miauth.incomplete", PI_SEQUENCE, PI_WARN, "Mi auth session incomplete", EXPFILL}},
      {&ei_miauth_no_token, {"miauth.no_token", PI_SECURITY, PI_NOTE, "No token to verify the login with", EXPFILL}},
  };
  static std::vector<std::string> names;
  const auto codes = all_codes();
  ei_codes.assign(codes.size(), expert_field EI_INIT);
  names.reserve(codes.size());  // the registered pointers must stay valid
  for (const auto& c : codes) {
    if (c.layer != Layer::miauth) continue;
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
