// SPDX-License-Identifier: GPL-2.0-or-later
#include "generate.h"

#include <sys/stat.h>

#include <random>

#include "miauth_scenario.h"
#include "mibeacon_frames.h"
#include "scenario.h"

namespace fe95::bench {

using namespace fe95::writer;

namespace {

// Counts what goes into the file.
class CountingWriter final : public Writer {
 public:
  explicit CountingWriter(std::unique_ptr<Writer> w) : w_(std::move(w)) {}
  void write(const Packet& p) override {
    ++records;
    bytes += 24 + 1 + p.data.size();  // btsnoop record header + H4 type + packet
    w_->write(p);
  }
  bool close() override { return w_->close(); }
  std::uint64_t records = 0, bytes = 16;

 private:
  std::unique_ptr<Writer> w_;
};

}  // namespace

GenerateResult generate(const std::string& path, const GenerateOptions& o) {
  CountingWriter w(open_writer(path, Format::btsnoop_h4));
  Scenario s(w, 1700000000LL * 1000000000LL);
  std::mt19937 rng(o.seed);
  GenerateResult r;
  std::vector<MiDevice> devices(o.devices);
  for (unsigned i = 0; i < o.devices; ++i) {
    MiDevice& d = devices[i];
    d.mac = *BdAddr::parse("C4:7C:8D:00:00:00");
    d.mac.le[0] = static_cast<std::uint8_t>(i);
    d.mac.le[1] = static_cast<std::uint8_t>(i >> 8);
    d.pid = static_cast<std::uint16_t>(std::vector<std::uint16_t>{131, 275, 152, 426, 1116}[i % 5]);
    d.service_start = static_cast<std::uint16_t>(0x000c + (i % 4) * 0x10);
    for (auto& b : d.token) b = static_cast<std::uint8_t>(rng());
  }
  unsigned next_handle = 1;
  const Bytes app_value(20, 0x5a);
  while (w.bytes < o.bytes) {
    // A burst of adverts and controller noise between connections.
    for (int k = 0; k < 6; ++k) {
      const MiDevice& d = devices[rng() % devices.size()];
      if (o.mibeacon_every > 1 && rng() % o.mibeacon_every != 0) {
        // Another vendor's advert: flags, a name and manufacturer data (no FE95 service data).
        s.advert(d.mac, cat({ad_flags(0x06), ad_name("LE-Sensor"), {0x09, 0xff, 0x4c, 0x00, 0x02, 0x15, 1, 2, 3, 4}}));
        continue;
      }
      BeaconSpec b;
      b.version = (k & 1) ? 5 : 2;
      b.product_id = d.pid;
      b.mac = d.mac;
      b.counter = static_cast<std::uint8_t>(rng());
      b.objects = mibeacon_object(0x100d, {0xe9, 0x00, 0x5e, 0x01});
      if (b.version == 5) {
        BindKey k16{};
        k16[0] = 1;
        b.bind_key = k16;
      }
      s.advert(d.mac, cat({ad_flags(0x06), ad_service_data16(0xfe95, mibeacon_frame(b))}));
      ++r.adverts;
    }
    s.event(0x13, {0x01, 0x40, 0x00, 0x01, 0x00});  // Number Of Completed Packets
    // One link: register (rarely without a product id read: the search costs ~20 ms) or login,
    // then application traffic, all fragmented at the LE default of 27 bytes.
    MiDevice& d = devices[rng() % devices.size()];
    const auto handle = static_cast<std::uint16_t>(next_handle);
    next_handle = next_handle % o.handles + 1;
    s.connect(handle, d.mac);
    ++r.connections;
    if (o.fe95_every > 1 && rng() % o.fe95_every != 0) {
      // A link to some other device: no FE95 session.
    } else if (rng() % 4 == 0) {
      RegisterOptions ro;
      ro.discovery = rng() % 2 == 0;
      ro.read_pid = rng() % 200 != 0;
      mi_register(s, handle, d, d.token, ro);
      ++r.registers;
    } else {
      LoginOptions lo;
      lo.tick = {static_cast<std::uint8_t>(rng()), 1, 2, 3};
      mi_login(s, handle, d, d.token, lo);
      ++r.logins;
    }
    const int app = static_cast<int>(o.app_min + (o.app_span ? rng() % o.app_span : 0));
    for (int k = 0; k < app; ++k) {
      if (k % 3 == 0)
        s.write_cmd(handle, 0x0030, app_value);
      else
        s.notify(handle, 0x0032, app_value);
    }
    s.disconnect(handle);
    for (unsigned e = 0; e < o.extra_links; ++e) {
      const auto h = static_cast<std::uint16_t>(next_handle);
      next_handle = next_handle % o.handles + 1;
      s.connect(h, devices[rng() % devices.size()].mac);
      ++r.connections;
      for (unsigned k = 0; k < o.extra_app; ++k) s.notify(h, 0x0032, app_value);
      s.disconnect(h);
    }
  }
  w.close();
  r.records = w.records;
  struct stat st {};
  if (::stat(path.c_str(), &st) == 0) r.bytes = static_cast<std::uint64_t>(st.st_size);
  return r;
}

}  // namespace fe95::bench
