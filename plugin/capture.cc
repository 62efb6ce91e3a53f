// SPDX-License-Identifier: GPL-2.0-or-later
// The open capture's state and its per-frame store. Wireshark dissects again, in any order, when a
// user clicks: the analysis advances only on the first pass (!PINFO_FD_VISITED), and the events it
// emits are folded here into what each frame shows. A frame shows what was known when it was first
// dissected -- identical with and without tshark -2.
#include "capture.h"

#include <tuple>

namespace fe95::plugin {

namespace {

Capture* open_capture = nullptr;

void init_capture() {
  delete open_capture;
  open_capture = new Capture;
}

void cleanup_capture() {
  delete open_capture;
  open_capture = nullptr;
}

}  // namespace

Capture& capture() {
  if (!open_capture) init_capture();
  return *open_capture;
}

void register_capture_routines() {
  // One init routine for the whole plugin: MiAuth and MiBeacon share this state, so neither
  // depends on the other's registration order.
  register_init_routine(init_capture);
  register_cleanup_routine(cleanup_capture);
}

Capture::Capture() : analysis_(keys_, *this) {
  load_configured_keys(keys_);
}

void Capture::first_pass(tvbuff_t* tvb, packet_info* pinfo, proto_tree* tree) {
  current_ = pinfo->num;
  Layout layout;
  RfcommLayout rfcomm;
  input_.read_frame(tvb, pinfo, tree, token_handle_declared_, analysis_, layout, slot_, rfcomm);
  token_handle_declared_ = false;
  if (auto it = frames_.find(current_); it != frames_.end()) {
    it->second.att.pdu_in_frame = layout.pdu_in_frame;
    it->second.rfcomm = rfcomm;
    // A frame whose PDU nothing used keeps no entry: only frames with something to show do.
    const FrameData& f = it->second;
    if (f.steps.empty() && f.ends.empty() && f.findings.empty() && f.beacons.empty() && f.wear_steps.empty() &&
        f.wear_ends.empty() && f.wear_findings.empty())
      frames_.erase(it);
  }
}

void Capture::on_att(const att::Event& ev) {
  // Where the PDU's parts sit, from the PDU as sent: a response's handle is its request's (the
  // bearer's pairing), not a field of its own.
  att::Pdu sent;
  att::parse(ev.pdu.raw, sent);
  {
    Layout& l = current().att;
    if (sent.has_handle) l.handle_at = sent.opcode == att::kErrorRsp ? 2 : 1;
    if (sent.has_value) {
      l.value_at = static_cast<int>(sent.value.data() - sent.raw.data());
      l.value_len = static_cast<int>(sent.value.size());
    }
    if (ev.request && ev.pdu.info && ev.pdu.info->kind == att::Kind::response)
      l.request_frame = static_cast<std::uint32_t>(ev.request->frame);
  }
}

std::pair<bool, std::uint64_t> Capture::announce(const session::Session& s) {
  auto [it, fresh] = announced_.try_emplace(s.first_frame, s.status, current_);
  bool verdict = false;
  if (fresh || it->second.first != s.status) {
    it->second = {s.status, current_};
    verdict = true;
  }
  return {verdict, it->second.second};
}

void Capture::on_wear_step(const miwear::Session& s, const session::StepRecord& r) {
  WearStepView v;
  v.session = s.first_frame;
  v.step = r.step;
  v.handle = r.handle;
  v.value = r.value;
  v.transport = s.data.transport;
  if (s.status != session::Status::incomplete) {
    v.status = s.status;
    std::tie(v.verdict, v.verdict_frame) = announce(s);
  }
  if (s.device) v.device = s.device->str();
  const miwear::Data& d = s.data;
  const auto step = static_cast<miwear::Step>(r.step);
  if (step == miwear::Step::watch_nonce || step == miwear::Step::phone_confirm) {
    v.keys = d.keys;
    v.key_source = d.auth_key_source;
  }
  if (step == miwear::Step::phone_confirm) {
    v.device_info = d.device_info;
    v.device_info_tag_ok = d.device_info_tag_ok;
  }
  if (step == miwear::Step::watch_result) v.result = d.result;
  if (step == miwear::Step::auth_error) v.error_code = d.error_code;
  v.messages = s.step_messages;
  v.files = s.step_files;
  current().wear_steps.push_back(std::move(v));
}

void Capture::on_step(const session::Session& s, const session::StepRecord& r) {
  if (const auto* w = session::as<miwear::Session>(s)) {
    on_wear_step(*w, r);
    return;
  }
  StepView v;
  v.family = s.family;
  v.session = s.first_frame;
  v.kind = s.kind;
  v.step = r.step;
  v.handle = r.handle;
  v.value = r.value;
  v.plaintext = r.plaintext;
  v.what = r.what;
  if (s.status != session::Status::incomplete) {
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
  if (const auto* l = session::as<miauth::Session>(s)) {
    v.session_key = l->session_key;
    v.tick = l->tick;
    v.product_id = l->product_id;
    v.pid_source = l->product_id_source;
  }
  v.message = r.message;
  v.message_type = r.message_type;
  v.counter = r.counter;
  if (const auto* st = session::as<stdauth::Session>(s)) v.keys = st->data.keys;
  current().steps.push_back(std::move(v));
}

void Capture::on_finding(const session::Session& s, const session::Finding& f) {
  auto& to = session::as<miwear::Session>(s) ? current().wear_findings : current().findings;
  to.push_back({s.first_frame, f.code, s.describe(f), f.frames});
}

void Capture::on_session(const session::Session& s) {
  if (const auto* w = session::as<miwear::Session>(s)) {
    WearSessionView v;
    v.first = s.first_frame;
    v.last = s.last_frame;
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
    v.transport = w->data.transport;
    current().wear_ends.push_back(std::move(v));
    return;
  }
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
  if (const auto* l = session::as<miauth::Session>(s)) {
    v.firmware = l->firmware;
    v.device_id = l->device_id;
    v.beacon_key = l->beacon_key;
    v.bond = l->bond_ok;
  } else if (const auto* st = session::as<stdauth::Session>(s)) {
    v.firmware = st->data.firmware;  // read in clear after the login
  }
  current().ends.push_back(std::move(v));
}

void Capture::on_diagnostic(const Diagnostic& d) {
  // The layers' diagnostics are Wireshark's own business (btatt marks a malformed PDU itself);
  // the session machines' findings about a link (secure auth on 0x0016) are shown.
  const Layer layer = code_info(d.code).layer;
  // A key found in another role than the one it was given in (a token that is a device's beacon
  // key) is said too.
  if (layer != Layer::miauth && layer != Layer::stdauth && d.code != Code::key_in_other_role) return;
  current().findings.push_back({0, d.code, describe(d), {d.frame}});
}

void Capture::on_beacon(const BeaconEvent& b) {
  current().beacons.push_back({slot_.sd_index, slot_.in_frame, slot_.length, b.frame, b.retransmission});
}

}  // namespace fe95::plugin
