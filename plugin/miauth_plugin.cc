// Wireshark 4.0 plugin: Xiaomi Mi auth (FE95) and MiBeacon, decoded by fe95's core.
//
// Wireshark already rebuilds HCI/L2CAP/ATT, so the plugin is a postdissector that reads btatt's
// fields (opcode, handle, value, and the service/characteristic UUIDs btatt learned from
// discovery) and feeds them to the same miauth::Tracker the CLI uses; advertising service data
// on UUID 0xFE95 goes to the same MiBeacon parser. One implementation, two front ends.
//
// Wireshark dissects again, in any order, when a user clicks: state advances only on the first
// pass (!PINFO_FD_VISITED) and every frame's result is stored, so what a frame shows is what was
// known when it was first dissected -- identical with and without `tshark -2`.
//
// Wireshark's exceptions are longjmp: no Wireshark call here can throw (items are generated,
// zero-length, at offset 0; bytes are copied out after their length is checked), and C++ code
// runs only on copies.
#include <algorithm>
#include <cstdio>
#include <cstring>
#include <map>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

extern "C" {
#include <epan/expert.h>
#include <epan/packet.h>
#include <epan/prefs.h>
#include <epan/proto.h>
#include <epan/uat.h>
#include <ws_version.h>
}

#include "fe95/keys.h"
#include "fe95/mibeacon.h"
#include "fe95/miauth/session.h"
#include "fe95/products.h"
#include "fe95/stack.h"

// The four symbols a 4.0 plugin exports, with C and external linkage (WIRESHARK.md).
extern "C" {
WS_DLL_PUBLIC_DEF extern const char plugin_version[];
WS_DLL_PUBLIC_DEF extern const int plugin_want_major;
WS_DLL_PUBLIC_DEF extern const int plugin_want_minor;
WS_DLL_PUBLIC_DEF void plugin_register(void);
}
const char plugin_version[] = "0.1.0";
const int plugin_want_major = WIRESHARK_VERSION_MAJOR;
const int plugin_want_minor = WIRESHARK_VERSION_MINOR;

namespace {

using namespace fe95;

int proto_miauth = -1, proto_mibeacon = -1;
int ett_miauth = -1, ett_mibeacon = -1, ett_object = -1;

// miauth.* fields
int hf_kind = -1, hf_step = -1, hf_handle = -1, hf_value = -1, hf_plaintext = -1, hf_what = -1, hf_token = -1,
    hf_token_source = -1, hf_session_key = -1, hf_tick = -1, hf_product_id = -1, hf_product_id_source = -1,
    hf_model = -1, hf_status = -1, hf_device = -1, hf_session_frame = -1, hf_firmware = -1, hf_device_id = -1,
    hf_beacon_key = -1, hf_bond = -1, hf_finding = -1, hf_session_end = -1;
// mibeacon.* fields
int hf_mb_product_id = -1, hf_mb_model = -1, hf_mb_counter = -1, hf_mb_version = -1, hf_mb_encrypted = -1,
    hf_mb_fc = -1, hf_mb_mac = -1, hf_mb_status = -1, hf_mb_reason = -1, hf_mb_plaintext = -1, hf_mb_object_id = -1,
    hf_mb_object_name = -1, hf_mb_object_data = -1, hf_mb_temperature = -1, hf_mb_humidity = -1, hf_mb_battery = -1,
    hf_mb_illuminance = -1, hf_mb_moisture = -1, hf_mb_conductivity = -1, hf_mb_retransmission = -1,
    hf_mb_capability = -1, hf_mb_io_capability = -1;

expert_field ei_failed = EI_INIT, ei_other_token = EI_INIT, ei_draft_order = EI_INIT, ei_draft_key = EI_INIT,
             ei_mac_order = EI_INIT, ei_client_pid = EI_INIT, ei_wrong_pid = EI_INIT, ei_incomplete = EI_INIT,
             ei_long_notification = EI_INIT, ei_other_finding = EI_INIT, ei_verified = EI_INIT,
             ei_mb_wrong_key = EI_INIT, ei_mb_malformed = EI_INIT;

// Fields read from other dissectors.
int hf_att_opcode = -1, hf_att_handle = -1, hf_att_value = -1, hf_att_service16 = -1, hf_att_uuid16 = -1,
    hf_acl_chandle = -1, hf_evt_code = -1, hf_evt_chandle = -1, hf_evt_reason = -1, hf_service_data = -1,
    hf_evt_bd_addr = -1;

// ---- keys: the UAT table (same file format as fe95 --keys) and a single-token preference ----
struct KeyRecord {
  char* mac;
  char* product_id;
  char* token;
  char* beacon_key;
  char* bind_key;
};
KeyRecord* key_records = nullptr;
guint n_key_records = 0;
const char* pref_token = "";

UAT_CSTRING_CB_DEF(keys, mac, KeyRecord)
UAT_CSTRING_CB_DEF(keys, product_id, KeyRecord)
UAT_CSTRING_CB_DEF(keys, token, KeyRecord)
UAT_CSTRING_CB_DEF(keys, beacon_key, KeyRecord)
UAT_CSTRING_CB_DEF(keys, bind_key, KeyRecord)

void* key_copy(void* dst, const void* src, size_t) {
  auto* d = static_cast<KeyRecord*>(dst);
  const auto* s = static_cast<const KeyRecord*>(src);
  d->mac = g_strdup(s->mac);
  d->product_id = g_strdup(s->product_id);
  d->token = g_strdup(s->token);
  d->beacon_key = g_strdup(s->beacon_key);
  d->bind_key = g_strdup(s->bind_key);
  return dst;
}
void key_free(void* r) {
  auto* k = static_cast<KeyRecord*>(r);
  g_free(k->mac);
  g_free(k->product_id);
  g_free(k->token);
  g_free(k->beacon_key);
  g_free(k->bind_key);
}
// One parser for both front ends: a UAT record is read as the keys-file line it is.
std::string key_line(const KeyRecord& k) {
  auto q = [](const char* s) { return std::string("\"") + (s ? s : "") + "\""; };
  return q(k.mac) + "," + q(k.product_id) + "," + q(k.token) + "," + q(k.beacon_key) + "," + q(k.bind_key);
}

gboolean key_update(void* r, char** err) {
  std::vector<KeyEntry> e;
  if (auto bad = parse_keys(key_line(*static_cast<const KeyRecord*>(r)), e)) {
    *err = g_strdup(bad->message.c_str());
    return FALSE;
  }
  return TRUE;
}

// ---- per-frame results, computed once on the first pass ----
struct Finding {
  std::string code, message;
};
struct FrameResult {
  bool has_step = false;
  std::string kind, step, what, device, status, token, token_source, session_key, tick, pid_source, model, end;
  std::string firmware, device_id, beacon_key, bond;
  std::uint16_t handle = 0;
  int product_id = -1;
  std::uint64_t session_frame = 0;
  Bytes value, plaintext;
  std::vector<Finding> findings;  // shown (and expert info) at this frame
  bool session_summary = false;   // this frame ended a session
  // MiBeacon
  std::vector<mibeacon::Frame> beacons;
  std::vector<bool> retransmissions;
};

struct State final : miauth::Sink {
  KeyStore keys;
  std::unique_ptr<miauth::Tracker> tracker;
  std::unordered_map<std::uint32_t, std::unique_ptr<Connection>> conns;
  std::uint64_t next_serial = 1;
  std::map<std::uint32_t, FrameResult> frames;
  std::map<std::uint64_t, std::size_t> findings_shown;  // per session (first frame): findings already shown
  std::map<std::string, std::pair<std::uint8_t, Bytes>> last_beacon;
  std::uint32_t current = 0;
  bool forced_current = false;  // Decode As named this frame's handle as the token characteristic
  Bytes forced_value;           // and took the value from btatt

