#include "fe95/analysis.h"

#include <algorithm>

namespace fe95 {

void Analysis::on_advert(const Record& rec, const hci::AdvReport& r) {
  const auto sd = mibeacon::find_service_data(r.data);
  if (!sd) return;
  mibeacon::Frame f = mibeacon::parse(*sd);
  const BdAddr device = f.mac ? *f.mac : r.addr;
  if (f.status != mibeacon::Status::malformed) {
    // The advert names the device's product id: register sessions that lack one use it.
    keys_.learn_product_id(device, f.product_id, Source::mibeacon);
    mibeacon::decrypt(f, device, keys_.beacon_key(device), keys_.bind_key(device));
  }
  // A retransmission repeats the frame counter and payload of the device's previous advert.
  bool retransmission = false;
  auto it = last_.find(device.key());
  if (it != last_.end()) {
    retransmission = it->second.counter == f.counter && it->second.payload == f.payload;
    it->second.counter = f.counter;
    it->second.payload = f.payload;
  } else {
    // Bounded whatever a capture holds: past the cap, forget them all (a retransmission is then
    // missed once per device, nothing else).
    if (last_.size() >= kMaxBeaconDevices) last_.clear();
    last_.emplace(device.key(), Last{f.counter, f.payload});
  }
  sink_.on_beacon(BeaconEvent{rec, r, device, f, retransmission});
}

}  // namespace fe95
