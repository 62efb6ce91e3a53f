// SPDX-License-Identifier: GPL-2.0-or-later
#include "fe95/analysis/analysis.h"

namespace fe95 {

namespace {

session::EndReason end_reason(std::uint8_t reason) {
  if (reason == kReasonEndOfCapture) return session::EndReason::end_of_capture;
  if (reason == kReasonEvicted || reason == kReasonSuperseded) return session::EndReason::link_dropped;
  return session::EndReason::disconnect;
}

}  // namespace

void Analysis::on_att(const att::Event& ev) {
  sink_.on_att(ev);
  if (!ev.pdu.has_handle) return;  // the session machines need a handle (most responses carry their request's)
  const session::Input in{
      .frame = ev.rec.frame,
      .ts_ns = ev.rec.ts_ns,
      .link = ev.link.id,
      .adapter = ev.link.adapter,
      .conn = ev.link.handle,
      .link_name = ev.link.label,
      .peer = ev.link.known ? &ev.link.peer : nullptr,
      .connected_ns = ev.link.known ? ev.link.connected_ns : 0,
      .dir = ev.rec.dir,
      .opcode = ev.pdu.opcode,
      .handle = ev.pdu.handle,
      .value = ev.pdu.value,
      .role = session::role_of(ev.service, ev.attribute),
      .server = &ev.server,
      .cut = ev.cut,
  };
  tracker_.on_att(in);
  if (standard_.wants(in)) standard_.on_att(in);
  if (wear_.wants(in)) wear_.on_att(in);
}

void Analysis::rfcomm(const Record& rec, const Link& link, std::uint8_t dlci, ByteView data) {
  frame_ = rec.frame;
  const session::Input in{
      .frame = rec.frame,
      .ts_ns = rec.ts_ns,
      .link = link.id,
      .adapter = link.adapter,
      .conn = link.handle,
      .link_name = link.label,
      .peer = link.known ? &link.peer : nullptr,
      .connected_ns = link.known ? link.connected_ns : 0,
      .dir = rec.dir,
      .handle = dlci,
      .value = data,
  };
  wear_.on_rfcomm(in);
}

void Analysis::link_up(const Link& link) {
  bearers_.open(link);
}

void Analysis::link_down(const Record& rec, const Link& link, session::EndReason why) {
  frame_ = rec.frame;
  tracker_.on_link_end(rec.ts_ns, link.id, why);
  standard_.on_link_end(rec.ts_ns, link.id, why);
  wear_.on_link_end(rec.ts_ns, link.id, why);
  bearers_.close(link, rec.frame);
}

void Analysis::declare_token_handle(const Link& link, std::uint16_t handle) {
  constexpr std::uint8_t kFe95[] = {0x95, 0xfe}, kToken[] = {0x01, 0x00};
  bearers_.declare(link, handle, att::Uuid::from(kFe95), att::Uuid::from(kToken));
}

void Analysis::on_disconnect(const Record& rec, const Connection& c, std::uint8_t reason) {
  link_down(rec, c.link, end_reason(reason));
  if (c.ll) sink_.on_link(rec, c, reason);
}

void Analysis::report_eviction(const Record& rec, Code code, std::size_t cap, const BdAddr& first) {
  Diagnostic d;
  d.frame = rec.frame;
  d.offset = rec.offset;
  d.code = code;
  d.limit = cap;
  d.name = first.str();
  sink_.on_diagnostic(d);
}

void Analysis::on_learned(const session::Learned& l) {
  const std::uint64_t before = keys_.learned_evictions();
  session::apply(keys_, l);
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
  if (const auto sd = mibeacon::find_service_data(r.data)) beacon(rec, r, *sd);
}

void Analysis::try_other_roles(const Record& rec, mibeacon::Frame& f, const mibeacon::Frame& before,
                               const BdAddr& device) {
  Last* last = last_.touch(device.key());
  std::vector<BeaconKey> keys;
  if (last && last->key_in_other_role)
    keys.push_back(*last->key_in_other_role);
  else
    keys = keys_.beacon_keys_in_other_roles(device);
  for (const auto& k : keys) {
    mibeacon::Frame g = before;
    mibeacon::decrypt(g, device, k, std::nullopt);
    if (g.status != mibeacon::Status::decrypted) continue;
    f = std::move(g);
    f.key_source = Source::given_as_token;
    if (last && last->key_in_other_role) return;
    if (!last) last = &last_.get(device.key());  // the advert's own update below keeps the key
    last->key_in_other_role = k;
    // Said once per device: the token given is the device's beacon key.
    Diagnostic d;
    d.frame = rec.frame;
    d.offset = rec.offset;
    d.code = Code::key_in_other_role;
    d.name = device.str();
    d.reason = static_cast<std::uint8_t>(Source::given_as_token);
    sink_.on_diagnostic(d);
    return;
  }
}

void Analysis::beacon(const Record& rec, const hci::AdvReport& r, ByteView service_data) {
  frame_ = rec.frame;
  mibeacon::Frame f = mibeacon::parse(service_data);
  const BdAddr device = f.mac ? *f.mac : r.addr;
  if (f.status != mibeacon::Status::malformed) {
    // The advert names the device's product id: register sessions that lack one use it.
    learn_product_id(rec, device, f.product_id);
    const bool legacy_encrypted = f.status == mibeacon::Status::encrypted_no_key && f.fc.version() <= 3;
    std::optional<mibeacon::Frame> before;
    if (legacy_encrypted) before = f;
    mibeacon::decrypt(f, device, keys_.beacon_key(device), keys_.bind_key(device));
    if (before && f.status != mibeacon::Status::decrypted) try_other_roles(rec, f, *before, device);
  }
  // A retransmission repeats the frame counter and payload of the device's previous advert.
  bool retransmission = false;
  if (Last* last = last_.touch(device.key())) {
    retransmission = last->counter == f.counter && last->payload == f.payload;
    last->counter = f.counter;
    last->payload = f.payload;
  } else {
    const std::uint64_t before = last_.evictions();
    last_.get(device.key()) = Last{f.counter, f.payload, std::nullopt};
    if (!beacon_cap_reported_ && last_.evictions() > before) {
      beacon_cap_reported_ = true;
      report_eviction(rec, Code::mibeacon_device_evicted, kMaxBeaconDevices, device);
    }
  }
  sink_.on_beacon(BeaconEvent{rec, r, device, f, retransmission});
  // A piece after the last object too short to be one: a note, once per advert (not again for
  // its retransmissions), its objects kept (docs/MIBEACON.md §1).
  if (!f.trailing.empty() && !retransmission) {
    Diagnostic d;
    d.frame = rec.frame;
    d.offset = rec.offset;
    d.code = Code::mibeacon_trailing_bytes;
    d.name = device.str();
    d.count = f.trailing.size();
    d.raw_hex = to_hex(f.trailing);
    sink_.on_diagnostic(d);
  }
}

}  // namespace fe95
