// SPDX-License-Identifier: GPL-2.0-or-later
// The wearables in Wireshark (docs/MIWEAR.md): a protocol of its own, miwear ("Xiaomi wearable"),
// drawn by the plugin's one postdissector from what the core's wearables family found on the first
// pass (capture.cc): FE95 GATT values and RFCOMM data alike, the latter fed from btrfcomm's
// dissection (input.cc), never re-parsed here. Per frame: the step, the session's status where
// definite, the keys and the phone's device info where the auth made them known, and each message
// the frame completed: its envelope, its plaintext in a "Decrypted Wearable" data source, and that
// plaintext handed to Wireshark's own protobuf dissector, so that users' .proto files name the
// fields (preference miwear.protobuf_message_type). Findings and verdicts are expert infos from the
// one diagnostics table, worded by the family's describe() as in the CLI.
#include <string>
#include <vector>

#include "capture.h"
#include "fe95/miwear/protobuf.h"
#include "plugin.h"

#if !FE95_WIRESHARK_AT_LEAST(4, 2)
extern "C" {
#endif
#include <epan/exceptions.h>
#if !FE95_WIRESHARK_AT_LEAST(4, 2)
}
#endif
// show_exception.h has no C++ guards in any version (4.4's declares show_exception bare): always
// wrapped. What it includes is in by now (plugin.h), so nothing C++ ends up inside the block.
extern "C" {
#include <epan/show_exception.h>
}

