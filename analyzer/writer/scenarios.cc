#include "scenarios.h"

#include "miauth_scenario.h"

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

// PROTOCOL.md §7: the kettle's token, and the token a client of another phone holds.
const miauth::Token kKettleToken{0x01, 0x5c, 0xcb, 0xa8, 0x80, 0x0a, 0xbd, 0xc1, 0x2e, 0xb8, 0xed, 0x82};
const miauth::Token kOtherToken{0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb};

MiDevice kettle() {
  MiDevice d;
  d.mac = *BdAddr::parse("C4:7C:8D:6A:12:34");
  d.pid = 275;  // yunmi.kettle.v2
  d.token = kKettleToken;
  return d;
}

// Mi Home binding a kettle: discovery, register, device id + bond result, firmware and beacon key.
// No product id anywhere in the capture: fe95 finds it by searching all 65,536.
void register_kettle(Scenario& s) {
  MiDevice d = kettle();
  s.connect(0x0040, d.mac);
  s.mtu_exchange(0x0040, 247, 23);
  RegisterOptions o;
  o.did_and_bond = true;
  mi_register(s, 0x0040, d, kKettleToken, o);
  s.disconnect(0x0040);
}

// An Android log without discovery (GATT cached), tiny controller buffers (every PDU fragmented),
// the product id read from char 0x0002, a different handle layout.
void register_nodiscovery(Scenario& s) {
  MiDevice d;
  d.mac = *BdAddr::parse("F8:24:41:ED:01:1D");
  d.pid = 339;  // Yeelight remote
  d.service_start = 0x0020;
  const miauth::Token t{0xa0, 0xa1, 0xa2, 0xa3, 0xa4, 0xa5, 0xa6, 0xa7, 0xa8, 0xa9, 0xaa, 0xab};
  s.set_acl_mtu(8);
  s.connect(0x0002, d.mac, true);
  RegisterOptions o;
  o.discovery = false;
  o.read_pid = true;
  d.firmware = "1.0.1_1";
  mi_register(s, 0x0002, d, t, o);
  s.disconnect(0x0002);
}

// A client (some third-party kettle tools) that sends the register-end constant unencrypted.
void register_plain_end(Scenario& s) {
  MiDevice d = kettle();
  s.connect(0x0040, d.mac);
  RegisterOptions o;
  o.plain_end = true;
  o.read_pid = true;
  mi_register(s, 0x0040, d, kKettleToken, o);
  s.disconnect(0x0040);
}

// Register, disconnect, reconnect and log in: the login verifies with the token just recovered.
void register_then_login(Scenario& s) {
  MiDevice d = kettle();
  s.connect(0x0040, d.mac);
  mi_register(s, 0x0040, d, kKettleToken);
  s.disconnect(0x0040);
  s.advance_us(2000000);
  s.connect(0x0041, d.mac);
  mi_login(s, 0x0041, d, kKettleToken);
  s.disconnect(0x0041);
}

// A login on its own: verifies with the kettle token (--token or the keys exported by
// register-kettle), fails with any other.
void login_kettle(Scenario& s) {
  MiDevice d = kettle();
  s.connect(0x0040, d.mac);
  LoginOptions o;
  o.discovery = true;
  o.tick = {0x5e, 0x1f, 0x07, 0xa2};
  mi_login(s, 0x0040, d, kKettleToken, o);
  s.disconnect(0x0040);
}

// The device was re-bound by another phone: the client's response fits the client's token,
// the device never confirms and drops the link.
void login_other_token(Scenario& s) {
  MiDevice d = kettle();
  s.connect(0x0040, d.mac);
  mi_login(s, 0x0040, d, kOtherToken);
  s.disconnect(0x0040);
}

// The device sends 12-byte login notifications (seen in drndos/mi-kettle-poc#2): the first 4
// bytes are the challenge / confirmation, the other 8 are not understood.
void login_long_notification(Scenario& s) {
  MiDevice d = kettle();
  s.connect(0x0040, d.mac);
  LoginOptions o;
  o.long_notifications = true;
  mi_login(s, 0x0040, d, kKettleToken, o);
  s.disconnect(0x0040);
}

void mistake_draft_register(Scenario& s) {
  MiDevice d = kettle();
  s.connect(0x0040, d.mac);
  RegisterOptions o;
  o.draft_order = true;
  mi_register(s, 0x0040, d, kKettleToken, o);
}

void mistake_draft_login(Scenario& s) {
  MiDevice d = kettle();
  s.connect(0x0040, d.mac);
  LoginOptions o;
  o.draft_order = true;
  mi_login(s, 0x0040, d, kKettleToken, o);
}

void mistake_draft_login_key(Scenario& s) {
  MiDevice d = kettle();
  s.connect(0x0040, d.mac);
  LoginOptions o;
  o.draft_key = true;
  mi_login(s, 0x0040, d, kKettleToken, o);
}

