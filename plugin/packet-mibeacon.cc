// SPDX-License-Identifier: GPL-2.0-or-later
// The MiBeacon postdissector: advertising service data on UUID 0xFE95 (btcommon dispatches it
// nowhere in 4.0) goes to the core's MiBeacon parser and decryption, with the capture's shared
// key store (a register's beacon key serves the adverts after it).
#include <string>
#include <unordered_map>
#include <vector>

#include "fe95/lru.h"
#include "fe95/mibeacon.h"
#include "fe95/products.h"
#include "plugin.h"

namespace fe95::plugin {

namespace {

int proto_mibeacon = -1;
int ett_mibeacon = -1, ett_mibeacon_object = -1;
int hf_mibeacon_product_id = -1, hf_mibeacon_model = -1, hf_mibeacon_counter = -1, hf_mibeacon_version = -1, hf_mibeacon_encrypted = -1,
    hf_mibeacon_fc = -1, hf_mibeacon_mac = -1, hf_mibeacon_status = -1, hf_mibeacon_reason = -1, hf_mibeacon_plaintext = -1, hf_mibeacon_object_id = -1,
    hf_mibeacon_object_name = -1, hf_mibeacon_object_data = -1, hf_mibeacon_temperature = -1, hf_mibeacon_humidity = -1, hf_mibeacon_battery = -1,
    hf_mibeacon_illuminance = -1, hf_mibeacon_moisture = -1, hf_mibeacon_conductivity = -1, hf_mibeacon_retransmission = -1,
    hf_mibeacon_capability = -1, hf_mibeacon_io_capability = -1;
expert_field ei_mibeacon_wrong_key = EI_INIT, ei_mibeacon_malformed = EI_INIT;
int hf_service_data = -1, hf_evt_bd_addr = -1;

struct Beacon {
  mibeacon::Frame frame;
  bool retransmission = false;
};
struct Last {
  std::uint8_t counter = 0;
  Bytes payload;
};
// Devices whose last advert is remembered for retransmission detection (as the CLI's).
constexpr std::size_t kMaxDevices = 4096;

struct State {
  std::unordered_map<std::uint32_t, std::vector<Beacon>> frames;
  LruMap<Last> last{kMaxDevices};
};
State* state = nullptr;

void init_state() {
  delete state;
  state = new State;
}
void cleanup_state() {
  delete state;
  state = nullptr;
}

void first_pass(packet_info* pinfo, proto_tree* tree) {
  std::vector<field_info*> addrs = fields(tree, hf_evt_bd_addr);
  for (field_info* fi : fields(tree, hf_service_data)) {
    // Service data entries whose 16-bit UUID (the two bytes before the data) is 0xFE95.
    if (!fi->ds_tvb || fi->start < 2 || tvb_captured_length_remaining(fi->ds_tvb, fi->start - 2) < 2) continue;
    if (tvb_get_letohs(fi->ds_tvb, fi->start - 2) != mibeacon::kUuid) continue;
    Beacon b;
    b.frame = mibeacon::parse(field_bytes(fi));
    BdAddr adv;
    if (!addrs.empty()) {
      const Bytes a = field_bytes(addrs[0]);
      if (a.size() == 6) adv = BdAddr::from_le(a);  // HCI carries the address little-endian
    }
    const BdAddr device = b.frame.mac ? *b.frame.mac : adv;
    KeyStore& k = keys();
    if (b.frame.status != mibeacon::Status::malformed) {
      k.learn_product_id(device, b.frame.product_id, Source::mibeacon);
      mibeacon::decrypt(b.frame, device, k.beacon_key(device), k.bind_key(device));
    }
    if (Last* last = state->last.touch(device.key())) {
      b.retransmission = last->counter == b.frame.counter && last->payload == b.frame.payload && !last->payload.empty();
      *last = {b.frame.counter, b.frame.payload};
    } else {
      state->last.get(device.key()) = {b.frame.counter, b.frame.payload};
    }
    state->frames[pinfo->num].push_back(std::move(b));
  }
}


void show(const std::vector<Beacon>& beacons, packet_info* pinfo, proto_tree* tree) {
  for (const auto& b : beacons) {
    const mibeacon::Frame& f = b.frame;
    proto_item* ti = proto_tree_add_item(tree, proto_mibeacon, nullptr, 0, 0, ENC_NA);
    proto_tree* t = proto_item_add_subtree(ti, ett_mibeacon);
    proto_item_append_text(ti, ": product id %u, v%u, %s", f.product_id, f.fc.version(), mibeacon::status_name(f.status));
    add_uint(t, hf_mibeacon_fc, f.fc.raw);
    add_uint(t, hf_mibeacon_product_id, f.product_id);
    if (const char* m = product_name(f.product_id)) add_str(t, hf_mibeacon_model, m);
    add_uint(t, hf_mibeacon_counter, f.counter);
    add_uint(t, hf_mibeacon_version, f.fc.version());
    proto_item_set_generated(proto_tree_add_boolean(t, hf_mibeacon_encrypted, nullptr, 0, 0, f.fc.encrypted()));
    if (f.mac) add_str(t, hf_mibeacon_mac, f.mac->str());
    if (f.capability) add_uint(t, hf_mibeacon_capability, *f.capability);
    if (f.io_capability) add_uint(t, hf_mibeacon_io_capability, *f.io_capability);
    proto_item* si = add_str(t, hf_mibeacon_status, mibeacon::status_name(f.status));
    if (!f.reason.empty()) add_str(t, hf_mibeacon_reason, f.reason);
    if (f.status == mibeacon::Status::wrong_key) expert_add_info(pinfo, si, &ei_mibeacon_wrong_key);
    if (f.status == mibeacon::Status::malformed) expert_add_info_format(pinfo, si, &ei_mibeacon_malformed, "%s", f.reason.c_str());
    if (!f.plaintext.empty()) add_bytes(t, hf_mibeacon_plaintext, f.plaintext);
    proto_item_set_generated(proto_tree_add_boolean(t, hf_mibeacon_retransmission, nullptr, 0, 0, b.retransmission));
    for (const auto& o : f.objects) {
      proto_item* oi = add_uint(t, hf_mibeacon_object_id, o.id);
      proto_tree* ot = proto_item_add_subtree(oi, ett_mibeacon_object);
      if (o.name) add_str(ot, hf_mibeacon_object_name, o.name);
      add_bytes(ot, hf_mibeacon_object_data, o.data);
      for (const auto& v : o.values) {
        const std::string n = v.name;
        const int hf = n == "temperature" ? hf_mibeacon_temperature : n == "humidity" ? hf_mibeacon_humidity : n == "battery" ? hf_mibeacon_battery
                       : n == "illuminance" ? hf_mibeacon_illuminance : n == "moisture" ? hf_mibeacon_moisture
                       : n == "conductivity" ? hf_mibeacon_conductivity : -1;
        if (hf >= 0) proto_item_set_generated(proto_tree_add_double(ot, hf, nullptr, 0, 0, v.value));
      }
    }
    char info[96];
    std::snprintf(info, sizeof info, "MiBeacon pid %u v%u %s", f.product_id, f.fc.version(), mibeacon::status_name(f.status));
    col_append_sep_str(pinfo->cinfo, COL_INFO, " | ", info);
  }
}

int dissect(tvbuff_t*, packet_info* pinfo, proto_tree* tree, void*) {
  try {
    if (!state) init_state();
    if (!PINFO_FD_VISITED(pinfo)) first_pass(pinfo, tree);
  } catch (...) {
    // Nothing may unwind into Wireshark.
  }
  if (!state) return 0;
  auto it = state->frames.find(pinfo->num);
  if (it != state->frames.end()) show(it->second, pinfo, tree);
  return 0;
}

}  // namespace

void register_mibeacon() {
  static hf_register_info hf_mb[] = {
      {&hf_mibeacon_fc, {"Frame control", "mibeacon.frame_control", FT_UINT16, BASE_HEX, nullptr, 0, nullptr, HFILL}},
      {&hf_mibeacon_product_id, {"Product id", "mibeacon.product_id", FT_UINT16, BASE_DEC, nullptr, 0, nullptr, HFILL}},
      {&hf_mibeacon_model, {"Model", "mibeacon.model", FT_STRING, BASE_NONE, nullptr, 0, nullptr, HFILL}},
      {&hf_mibeacon_counter, {"Frame counter", "mibeacon.counter", FT_UINT8, BASE_DEC, nullptr, 0, nullptr, HFILL}},
      {&hf_mibeacon_version, {"Version", "mibeacon.version", FT_UINT8, BASE_DEC, nullptr, 0, nullptr, HFILL}},
      {&hf_mibeacon_encrypted, {"Encrypted", "mibeacon.encrypted", FT_BOOLEAN, BASE_NONE, nullptr, 0, nullptr, HFILL}},
      {&hf_mibeacon_mac, {"MAC", "mibeacon.mac", FT_STRING, BASE_NONE, nullptr, 0, nullptr, HFILL}},
      {&hf_mibeacon_capability, {"Capability", "mibeacon.capability", FT_UINT8, BASE_HEX, nullptr, 0, nullptr, HFILL}},
      {&hf_mibeacon_io_capability, {"I/O capability", "mibeacon.io_capability", FT_UINT16, BASE_HEX, nullptr, 0, nullptr, HFILL}},
      {&hf_mibeacon_status, {"Status", "mibeacon.status", FT_STRING, BASE_NONE, nullptr, 0, "plain, decrypted, encrypted_no_key, wrong_key, malformed", HFILL}},
      {&hf_mibeacon_reason, {"Reason", "mibeacon.reason", FT_STRING, BASE_NONE, nullptr, 0, nullptr, HFILL}},
      {&hf_mibeacon_plaintext, {"Plaintext", "mibeacon.plaintext", FT_BYTES, BASE_NONE, nullptr, 0, nullptr, HFILL}},
      {&hf_mibeacon_retransmission, {"Retransmission", "mibeacon.retransmission", FT_BOOLEAN, BASE_NONE, nullptr, 0, nullptr, HFILL}},
      {&hf_mibeacon_object_id, {"Object", "mibeacon.object", FT_UINT16, BASE_HEX, nullptr, 0, nullptr, HFILL}},
      {&hf_mibeacon_object_name, {"Object name", "mibeacon.object.name", FT_STRING, BASE_NONE, nullptr, 0, nullptr, HFILL}},
      {&hf_mibeacon_object_data, {"Object data", "mibeacon.object.data", FT_BYTES, BASE_NONE, nullptr, 0, nullptr, HFILL}},
      {&hf_mibeacon_temperature, {"Temperature (°C)", "mibeacon.temperature", FT_DOUBLE, BASE_NONE, nullptr, 0, nullptr, HFILL}},
      {&hf_mibeacon_humidity, {"Humidity (%)", "mibeacon.humidity", FT_DOUBLE, BASE_NONE, nullptr, 0, nullptr, HFILL}},
      {&hf_mibeacon_battery, {"Battery (%)", "mibeacon.battery", FT_DOUBLE, BASE_NONE, nullptr, 0, nullptr, HFILL}},
      {&hf_mibeacon_illuminance, {"Illuminance (lx)", "mibeacon.illuminance", FT_DOUBLE, BASE_NONE, nullptr, 0, nullptr, HFILL}},
      {&hf_mibeacon_moisture, {"Moisture (%)", "mibeacon.moisture", FT_DOUBLE, BASE_NONE, nullptr, 0, nullptr, HFILL}},
      {&hf_mibeacon_conductivity, {"Conductivity (µS/cm)", "mibeacon.conductivity", FT_DOUBLE, BASE_NONE, nullptr, 0, nullptr, HFILL}},
  };
  static int* ett[] = {&ett_mibeacon, &ett_mibeacon_object};
  static ei_register_info ei[] = {
      {&ei_mibeacon_wrong_key, {"mibeacon.wrong_key", PI_DECRYPTION, PI_WARN, "MiBeacon key does not fit", EXPFILL}},
      {&ei_mibeacon_malformed, {"mibeacon.malformed", PI_MALFORMED, PI_WARN, "Malformed MiBeacon frame", EXPFILL}},
  };
  proto_mibeacon = proto_register_protocol("Xiaomi MiBeacon (FE95 advertising)", "MiBeacon", "mibeacon");
  proto_register_field_array(proto_mibeacon, hf_mb, G_N_ELEMENTS(hf_mb));
  proto_register_subtree_array(ett, G_N_ELEMENTS(ett));
  expert_module_t* em = expert_register_protocol(proto_mibeacon);
  expert_register_field_array(em, ei, G_N_ELEMENTS(ei));
  register_init_routine(init_state);
  register_cleanup_routine(cleanup_state);
}

void handoff_mibeacon() {
  dissector_handle_t handle = create_dissector_handle(dissect, proto_mibeacon);
  register_postdissector(handle);
  GArray* wanted = g_array_new(FALSE, FALSE, sizeof(int));
  want_field("btcommon.eir_ad.entry.service_data", hf_service_data, wanted);
  want_field("bthci_evt.bd_addr", hf_evt_bd_addr, wanted);
  set_postdissector_wanted_hfids(handle, wanted);
}

}  // namespace fe95::plugin
