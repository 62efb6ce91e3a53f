// SPDX-License-Identifier: GPL-2.0-or-later
#include "fe95/analysis.h"

namespace fe95 {

namespace {

// What discovery knows of a link, asked by the tracker only when a session starts.
class ServerDiscovery final : public miauth::Discovery {
public:
  explicit ServerDiscovery(const gatt::Server& s) : server_(s) {}
  [[nodiscard]] std::uint16_t token_handle() const override {
    return server_.find_characteristic(0xfe95, 0x0001);
  }

private:
  const gatt::Server& server_;
};

miauth::Role role_of(const AttEvent& ev) {
  if (!ev.attribute) return miauth::Role::unknown;
  if (ev.attribute->uuid.len == 16) return miauth::role_of_uuid128(ev.attribute->uuid.le);
  if (ev.attribute->uuid.len != 2) return miauth::Role::other;
  return miauth::role_of(ev.service && ev.service->uuid.len == 2 ? ev.service->uuid.u16() : 0,
                         ev.attribute->uuid.u16());
}

miauth::EndReason end_reason(std::uint8_t reason) {
  if (reason == kReasonEndOfCapture) return miauth::EndReason::end_of_capture;
  if (reason == kReasonEvicted || reason == kReasonSuperseded) return miauth::EndReason::link_dropped;
  return miauth::EndReason::disconnect;
}

}  // namespace

void Analysis::on_att(const AttEvent& ev) {
  if (!ev.pdu.has_handle) return;  // the tracker needs a handle (most responses carry their request's)
  frame_ = ev.rec.frame;
  const ServerDiscovery discovery(ev.server);
  const miauth::Input in{
      .frame = ev.rec.frame,
      .ts_ns = ev.rec.ts_ns,
      .link = ev.conn.serial,
      .key = {ev.conn.adapter, ev.conn.handle},
      .link_name = ev.conn.ll ? std::string_view(ev.conn.ll->label) : std::string_view(),
      .peer = ev.conn.known ? &ev.conn.peer : nullptr,
      .connected_ns = ev.conn.known ? ev.conn.connected_ns : 0,
      .dir = ev.rec.dir,
      .opcode = ev.pdu.opcode,
      .has_handle = true,
      .handle = ev.pdu.handle,
      .value = ev.pdu.value,
      .role = role_of(ev),
      .discovery = &discovery,
  };
  tracker_.on_att(in);
  if (standard_.wants(in)) standard_.on_att(in);
}

void Analysis::on_disconnect(const Record& rec, const Connection& c, std::uint8_t reason) {
  frame_ = rec.frame;
  tracker_.on_link_end(rec.ts_ns, c.serial, end_reason(reason));
  standard_.on_link_end(rec.ts_ns, c.serial, end_reason(reason));
  if (c.ll) sink_.on_link(rec, c, reason);
}

void Analysis::report_eviction(const Record& rec, Code code, std::size_t cap, const BdAddr& first) {
  Diagnostic d;
  d.frame = rec.frame;
  d.offset = rec.offset;
  d.code = code;
  d.message = "more than " + std::to_string(cap) + " devices (reached at " + first.str() +
              "): the least recently seen are forgotten from here on";
  sink_.on_diagnostic(d);
}

void Analysis::on_learned(const miauth::Learned& l) {
  const std::uint64_t before = keys_.learned_evictions();
  miauth::apply(keys_, l);
  if (!keys_cap_reported_ && keys_.learned_evictions() > before) {
    keys_cap_reported_ = true;
    Record r;
    r.frame = frame_;
    report_eviction(r, Code::keys_device_evicted, KeyStore::kMaxLearned, l.mac);
  }
}

void Analysis::learn_product_id(const Record& rec, const BdAddr& mac, std::uint16_t pid) {
  const std::uint64_t before = keys_.learned_evictions();
  keys_.learn_product_id(mac, pid, Source::mibeacon);
  if (!keys_cap_reported_ && keys_.learned_evictions() > before) {
    keys_cap_reported_ = true;
    report_eviction(rec, Code::keys_device_evicted, KeyStore::kMaxLearned, mac);
  }
}

void Analysis::on_advert(const Record& rec, const hci::AdvReport& r) {
  const auto sd = mibeacon::find_service_data(r.data);
  if (!sd) return;
  frame_ = rec.frame;
  mibeacon::Frame f = mibeacon::parse(*sd);
  const BdAddr device = f.mac ? *f.mac : r.addr;
  if (f.status != mibeacon::Status::malformed) {
    // The advert names the device's product id: register sessions that lack one use it.
    learn_product_id(rec, device, f.product_id);
    mibeacon::decrypt(f, device, keys_.beacon_key(device), keys_.bind_key(device));
  }
  // A retransmission repeats the frame counter and payload of the device's previous advert.
  bool retransmission = false;
  if (Last* last = last_.touch(device.key())) {
    retransmission = last->counter == f.counter && last->payload == f.payload;
    last->counter = f.counter;
    last->payload = f.payload;
  } else {
    const std::uint64_t before = last_.evictions();
    last_.get(device.key()) = Last{f.counter, f.payload};
    if (!beacon_cap_reported_ && last_.evictions() > before) {
      beacon_cap_reported_ = true;
      report_eviction(rec, Code::mibeacon_device_evicted, kMaxBeaconDevices, device);
    }
  }
  sink_.on_beacon(BeaconEvent{rec, r, device, f, retransmission});
}

}  // namespace fe95