namespace fe95::plugin {

namespace {

using session::Status;
using session::term;

int proto_miwear = -1;
int ett_miwear = -1, ett_miwear_message = -1, ett_miwear_session = -1, ett_miwear_finding = -1, ett_miwear_file = -1,
    ett_miwear_phone = -1;
int hf_transport = -1, hf_step = -1, hf_handle = -1, hf_dlci = -1, hf_value = -1, hf_status = -1, hf_verdict_frame = -1,
    hf_session_frame = -1, hf_device = -1, hf_key_source = -1, hf_dec_key = -1, hf_enc_key = -1, hf_dec_nonce = -1,
    hf_enc_nonce = -1, hf_phone_model = -1, hf_phone_os = -1, hf_phone_system = -1, hf_phone_region = -1,
    hf_phone_capability = -1, hf_phone_tag_ok = -1, hf_result = -1, hf_error_code = -1;
int hf_message = -1, hf_from = -1, hf_channel = -1, hf_content = -1, hf_encrypted = -1, hf_counter = -1, hf_tag_ok = -1,
    hf_type = -1, hf_subtype = -1, hf_command = -1, hf_envelope_error = -1, hf_part = -1, hf_parts = -1,
    hf_plaintext = -1;
int hf_file = -1, hf_file_crc_ok = -1, hf_file_id = -1, hf_file_activity = -1, hf_file_upload_type = -1,
    hf_file_md5_ok = -1, hf_file_size = -1;
int hf_session = -1, hf_session_status = -1, hf_session_end = -1, hf_session_first = -1, hf_session_last = -1,
    hf_session_device = -1, hf_session_verdict_frame = -1;
int hf_diagnostic = -1, hf_diagnostic_frame = -1;

expert_field ei_verified = EI_INIT, ei_failed = EI_INIT, ei_incomplete = EI_INIT, ei_no_key = EI_INIT;
std::vector<expert_field> ei_codes;

dissector_handle_t protobuf_handle = nullptr;
const char* pref_message_type = "";

expert_field* status_expert(Status s) {
  switch (s) {
    case Status::verified:
      return &ei_verified;
    case Status::failed:
      return &ei_failed;
    case Status::no_key:
      return &ei_no_key;
    default:
      return &ei_incomplete;
  }
}
std::string status_label(Status s) {
  std::string l = term(s).label;
  if (s == Status::no_key) l += ": enter the watch's auth key in Preferences > Protocols > MiAuth > Keys";
  return l;
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

proto_item* derived(proto_item* it) {
  proto_item_set_generated(it);
  return it;
}
proto_item* coded(proto_tree* t, int hf, const char* code, const char* label) {
  return derived(proto_tree_add_string_format_value(t, hf, nullptr, 0, 0, code, "%s (%s)", label, code));
}
const char* who(miwear::Dir from) {
  return from == miwear::Dir::to_watch ? "phone" : "watch";
}

// Wireshark's protobuf dissector on a message's plaintext: its fields named when the user's .proto
// files declare the envelope (the preference), the raw wire fields otherwise. It may throw on a
// malformed message: caught here, shown as Wireshark shows any exception. Nothing of C++ is live
// in this frame (the TRY is a setjmp).
void call_protobuf(tvbuff_t* tvb, packet_info* pinfo, proto_tree* tree, const char* message_type) {
  // The protobuf dissector appends to the Info column; the wearable's phrase is the frame's Info.
  const gboolean writable = col_get_writable(pinfo->cinfo, -1);
  col_set_writable(pinfo->cinfo, -1, FALSE);
  TRY {
    call_dissector_with_data(protobuf_handle, tvb, pinfo, tree, const_cast<char*>(message_type));
  }
  CATCH_NONFATAL_ERRORS {
    show_exception(tvb, pinfo, tree, EXCEPT_CODE, GET_MESSAGE);
  }
  ENDTRY;
  col_set_writable(pinfo->cinfo, -1, writable);
}

std::string envelope_phrase(const miwear::Message& m) {
  if (!m.type) return "";
  const char* c = m.subtype ? miwear::command_name(*m.type, *m.subtype) : "";
  std::string s = *c ? c : miwear::type_name(*m.type);
  if (s.empty()) s = "type " + std::to_string(*m.type);
  return s + " (" + std::to_string(*m.type) + "/" + (m.subtype ? std::to_string(*m.subtype) : std::string("?")) + ")";
}

std::string show_message(packet_info* pinfo, tvbuff_t* frame_tvb, proto_tree* tree, const miwear::Message& m) {
  std::string phrase = envelope_phrase(m);
  if (m.part)
    phrase = std::string(miwear::content_name(m.content)) + " part " + std::to_string(*m.part) + "/" +
             std::to_string(m.parts.value_or(0));
  if (phrase.empty()) phrase = miwear::content_name(m.content);
  proto_item* mi = derived(proto_tree_add_string_format_value(
      tree, hf_message, nullptr, 0, 0, phrase.c_str(), "%s from the %s%s", phrase.c_str(), who(m.from),
      m.encrypted ? (m.decrypted ? ", decrypted" : ", encrypted (no key)") : ""));
  proto_tree* t = proto_item_add_subtree(mi, ett_miwear_message);
  coded(t, hf_from, who(m.from), m.from == miwear::Dir::to_watch ? "Phone to watch" : "Watch to phone");
  const std::string ch = miwear::channel_name(m.transport, m.channel);
  derived(
      proto_tree_add_string(t, hf_channel, nullptr, 0, 0, ch.empty() ? std::to_string(m.channel).c_str() : ch.c_str()));
  derived(proto_tree_add_string(t, hf_content, nullptr, 0, 0, miwear::content_name(m.content)));
  derived(proto_tree_add_boolean(t, hf_encrypted, nullptr, 0, 0, m.encrypted));
  if (m.counter) derived(proto_tree_add_uint(t, hf_counter, nullptr, 0, 0, *m.counter));
  if (m.tag_ok) {
    proto_item* ti = derived(proto_tree_add_boolean(t, hf_tag_ok, nullptr, 0, 0, *m.tag_ok));
    if (!*m.tag_ok) phrase += " (tag failed)";
    (void)ti;
  }
  if (m.type) {
    derived(proto_tree_add_uint(t, hf_type, nullptr, 0, 0, *m.type));
    if (m.subtype) derived(proto_tree_add_uint(t, hf_subtype, nullptr, 0, 0, *m.subtype));
    const char* c = m.subtype ? miwear::command_name(*m.type, *m.subtype) : "";
    if (*c) derived(proto_tree_add_string(t, hf_command, nullptr, 0, 0, c));
    if (m.error) derived(proto_tree_add_uint64(t, hf_envelope_error, nullptr, 0, 0, *m.error));
  }
  if (m.part) {
    derived(proto_tree_add_uint(t, hf_part, nullptr, 0, 0, *m.part));
    derived(proto_tree_add_uint(t, hf_parts, nullptr, 0, 0, m.parts.value_or(0)));
  }
  if (m.readable() && !m.plaintext.empty()) {
    // The plaintext: a data source of its own, and the protobuf tree of a command over it.
    const auto n = static_cast<guint>(m.plaintext.size());
    auto* copy = static_cast<guint8*>(wmem_memdup(pinfo->pool, m.plaintext.data(), n));
    tvbuff_t* ptvb = tvb_new_child_real_data(frame_tvb, copy, n, static_cast<gint>(n));
    add_new_data_source(pinfo, ptvb, m.encrypted ? "Decrypted Wearable" : "Wearable message");
    proto_tree_add_item(t, hf_plaintext, ptvb, 0, static_cast<int>(n), ENC_NA);
    // Only a message that parses to its last byte as protobuf (the core's reading, the CLI's
    // `protobuf` without `protobuf_error`): Wireshark's dissector would call anything else a
    // malformed packet, where the CLI reports the bytes and where parsing stopped.
    if (m.content == miwear::Content::protobuf && protobuf_handle && miwear::pb::decode(m.plaintext).complete) {
      const std::string type =
          pref_message_type && *pref_message_type ? std::string("message,") + pref_message_type : "";
      const char* data = type.empty() ? nullptr : wmem_strdup(pinfo->pool, type.c_str());
      call_protobuf(ptvb, pinfo, t, data);
    }
  }
  return phrase + (m.encrypted && !m.decrypted ? " (encrypted)" : "");
}

void show_file(proto_tree* tree, const miwear::FileReport& f) {
  std::string what = miwear::file_kind_name(f.kind);
  if (f.activity)
    what += std::string(" ") + miwear::activity_type_name(f.activity->type) + "/" +
            miwear::activity_subtype_name(f.activity->type, f.activity->subtype);
  if (f.upload_type) what += std::string(" ") + miwear::upload_type_name(*f.upload_type);
  proto_item* fi = derived(proto_tree_add_string_format_value(
      tree, hf_file, nullptr, 0, 0, miwear::file_kind_name(f.kind), "%s, %u parts, %llu bytes, CRC-32 %s", what.c_str(),
      static_cast<unsigned>(f.parts), static_cast<unsigned long long>(f.size), f.crc_ok ? "ok" : "bad"));
  proto_tree* t = proto_item_add_subtree(fi, ett_miwear_file);
  derived(proto_tree_add_uint64(t, hf_file_size, nullptr, 0, 0, f.size));
  derived(proto_tree_add_boolean(t, hf_file_crc_ok, nullptr, 0, 0, f.crc_ok));
  if (!f.id.empty()) derived(proto_tree_add_string(t, hf_file_id, nullptr, 0, 0, to_hex(f.id).c_str()));
  if (f.activity) {
    const std::string a = std::string(miwear::activity_type_name(f.activity->type)) + "/" +
                          miwear::activity_subtype_name(f.activity->type, f.activity->subtype) + "/" +
                          miwear::activity_detail_name(f.activity->detail);
    derived(proto_tree_add_string(t, hf_file_activity, nullptr, 0, 0, a.c_str()));
  }
  if (f.upload_type) {
    const char* n = miwear::upload_type_name(*f.upload_type);
    derived(
        proto_tree_add_string(t, hf_file_upload_type, nullptr, 0, 0, *n ? n : std::to_string(*f.upload_type).c_str()));
  }
  if (f.md5_ok) derived(proto_tree_add_boolean(t, hf_file_md5_ok, nullptr, 0, 0, *f.md5_ok));
}

std::string show_step(packet_info* pinfo, tvbuff_t* frame_tvb, proto_tree* t, const WearStepView& v, tvbuff_t* vtvb,
                      int vat, int vlen) {
  const auto& steps = miwear::Session::kFamily.steps;
  const Term& st = v.step < steps.size() ? steps[v.step] : Term{"?", "?", ""};
  derived(proto_tree_add_string(t, hf_transport, nullptr, 0, 0, miwear::transport_name(v.transport)));
  proto_item* si =
      proto_tree_add_string_format_value(t, hf_step, vtvb, vat, vtvb ? vlen : 0, st.name, "%s (%s)", st.label, st.name);
  if (!vtvb) derived(si);
  if (miwear::over_rfcomm(v.transport))
    derived(proto_tree_add_uint(t, hf_dlci, nullptr, 0, 0, v.handle));
  else
    derived(proto_tree_add_uint(t, hf_handle, nullptr, 0, 0, v.handle));
  if (vtvb)
    proto_tree_add_item(t, hf_value, vtvb, vat, vlen, ENC_NA);
  else
    derived(proto_tree_add_bytes_with_length(t, hf_value, nullptr, 0, 0, v.value.data(),
                                             static_cast<gint>(v.value.size())));
  if (!v.device.empty()) derived(proto_tree_add_string(t, hf_device, nullptr, 0, 0, v.device.c_str()));
  derived(proto_tree_add_uint(t, hf_session_frame, nullptr, 0, 0, static_cast<std::uint32_t>(v.session)));
  std::string phrase = st.name;
  if (v.keys) {
    if (v.key_source) coded(t, hf_key_source, term(*v.key_source).name, term(*v.key_source).label);
    derived(proto_tree_add_string(t, hf_dec_key, nullptr, 0, 0, to_hex(v.keys->dec_key).c_str()));
    derived(proto_tree_add_string(t, hf_enc_key, nullptr, 0, 0, to_hex(v.keys->enc_key).c_str()));
    derived(proto_tree_add_string(t, hf_dec_nonce, nullptr, 0, 0, to_hex(v.keys->dec_nonce).c_str()));
    derived(proto_tree_add_string(t, hf_enc_nonce, nullptr, 0, 0, to_hex(v.keys->enc_nonce).c_str()));
  }
  if (v.device_info) {
    const auto& i = *v.device_info;
    proto_item* pi = derived(proto_tree_add_string(t, hf_phone_model, nullptr, 0, 0, i.model ? i.model->c_str() : ""));
    proto_tree* p = proto_item_add_subtree(pi, ett_miwear_phone);
    if (i.device_type) {
      const char* os = miwear::device_type_name(*i.device_type);
      derived(proto_tree_add_string(p, hf_phone_os, nullptr, 0, 0, *os ? os : std::to_string(*i.device_type).c_str()));
    }
    if (i.system_version) derived(proto_tree_add_float(p, hf_phone_system, nullptr, 0, 0, *i.system_version));
    if (i.region) derived(proto_tree_add_string(p, hf_phone_region, nullptr, 0, 0, i.region->c_str()));
    if (i.app_capability) derived(proto_tree_add_uint64(p, hf_phone_capability, nullptr, 0, 0, *i.app_capability));
    if (v.device_info_tag_ok) derived(proto_tree_add_boolean(p, hf_phone_tag_ok, nullptr, 0, 0, *v.device_info_tag_ok));
    if (i.model) phrase += ", phone " + *i.model;
  }
  if (v.result) derived(proto_tree_add_uint64(t, hf_result, nullptr, 0, 0, *v.result));
  if (v.error_code) {
    derived(proto_tree_add_uint64(t, hf_error_code, nullptr, 0, 0, *v.error_code));
    if (*miwear::auth_error_name(*v.error_code)) phrase += std::string(" ") + miwear::auth_error_name(*v.error_code);
  }
  for (const auto& m : v.messages) phrase += "; " + show_message(pinfo, frame_tvb, t, m);
  for (const auto& f : v.files) {
    show_file(t, f);
    phrase += std::string("; ") + miwear::file_kind_name(f.kind) + " file, CRC-32 " + (f.crc_ok ? "ok" : "bad");
  }
  if (v.status) {
    const std::string label = status_label(*v.status);
    proto_item* sti = coded(t, hf_status, term(*v.status).name, label.c_str());
    if (v.verdict_frame)
      derived(proto_tree_add_uint(t, hf_verdict_frame, nullptr, 0, 0, static_cast<std::uint32_t>(v.verdict_frame)));
    if (v.verdict) {
      expert_add_info_format(pinfo, sti, status_expert(*v.status), "Wearable session (from frame %llu): %s",
                             static_cast<unsigned long long>(v.session), label.c_str());
      phrase += std::string(", ") + term(*v.status).name;
    }
  }
  return phrase;
}

std::string show_session(packet_info* pinfo, proto_tree* tree, const WearSessionView& v) {
  const std::string label = status_label(v.status);
  proto_item* si = derived(proto_tree_add_string_format_value(
      tree, hf_session, nullptr, 0, 0, term(v.status).name, "%s session, frames %llu-%llu, ended by %s: %s",
      miwear::transport_name(v.transport), static_cast<unsigned long long>(v.first),
      static_cast<unsigned long long>(v.last), term(v.end).label, label.c_str()));
  proto_tree* t = proto_item_add_subtree(si, ett_miwear_session);
  proto_item* st = coded(t, hf_session_status, term(v.status).name, label.c_str());
  if (v.verdict)
    expert_add_info_format(pinfo, st, status_expert(v.status), "Wearable session (frames %llu-%llu): %s",
                           static_cast<unsigned long long>(v.first), static_cast<unsigned long long>(v.last),
                           label.c_str());
  if (v.verdict_frame)
    derived(
        proto_tree_add_uint(t, hf_session_verdict_frame, nullptr, 0, 0, static_cast<std::uint32_t>(v.verdict_frame)));
  coded(t, hf_session_end, term(v.end).name, term(v.end).label);
  derived(proto_tree_add_uint(t, hf_session_first, nullptr, 0, 0, static_cast<std::uint32_t>(v.first)));
  derived(proto_tree_add_uint(t, hf_session_last, nullptr, 0, 0, static_cast<std::uint32_t>(v.last)));
  if (!v.device.empty()) derived(proto_tree_add_string(t, hf_session_device, nullptr, 0, 0, v.device.c_str()));
  return std::string("session ended (") + term(v.end).name + "): " + term(v.status).name;
}

void show_finding(packet_info* pinfo, proto_tree* tree, const FindingView& f) {
  proto_item* fi = derived(proto_tree_add_string_format_value(tree, hf_diagnostic, nullptr, 0, 0, code_name(f.code),
                                                              "%s (%s)", f.message.c_str(), code_name(f.code)));
  proto_tree* t = proto_item_add_subtree(fi, ett_miwear_finding);
  for (auto frame : f.frames)
    derived(proto_tree_add_uint(t, hf_diagnostic_frame, nullptr, 0, 0, static_cast<std::uint32_t>(frame)));
  expert_add_info_format(pinfo, fi, &ei_codes[static_cast<std::size_t>(f.code)], "%s", f.message.c_str());
}

}  // namespace

void show_miwear(const FrameData& fd, tvbuff_t* frame_tvb, packet_info* pinfo, proto_tree* tree) {
  if (!proto_is_protocol_enabled(find_protocol_by_id(proto_miwear))) return;
  // The item spans what the frame's step came in: the ATT value, or the RFCOMM information field.
  tvbuff_t* vtvb = nullptr;
  int vat = 0, vlen = 0;
  const bool rfcomm = !fd.wear_steps.empty() && miwear::over_rfcomm(fd.wear_steps.front().transport);
  if (!fd.wear_steps.empty()) {
    const std::size_t want = fd.wear_steps.front().value.size();
    if (rfcomm && fd.rfcomm.at >= 0 && fits(frame_tvb, fd.rfcomm.at, fd.rfcomm.len) &&
        static_cast<std::size_t>(fd.rfcomm.len) == want) {
      vtvb = frame_tvb;
      vat = fd.rfcomm.at;
      vlen = fd.rfcomm.len;
    } else if (!rfcomm && fd.att.pdu_in_frame >= 0 && fd.att.value_at >= 0 &&
               fits(frame_tvb, fd.att.pdu_in_frame + fd.att.value_at, fd.att.value_len) &&
               static_cast<std::size_t>(fd.att.value_len) == want) {
      vtvb = frame_tvb;
      vat = fd.att.pdu_in_frame + fd.att.value_at;
      vlen = fd.att.value_len;
    }
  }
  proto_item* ti = vtvb ? proto_tree_add_item(tree, proto_miwear, vtvb, vat, vlen, ENC_NA)
                        : proto_tree_add_item(tree, proto_miwear, frame_tvb, 0, 0, ENC_NA);
  proto_tree* t = proto_item_add_subtree(ti, ett_miwear);
  col_set_str(pinfo->cinfo, COL_PROTOCOL, "Wearable");
  std::string info;
  auto append = [&](const std::string& s) { info += (info.empty() ? "" : " | ") + s; };
  for (const auto& e : fd.wear_ends) append(show_session(pinfo, t, e));
  for (const auto& s : fd.wear_steps) append(show_step(pinfo, frame_tvb, t, s, vtvb, vat, vlen));
  for (const auto& f : fd.wear_findings) show_finding(pinfo, t, f);
  proto_item_append_text(ti, ": %s", info.c_str());
  col_add_fstr(pinfo->cinfo, COL_INFO, "Wearable: %s", info.c_str());
}

void register_miwear() {
  static hf_register_info hf[] = {
      {&hf_transport,
       {"Transport", "miwear.transport", FT_STRING, BASE_NONE, nullptr, 0, "ble_v1, ble_v2, spp_v1, spp_v2", HFILL}},
      {&hf_step,
       {"Step", "miwear.step", FT_STRING, BASE_NONE, nullptr, 0, "what this frame carried (the family's steps)",
        HFILL}},
      {&hf_handle, {"Handle", "miwear.handle", FT_UINT16, BASE_HEX, nullptr, 0, "the ATT handle", HFILL}},
      {&hf_dlci, {"DLCI", "miwear.dlci", FT_UINT8, BASE_DEC, nullptr, 0, "the RFCOMM DLC", HFILL}},
      {&hf_value,
       {"Value", "miwear.value", FT_BYTES, BASE_NONE, nullptr, 0,
        "the ATT value or RFCOMM information field, as on the wire", HFILL}},
      {&hf_status,
       {"Status", "miwear.status", FT_STRING, BASE_NONE, nullptr, 0,
        "the session's status where definite: verified, failed, no_key", HFILL}},
      {&hf_verdict_frame,
       {"Status settled in", "miwear.verdict_frame", FT_FRAMENUM, BASE_NONE, FRAMENUM_TYPE(FT_FRAMENUM_NONE), 0,
        nullptr, HFILL}},
      {&hf_session_frame,
       {"Session start", "miwear.session_frame", FT_FRAMENUM, BASE_NONE, FRAMENUM_TYPE(FT_FRAMENUM_NONE), 0, nullptr,
        HFILL}},
      {&hf_device, {"Device", "miwear.device", FT_STRING, BASE_NONE, nullptr, 0, nullptr, HFILL}},
      {&hf_key_source,
       {"Auth key from", "miwear.key_source", FT_STRING, BASE_NONE, nullptr, 0, "option, keys_file", HFILL}},
      {&hf_dec_key,
       {"Watch-to-phone key", "miwear.dec_key", FT_STRING, BASE_NONE, nullptr, 0,
        "decKey, derived from the auth key and both nonces", HFILL}},
      {&hf_enc_key,
       {"Phone-to-watch key", "miwear.enc_key", FT_STRING, BASE_NONE, nullptr, 0, "encKey, derived", HFILL}},
      {&hf_dec_nonce, {"Watch-to-phone nonce", "miwear.dec_nonce", FT_STRING, BASE_NONE, nullptr, 0, nullptr, HFILL}},
      {&hf_enc_nonce, {"Phone-to-watch nonce", "miwear.enc_nonce", FT_STRING, BASE_NONE, nullptr, 0, nullptr, HFILL}},
      {&hf_phone_model,
       {"Phone model", "miwear.phone.model", FT_STRING, BASE_NONE, nullptr, 0,
        "from the encrypted device info of auth step 3", HFILL}},
      {&hf_phone_os, {"Phone OS", "miwear.phone.os", FT_STRING, BASE_NONE, nullptr, 0, "android, ios, vela", HFILL}},
      {&hf_phone_system,
       {"System version", "miwear.phone.system_version", FT_FLOAT, BASE_NONE, nullptr, 0, "the Android API level",
        HFILL}},
      {&hf_phone_region, {"Region", "miwear.phone.region", FT_STRING, BASE_NONE, nullptr, 0, nullptr, HFILL}},
      {&hf_phone_capability,
       {"App capability", "miwear.phone.app_capability", FT_UINT64, BASE_DEC, nullptr, 0, nullptr, HFILL}},
      {&hf_phone_tag_ok,
       {"Device info tag verified", "miwear.phone.tag_ok", FT_BOOLEAN, BASE_NONE, nullptr, 0, nullptr, HFILL}},
      {&hf_result, {"Auth result", "miwear.result", FT_UINT64, BASE_DEC, nullptr, 0, "step 4: 1 is success", HFILL}},
      {&hf_error_code,
       {"Auth error", "miwear.error_code", FT_UINT64, BASE_DEC, nullptr, 0, "the watch's error code: 4 not bound",
        HFILL}},
      {&hf_message,
       {"Message", "miwear.message", FT_STRING, BASE_NONE, nullptr, 0, "a message this frame completed", HFILL}},
      {&hf_from, {"From", "miwear.message.from", FT_STRING, BASE_NONE, nullptr, 0, "phone, watch", HFILL}},
      {&hf_channel,
       {"Channel", "miwear.message.channel", FT_STRING, BASE_NONE, nullptr, 0,
        "read/write/activity/upload (BLE-V1), pb/mass/file_fitness (SPPv2), proto_to_watch, ... (SPP-V1)", HFILL}},
      {&hf_content,
       {"Content", "miwear.message.content", FT_STRING, BASE_NONE, nullptr, 0, "protobuf, activity, upload, raw",
        HFILL}},
      {&hf_encrypted, {"Encrypted", "miwear.message.encrypted", FT_BOOLEAN, BASE_NONE, nullptr, 0, nullptr, HFILL}},
      {&hf_counter,
       {"Counter", "miwear.message.counter", FT_UINT32, BASE_DEC, nullptr, 0, "AES-CCM: the nonce's counter", HFILL}},
      {&hf_tag_ok,
       {"Tag verified", "miwear.message.tag_ok", FT_BOOLEAN, BASE_NONE, nullptr, 0, "AES-CCM's 4-byte tag", HFILL}},
      {&hf_type, {"Type", "miwear.message.type", FT_UINT32, BASE_DEC, nullptr, 0, "the envelope's type", HFILL}},
      {&hf_subtype,
       {"Subtype", "miwear.message.subtype", FT_UINT32, BASE_DEC, nullptr, 0, "the envelope's subtype", HFILL}},
      {&hf_command,
       {"Command", "miwear.message.command", FT_STRING, BASE_NONE, nullptr, 0, "the (type, subtype) pair's name",
        HFILL}},
      {&hf_envelope_error,
       {"Error", "miwear.message.error", FT_UINT64, BASE_DEC, nullptr, 0, "the envelope's field 100", HFILL}},
      {&hf_part, {"Part", "miwear.message.part", FT_UINT16, BASE_DEC, nullptr, 0, "a file part's number", HFILL}},
      {&hf_parts, {"Parts", "miwear.message.parts", FT_UINT16, BASE_DEC, nullptr, 0, "its file's part count", HFILL}},
      {&hf_plaintext,
       {"Plaintext", "miwear.plaintext", FT_BYTES, BASE_NONE, nullptr, 0,
        "the message, decrypted (the Decrypted Wearable bytes)", HFILL}},
      {&hf_file,
       {"File", "miwear.file", FT_STRING, BASE_NONE, nullptr, 0,
        "an activity file or upload this frame completed: activity, upload", HFILL}},
      {&hf_file_size, {"Size", "miwear.file.size", FT_UINT64, BASE_DEC, nullptr, 0, nullptr, HFILL}},
      {&hf_file_crc_ok, {"CRC-32 verified", "miwear.file.crc_ok", FT_BOOLEAN, BASE_NONE, nullptr, 0, nullptr, HFILL}},
      {&hf_file_id, {"Activity file id", "miwear.file.id", FT_STRING, BASE_NONE, nullptr, 0, nullptr, HFILL}},
      {&hf_file_activity,
       {"Activity type", "miwear.file.activity", FT_STRING, BASE_NONE, nullptr, 0, "type/subtype/detail", HFILL}},
      {&hf_file_upload_type,
       {"Upload type", "miwear.file.upload_type", FT_STRING, BASE_NONE, nullptr, 0,
        "watchface, firmware, notification_icon, third_party_app", HFILL}},
      {&hf_file_md5_ok, {"MD5 verified", "miwear.file.md5_ok", FT_BOOLEAN, BASE_NONE, nullptr, 0, nullptr, HFILL}},
      {&hf_session,
       {"Session ended", "miwear.session", FT_STRING, BASE_NONE, nullptr, 0,
        "a session that ended at this frame: its status", HFILL}},
      {&hf_session_status,
       {"Status", "miwear.session.status", FT_STRING, BASE_NONE, nullptr, 0, "verified, failed, incomplete, no_key",
        HFILL}},
      {&hf_session_verdict_frame,
       {"Status settled in", "miwear.session.verdict_frame", FT_FRAMENUM, BASE_NONE, FRAMENUM_TYPE(FT_FRAMENUM_NONE), 0,
        nullptr, HFILL}},
      {&hf_session_end,
       {"Ended by", "miwear.session.end", FT_STRING, BASE_NONE, nullptr, 0,
        "next_session, disconnect, end_of_capture, link_dropped", HFILL}},
      {&hf_session_first,
       {"First frame", "miwear.session.first_frame", FT_FRAMENUM, BASE_NONE, FRAMENUM_TYPE(FT_FRAMENUM_NONE), 0,
        nullptr, HFILL}},
      {&hf_session_last,
       {"Last frame", "miwear.session.last_frame", FT_FRAMENUM, BASE_NONE, FRAMENUM_TYPE(FT_FRAMENUM_NONE), 0, nullptr,
        HFILL}},
      {&hf_session_device, {"Device", "miwear.session.device", FT_STRING, BASE_NONE, nullptr, 0, nullptr, HFILL}},
      {&hf_diagnostic,
       {"Diagnostic", "miwear.diagnostic", FT_STRING, BASE_NONE, nullptr, 0, "a finding's code (README, Diagnostics)",
        HFILL}},
      {&hf_diagnostic_frame,
       {"Frame", "miwear.diagnostic.frame", FT_FRAMENUM, BASE_NONE, FRAMENUM_TYPE(FT_FRAMENUM_NONE), 0,
        "a frame the finding concerns", HFILL}},
  };
  static int* ett[] = {&ett_miwear,         &ett_miwear_message, &ett_miwear_session,
                       &ett_miwear_finding, &ett_miwear_file,    &ett_miwear_phone};
  proto_miwear = proto_register_protocol("Xiaomi wearable (FE95 / SPP)", "Wearable", "miwear");
  proto_register_field_array(proto_miwear, hf, G_N_ELEMENTS(hf));
  proto_register_subtree_array(ett, G_N_ELEMENTS(ett));

  static std::vector<ei_register_info> ei = {
      {&ei_verified, {"miwear.expert.verified", PI_SECURITY, PI_CHAT, "Wearable session verified", EXPFILL}},
      {&ei_failed, {"miwear.expert.failed", PI_SECURITY, PI_ERROR, "Wearable verification failed", EXPFILL}},
      {&ei_incomplete, {"miwear.expert.incomplete", PI_SEQUENCE, PI_WARN, "Wearable session incomplete", EXPFILL}},
      {&ei_no_key,
       {"miwear.expert.no_key", PI_SECURITY, PI_NOTE, "No auth key to verify the wearable session with", EXPFILL}},
  };
  static std::vector<std::string> names;
  const auto codes = all_codes();
  ei_codes.assign(codes.size(), expert_field EI_INIT);
  names.reserve(codes.size());  // the registered pointers must stay valid
  for (const auto& c : codes) {
    if (c.layer != Layer::miwear) continue;
    names.push_back(std::string("miwear.expert.") + c.name);
    ei.push_back({&ei_codes[static_cast<std::size_t>(c.code)],
                  {names.back().c_str(), PI_PROTOCOL, expert_severity(c.severity), c.meaning, EXPFILL}});
  }
  expert_module_t* em = expert_register_protocol(proto_miwear);
  expert_register_field_array(em, ei.data(), static_cast<int>(ei.size()));

  module_t* mod = prefs_register_protocol(proto_miwear, nullptr);
  prefs_register_string_preference(
      mod, "protobuf_message_type", "Protobuf message type of the envelope",
      "The full name of the envelope message in the .proto files loaded into Wireshark's Protobuf preferences "
      "(Gadgetbridge's xiaomi.proto calls it Command): each message is then dissected with its fields' names. "
      "Empty: the raw wire fields. The auth keys are in the MiAuth key table (column auth_key).",
      &pref_message_type);
}

void handoff_miwear() {
  protobuf_handle = find_dissector("protobuf");
}

}  // namespace fe95::plugin
