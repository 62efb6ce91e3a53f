// SPDX-License-Identifier: GPL-2.0-or-later
// The MiAuth protocol and the plugin's postdissector. Wireshark already rebuilds HCI/L2CAP/ATT, so
// the postdissector hands what btatt dissected to the core's Analysis (input.cc, capture.cc), the
// same orchestrator the CLI runs: one implementation, two front ends. This file draws what the
// analysis found for a frame.
//
// Each session keeps its own items: a step belongs to its session, and a session that ends at a
// frame (the next session's start, a disconnection) shows there as a separate summary subtree,
// with its own field names (miauth.session.*), so a filter never mixes two sessions' values.
#include <cctype>
#include <string>
#include <unordered_map>
#include <vector>

#include "capture.h"
#include "fe95/mibeacon/products.h"
#include "plugin.h"

namespace fe95::plugin {

int proto_miauth = -1;

namespace {

using session::EndReason;
using session::Kind;
using session::Status;
using session::term;

int ett_miauth = -1, ett_miauth_session = -1, ett_miauth_finding = -1;
int hf_miauth_kind = -1, hf_miauth_step = -1, hf_miauth_handle = -1, hf_miauth_value = -1, hf_miauth_plaintext = -1,
    hf_miauth_what = -1, hf_miauth_token = -1, hf_miauth_token_source = -1, hf_miauth_session_key = -1,
    hf_miauth_tick = -1, hf_miauth_product_id = -1, hf_miauth_product_id_source = -1, hf_miauth_model = -1,
    hf_miauth_status = -1, hf_miauth_device = -1, hf_miauth_session_frame = -1, hf_miauth_request_frame = -1,
    hf_miauth_verdict_frame = -1;
int hf_miauth_session = -1, hf_miauth_session_kind = -1, hf_miauth_session_status = -1, hf_miauth_session_end = -1,
    hf_miauth_session_first = -1, hf_miauth_session_last = -1, hf_miauth_session_device = -1,
    hf_miauth_session_token = -1, hf_miauth_firmware = -1, hf_miauth_device_id = -1, hf_miauth_beacon_key = -1,
    hf_miauth_bond = -1, hf_miauth_session_verdict_frame = -1;
int hf_miauth_diagnostic = -1, hf_miauth_diagnostic_frame = -1;
// Standard auth (docs/STANDARD_AUTH.md): miauth.std.*
int hf_miauth_protocol = -1, hf_std_opcode = -1, hf_std_result = -1, hf_std_frame_type = -1, hf_std_sequence = -1,
    hf_std_data_type = -1, hf_std_message = -1, hf_std_counter = -1, hf_std_status = -1, hf_std_dev_key = -1,
    hf_std_app_key = -1, hf_std_dev_iv = -1, hf_std_app_iv = -1, hf_std_zero_frame = -1;

// Verdict experts (once per session, on the frame that settles it) and one expert per finding
// code, registered from the diagnostics table and looked up by the code's index.
expert_field ei_miauth_verified = EI_INIT, ei_miauth_failed = EI_INIT, ei_miauth_other_token = EI_INIT,
             ei_miauth_incomplete = EI_INIT, ei_miauth_no_token = EI_INIT;
std::vector<expert_field> ei_codes;

// ---- words for people (the fields keep the stable code names for filters): the core's tables ----
// The label of a status, with the hint a Wireshark user needs where there is one.
std::string status_label(Status s) {
  std::string l = term(s).label;
  if (s == Status::no_token) l += ": enter one in Preferences > Protocols > MiAuth";
  return l;
}

// ---- the tree ----
expert_field* status_expert(Status s) {
  switch (s) {
    case Status::verified:
      return &ei_miauth_verified;
    case Status::failed:
      return &ei_miauth_failed;
    case Status::other_token:
      return &ei_miauth_other_token;
    case Status::incomplete:
      return &ei_miauth_incomplete;
    case Status::no_token:
      return &ei_miauth_no_token;
    case Status::registered:
      return &ei_miauth_verified;
    case Status::no_key:
      return &ei_miauth_no_token;  // not a MiAuth status (the wearables', packet-miwear.cc)
    case Status::truncated:
      return &ei_miauth_incomplete;
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
std::string short_hex(const Token& t) {
  return to_hex(ByteView(t).first(4)) + "…";
}

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
  using stdauth::Step;
  const auto step = static_cast<Step>(v.step);
  derived(proto_tree_add_string(t, hf_miauth_protocol, nullptr, 0, 0, v.family->name));
  std::string phrase;
  if ((step == Step::opcode || step == Step::result) && !v.value.empty()) {
    const char* name = stdauth::opcode_name(v.value[0]);
    proto_tree_add_string_format_value(t, step == Step::opcode ? hf_std_opcode : hf_std_result, vt, vat,
                                       vt ? std::min(vlen, 1) : 0, name, "0x%02x %s", v.value[0], name);
    phrase = std::string(step == Step::opcode ? "opcode " : "result ") + (*name ? name : "unknown");
  } else if (step == Step::frame) {
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
  } else if (step == Step::session_message) {
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
  if (v.keys && (step == Step::frame || step == Step::result)) {
    add_hex(t, hf_std_dev_key, v.keys->dev_key);
    add_hex(t, hf_std_app_key, v.keys->app_key);
    add_hex(t, hf_std_dev_iv, v.keys->dev_iv);
    add_hex(t, hf_std_app_iv, v.keys->app_iv);
  }
  return phrase;
}

std::string show_step(packet_info* pinfo, tvbuff_t* frame_tvb, proto_tree* t, const StepView& v, const Layout& at,
                      const Pdu& pdu) {
  const bool value_bytes = at.value_at >= 0 && fits(pdu.tvb, pdu.base + at.value_at, at.value_len) &&
                           static_cast<std::size_t>(at.value_len) == v.value.size();
  tvbuff_t* vt = value_bytes ? pdu.tvb : nullptr;
  const int vat = value_bytes ? pdu.base + at.value_at : 0, vlen = value_bytes ? at.value_len : 0;
  const Term& step_term = v.step < v.family->steps.size() ? v.family->steps[v.step] : Term{"?", "?", ""};
  const Term* what = v.what && v.what < v.family->values.size() ? &v.family->values[v.what] : nullptr;
  derived(coded(t, hf_miauth_kind, nullptr, 0, 0, term(v.kind).name, term(v.kind).label));
  proto_item* step = coded(t, hf_miauth_step, vt, vat, vlen, step_term.name, step_term.label);
  if (!value_bytes) derived(step);
  if (at.handle_at >= 0 && fits(pdu.tvb, pdu.base + at.handle_at, 2))
    proto_tree_add_uint(t, hf_miauth_handle, pdu.tvb, pdu.base + at.handle_at, 2, v.handle);
  else
    derived(proto_tree_add_uint(t, hf_miauth_handle, nullptr, 0, 0, v.handle));
  if (value_bytes)
    proto_tree_add_item(t, hf_miauth_value, vt, vat, vlen, ENC_NA);
  else
    derived(proto_tree_add_bytes_with_length(t, hf_miauth_value, nullptr, 0, 0, v.value.data(),
                                             static_cast<gint>(v.value.size())));
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
    if (what) {
      std::string shown;
      switch (static_cast<miauth::Protected>(v.what)) {
        case miauth::Protected::firmware:
        case miauth::Protected::device_id:
          shown = text_of(v.plaintext);
          break;
        case miauth::Protected::beacon_key:
          shown = to_hex(v.plaintext);
          break;
        case miauth::Protected::wifi:
          shown = std::to_string(v.plaintext.size()) + " bytes of setup records";
          break;
        case miauth::Protected::none:
          break;
      }
      proto_tree_add_string_format_value(t, hf_miauth_what, dtvb, dat, static_cast<int>(n), what->name, "%s: %s (%s)",
                                         what->label, shown.c_str(), what->name);
      phrase = std::string(what->label) + " " + shown;
      phrase[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(phrase[0])));
    }
  } else if (what) {
    derived(coded(t, hf_miauth_what, nullptr, 0, 0, what->name, what->label));
  }
  if (phrase.empty() && session::as_family<miauth::Session>(v.family)) {
    using miauth::Step;
    switch (static_cast<Step>(v.step)) {
      case Step::register_start:
        phrase = "start";
        break;
      case Step::t1:
        phrase = "T1";
        break;
      case Step::t2:
        phrase = "T2";
        break;
      case Step::register_end:
        phrase = "end";
        break;
      case Step::login_start:
        phrase = "start";
        break;
      case Step::challenge:
        phrase = "challenge";
        break;
      case Step::response:
        phrase = "response";
        break;
      case Step::confirmation:
        phrase = "confirmation";
        break;
      case Step::bond_result:
        phrase = "bond result";
        break;
      case Step::encrypted_read:
        phrase = v.plaintext.empty() ? "encrypted read (not decrypted)" : "encrypted read";
        break;
      case Step::encrypted_write:
        phrase = v.plaintext.empty() ? "encrypted write (not decrypted)" : "encrypted write";
        break;
      case Step::product_id_read:
        phrase = "product id read";
        break;
    }
  }
  if (session::as_family<stdauth::Session>(v.family)) phrase = show_standard(pinfo, frame_tvb, t, v, vt, vat, vlen);
  if (!v.device.empty()) derived(proto_tree_add_string(t, hf_miauth_device, nullptr, 0, 0, v.device.c_str()));
  derived(proto_tree_add_uint(t, hf_miauth_session_frame, nullptr, 0, 0, static_cast<std::uint32_t>(v.session)));
  if (v.token) {
    add_hex(t, hf_miauth_token, *v.token);
    derived(coded(t, hf_miauth_token_source, nullptr, 0, 0, term(*v.token_source).name, term(*v.token_source).label));
    if (session::as_family<miauth::Session>(v.family) && (v.step == static_cast<std::uint8_t>(miauth::Step::t2) ||
                                                          v.step == static_cast<std::uint8_t>(miauth::Step::challenge)))
      phrase += ", token " + short_hex(*v.token);
  }
  if (v.tick) add_hex(t, hf_miauth_tick, *v.tick);
  if (v.session_key) add_hex(t, hf_miauth_session_key, *v.session_key);
  if (v.product_id) {
    derived(proto_tree_add_uint(t, hf_miauth_product_id, nullptr, 0, 0, *v.product_id));
    derived(coded(t, hf_miauth_product_id_source, nullptr, 0, 0, term(*v.pid_source).name, term(*v.pid_source).label));
    if (const char* m = product_name(*v.product_id))
      derived(proto_tree_add_string(t, hf_miauth_model, nullptr, 0, 0, m));
  }
  if (v.status) {
    const std::string label = status_label(*v.status);
    proto_item* st = derived(coded(t, hf_miauth_status, nullptr, 0, 0, term(*v.status).name, label.c_str()));
    if (session::as_family<stdauth::Session>(v.family))
      derived(coded(t, hf_std_status, nullptr, 0, 0, term(*v.status).name, label.c_str()));
    if (v.verdict_frame)
      derived(
          proto_tree_add_uint(t, hf_miauth_verdict_frame, nullptr, 0, 0, static_cast<std::uint32_t>(v.verdict_frame)));
    if (v.verdict) {
      expert_add_info_format(pinfo, st, status_expert(*v.status), "MiAuth %s session (from frame %llu): %s",
                             term(v.kind).name, static_cast<unsigned long long>(v.session), label.c_str());
      phrase += std::string(", ") + term(*v.status).name;
    }
  }
  return std::string("MiAuth ") + term(v.kind).name + ": " + phrase;
}

std::string show_session(packet_info* pinfo, proto_tree* tree, const SessionView& v) {
  const std::string label = status_label(v.status);
  proto_item* si = proto_tree_add_string_format_value(
      tree, hf_miauth_session, nullptr, 0, 0, (std::string(term(v.kind).name) + " " + term(v.status).name).c_str(),
      "%s session, frames %llu-%llu, ended by %s: %s", term(v.kind).label, static_cast<unsigned long long>(v.first),
      static_cast<unsigned long long>(v.last), term(v.end).label, label.c_str());
  derived(si);
  proto_tree* t = proto_item_add_subtree(si, ett_miauth_session);
  derived(coded(t, hf_miauth_session_kind, nullptr, 0, 0, term(v.kind).name, term(v.kind).label));
  proto_item* st = derived(coded(t, hf_miauth_session_status, nullptr, 0, 0, term(v.status).name, label.c_str()));
  if (v.verdict)
    expert_add_info_format(pinfo, st, status_expert(v.status), "MiAuth %s session (frames %llu-%llu): %s",
                           term(v.kind).name, static_cast<unsigned long long>(v.first),
                           static_cast<unsigned long long>(v.last), label.c_str());
  if (v.verdict_frame)
    derived(proto_tree_add_uint(t, hf_miauth_session_verdict_frame, nullptr, 0, 0,
                                static_cast<std::uint32_t>(v.verdict_frame)));
  derived(coded(t, hf_miauth_session_end, nullptr, 0, 0, term(v.end).name, term(v.end).label));
  derived(proto_tree_add_uint(t, hf_miauth_session_first, nullptr, 0, 0, static_cast<std::uint32_t>(v.first)));
  derived(proto_tree_add_uint(t, hf_miauth_session_last, nullptr, 0, 0, static_cast<std::uint32_t>(v.last)));
  if (!v.device.empty()) derived(proto_tree_add_string(t, hf_miauth_session_device, nullptr, 0, 0, v.device.c_str()));
  if (v.token) add_hex(t, hf_miauth_session_token, *v.token);
  if (v.firmware) derived(proto_tree_add_string(t, hf_miauth_firmware, nullptr, 0, 0, v.firmware->c_str()));
  if (v.device_id) derived(proto_tree_add_string(t, hf_miauth_device_id, nullptr, 0, 0, v.device_id->c_str()));
  if (v.beacon_key) add_hex(t, hf_miauth_beacon_key, *v.beacon_key);
  if (v.bond) derived(proto_tree_add_string(t, hf_miauth_bond, nullptr, 0, 0, *v.bond ? "ok" : "failed"));
  return std::string("MiAuth ") + term(v.kind).name + " session ended (" + term(v.end).name +
         "): " + term(v.status).name;
}

void show_finding(packet_info* pinfo, proto_tree* tree, const FindingView& f) {
  proto_item* fi = derived(proto_tree_add_string_format_value(
      tree, hf_miauth_diagnostic, nullptr, 0, 0, code_name(f.code), "%s (%s)", f.message.c_str(), code_name(f.code)));
  proto_tree* t = proto_item_add_subtree(fi, ett_miauth_finding);
  for (auto frame : f.frames)
    derived(proto_tree_add_uint(t, hf_miauth_diagnostic_frame, nullptr, 0, 0, static_cast<std::uint32_t>(frame)));
  expert_add_info_format(pinfo, fi, &ei_codes[static_cast<std::size_t>(f.code)], "%s", f.message.c_str());
}

void show(const FrameData& fd, tvbuff_t* frame_tvb, packet_info* pinfo, proto_tree* tree) {
  // Where the frame's ATT PDU is: in the frame's own bytes (an offset kept from the first pass),
  // else in a reassembled SDU that btatt's opcode field of this pass points into.
  Pdu pdu;
  const int in_frame = fd.steps.empty() ? -1 : fd.att.pdu_in_frame;
  if (in_frame >= 0) {
    pdu = {frame_tvb, in_frame};
  } else if (const field_info* op = Input::pdu_field(tree); op && op->ds_tvb) {
    pdu = {op->ds_tvb, op->start};
  }
  // The protocol item spans the ATT value of the frame's step, when there is one.
  proto_item* ti = nullptr;
  if (!fd.steps.empty()) {
    const auto& at = fd.att;
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
  for (const auto& s : fd.steps) append(show_step(pinfo, frame_tvb, t, s, fd.att, pdu));
  for (const auto& f : fd.findings) show_finding(pinfo, t, f);
  proto_item_append_text(ti, ": %s", info.c_str() + (info.rfind("MiAuth ", 0) == 0 ? 7 : 0));
  col_append_sep_str(pinfo->cinfo, COL_INFO, " | ", info.c_str());
}

// The plugin's one postdissector: on the first pass it feeds the frame to the analysis; on every
// pass it shows what the frame learned then (MiAuth here, MiBeacon in packet-mibeacon.cc).
int dissect(tvbuff_t* tvb, packet_info* pinfo, proto_tree* tree, void*) {
  const FrameData* fd = nullptr;
  try {
    if (!PINFO_FD_VISITED(pinfo)) capture().first_pass(tvb, pinfo, tree);
    fd = capture().frame(pinfo->num);
  } catch (...) {
    // Nothing may unwind into Wireshark; the frame shows what was stored before.
  }
  if (!fd) return 0;
  if (!fd->steps.empty() || !fd->ends.empty() || !fd->findings.empty()) show(*fd, tvb, pinfo, tree);
  if (!fd->beacons.empty()) show_mibeacon(fd->beacons, tvb, pinfo, tree);
  if (!fd->wear_steps.empty() || !fd->wear_ends.empty() || !fd->wear_findings.empty())
    show_miwear(*fd, tvb, pinfo, tree);
  return 0;
}

// Decode As (`-d btatt.handle==0x0012,miauth`) declares a handle the token characteristic for
// captures where neither discovery nor the traffic tells it: the analysis records it in the link's
// GATT map (the postdissector runs after btatt, on the same frame).
int decode_as_token(tvbuff_t* tvb, packet_info* pinfo, proto_tree*, void*) {
  try {
    if (!PINFO_FD_VISITED(pinfo)) capture().declare_token_handle();
  } catch (...) {
  }
  return static_cast<int>(tvb_captured_length(tvb));
}

int expert_severity(Severity s) {
  switch (s) {
    case Severity::note:
      return PI_NOTE;
    case Severity::warning:
      return PI_WARN;
    case Severity::error:
      return PI_ERROR;
  }
  return PI_WARN;
}

}  // namespace

void register_miauth() {
  // Field descriptions list the codes a field takes, from the core's vocabularies (vocab.h): one
  // table per vocabulary, for the JSON, the text report and these fields alike.
  static const std::string kinds = names_of(session::kind_terms());
  static const std::string steps =
      names_of(miauth::Session::kFamily.steps) + ", " + names_of(stdauth::Session::kFamily.steps);
  static const std::string values = names_of(miauth::Session::kFamily.values);
  static const std::string statuses = names_of(session::status_terms());
  static const std::string ends = names_of(session::end_reason_terms());
  static const std::string sources = names_of(source_terms());
  static const std::string protocols = std::string(stdauth::Session::kFamily.name) + " (" +
                                       stdauth::Session::kFamily.label + "); legacy steps carry no such field";
  static hf_register_info hf[] = {
      {&hf_miauth_kind, {"Session kind", "miauth.kind", FT_STRING, BASE_NONE, nullptr, 0, kinds.c_str(), HFILL}},
      {&hf_miauth_step, {"Step", "miauth.step", FT_STRING, BASE_NONE, nullptr, 0, steps.c_str(), HFILL}},
      {&hf_miauth_handle, {"Handle", "miauth.handle", FT_UINT16, BASE_HEX, nullptr, 0, nullptr, HFILL}},
      {&hf_miauth_value, {"Value", "miauth.value", FT_BYTES, BASE_NONE, nullptr, 0, "as on the wire", HFILL}},
      {&hf_miauth_request_frame,
       {"Response to", "miauth.request_frame", FT_FRAMENUM, BASE_NONE, FRAMENUM_TYPE(FT_FRAMENUM_REQUEST), 0,
        "the request this response answers", HFILL}},
      {&hf_miauth_plaintext,
       {"Plaintext", "miauth.plaintext", FT_BYTES, BASE_NONE, nullptr, 0,
        "the value decrypted (the Decrypted MiAuth bytes)", HFILL}},
      {&hf_miauth_what, {"Decrypted value", "miauth.what", FT_STRING, BASE_NONE, nullptr, 0, values.c_str(), HFILL}},
      {&hf_miauth_token, {"Token", "miauth.token", FT_STRING, BASE_NONE, nullptr, 0, nullptr, HFILL}},
      {&hf_miauth_token_source,
       {"Token from", "miauth.token_source", FT_STRING, BASE_NONE, nullptr, 0, sources.c_str(), HFILL}},
      {&hf_miauth_session_key, {"Session key", "miauth.session_key", FT_STRING, BASE_NONE, nullptr, 0, nullptr, HFILL}},
      {&hf_miauth_tick, {"Tick", "miauth.tick", FT_STRING, BASE_NONE, nullptr, 0, nullptr, HFILL}},
      {&hf_miauth_product_id, {"Product id", "miauth.product_id", FT_UINT16, BASE_DEC, nullptr, 0, nullptr, HFILL}},
      {&hf_miauth_product_id_source,
       {"Product id from", "miauth.product_id_source", FT_STRING, BASE_NONE, nullptr, 0, sources.c_str(), HFILL}},
      {&hf_miauth_model, {"Model", "miauth.model", FT_STRING, BASE_NONE, nullptr, 0, nullptr, HFILL}},
      {&hf_miauth_status, {"Status", "miauth.status", FT_STRING, BASE_NONE, nullptr, 0, statuses.c_str(), HFILL}},
      {&hf_miauth_verdict_frame,
       {"Status settled in", "miauth.verdict_frame", FT_FRAMENUM, BASE_NONE, FRAMENUM_TYPE(FT_FRAMENUM_NONE), 0,
        "the frame that settled the session's status (confirmed or refuted the token)", HFILL}},
      {&hf_miauth_device, {"Device", "miauth.device", FT_STRING, BASE_NONE, nullptr, 0, nullptr, HFILL}},
      {&hf_miauth_session_frame,
       {"Session start", "miauth.session_frame", FT_FRAMENUM, BASE_NONE, FRAMENUM_TYPE(FT_FRAMENUM_NONE), 0, nullptr,
        HFILL}},
      {&hf_miauth_session,
       {"Session ended", "miauth.session", FT_STRING, BASE_NONE, nullptr, 0,
        "a session that ended at this frame: its kind and status", HFILL}},
      {&hf_miauth_session_kind, {"Kind", "miauth.session.kind", FT_STRING, BASE_NONE, nullptr, 0, nullptr, HFILL}},
      {&hf_miauth_session_status,
       {"Status", "miauth.session.status", FT_STRING, BASE_NONE, nullptr, 0, statuses.c_str(), HFILL}},
      {&hf_miauth_session_verdict_frame,
       {"Status settled in", "miauth.session.verdict_frame", FT_FRAMENUM, BASE_NONE, FRAMENUM_TYPE(FT_FRAMENUM_NONE), 0,
        nullptr, HFILL}},
      {&hf_miauth_session_end,
       {"Ended by", "miauth.session_end", FT_STRING, BASE_NONE, nullptr, 0, ends.c_str(), HFILL}},
      {&hf_miauth_session_first,
       {"First frame", "miauth.session.first_frame", FT_FRAMENUM, BASE_NONE, FRAMENUM_TYPE(FT_FRAMENUM_NONE), 0,
        nullptr, HFILL}},
      {&hf_miauth_session_last,
       {"Last frame", "miauth.session.last_frame", FT_FRAMENUM, BASE_NONE, FRAMENUM_TYPE(FT_FRAMENUM_NONE), 0, nullptr,
        HFILL}},
      {&hf_miauth_session_device,
       {"Device", "miauth.session.device", FT_STRING, BASE_NONE, nullptr, 0, nullptr, HFILL}},
      {&hf_miauth_session_token, {"Token", "miauth.session.token", FT_STRING, BASE_NONE, nullptr, 0, nullptr, HFILL}},
      {&hf_miauth_firmware, {"Firmware", "miauth.firmware", FT_STRING, BASE_NONE, nullptr, 0, nullptr, HFILL}},
      {&hf_miauth_device_id, {"Device id", "miauth.device_id", FT_STRING, BASE_NONE, nullptr, 0, nullptr, HFILL}},
      {&hf_miauth_beacon_key, {"Beacon key", "miauth.beacon_key", FT_STRING, BASE_NONE, nullptr, 0, nullptr, HFILL}},
      {&hf_miauth_bond, {"Bond result", "miauth.bond", FT_STRING, BASE_NONE, nullptr, 0, nullptr, HFILL}},
      {&hf_miauth_diagnostic,
       {"Diagnostic", "miauth.diagnostic", FT_STRING, BASE_NONE, nullptr, 0, "a finding's code (README, Diagnostics)",
        HFILL}},
      {&hf_miauth_diagnostic_frame,
       {"Frame", "miauth.diagnostic.frame", FT_FRAMENUM, BASE_NONE, FRAMENUM_TYPE(FT_FRAMENUM_NONE), 0,
        "a frame the finding concerns", HFILL}},
      {&hf_miauth_protocol,
       {"Protocol", "miauth.protocol", FT_STRING, BASE_NONE, nullptr, 0, protocols.c_str(), HFILL}},
      {&hf_std_opcode,
       {"Opcode", "miauth.std.opcode", FT_STRING, BASE_NONE, nullptr, 0,
        "an opcode the app wrote to the control point 0x0010", HFILL}},
      {&hf_std_result,
       {"Result", "miauth.std.result", FT_STRING, BASE_NONE, nullptr, 0, "the device's result on 0x0010", HFILL}},
      {&hf_std_frame_type,
       {"Frame type", "miauth.std.frame_type", FT_STRING, BASE_NONE, nullptr, 0,
        "the rxfer frame on 0x0019: command, ack, single, single_ack, link_ask, link_ack, data, malformed", HFILL}},
      {&hf_std_sequence,
       {"Sequence", "miauth.std.sequence", FT_UINT16, BASE_DEC, nullptr, 0, "a data fragment's number", HFILL}},
      {&hf_std_data_type,
       {"Data type", "miauth.std.data_type", FT_STRING, BASE_NONE, nullptr, 0,
        "what a command, single or completed message carries: app_random, dev_confirmation, ecc_pubkey, ...", HFILL}},
      {&hf_std_message,
       {"Message", "miauth.std.message", FT_BYTES, BASE_NONE, nullptr, 0,
        "the message this frame completed, reassembled (the Reassembled MiAuth bytes)", HFILL}},
      {&hf_std_counter,
       {"Counter", "miauth.std.counter", FT_UINT32, BASE_DEC, nullptr, 0,
        "a decrypted session message's counter (32 bits, rebuilt)", HFILL}},
      {&hf_std_status, {"Status", "miauth.std.status", FT_STRING, BASE_NONE, nullptr, 0, statuses.c_str(), HFILL}},
      {&hf_std_dev_key,
       {"Device key", "miauth.std.dev_key", FT_STRING, BASE_NONE, nullptr, 0,
        "the login's device-to-app AES key (derived)", HFILL}},
      {&hf_std_app_key,
       {"App key", "miauth.std.app_key", FT_STRING, BASE_NONE, nullptr, 0,
        "the login's app-to-device AES key (derived)", HFILL}},
      {&hf_std_dev_iv, {"Device IV", "miauth.std.dev_iv", FT_STRING, BASE_NONE, nullptr, 0, nullptr, HFILL}},
      {&hf_std_app_iv, {"App IV", "miauth.std.app_iv", FT_STRING, BASE_NONE, nullptr, 0, nullptr, HFILL}},
      {&hf_std_zero_frame,
       {"Pre-login zero frame", "miauth.std.zero_frame", FT_BOOLEAN, BASE_NONE, nullptr, 0,
        "a scooter's 55 AB frame of zeros before the login", HFILL}},
  };
  static int* ett[] = {&ett_miauth, &ett_miauth_session, &ett_miauth_finding};
  proto_miauth = proto_register_protocol("Xiaomi MiAuth (FE95)", "MiAuth", "miauth");
  proto_register_field_array(proto_miauth, hf, G_N_ELEMENTS(hf));
  proto_register_subtree_array(ett, G_N_ELEMENTS(ett));

  // Experts: the session verdicts, then one per finding code of the diagnostics table.
  static std::vector<ei_register_info> ei = {
      {&ei_miauth_verified, {"miauth.expert.verified", PI_SECURITY, PI_CHAT, "MiAuth session verified", EXPFILL}},
      {&ei_miauth_failed, {"miauth.expert.failed", PI_SECURITY, PI_ERROR, "MiAuth verification failed", EXPFILL}},
      {&ei_miauth_other_token,
       {"miauth.expert.other_token", PI_SECURITY, PI_WARN, "The device holds another token", EXPFILL}},
      {&ei_miauth_incomplete, {"miauth.expert.incomplete", PI_SEQUENCE, PI_WARN, "MiAuth session incomplete", EXPFILL}},
      {&ei_miauth_no_token,
       {"miauth.expert.no_token", PI_SECURITY, PI_NOTE, "No token to verify the login with", EXPFILL}},
  };
  static std::vector<std::string> names;
  const auto codes = all_codes();
  ei_codes.assign(codes.size(), expert_field EI_INIT);
  names.reserve(codes.size());  // the registered pointers must stay valid
  for (const auto& c : codes) {
    // The session findings, and a key found in another role (a finding, or a note on adverts).
    if (c.layer != Layer::miauth && c.layer != Layer::stdauth && c.code != Code::key_in_other_role) continue;
    names.push_back(std::string("miauth.expert.") + c.name);
    ei.push_back({&ei_codes[static_cast<std::size_t>(c.code)],
                  {names.back().c_str(), PI_PROTOCOL, expert_severity(c.severity), c.meaning, EXPFILL}});
  }
  expert_module_t* em = expert_register_protocol(proto_miauth);
  expert_register_field_array(em, ei.data(), static_cast<int>(ei.size()));

  register_keys(prefs_register_protocol(proto_miauth, nullptr));
  register_capture_routines();
}

void handoff_miauth() {
  dissector_handle_t handle = create_dissector_handle(dissect, proto_miauth);
  register_postdissector(handle);
  GArray* wanted = g_array_new(FALSE, FALSE, sizeof(int));
  Input::want_fields(wanted);
  set_postdissector_wanted_hfids(handle, wanted);
  // btatt asserts that a handle dissector has a registered name.
  dissector_add_for_decode_as("btatt.handle", register_dissector("miauth", decode_as_token, proto_miauth));
}

}  // namespace fe95::plugin