  static void fill(FrameResult& fr, const miauth::Session& s) {
    fr.kind = miauth::kind_name(s.kind);
    fr.device = s.device ? s.device->str() : "";
    fr.session_frame = s.first_frame;
    if (s.token) {
      fr.token = to_hex(*s.token);
      fr.token_source = source_name(*s.token_source);
    }
    if (s.session_key) fr.session_key = to_hex(*s.session_key);
    if (s.tick) fr.tick = to_hex(*s.tick);
    if (s.product_id) {
      fr.product_id = *s.product_id;
      fr.pid_source = source_name(*s.product_id_source);
      if (const char* m = product_name(*s.product_id)) fr.model = m;
    }
  }
  void take_findings(FrameResult& fr, const miauth::Session& s) {
    std::size_t& shown = findings_shown[s.first_frame];
    for (; shown < s.findings.size(); ++shown) fr.findings.push_back({s.findings[shown].code, s.findings[shown].message});
  }
  void on_step(const miauth::Session& s, const miauth::StepRecord& r) override {
    if (r.frame != current) return;
    FrameResult& fr = frames[current];
    fill(fr, s);
    fr.has_step = true;
    fr.step = miauth::step_name(r.step);
    fr.handle = r.handle;
    fr.value = r.value;
    fr.plaintext = r.plaintext;
    fr.what = r.what;
    if (s.status != miauth::Status::incomplete) fr.status = miauth::status_name(s.status);
    take_findings(fr, s);
  }
  void on_session(const miauth::Session& s) override {
    FrameResult& fr = frames[current];
    fill(fr, s);
    fr.session_summary = true;
    fr.status = miauth::status_name(s.status);
    fr.end = s.end_reason;
    if (s.firmware) fr.firmware = *s.firmware;
    if (s.device_id) fr.device_id = *s.device_id;
    if (s.beacon_key) fr.beacon_key = to_hex(*s.beacon_key);
    if (s.bond_ok) fr.bond = *s.bond_ok ? "ok" : "failed";
    take_findings(fr, s);
  }
};
State* state = nullptr;

void init_state() {
  delete state;
  state = new State;
  state->tracker = std::make_unique<miauth::Tracker>(state->keys, *state);
  for (guint i = 0; i < n_key_records; ++i) {
    std::vector<KeyEntry> e;
    if (!parse_keys(key_line(key_records[i]), e))
      for (const auto& x : e) state->keys.add_entry(x, Source::keys_file);
  }
  if (pref_token && *pref_token)
    if (auto t = parse_token(pref_token)) state->keys.add_option_token(*t);
}

void cleanup_state() {
  delete state;
  state = nullptr;
}

// ---- reading other dissectors' fields (tree primed by set_postdissector_wanted_hfids) ----
// A filter name can stand for several registered fields (btatt.handle does): Wireshark chains
// them with same_name_next, and each keeps its own finfo array.
std::vector<field_info*> fields(proto_tree* tree, int hf) {
  std::vector<field_info*> out;
  if (!tree || hf < 0) return out;
  for (header_field_info* h = proto_registrar_get_nth(static_cast<guint>(hf)); h; h = h->same_name_next) {
    GPtrArray* a = proto_get_finfo_ptr_array(tree, h->id);
    if (!a) continue;
    for (guint i = 0; i < a->len; ++i) out.push_back(static_cast<field_info*>(g_ptr_array_index(a, i)));
  }
  // In tree order, whichever registration each came from.
  std::sort(out.begin(), out.end(), [](const field_info* x, const field_info* y) { return x->start < y->start; });
  return out;
}
bool uint_field(proto_tree* tree, int hf, std::uint32_t& out) {
  auto f = fields(tree, hf);
  if (f.empty()) return false;
  out = fvalue_get_uinteger(&f[0]->value);
  return true;
}
Bytes field_bytes(const field_info* fi) {
  Bytes b;
  if (!fi || !fi->ds_tvb || fi->length <= 0) return b;
  if (tvb_captured_length_remaining(fi->ds_tvb, fi->start) < fi->length) return b;  // never let tvb throw
  b.resize(static_cast<std::size_t>(fi->length));
  tvb_memcpy(fi->ds_tvb, b.data(), fi->start, b.size());
  return b;
}

BdAddr peer_of(packet_info* pinfo) {
  // btatt/bthci_acl set dl_src/dl_dst to the BD_ADDRs from the connection event (zeros without).
  const address& a = pinfo->p2p_dir == P2P_DIR_SENT ? pinfo->dl_dst : pinfo->dl_src;
  BdAddr out;
  if (a.type == AT_ETHER && a.len == 6) {
    const auto* p = static_cast<const std::uint8_t*>(a.data);
    for (int i = 0; i < 6; ++i) out.le[static_cast<std::size_t>(i)] = p[5 - i];
  }
  return out;
}

void first_pass(packet_info* pinfo, proto_tree* tree) {
  State& st = *state;
  st.current = pinfo->num;
  Record rec;
  rec.frame = pinfo->num;
  rec.ts_ns = static_cast<std::int64_t>(pinfo->abs_ts.secs) * 1000000000LL + pinfo->abs_ts.nsecs;
  rec.dir = pinfo->p2p_dir == P2P_DIR_SENT ? Direction::sent : pinfo->p2p_dir == P2P_DIR_RECV ? Direction::rcvd
                                                                                                : Direction::unknown;
  // Disconnection Complete ends the link's session (Wireshark keeps no other end signal).
  std::uint32_t code = 0, dhandle = 0, reason = 0;
  if (uint_field(tree, hf_evt_code, code) && code == 0x05 && uint_field(tree, hf_evt_chandle, dhandle)) {
    uint_field(tree, hf_evt_reason, reason);
    auto it = st.conns.find(dhandle);
    if (it != st.conns.end()) {
      st.tracker->on_disconnect(rec, *it->second, static_cast<std::uint8_t>(reason));
      st.conns.erase(it);
    }
  }
  // ATT: one PDU per frame as btatt shows it.
  std::uint32_t opcode = 0, chandle = 0, handle = 0;
  if (uint_field(tree, hf_att_opcode, opcode) && uint_field(tree, hf_acl_chandle, chandle)) {
    auto& cp = st.conns[chandle];
    if (!cp) {
      cp = std::make_unique<Connection>();
      cp->serial = st.next_serial++;
      cp->handle = static_cast<std::uint16_t>(chandle);
    }
    Connection& c = *cp;
    const BdAddr peer = peer_of(pinfo);
    if (!peer.is_zero()) {
      c.peer = peer;
      c.known = true;
    }
    att::Pdu pdu;
    pdu.opcode = static_cast<std::uint8_t>(opcode);
    pdu.info = att::opcode_info(pdu.opcode);
    Bytes value;
    // The handle from the PDU itself (btatt.handle is not kept in 4.0's primed tree): it follows
    // the opcode in every PDU that carries one; responses take their request's, tracked here.
    const field_info* op_fi = fields(tree, hf_att_opcode).front();
    const bool carries_handle = opcode == att::kWriteReq || opcode == att::kWriteCmd || opcode == att::kNotify ||
                                opcode == att::kIndicate || opcode == att::kReadReq || opcode == att::kReadBlobReq ||
                                opcode == att::kSignedWriteCmd;
    if (carries_handle && op_fi->ds_tvb && tvb_captured_length_remaining(op_fi->ds_tvb, op_fi->start) >= 3) {
      pdu.has_handle = true;
      pdu.handle = tvb_get_letohs(op_fi->ds_tvb, op_fi->start + 1);
      if (opcode == att::kReadReq || opcode == att::kReadBlobReq) c.pending[0].handle = pdu.handle;
    } else if ((opcode == att::kReadRsp || opcode == att::kReadBlobRsp) && c.pending[0].handle) {
      pdu.has_handle = true;
      pdu.handle = c.pending[0].handle;
    } else if (uint_field(tree, hf_att_handle, handle)) {
      pdu.has_handle = true;
      pdu.handle = static_cast<std::uint16_t>(handle);
    }
    auto vals = fields(tree, hf_att_value);
    if (!vals.empty()) {
      value = field_bytes(vals[0]);
      pdu.has_value = true;
      pdu.value = value;
    } else if (st.forced_current) {
      value = st.forced_value;
      pdu.has_value = true;
      pdu.value = value;
    }
    // What btatt knows of the handle from discovery: the service and characteristic UUIDs.
    std::uint32_t svc = 0, uuid = 0;
    const bool has_svc = uint_field(tree, hf_att_service16, svc);
    const bool has_uuid = uint_field(tree, hf_att_uuid16, uuid);
    if (pdu.has_handle && st.forced_current) {
      const std::uint8_t s16[2] = {0x95, 0xfe}, u16[2] = {0x01, 0x00};
      c.servers[0].note(pdu.handle, att::Uuid::from(ByteView(s16, 2)), att::Uuid::from(ByteView(u16, 2)));
    } else if (pdu.has_handle && has_svc && has_uuid) {
      const std::uint8_t s16[2] = {static_cast<std::uint8_t>(svc), static_cast<std::uint8_t>(svc >> 8)};
      const std::uint8_t u16[2] = {static_cast<std::uint8_t>(uuid), static_cast<std::uint8_t>(uuid >> 8)};
      c.servers[0].note(pdu.handle, att::Uuid::from(ByteView(s16, 2)), att::Uuid::from(ByteView(u16, 2)));
    }
      if (pdu.info) {
      const gatt::Server& server = c.servers[0];
      AttEvent ev{rec, rec.frame, c, pdu, server, pdu.has_handle ? server.service_of(pdu.handle) : nullptr,
                  pdu.has_handle ? server.attribute(pdu.handle) : nullptr, nullptr};
      st.tracker->on_att(ev);
    }
  }
  // MiBeacon: service data entries whose 16-bit UUID (the two bytes before the data) is 0xFE95.
  std::vector<field_info*> addrs = fields(tree, hf_evt_bd_addr);
  for (field_info* fi : fields(tree, hf_service_data)) {
    if (!fi->ds_tvb || fi->start < 2 || tvb_captured_length_remaining(fi->ds_tvb, fi->start - 2) < 2) continue;
    if (tvb_get_letohs(fi->ds_tvb, fi->start - 2) != mibeacon::kUuid) continue;
    const Bytes sd = field_bytes(fi);
    mibeacon::Frame f = mibeacon::parse(sd);
    BdAddr adv;
    if (!addrs.empty()) {
      const Bytes a = field_bytes(addrs[0]);
      if (a.size() == 6) adv = BdAddr::from_le(a);  // HCI carries the address little-endian
    }
    const BdAddr device = f.mac ? *f.mac : adv;
    if (f.status != mibeacon::Status::malformed) {
      st.keys.learn_product_id(device, f.product_id, Source::mibeacon);
      mibeacon::decrypt(f, device, st.keys.beacon_key(device), st.keys.bind_key(device));
    }
    auto& last = st.last_beacon[device.str()];
    const bool retrans = last.first == f.counter && last.second == f.payload && !last.second.empty();
    last = {f.counter, f.payload};
    FrameResult& fr = st.frames[pinfo->num];
    fr.beacons.push_back(f);
    fr.retransmissions.push_back(retrans);
  }
}

proto_item* add_str(proto_tree* t, int hf, const std::string& v) {
  proto_item* it = proto_tree_add_string(t, hf, nullptr, 0, 0, v.c_str());
  proto_item_set_generated(it);
  return it;
}
proto_item* add_uint(proto_tree* t, int hf, std::uint32_t v) {
  proto_item* it = proto_tree_add_uint(t, hf, nullptr, 0, 0, v);
  proto_item_set_generated(it);
  return it;
}
proto_item* add_bytes(proto_tree* t, int hf, const Bytes& v) {
  // A zero-length item whose value is the whole byte string.
  proto_item* it =
      proto_tree_add_bytes_with_length(t, hf, nullptr, 0, 0, v.data(), static_cast<gint>(v.size()));
  proto_item_set_generated(it);
  return it;
}

expert_field* expert_for(const std::string& code) {
  if (code == "draft_byte_order") return &ei_draft_order;
  if (code == "draft_login_key") return &ei_draft_key;
  if (code == "client_mac_order") return &ei_mac_order;
  if (code == "client_product_id") return &ei_client_pid;
  if (code == "wrong_product_id") return &ei_wrong_pid;
  if (code == "device_holds_other_token") return &ei_other_token;
  if (code == "cut_by_disconnect") return &ei_incomplete;
  if (code == "long_login_notification") return &ei_long_notification;
  return &ei_other_finding;
}

void show_miauth(const FrameResult& fr, packet_info* pinfo, proto_tree* tree) {
  proto_item* ti = proto_tree_add_item(tree, proto_miauth, nullptr, 0, 0, ENC_NA);
  proto_tree* t = proto_item_add_subtree(ti, ett_miauth);
  col_set_str(pinfo->cinfo, COL_PROTOCOL, "MiAuth");
  std::string info = "Mi auth " + fr.kind;
  if (fr.has_step) {
    proto_item_append_text(ti, ": %s %s", fr.kind.c_str(), fr.step.c_str());
    add_str(t, hf_kind, fr.kind);
    add_str(t, hf_step, fr.step);
    add_uint(t, hf_handle, fr.handle);
    add_bytes(t, hf_value, fr.value);
    if (!fr.plaintext.empty()) add_bytes(t, hf_plaintext, fr.plaintext);
    if (!fr.what.empty()) add_str(t, hf_what, fr.what);
    info += " " + fr.step;
    if (fr.what == "firmware" || fr.what == "device_id") {
      std::string text(fr.plaintext.begin(), fr.plaintext.end());
      text.erase(text.find_last_not_of('\0') + 1);  // fixed-size characteristics pad with NULs
      info += " \"" + text + "\"";
    }
  } else {
    proto_item_append_text(ti, ": %s session ended (%s)", fr.kind.c_str(), fr.end.c_str());
    info += " session ended";
  }
  if (!fr.device.empty()) add_str(t, hf_device, fr.device);
  add_uint(t, hf_session_frame, static_cast<std::uint32_t>(fr.session_frame));
  if (!fr.token.empty()) {
    add_str(t, hf_token, fr.token);
    add_str(t, hf_token_source, fr.token_source);
    if (fr.step == "t1" || fr.step == "t2" || fr.step == "challenge") info += ", token " + fr.token;
  }
  if (!fr.tick.empty()) add_str(t, hf_tick, fr.tick);
  if (!fr.session_key.empty()) add_str(t, hf_session_key, fr.session_key);
  if (fr.product_id >= 0) {
    add_uint(t, hf_product_id, static_cast<std::uint32_t>(fr.product_id));
    add_str(t, hf_product_id_source, fr.pid_source);
    if (!fr.model.empty()) add_str(t, hf_model, fr.model);
  }
  if (fr.session_summary) {
    add_str(t, hf_session_end, fr.end);
    if (!fr.firmware.empty()) add_str(t, hf_firmware, fr.firmware);
    if (!fr.device_id.empty()) add_str(t, hf_device_id, fr.device_id);
    if (!fr.beacon_key.empty()) add_str(t, hf_beacon_key, fr.beacon_key);
    if (!fr.bond.empty()) add_str(t, hf_bond, fr.bond);
  }
  if (!fr.status.empty()) {
    proto_item* si = add_str(t, hf_status, fr.status);
    info += " [" + fr.status + "]";
    if (fr.status == "verified") expert_add_info(pinfo, si, &ei_verified);
    else if (fr.status == "failed") expert_add_info(pinfo, si, &ei_failed);
    else if (fr.status == "other_token") expert_add_info(pinfo, si, &ei_other_token);
    else if (fr.status == "incomplete") expert_add_info(pinfo, si, &ei_incomplete);
  }
  for (const auto& f : fr.findings) {
    proto_item* fi = add_str(t, hf_finding, f.code);
    expert_add_info_format(pinfo, fi, expert_for(f.code), "%s: %s", f.code.c_str(), f.message.c_str());
  }
  col_append_sep_str(pinfo->cinfo, COL_INFO, " | ", info.c_str());
}

void show_mibeacon(const FrameResult& fr, packet_info* pinfo, proto_tree* tree) {
  for (std::size_t i = 0; i < fr.beacons.size(); ++i) {
    const mibeacon::Frame& f = fr.beacons[i];
    proto_item* ti = proto_tree_add_item(tree, proto_mibeacon, nullptr, 0, 0, ENC_NA);
    proto_tree* t = proto_item_add_subtree(ti, ett_mibeacon);
    proto_item_append_text(ti, ": product id %u, v%u, %s", f.product_id, f.fc.version(), mibeacon::status_name(f.status));
    add_uint(t, hf_mb_fc, f.fc.raw);
    add_uint(t, hf_mb_product_id, f.product_id);
    if (const char* m = product_name(f.product_id)) add_str(t, hf_mb_model, m);
    add_uint(t, hf_mb_counter, f.counter);
    add_uint(t, hf_mb_version, f.fc.version());
    proto_item_set_generated(proto_tree_add_boolean(t, hf_mb_encrypted, nullptr, 0, 0, f.fc.encrypted()));
    if (f.mac) add_str(t, hf_mb_mac, f.mac->str());
    if (f.capability) add_uint(t, hf_mb_capability, *f.capability);
    if (f.io_capability) add_uint(t, hf_mb_io_capability, *f.io_capability);
    proto_item* si = add_str(t, hf_mb_status, mibeacon::status_name(f.status));
    if (!f.reason.empty()) add_str(t, hf_mb_reason, f.reason);
    if (f.status == mibeacon::Status::wrong_key) expert_add_info(pinfo, si, &ei_mb_wrong_key);
    if (f.status == mibeacon::Status::malformed) expert_add_info_format(pinfo, si, &ei_mb_malformed, "%s", f.reason.c_str());
    if (!f.plaintext.empty()) add_bytes(t, hf_mb_plaintext, f.plaintext);
    proto_item_set_generated(proto_tree_add_boolean(t, hf_mb_retransmission, nullptr, 0, 0, fr.retransmissions[i]));
    for (const auto& o : f.objects) {
      proto_item* oi = add_uint(t, hf_mb_object_id, o.id);
      proto_tree* ot = proto_item_add_subtree(oi, ett_object);
      if (o.name) add_str(ot, hf_mb_object_name, o.name);
      add_bytes(ot, hf_mb_object_data, o.data);
      for (const auto& v : o.values) {
        const std::string n = v.name;
        int hf = n == "temperature" ? hf_mb_temperature : n == "humidity" ? hf_mb_humidity : n == "battery" ? hf_mb_battery
                 : n == "illuminance" ? hf_mb_illuminance : n == "moisture" ? hf_mb_moisture
                 : n == "conductivity" ? hf_mb_conductivity : -1;
        if (hf >= 0) proto_item_set_generated(proto_tree_add_double(ot, hf, nullptr, 0, 0, v.value));
      }
    }
    char info[96];
    std::snprintf(info, sizeof info, "MiBeacon pid %u v%u %s", f.product_id, f.fc.version(), mibeacon::status_name(f.status));
    col_append_sep_str(pinfo->cinfo, COL_INFO, " | ", info);
  }
}

int dissect(tvbuff_t*, packet_info* pinfo, proto_tree* tree, void*) {
  if (!state) init_state();
  if (!PINFO_FD_VISITED(pinfo)) first_pass(pinfo, tree);
  state->forced_current = false;
  state->forced_value.clear();
  auto it = state->frames.find(pinfo->num);
  if (it == state->frames.end()) return 0;
  const FrameResult& fr = it->second;
  if (fr.has_step || fr.session_summary) show_miauth(fr, pinfo, tree);
  if (!fr.beacons.empty()) show_mibeacon(fr, pinfo, tree);
  return 0;
}

dissector_handle_t handle;

// btatt gives a Decode As dissector the value and then shows no btatt.value: keep a copy.
int decode_as_token(tvbuff_t* tvb, packet_info* pinfo, proto_tree*, void*) {
  if (!state) init_state();
  if (!PINFO_FD_VISITED(pinfo)) {
    state->forced_current = true;
    state->forced_value.resize(tvb_captured_length(tvb));
    tvb_memcpy(tvb, state->forced_value.data(), 0, state->forced_value.size());
  }
  return static_cast<int>(tvb_captured_length(tvb));
}

void proto_register() {
  static hf_register_info hf[] = {
      {&hf_kind, {"Session kind", "miauth.kind", FT_STRING, BASE_NONE, nullptr, 0, "register or login", HFILL}},
      {&hf_step, {"Step", "miauth.step", FT_STRING, BASE_NONE, nullptr, 0, "register_start, t1, t2, register_end, login_start, challenge, response, confirmation, bond_result, encrypted_read, encrypted_write, product_id_read", HFILL}},
      {&hf_handle, {"Handle", "miauth.handle", FT_UINT16, BASE_HEX, nullptr, 0, nullptr, HFILL}},
      {&hf_value, {"Value", "miauth.value", FT_BYTES, BASE_NONE, nullptr, 0, "as on the wire", HFILL}},
      {&hf_plaintext, {"Plaintext", "miauth.plaintext", FT_BYTES, BASE_NONE, nullptr, 0, nullptr, HFILL}},
      {&hf_what, {"Decrypted value", "miauth.what", FT_STRING, BASE_NONE, nullptr, 0, "firmware, device_id, beacon_key, wifi", HFILL}},
      {&hf_token, {"Token", "miauth.token", FT_STRING, BASE_NONE, nullptr, 0, nullptr, HFILL}},
      {&hf_token_source, {"Token source", "miauth.token_source", FT_STRING, BASE_NONE, nullptr, 0, nullptr, HFILL}},
      {&hf_session_key, {"Session key", "miauth.session_key", FT_STRING, BASE_NONE, nullptr, 0, nullptr, HFILL}},
      {&hf_tick, {"Tick", "miauth.tick", FT_STRING, BASE_NONE, nullptr, 0, nullptr, HFILL}},
      {&hf_product_id, {"Product id", "miauth.product_id", FT_UINT16, BASE_DEC, nullptr, 0, nullptr, HFILL}},
      {&hf_product_id_source, {"Product id source", "miauth.product_id_source", FT_STRING, BASE_NONE, nullptr, 0, nullptr, HFILL}},
      {&hf_model, {"Model", "miauth.model", FT_STRING, BASE_NONE, nullptr, 0, nullptr, HFILL}},
      {&hf_status, {"Status", "miauth.status", FT_STRING, BASE_NONE, nullptr, 0, "verified, failed, other_token, incomplete, no_token", HFILL}},
      {&hf_device, {"Device", "miauth.device", FT_STRING, BASE_NONE, nullptr, 0, nullptr, HFILL}},
      {&hf_session_frame, {"Session start frame", "miauth.session_frame", FT_UINT32, BASE_DEC, nullptr, 0, nullptr, HFILL}},
      {&hf_session_end, {"Session ended by", "miauth.session_end", FT_STRING, BASE_NONE, nullptr, 0, nullptr, HFILL}},
      {&hf_firmware, {"Firmware", "miauth.firmware", FT_STRING, BASE_NONE, nullptr, 0, nullptr, HFILL}},
      {&hf_device_id, {"Device id", "miauth.device_id", FT_STRING, BASE_NONE, nullptr, 0, nullptr, HFILL}},
      {&hf_beacon_key, {"Beacon key", "miauth.beacon_key", FT_STRING, BASE_NONE, nullptr, 0, nullptr, HFILL}},
      {&hf_bond, {"Bond result", "miauth.bond", FT_STRING, BASE_NONE, nullptr, 0, nullptr, HFILL}},
      {&hf_finding, {"Diagnostic", "miauth.diagnostic", FT_STRING, BASE_NONE, nullptr, 0, nullptr, HFILL}},
  };
  static hf_register_info hf_mb[] = {
      {&hf_mb_fc, {"Frame control", "mibeacon.frame_control", FT_UINT16, BASE_HEX, nullptr, 0, nullptr, HFILL}},
      {&hf_mb_product_id, {"Product id", "mibeacon.product_id", FT_UINT16, BASE_DEC, nullptr, 0, nullptr, HFILL}},
      {&hf_mb_model, {"Model", "mibeacon.model", FT_STRING, BASE_NONE, nullptr, 0, nullptr, HFILL}},
      {&hf_mb_counter, {"Frame counter", "mibeacon.counter", FT_UINT8, BASE_DEC, nullptr, 0, nullptr, HFILL}},
      {&hf_mb_version, {"Version", "mibeacon.version", FT_UINT8, BASE_DEC, nullptr, 0, nullptr, HFILL}},
      {&hf_mb_encrypted, {"Encrypted", "mibeacon.encrypted", FT_BOOLEAN, BASE_NONE, nullptr, 0, nullptr, HFILL}},
      {&hf_mb_mac, {"MAC", "mibeacon.mac", FT_STRING, BASE_NONE, nullptr, 0, nullptr, HFILL}},
      {&hf_mb_capability, {"Capability", "mibeacon.capability", FT_UINT8, BASE_HEX, nullptr, 0, nullptr, HFILL}},
      {&hf_mb_io_capability, {"I/O capability", "mibeacon.io_capability", FT_UINT16, BASE_HEX, nullptr, 0, nullptr, HFILL}},
      {&hf_mb_status, {"Status", "mibeacon.status", FT_STRING, BASE_NONE, nullptr, 0, "plain, decrypted, encrypted_no_key, wrong_key, malformed", HFILL}},
      {&hf_mb_reason, {"Reason", "mibeacon.reason", FT_STRING, BASE_NONE, nullptr, 0, nullptr, HFILL}},
      {&hf_mb_plaintext, {"Plaintext", "mibeacon.plaintext", FT_BYTES, BASE_NONE, nullptr, 0, nullptr, HFILL}},
      {&hf_mb_retransmission, {"Retransmission", "mibeacon.retransmission", FT_BOOLEAN, BASE_NONE, nullptr, 0, nullptr, HFILL}},
      {&hf_mb_object_id, {"Object", "mibeacon.object", FT_UINT16, BASE_HEX, nullptr, 0, nullptr, HFILL}},
      {&hf_mb_object_name, {"Object name", "mibeacon.object.name", FT_STRING, BASE_NONE, nullptr, 0, nullptr, HFILL}},
      {&hf_mb_object_data, {"Object data", "mibeacon.object.data", FT_BYTES, BASE_NONE, nullptr, 0, nullptr, HFILL}},
      {&hf_mb_temperature, {"Temperature (°C)", "mibeacon.temperature", FT_DOUBLE, BASE_NONE, nullptr, 0, nullptr, HFILL}},
      {&hf_mb_humidity, {"Humidity (%)", "mibeacon.humidity", FT_DOUBLE, BASE_NONE, nullptr, 0, nullptr, HFILL}},
      {&hf_mb_battery, {"Battery (%)", "mibeacon.battery", FT_DOUBLE, BASE_NONE, nullptr, 0, nullptr, HFILL}},
      {&hf_mb_illuminance, {"Illuminance (lx)", "mibeacon.illuminance", FT_DOUBLE, BASE_NONE, nullptr, 0, nullptr, HFILL}},
      {&hf_mb_moisture, {"Moisture (%)", "mibeacon.moisture", FT_DOUBLE, BASE_NONE, nullptr, 0, nullptr, HFILL}},
      {&hf_mb_conductivity, {"Conductivity (µS/cm)", "mibeacon.conductivity", FT_DOUBLE, BASE_NONE, nullptr, 0, nullptr, HFILL}},
  };
  static int* ett[] = {&ett_miauth, &ett_mibeacon, &ett_object};
  static ei_register_info ei[] = {
      {&ei_verified, {"miauth.verified", PI_SECURITY, PI_CHAT, "Mi auth session verified", EXPFILL}},
      {&ei_failed, {"miauth.failed", PI_SECURITY, PI_ERROR, "Mi auth verification failed", EXPFILL}},
      {&ei_other_token, {"miauth.other_token", PI_SECURITY, PI_WARN, "The device holds another token", EXPFILL}},
      {&ei_incomplete, {"miauth.incomplete", PI_SEQUENCE, PI_WARN, "Mi auth session incomplete", EXPFILL}},
      {&ei_draft_order, {"miauth.draft_byte_order", PI_PROTOCOL, PI_WARN, "Session start in the 2019 draft's byte order", EXPFILL}},
      {&ei_draft_key, {"miauth.draft_login_key", PI_PROTOCOL, PI_WARN, "The draft's 4-byte session key", EXPFILL}},
      {&ei_mac_order, {"miauth.client_mac_order", PI_PROTOCOL, PI_WARN, "Client mixed the MAC in printed order", EXPFILL}},
      {&ei_client_pid, {"miauth.client_product_id", PI_PROTOCOL, PI_WARN, "Client mixed with a wrong product id", EXPFILL}},
      {&ei_wrong_pid, {"miauth.wrong_product_id", PI_PROTOCOL, PI_NOTE, "Configured product id does not verify", EXPFILL}},
      {&ei_long_notification, {"miauth.long_login_notification", PI_UNDECODED, PI_NOTE, "Login notification longer than 4 bytes", EXPFILL}},
      {&ei_other_finding, {"miauth.diagnostic", PI_PROTOCOL, PI_WARN, "Mi auth diagnostic", EXPFILL}},
      {&ei_mb_wrong_key, {"mibeacon.wrong_key", PI_DECRYPTION, PI_WARN, "MiBeacon key does not fit", EXPFILL}},
      {&ei_mb_malformed, {"mibeacon.malformed", PI_MALFORMED, PI_WARN, "Malformed MiBeacon frame", EXPFILL}},
  };
  proto_miauth = proto_register_protocol("Xiaomi Mi Auth (FE95)", "MiAuth", "miauth");
  proto_mibeacon = proto_register_protocol("Xiaomi MiBeacon (FE95 advertising)", "MiBeacon", "mibeacon");
  proto_register_field_array(proto_miauth, hf, G_N_ELEMENTS(hf));
  proto_register_field_array(proto_mibeacon, hf_mb, G_N_ELEMENTS(hf_mb));
  proto_register_subtree_array(ett, G_N_ELEMENTS(ett));
  expert_module_t* em = expert_register_protocol(proto_miauth);
  expert_register_field_array(em, ei, G_N_ELEMENTS(ei));

  static uat_field_t key_fields[] = {
      UAT_FLD_CSTRING(keys, mac, "MAC", "Device address AA:BB:CC:DD:EE:FF"),
      UAT_FLD_CSTRING(keys, product_id, "Product id", "0-65535"),
      UAT_FLD_CSTRING(keys, token, "Token", "24 hex digits"),
      UAT_FLD_CSTRING(keys, beacon_key, "Beacon key", "24 hex digits (legacy MiBeacon)"),
      UAT_FLD_CSTRING(keys, bind_key, "Bind key", "32 hex digits (MiBeacon v4/v5)"),
      UAT_END_FIELDS};
  uat_t* uat = uat_new("Mi auth keys", sizeof(KeyRecord), "miauth_keys", TRUE, &key_records, &n_key_records,
                       UAT_AFFECTS_DISSECTION, nullptr, key_copy, key_update, key_free, nullptr, nullptr, key_fields);
  module_t* mod = prefs_register_protocol(proto_miauth, nullptr);
  prefs_register_string_preference(mod, "token", "Token", "A known 12-byte token (24 hex digits) tried on every login",
                                   &pref_token);
  prefs_register_uat_preference(mod, "keys", "Keys",
                                "Devices: mac, product_id, token, beacon_key, bind_key (the fe95 --keys file format)",
                                uat);
  register_init_routine(init_state);
  register_cleanup_routine(cleanup_state);
}

void proto_handoff() {
  handle = create_dissector_handle(dissect, proto_miauth);
  register_postdissector(handle);
  const char* wanted[] = {"btatt.opcode", "btatt.handle", "btatt.value", "btatt.service_uuid16", "btatt.uuid16",
                          "bthci_acl.chandle", "bthci_evt.code", "bthci_evt.connection_handle", "bthci_evt.reason",
                          "btcommon.eir_ad.entry.service_data", "bthci_evt.bd_addr"};
  int* ids[] = {&hf_att_opcode, &hf_att_handle, &hf_att_value, &hf_att_service16, &hf_att_uuid16, &hf_acl_chandle,
                &hf_evt_code, &hf_evt_chandle, &hf_evt_reason, &hf_service_data, &hf_evt_bd_addr};
  GArray* a = g_array_new(FALSE, FALSE, sizeof(int));
  for (std::size_t i = 0; i < G_N_ELEMENTS(wanted); ++i) {
    *ids[i] = proto_registrar_get_id_byname(wanted[i]);
    if (*ids[i] < 0) continue;
    for (header_field_info* h = proto_registrar_get_nth(static_cast<guint>(*ids[i])); h; h = h->same_name_next)
      g_array_append_val(a, h->id);
  }
  set_postdissector_wanted_hfids(handle, a);
  // Decode As fallback, `-d btatt.handle==0x0012,miauth`: declares that handle the FE95 token
  // characteristic (0x0001), for captures where neither discovery nor the traffic tells it. The
  // handle dissector returns 0 so that btatt still shows btatt.value for the postdissector.
  // btatt asserts that a handle dissector has a registered name.
  dissector_add_for_decode_as("btatt.handle", register_dissector("miauth", decode_as_token, proto_miauth));
}

}  // namespace

void plugin_register(void) {
  static proto_plugin plug;
  plug.register_protoinfo = proto_register;
  plug.register_handoff = proto_handoff;
  proto_register_plugin(&plug);
}
