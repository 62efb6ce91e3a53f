#include "scenarios.h"

namespace fe95::writer {

namespace {

const BdAddr kPhone = *BdAddr::parse("11:22:33:44:55:66");

// Two LE links whose fragmented PDUs interleave on the wire, with full discovery, an MTU
// exchange, reads, writes, notifications, an indication and an error -- the ATT layer's tour.
void gatt_tour(Scenario& s) {
  const BdAddr a = *BdAddr::parse("C4:7C:8D:6A:12:34");
  const BdAddr b = *BdAddr::parse("A4:C1:38:00:11:22");
  GattDb db = standard_services();
  db.push_back(mi_service(0x000c));
  db.push_back(Service{0x001d, 0x0022, uuid128("01344736-0000-1000-8000-262837236156"),
                       {{0x001e, uuid128("0000aa01-0000-1000-8000-00805f9b34fb"), 0x12, true},
                        {0x0021, uuid128("0000aa02-0000-1000-8000-262837236156"), 0x0a, false}}});
  s.connect(0x0040, a);
  s.connect(0x0041, b, true);
  s.mtu_exchange(0x0040, 247, 185);
  s.mtu_exchange(0x0041, 247, 247);
  s.discover(0x0040, db);
  s.discover_service_by_uuid(0x0041, db, uuid16(0xfe95));
  s.read(0x0040, 0x0003, {'M', 'i', ' ', 'K', 'e', 't', 't', 'l', 'e'});
  s.read_error(0x0040, 0x0019, 0x02);
  s.write_req(0x0040, 0x0013, {0x01, 0x00});
  s.notify(0x0040, 0x001f, {0x01, 0x02, 0x03});
  s.indicate(0x0040, 0x000a, {0x01, 0x00, 0xff, 0xff});
  // Interleave fragments of a long write on 0x0040 with a long notification on 0x0041.
  std::vector<std::uint8_t> big(60), big2(50);
  for (std::size_t i = 0; i < big.size(); ++i) big[i] = static_cast<std::uint8_t>(i);
  for (std::size_t i = 0; i < big2.size(); ++i) big2[i] = static_cast<std::uint8_t>(0xa0 + i);
  std::vector<std::uint8_t> w{0x52, 0x22, 0x00}, n{0x1b, 0x1f, 0x00};
  w.insert(w.end(), big.begin(), big.end());
  n.insert(n.end(), big2.begin(), big2.end());
  auto fa = s.fragments(0x0040, Direction::sent, 0x0004, w);
  auto fb = s.fragments(0x0041, Direction::rcvd, 0x0004, n);
  for (std::size_t i = 0; i < std::max(fa.size(), fb.size()); ++i) {
    if (i < fa.size()) s.acl(Direction::sent, fa[i]);
    if (i < fb.size()) s.acl(Direction::rcvd, fb[i]);
  }
  s.write_cmd(0x0041, 0x0012, {0x90, 0xca, 0x85, 0xde});
  s.disconnect(0x0040);
  s.disconnect(0x0041, 0x08);
  (void)kPhone;
}

}  // namespace

const std::vector<NamedScenario>& scenarios() {
  static const std::vector<NamedScenario> list = {
      {"gatt-tour", "two interleaved LE links: discovery, MTU, reads, writes, notify, indicate, fragments",
       gatt_tour,
       {Format::btsnoop_h4, Format::btsnoop_monitor, Format::pcap_phdr, Format::pcap_phdr_ns, Format::pcapng_phdr,
        Format::pcap_monitor, Format::btsnoop_h1}},
  };
  return list;
}

const NamedScenario* find_scenario(const std::string& name) {
  for (const auto& s : scenarios())
    if (name == s.name) return &s;
  return nullptr;
}

}  // namespace fe95::writer
