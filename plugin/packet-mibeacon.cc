// SPDX-License-Identifier: GPL-2.0-or-later
// The MiBeacon tree: advertising service data on UUID 0xFE95 (btcommon dispatches it nowhere in
// 4.0) is fed to the core's analysis by the plugin's postdissector (input.cc), which parses,
// decrypts with the capture's shared key store (a register's beacon key serves the adverts after
// it) and flags retransmissions as the CLI does. This file shows what the analysis found, dissected
// from the service data bytes as Wireshark's own dissectors do it: every field points at its bytes
// (the core's parser says where each part sits), decrypted objects at a "Decrypted MiBeacon" data
// source of their own. The per-quantity fields
// (mibeacon.temperature, …) are registered from the core's quantity table (fe95/mibeacon/objects.h),
// the one the CLI's JSON keys come from.
#include <cstring>
#include <optional>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

#include "capture.h"
#include "fe95/diag.h"
#include "fe95/mibeacon/mibeacon.h"
#include "fe95/mibeacon/objects.h"
#include "fe95/mibeacon/products.h"
#include "plugin.h"

namespace fe95::plugin {

namespace {

int proto_mibeacon = -1;
int ett_mibeacon = -1, ett_mibeacon_object = -1, ett_mibeacon_fc = -1, ett_mibeacon_capability = -1;
int hf_mibeacon_product_id = -1, hf_mibeacon_model = -1, hf_mibeacon_counter = -1, hf_mibeacon_version = -1,
    hf_mibeacon_encrypted = -1, hf_mibeacon_fc = -1, hf_mibeacon_mac = -1, hf_mibeacon_status = -1,
    hf_mibeacon_reason = -1, hf_mibeacon_plaintext = -1, hf_mibeacon_object_id = -1, hf_mibeacon_object_name = -1,
    hf_mibeacon_object_data = -1, hf_mibeacon_object_length = -1, hf_mibeacon_retransmission = -1,
    hf_mibeacon_capability = -1, hf_mibeacon_io_capability = -1, hf_mibeacon_mac_included = -1,
    hf_mibeacon_capability_included = -1, hf_mibeacon_object_included = -1, hf_mibeacon_mesh = -1,
    hf_mibeacon_registered = -1, hf_mibeacon_solicited = -1, hf_mibeacon_auth_mode = -1,
    hf_mibeacon_cap_connectable = -1, hf_mibeacon_cap_central = -1, hf_mibeacon_cap_encryption = -1,
    hf_mibeacon_cap_bond = -1, hf_mibeacon_cap_io = -1, hf_mibeacon_ciphertext = -1, hf_mibeacon_ext_counter = -1,
    hf_mibeacon_mic = -1;
expert_field ei_mibeacon_wrong_key = EI_INIT, ei_mibeacon_malformed = EI_INIT, ei_mibeacon_trailing = EI_INIT;
// One field per quantity of the core's table, and one for the meaning of a coded value
// (mibeacon.<key>, mibeacon.<key>.text), indexed by mibeacon::Q.
std::vector<int> hf_quantity, hf_quantity_text;

// The label of a status, with the hint a Wireshark user needs where there is one.
std::string status_label(mibeacon::Status s) {
  std::string l = term(s).label;
  if (s == mibeacon::Status::encrypted_no_key) l += ": add the bind or beacon key in Preferences > Protocols > MiAuth";
  return l;
}

// ---- the tree: every item points at the bytes it comes from ----

// The model code ("LYWSD03MMC"), else the product id.
std::string model_of(std::uint16_t pid) {
  const char* m = product_name(pid);
  return m ? m : "pid " + std::to_string(pid);
}

// "22.5 °C, 48 %, press 2 (long_press)": the values with their units (a unitless value keeps its
// name), the first kMaxShown of them.
constexpr std::size_t kMaxShown = 12;
std::string readings(std::span<const mibeacon::Object> objects) {
  std::string out;
  std::size_t n = 0;
  for (const auto& o : objects)
    for (const auto& v : o.values) {
      if (n++ == kMaxShown) return out + ", …";
      if (!out.empty()) out += ", ";
      out += mibeacon::format_value(v, !*v.unit);
    }
  return out;
}

// The objects of a frame, in the buffer they were parsed from (the service data, or the
// decrypted data source).
void show_objects(proto_tree* t, tvbuff_t* tvb, int base, const std::vector<mibeacon::Object>& objects) {
  for (const auto& o : objects) {
    const int at = base + static_cast<int>(o.at), n = static_cast<int>(o.data.size());
    if (!fits(tvb, at, 3 + n)) return;
    proto_tree* ot =
        proto_tree_add_subtree_format(t, tvb, at, 3 + n, ett_mibeacon_object, nullptr, "Object 0x%04x%s%s%s%s%s%s",
                                      o.id, o.name ? " " : "", o.name ? o.name : "", o.values.empty() ? "" : ": ",
                                      readings({&o, 1}).c_str(), o.note.empty() ? "" : ": ", o.note.c_str());
    proto_tree_add_item(ot, hf_mibeacon_object_id, tvb, at, 2, ENC_LITTLE_ENDIAN);
    if (o.name) proto_item_set_generated(proto_tree_add_string(ot, hf_mibeacon_object_name, tvb, at, 2, o.name));
    proto_tree_add_item(ot, hf_mibeacon_object_length, tvb, at + 2, 1, ENC_NA);
    if (n > 0) proto_tree_add_item(ot, hf_mibeacon_object_data, tvb, at + 3, n, ENC_NA);
    // A value points at the object's data, or at the whole object when it has none (a press).
    const int vat = n > 0 ? at + 3 : at, vn = n > 0 ? n : 3;
    for (const auto& v : o.values) {
      const auto q = static_cast<std::size_t>(v.quantity);
      if (q >= hf_quantity.size()) continue;
      proto_tree_add_double_format_value(ot, hf_quantity[q], tvb, vat, vn, v.value, "%s",
                                         mibeacon::format_value(v, false).c_str());
      if (v.text) proto_tree_add_string(ot, hf_quantity_text[q], tvb, vat, vn, v.text);
    }
  }
}

}  // namespace

void show_mibeacon(const std::vector<BeaconView>& beacons, tvbuff_t* frame_tvb, packet_info* pinfo, proto_tree* tree) {
  if (!proto_is_protocol_enabled(find_protocol_by_id(proto_mibeacon))) return;
  std::optional<std::vector<field_info*>> sd;  // looked up only for service data outside the frame's bytes
  for (const auto& b : beacons) {
    const mibeacon::Frame& f = b.frame;
    // The service data this frame came from: in the frame's bytes, or found again in this pass's tree.
    tvbuff_t* tvb = frame_tvb;
    int base = b.in_frame, len = b.length;
    if (b.in_frame < 0) {
      if (!sd) sd = Input::fe95_service_data(tree);
      if (b.sd_index >= sd->size()) continue;
      tvb = (*sd)[b.sd_index]->ds_tvb;
      base = (*sd)[b.sd_index]->start;
      len = (*sd)[b.sd_index]->length;
    }
    if (!fits(tvb, base, len) || len < 5) continue;
    col_set_str(pinfo->cinfo, COL_PROTOCOL, "MiBeacon");
    proto_item* ti = proto_tree_add_item(tree, proto_mibeacon, tvb, base, len, ENC_NA);
    proto_tree* t = proto_item_add_subtree(ti, ett_mibeacon);
    static int* const fc_bits[] = {&hf_mibeacon_encrypted,
                                   &hf_mibeacon_mac_included,
                                   &hf_mibeacon_capability_included,
                                   &hf_mibeacon_object_included,
                                   &hf_mibeacon_mesh,
                                   &hf_mibeacon_registered,
                                   &hf_mibeacon_solicited,
                                   &hf_mibeacon_auth_mode,
                                   &hf_mibeacon_version,
                                   nullptr};
    proto_tree_add_bitmask(t, tvb, static_cast<guint>(base), hf_mibeacon_fc, ett_mibeacon_fc, fc_bits,
                           ENC_LITTLE_ENDIAN);
    proto_tree_add_item(t, hf_mibeacon_product_id, tvb, base + 2, 2, ENC_LITTLE_ENDIAN);
    if (const Product* p = find_product(f.product_id))
      proto_item_set_generated(proto_tree_add_string_format_value(t, hf_mibeacon_model, tvb, base + 2, 2, p->model,
                                                                  "%s (%s)", p->model, p->name));
    proto_tree_add_item(t, hf_mibeacon_counter, tvb, base + 4, 1, ENC_NA);
    if (f.mac && fits(tvb, base + static_cast<int>(f.mac_at), 6))
      proto_tree_add_string(t, hf_mibeacon_mac, tvb, base + static_cast<int>(f.mac_at), 6, f.mac->str().c_str());
    if (f.capability && fits(tvb, base + static_cast<int>(f.capability_at), 1)) {
      static int* const cap_bits[] = {&hf_mibeacon_cap_connectable, &hf_mibeacon_cap_central,
                                      &hf_mibeacon_cap_encryption,  &hf_mibeacon_cap_bond,
                                      &hf_mibeacon_cap_io,          nullptr};
      proto_tree_add_bitmask(t, tvb, static_cast<guint>(base) + static_cast<guint>(f.capability_at),
                             hf_mibeacon_capability, ett_mibeacon_capability, cap_bits, ENC_NA);
    }
    if (f.io_capability && fits(tvb, base + static_cast<int>(f.io_capability_at), 2))
      proto_tree_add_item(t, hf_mibeacon_io_capability, tvb, base + static_cast<int>(f.io_capability_at), 2,
                          ENC_LITTLE_ENDIAN);
    const int payload_at = base + static_cast<int>(f.payload_at);
    const int payload_n = static_cast<int>(f.payload.size());
    if (f.fc.encrypted() && f.ext_counter && fits(tvb, payload_at, payload_n + 3 + static_cast<int>(f.mic.size()))) {
      proto_tree_add_item(t, hf_mibeacon_ciphertext, tvb, payload_at, payload_n, ENC_NA);
      proto_tree_add_item(t, hf_mibeacon_ext_counter, tvb, payload_at + payload_n, 3, ENC_LITTLE_ENDIAN);
      proto_tree_add_item(t, hf_mibeacon_mic, tvb, payload_at + payload_n + 3, static_cast<int>(f.mic.size()), ENC_NA);
    }
    proto_item* si =
        proto_tree_add_string_format_value(t, hf_mibeacon_status, tvb, base, len, mibeacon::status_name(f.status),
                                           "%s (%s)", status_label(f.status).c_str(), mibeacon::status_name(f.status));
    proto_item_set_generated(si);
    if (!f.reason.empty())
      proto_item_set_generated(proto_tree_add_string(t, hf_mibeacon_reason, tvb, base, len, f.reason.c_str()));
    if (f.status == mibeacon::Status::wrong_key)
      expert_add_info_format(pinfo, si, &ei_mibeacon_wrong_key, "%s", f.reason.c_str());
    if (f.status == mibeacon::Status::malformed)
      expert_add_info_format(pinfo, si, &ei_mibeacon_malformed, "%s", f.reason.c_str());
    if (!f.trailing.empty())
      expert_add_info_format(pinfo, si, &ei_mibeacon_trailing, "%s (%s)",
                             code_info(Code::mibeacon_trailing_bytes).meaning, to_hex(f.trailing).c_str());
    proto_item_set_generated(proto_tree_add_boolean(t, hf_mibeacon_retransmission, tvb, base, len, b.retransmission));
    if (!f.plaintext.empty()) {
      // The decrypted objects: a data source of their own (a bytes tab in the GUI).
      const auto n = static_cast<guint>(f.plaintext.size());
      auto* copy = static_cast<guint8*>(wmem_memdup(pinfo->pool, f.plaintext.data(), n));
      tvbuff_t* dtvb = tvb_new_child_real_data(frame_tvb, copy, n, static_cast<gint>(n));
      add_new_data_source(pinfo, dtvb, "Decrypted MiBeacon");
      proto_tree_add_item(t, hf_mibeacon_plaintext, dtvb, 0, static_cast<int>(n), ENC_NA);
      show_objects(t, dtvb, 0, f.objects);
    } else if (!f.fc.encrypted()) {
      show_objects(t, tvb, payload_at, f.objects);
    }
    // The Info column: the model and what it says.
    std::string info = "MiBeacon " + model_of(f.product_id) + ": ";
    const std::string r = readings(f.objects);
    if (!r.empty())
      info += r;
    else if (f.status == mibeacon::Status::encrypted_no_key)
      info += "encrypted, no key";
    else if (f.status == mibeacon::Status::wrong_key)
      info += "wrong key";
    else if (f.status == mibeacon::Status::malformed)
      info += "malformed";
    else if (f.objects.empty())
      info += "no objects";
    else
      info += std::to_string(f.objects.size()) + (f.objects.size() == 1 ? " object" : " objects");
    if (b.retransmission) info += " (retransmission)";
    proto_item_append_text(ti, ": %s", info.c_str() + std::strlen("MiBeacon "));
    col_append_sep_str(pinfo->cinfo, COL_INFO, " | ", info.c_str());
  }
}

namespace {

const value_string kAuthModes[] = {
    {0, "legacy (RC4)"}, {1, "secure auth"}, {2, "standard auth"}, {3, "reserved"}, {0, nullptr}};
const value_string kBondAbility[] = {
    {0, "no binding"}, {1, "front binding"}, {2, "back binding"}, {3, "combo"}, {0, nullptr}};

}  // namespace

void register_mibeacon() {
  static const std::string mibeacon_statuses = names_of(mibeacon::status_terms());
  static hf_register_info hf_mb[] = {
      {&hf_mibeacon_fc, {"Frame control", "mibeacon.frame_control", FT_UINT16, BASE_HEX, nullptr, 0, nullptr, HFILL}},
      {&hf_mibeacon_encrypted, {"Encrypted", "mibeacon.encrypted", FT_BOOLEAN, 16, nullptr, 0x0008, nullptr, HFILL}},
      {&hf_mibeacon_mac_included,
       {"MAC included", "mibeacon.frame_control.mac", FT_BOOLEAN, 16, nullptr, 0x0010, nullptr, HFILL}},
      {&hf_mibeacon_capability_included,
       {"Capability included", "mibeacon.frame_control.capability", FT_BOOLEAN, 16, nullptr, 0x0020, nullptr, HFILL}},
      {&hf_mibeacon_object_included,
       {"Objects included", "mibeacon.frame_control.objects", FT_BOOLEAN, 16, nullptr, 0x0040, nullptr, HFILL}},
      {&hf_mibeacon_mesh, {"Mesh", "mibeacon.frame_control.mesh", FT_BOOLEAN, 16, nullptr, 0x0080, nullptr, HFILL}},
      {&hf_mibeacon_registered,
       {"Registered", "mibeacon.frame_control.registered", FT_BOOLEAN, 16, nullptr, 0x0100, "bound to a Mi account",
        HFILL}},
      {&hf_mibeacon_solicited,
       {"Solicited", "mibeacon.frame_control.solicited", FT_BOOLEAN, 16, nullptr, 0x0200, "asks to be bound", HFILL}},
      {&hf_mibeacon_auth_mode,
       {"Auth mode", "mibeacon.frame_control.auth_mode", FT_UINT16, BASE_DEC, VALS(kAuthModes), 0x0c00, nullptr,
        HFILL}},
      {&hf_mibeacon_version, {"Version", "mibeacon.version", FT_UINT16, BASE_DEC, nullptr, 0xf000, nullptr, HFILL}},
      {&hf_mibeacon_product_id, {"Product id", "mibeacon.product_id", FT_UINT16, BASE_DEC, nullptr, 0, nullptr, HFILL}},
      {&hf_mibeacon_model,
       {"Model", "mibeacon.model", FT_STRING, BASE_NONE, nullptr, 0, "the product id's model name", HFILL}},
      {&hf_mibeacon_counter, {"Frame counter", "mibeacon.counter", FT_UINT8, BASE_DEC, nullptr, 0, nullptr, HFILL}},
      {&hf_mibeacon_mac,
       {"MAC", "mibeacon.mac", FT_STRING, BASE_NONE, nullptr, 0, "over the air in reverse order, shown as printed",
        HFILL}},
      {&hf_mibeacon_capability, {"Capability", "mibeacon.capability", FT_UINT8, BASE_HEX, nullptr, 0, nullptr, HFILL}},
      {&hf_mibeacon_cap_connectable,
       {"Connectable", "mibeacon.capability.connectable", FT_BOOLEAN, 8, nullptr, 0x01, nullptr, HFILL}},
      {&hf_mibeacon_cap_central,
       {"Central", "mibeacon.capability.central", FT_BOOLEAN, 8, nullptr, 0x02, nullptr, HFILL}},
      {&hf_mibeacon_cap_encryption,
       {"Encryption", "mibeacon.capability.encryption", FT_BOOLEAN, 8, nullptr, 0x04, nullptr, HFILL}},
      {&hf_mibeacon_cap_bond,
       {"Bond ability", "mibeacon.capability.bond", FT_UINT8, BASE_DEC, VALS(kBondAbility), 0x18, nullptr, HFILL}},
      {&hf_mibeacon_cap_io,
       {"I/O capability included", "mibeacon.capability.io", FT_BOOLEAN, 8, nullptr, 0x20, nullptr, HFILL}},
      {&hf_mibeacon_io_capability,
       {"I/O capability", "mibeacon.io_capability", FT_UINT16, BASE_HEX, nullptr, 0, nullptr, HFILL}},
      {&hf_mibeacon_ciphertext, {"Ciphertext", "mibeacon.ciphertext", FT_BYTES, BASE_NONE, nullptr, 0, nullptr, HFILL}},
      {&hf_mibeacon_ext_counter,
       {"Extended counter", "mibeacon.ext_counter", FT_UINT24, BASE_DEC, nullptr, 0, nullptr, HFILL}},
      {&hf_mibeacon_mic, {"MIC", "mibeacon.mic", FT_BYTES, BASE_NONE, nullptr, 0, nullptr, HFILL}},
      {&hf_mibeacon_status,
       {"Status", "mibeacon.status", FT_STRING, BASE_NONE, nullptr, 0, mibeacon_statuses.c_str(), HFILL}},
      {&hf_mibeacon_reason, {"Reason", "mibeacon.reason", FT_STRING, BASE_NONE, nullptr, 0, nullptr, HFILL}},
      {&hf_mibeacon_plaintext,
       {"Plaintext", "mibeacon.plaintext", FT_BYTES, BASE_NONE, nullptr, 0, "the decrypted objects", HFILL}},
      {&hf_mibeacon_retransmission,
       {"Retransmission", "mibeacon.retransmission", FT_BOOLEAN, BASE_NONE, nullptr, 0,
        "same frame counter and payload as the device's advert before", HFILL}},
      {&hf_mibeacon_object_id, {"Object", "mibeacon.object", FT_UINT16, BASE_HEX, nullptr, 0, nullptr, HFILL}},
      {&hf_mibeacon_object_name,
       {"Object name", "mibeacon.object.name", FT_STRING, BASE_NONE, nullptr, 0, nullptr, HFILL}},
      {&hf_mibeacon_object_length,
       {"Object length", "mibeacon.object.length", FT_UINT8, BASE_DEC, nullptr, 0, nullptr, HFILL}},
      {&hf_mibeacon_object_data,
       {"Object data", "mibeacon.object.data", FT_BYTES, BASE_NONE, nullptr, 0, nullptr, HFILL}},
  };
  static int* ett[] = {&ett_mibeacon, &ett_mibeacon_object, &ett_mibeacon_fc, &ett_mibeacon_capability};
  static ei_register_info ei[] = {
      {&ei_mibeacon_wrong_key,
       {"mibeacon.expert.wrong_key", PI_DECRYPTION, PI_WARN, "MiBeacon key does not fit", EXPFILL}},
      {&ei_mibeacon_malformed,
       {"mibeacon.expert.malformed", PI_MALFORMED, PI_WARN, "Malformed MiBeacon frame", EXPFILL}},
      {&ei_mibeacon_trailing,
       {"mibeacon.expert.trailing_bytes", PI_PROTOCOL, PI_NOTE, code_info(Code::mibeacon_trailing_bytes).meaning,
        EXPFILL}},
  };
  proto_mibeacon = proto_register_protocol("Xiaomi MiBeacon (FE95 advertising)", "MiBeacon", "mibeacon");
  proto_register_field_array(proto_mibeacon, hf_mb, G_N_ELEMENTS(hf_mb));
  // The quantities' fields, from the core's table: "Temperature (°C)" mibeacon.temperature, and
  // "Press meaning" mibeacon.press.text for coded ones. Names and the array live as long as the
  // plugin (Wireshark keeps pointers to them).
  const auto qs = mibeacon::quantities();
  hf_quantity.assign(qs.size(), -1);
  hf_quantity_text.assign(qs.size(), -1);
  static std::vector<std::string> names;
  static std::vector<hf_register_info> hf_q;
  names.reserve(4 * qs.size());
  hf_q.reserve(2 * qs.size());
  for (std::size_t i = 0; i < qs.size(); ++i) {
    const mibeacon::Quantity& q = qs[i];
    names.push_back(std::string(q.label) + (*q.unit ? std::string(" (") + q.unit + ")" : ""));
    names.push_back(std::string("mibeacon.") + q.key);
    hf_q.push_back({&hf_quantity[i],
                    {names[names.size() - 2].c_str(), names.back().c_str(), FT_DOUBLE, BASE_NONE, nullptr, 0,
                     q.description, HFILL}});
    if (!q.coded) continue;
    names.push_back(std::string(q.label) + " meaning");
    names.push_back(std::string("mibeacon.") + q.key + ".text");
    hf_q.push_back({&hf_quantity_text[i],
                    {names[names.size() - 2].c_str(), names.back().c_str(), FT_STRING, BASE_NONE, nullptr, 0,
                     q.description, HFILL}});
  }
  proto_register_field_array(proto_mibeacon, hf_q.data(), static_cast<int>(hf_q.size()));
  proto_register_subtree_array(ett, G_N_ELEMENTS(ett));
  expert_module_t* em = expert_register_protocol(proto_mibeacon);
  expert_register_field_array(em, ei, G_N_ELEMENTS(ei));
}

}  // namespace fe95::plugin