void mistake_mac_order(Scenario& s) {
  MiDevice d = kettle();
  s.connect(0x0040, d.mac);
  RegisterOptions o;
  o.client_mac = d.mac.reversed();
  o.read_pid = true;
  mi_register(s, 0x0040, d, kOtherToken, o);
}

void mistake_product_id(Scenario& s) {
  MiDevice d = kettle();
  s.connect(0x0040, d.mac);
  RegisterOptions o;
  o.client_pid = 131;  // yunmi.kettle.v1's id, for a v2 kettle
  mi_register(s, 0x0040, d, kOtherToken, o);
}

void register_cut(Scenario& s) {
  MiDevice d = kettle();
  s.connect(0x0040, d.mac);
  RegisterOptions o;
  o.cut_after_t1 = true;
  o.discovery = false;
  mi_register(s, 0x0040, d, kKettleToken, o);
}

// A Wi-Fi device bound by Mi Home: register, device id, bond result, then the Wi-Fi setup
// records (user id, SSID, password), each rc4(token, .) on char 0x0005.
void wifi_setup(Scenario& s) {
  MiDevice d;
  d.mac = *BdAddr::parse("28:6C:07:A1:B2:C3");
  d.pid = 1116;
  d.device_id = "blt.4.1a2b3c4d5e6f0";
  const miauth::Token t{0x3c, 0x2f, 0xda, 0xe6, 0x9f, 0x87, 0x46, 0x66, 0x3a, 0x7d, 0x91, 0x02};
  s.connect(0x0081, d.mac);
  s.mtu_exchange(0x0081, 247, 185);
  RegisterOptions o;
  o.did_and_bond = true;
  o.wifi_ssid = "HomeNet";
  o.wifi_password = "correct horse";
  o.read_pid = true;
  mi_register(s, 0x0081, d, t, o);
  s.disconnect(0x0081);
}

}  // namespace

const std::vector<NamedScenario>& scenarios() {
  static const std::vector<NamedScenario> list = {
      {"gatt-tour", "two interleaved LE links: discovery, MTU, reads, writes, notify, indicate, fragments",
       gatt_tour,
       {Format::btsnoop_h4, Format::btsnoop_monitor, Format::pcap_phdr, Format::pcap_phdr_ns, Format::pcapng_phdr,
        Format::pcap_monitor, Format::btsnoop_h1}},
      {"register-kettle", "Mi Home binds a kettle (pid 275, not in the capture): discovery, register, DID, bond, reads",
       register_kettle, {Format::btsnoop_h4, Format::pcapng_phdr, Format::btsnoop_monitor}},
      {"register-nodiscovery", "register without GATT discovery, 8-byte ACL buffers, product id read from 0x0002",
       register_nodiscovery, {Format::btsnoop_h4, Format::pcap_phdr}},
      {"register-plain-end", "register whose final write is the plain constant 92 AB 54 FA", register_plain_end,
       {Format::btsnoop_h4}},
      {"register-then-login", "register, reconnect, login: verified with no options", register_then_login,
       {Format::btsnoop_h4}},
      {"login-kettle", "a login on its own (token 015ccba8800abdc12eb8ed82)", login_kettle,
       {Format::btsnoop_h4, Format::pcap_phdr_ns}, 86400},
      {"login-other-token", "login with token 00112233445566778899aabb; the device holds another", login_other_token,
       {Format::btsnoop_h4}},
      {"login-long-notification", "login with 12-byte challenge and confirmation notifications",
       login_long_notification, {Format::btsnoop_h4}},
      {"mistake-draft-register", "register start in the 2019 draft's byte order; the device never answers",
       mistake_draft_register, {Format::btsnoop_h4}},
      {"mistake-draft-login", "login start in the 2019 draft's byte order", mistake_draft_login, {Format::btsnoop_h4}},
      {"mistake-draft-login-key", "login with the draft's 4-byte session key", mistake_draft_login_key,
       {Format::btsnoop_h4}},
      {"mistake-mac-order", "register by a client that mixed the MAC in printed order", mistake_mac_order,
       {Format::btsnoop_h4}},
      {"mistake-product-id", "register by a client that mixed product id 131 for a 275 kettle", mistake_product_id,
       {Format::btsnoop_h4}},
      {"register-cut", "the link drops right after T1", register_cut, {Format::btsnoop_h4}},
      {"wifi-setup", "register of a Wi-Fi device: DID, bond result, Wi-Fi SSID and password", wifi_setup,
       {Format::btsnoop_h4}},
  };
  return list;
}

const NamedScenario* find_scenario(const std::string& name) {
  for (const auto& s : scenarios())
    if (name == s.name) return &s;
  return nullptr;
}

}  // namespace fe95::writer
