// SPDX-License-Identifier: GPL-2.0-or-later
#include "scenarios.h"

#include <array>
#include <cmath>
#include <map>

#include "miauth_scenario.h"
#include "mibeacon_frames.h"
#include "miwear_frames.h"
#include "std_scenario.h"

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
  db.push_back(Service{0x001d,
                       0x0022,
                       uuid128("01344736-0000-1000-8000-262837236156"),
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

// docs/PROTOCOL.md §7: the kettle's token, and the token a client of another phone holds.
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

// The same register heard by a sniffer that joined after the CONNECT_IND: the link is known by its
// access address only; the device address must come from --mac (8-byte LL fragments throughout).
void register_midconnection(Scenario& s) {
  s.set_air_join_late(true);
  register_nodiscovery(s);
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

// One link, two sessions: a register, then a login by a client holding another token, with no
// disconnection between them. The register ends at the login's start (next_session); the login
// fails (token_mismatch) once the device drops the link.
void register_then_wrong_login(Scenario& s) {
  MiDevice d = kettle();
  s.connect(0x0040, d.mac);
  mi_register(s, 0x0040, d, kKettleToken);
  s.advance_us(500000);
  mi_login(s, 0x0040, d, kOtherToken);
  s.disconnect(0x0040);
}

// Two controllers (Linux monitor adapter indexes 0 and 1) each connect a different kettle under
// the same connection handle 0x0040, both links up at once: sessions are per (adapter, handle).
void two_adapters_same_handle(Scenario& s) {
  MiDevice a = kettle();
  MiDevice b = kettle();
  b.mac = *BdAddr::parse("C4:7C:8D:6A:56:78");
  b.pid = 131;
  const miauth::Token tb{0xb0, 0xb1, 0xb2, 0xb3, 0xb4, 0xb5, 0xb6, 0xb7, 0xb8, 0xb9, 0xba, 0xbb};
  s.set_adapter(0);
  s.connect(0x0040, a.mac);
  s.set_adapter(1);
  s.connect(0x0040, b.mac);
  s.set_adapter(0);
  mi_register(s, 0x0040, a, kKettleToken);
  s.set_adapter(1);
  mi_register(s, 0x0040, b, tb);
  s.set_adapter(0);
  s.disconnect(0x0040);
  s.set_adapter(1);
  s.disconnect(0x0040);
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

Bytes temp_humidity(int tenths_c, int tenths_pct) {
  return mibeacon_object(0x100d, {static_cast<std::uint8_t>(tenths_c), static_cast<std::uint8_t>(tenths_c >> 8),
                                  static_cast<std::uint8_t>(tenths_pct), static_cast<std::uint8_t>(tenths_pct >> 8)});
}

void advert(Scenario& s, const BdAddr& addr, const BeaconSpec& b, bool extended = false) {
  s.advert(addr, cat({ad_flags(0x06), ad_service_data16(0xfe95, mibeacon_frame(b))}), extended);
}

// A sensor (cleargrass, pid 426) advertising plain v2 frames, then registered from a capture that
// starts mid-connection (no connection event, no discovery, no product id read): its MAC and
// product id come from the adverts. Afterwards its adverts are v3 and encrypted with the beacon
// key the register read from 0x0014: decrypted with no option.
void register_mibeacon(Scenario& s) {
  MiDevice d;
  d.mac = *BdAddr::parse("58:2D:34:10:20:30");
  d.pid = 426;
  d.beacon_key = {0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb, 0xcc};
  const miauth::Token t{0x9e, 0x0f, 0x61, 0x32, 0x5b, 0xd7, 0x71, 0x0c, 0xd4, 0x4e, 0x5a, 0x20};
  BeaconSpec b;
  b.version = 2;
  b.product_id = d.pid;
  b.mac = d.mac;
  for (std::uint8_t i = 0; i < 3; ++i) {
    b.counter = i;
    b.objects = temp_humidity(215 + i, 480);
    advert(s, d.mac, b);
    advert(s, d.mac, b);  // advertisers repeat each frame: a retransmission
    s.advance_us(100000);
  }
  RegisterOptions o;
  o.discovery = false;
  mi_register(s, 0x0040, d, t, o);
  s.disconnect(0x0040);
  b.version = 3;
  b.beacon_key = d.beacon_key;
  for (std::uint8_t i = 3; i < 6; ++i) {
    b.counter = i;
    b.ext_counter = i;
    b.objects = cat({temp_humidity(220 + i, 475), mibeacon_object(0x100a, {87})});
    advert(s, d.mac, b);
    s.advance_us(100000);
  }
}

// MiBeacon versions 2-5, plain and encrypted, legacy and extended advertising reports, a
// capability frame with I/O capability, and frames that are malformed on purpose.
// Keys: beacon key 112233445566778899aabbcc (v2/v3), bind key 000102030405060708090a0b0c0d0e0f (v4/v5).
void mibeacon_tour(Scenario& s) {
  const BdAddr a = *BdAddr::parse("A4:C1:38:86:4F:28"), k = *BdAddr::parse("C4:7C:8D:6A:12:34"),
               f = *BdAddr::parse("C4:7C:8D:6B:00:01");
  const BeaconKey legacy{0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb, 0xcc};
  const BindKey bind{0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f};
  BeaconSpec cap;  // capability frame with an I/O capability (spec: 2 bytes)
  cap.version = 5;
  cap.product_id = 0x055b;
  cap.mac = a;
  cap.capability = 0x28;
  cap.io_capability = 0x0001;
  advert(s, a, cap);
  BeaconSpec v2;  // kettle state, plain
  v2.version = 2;
  v2.product_id = 275;
  v2.mac = k;
  v2.counter = 7;
  v2.objects = mibeacon_object(0x1005, {0x01, 0x5a});
  advert(s, k, v2);
  BeaconSpec v3 = v2;  // encrypted with the beacon key
  v3.version = 3;
  v3.counter = 8;
  v3.ext_counter = 0x000102;
  v3.beacon_key = legacy;
  v3.objects = mibeacon_object(0x1001, {0x00, 0x00, 0x00});
  advert(s, k, v3);
  BeaconSpec v4;  // plant sensor, v4 encrypted with a bind key, in an extended report
  v4.version = 4;
  v4.product_id = 152;
  v4.mac = f;
  v4.counter = 1;
  v4.ext_counter = 5;
  v4.bind_key = bind;
  v4.objects = cat({mibeacon_object(0x1008, {42}), mibeacon_object(0x1009, {0x2c, 0x01})});
  advert(s, f, v4, true);
  BeaconSpec v5 = v4;  // v5 without the MAC field: the nonce uses the advertiser address
  v5.version = 5;
  v5.include_mac = false;
  v5.counter = 2;
  v5.objects = mibeacon_object(0x1007, {0xe8, 0x03, 0x00});
  advert(s, f, v5);
  v5.counter = 3;
  v5.objects = mibeacon_object(0x4803, {64});
  advert(s, f, v5, true);
  // Malformed: a MAC announced but cut short; an object running past the end.
  s.advert(a, cat({ad_flags(0x06), ad_service_data16(0xfe95, {0x30, 0x50, 0x5b, 0x05, 0x09, 0x28, 0x4f})}));
  s.advert(a, cat({ad_flags(0x06), ad_service_data16(0xfe95, {0x40, 0x20, 0x5b, 0x05, 0x0a, 0x0d, 0x10, 0x04, 0xe9})}));
}

// ---- MiBeacon objects and readings (docs/MIBEACON.md) ----

// One advert of every object id fe95 decodes, each from a product that sends it (the data as the
// public adverts and tests of docs/MIBEACON.md carry it; objects of the MIoT object definition
// alone come from a development board, pid 156). Three devices encrypt: the LYWSD03MMC and the
// S400 scale with a bind key (v5), the dimmer with a beacon key (v3) (kMiBeaconObjectKeys).
struct ObjectAdvert {
  std::uint16_t pid;
  std::uint16_t id;
  const char* data;
};
// clang-format off
constexpr ObjectAdvert kObjectAdverts[] = {
    {0x009c, 0x0002, "0110"}, {0x03dd, 0x0003, "01"}, {0x069e, 0x0006, "ffffffff00"}, {0x069e, 0x0007, "00c5aecd62"},
    {0x069e, 0x0008, "01"}, {0x009c, 0x0009, "0200"}, {0x0391, 0x000a, "750d"}, {0x069e, 0x000b, "20020001807c442f61"},
    {0x009c, 0x000c, "01"}, {0x009c, 0x000d, "04"}, {0x009c, 0x000e, "01"}, {0x07f6, 0x000f, "640000"},
    {0x0a83, 0x000f, "640000"}, {0x0489, 0x0010, "0003"}, {0x009c, 0x0011, "02"}, {0x009c, 0x0012, "dc0502"},
    {0x0153, 0x1001, "000000"}, {0x068e, 0x1001, "030002"}, {0x04e6, 0x1001, "040000"}, {0x03bf, 0x1001, "080000"},
    {0x04e1, 0x1001, "010000"}, {0x03b6, 0x1001, "000103"}, {0x03b6, 0x1001, "010203"}, {0x03b6, 0x1001, "00ff04"},
    {0x1568, 0x1001, "000000"}, {0x1569, 0x1001, "020002"}, {0x0dfd, 0x1001, "060001"}, {0x07bf, 0x1001, "000001"},
    {0x009c, 0x1002, "01"}, {0x009c, 0x1003, "ba"}, {0x0098, 0x1004, "c400"}, {0x0083, 0x1005, "0154"},
    {0x055b, 0x1006, "d301"}, {0x0098, 0x1007, "a08601"}, {0x098b, 0x1007, "640000"}, {0x0098, 0x1008, "40"},
    {0x0098, 0x1009, "5702"}, {0x055b, 0x100a, "5d"}, {0x055b, 0x100d, "1001ea01"}, {0x0380, 0x100e, "05"},
    {0x009c, 0x100f, "01"}, {0x02df, 0x1010, "7d00"}, {0x009c, 0x1011, "01"}, {0x040a, 0x1012, "01"},
    {0x040a, 0x1013, "5a"}, {0x0863, 0x1014, "01"}, {0x0997, 0x1015, "01"}, {0x009c, 0x1016, "01"},
    {0x07f6, 0x1017, "78000000"}, {0x098b, 0x1018, "01"}, {0x098b, 0x1019, "02"}, {0x009c, 0x101a, "351b"},
    {0x0a8d, 0x101b, "1e000000"}, {0x009c, 0x101c, "01"}, {0x00db, 0x2000, "c60d630d51"}, {0x009c, 0x2001, "8813013c"},
    {0x009c, 0x2002, "0302"}, {0x009c, 0x2003, "401f4801"}, {0x009c, 0x3000, "01"}, {0x009c, 0x3001, "01"},
    {0x009c, 0x3002, "02"}, {0x0806, 0x3003, "0103629d6453"}, {0x55b5, 0x4801, "9a99c941"}, {0x55b5, 0x4802, "27"},
    {0x3f4c, 0x4803, "64"}, {0x1889, 0x4804, "01"}, {0x50fb, 0x4805, "00002d43"}, {0x3f0f, 0x4806, "01"},
    {0x009c, 0x4808, "33335342"}, {0x78d1, 0x480c, "00"}, {0x20db, 0x4810, "01"}, {0x20db, 0x4811, "01"},
    {0x2aeb, 0x4818, "3c00"}, {0x3f4c, 0x483c, "01"}, {0x3f4c, 0x483d, "781e0000"}, {0x3f4c, 0x483e, "78000000"},
    {0x3f4c, 0x483f, "3c000000"}, {0x3f4c, 0x4840, "78000000"}, {0x50fb, 0x484e, "1f"}, {0x4683, 0x484e, "02"},
    {0x009c, 0x484f, "05"}, {0x009c, 0x4850, "02"}, {0x6a0f, 0x4851, "01"}, {0x6a0f, 0x4852, "01"},
    {0x6375, 0x487b, "01"}, {0x009c, 0x4a01, "01"}, {0x2aeb, 0x4a08, "00006443"}, {0x38bb, 0x4a0c, ""},
    {0x5968, 0x4a0d, "01"}, {0x5968, 0x4a0e, "01"}, {0x1889, 0x4a0f, "01"}, {0x1889, 0x4a12, "02"},
    {0x1889, 0x4a13, "01"}, {0x1889, 0x4a1a, "01"}, {0x009c, 0x4a1c, "01"}, {0x6375, 0x4a68, "02"},
    {0x2542, 0x4c01, "cdccd041"}, {0x16e4, 0x4c02, "3a"}, {0x2aeb, 0x4c03, "64"}, {0x1203, 0x4c08, "00003442"},
    {0x3a61, 0x4c14, "02"}, {0x009c, 0x4e01, "00"}, {0x1949, 0x4e0c, "02"}, {0x2387, 0x4e0d, ""},
    {0x1c10, 0x4e0c, "0f"}, {0x64c5, 0x4e0e, "04"}, {0x4c04, 0x4e16, "01511800008a1b1169"}, {0x18e3, 0x4e16, "01"},
    {0x18e3, 0x4e17, "01"}, {0x009c, 0x4e1c, ""}, {0x009c, 0x5003, "5a"}, {0x20db, 0x5010, "00"},
    {0x20db, 0x5011, "00"}, {0x20db, 0x5403, "4c"}, {0x6a0f, 0x5413, "01"}, {0x3a61, 0x5414, "01"},
    {0x59fc, 0x5422, "02"}, {0x3a61, 0x5601, "01"}, {0x3a61, 0x560c, "03"}, {0x3a61, 0x560d, "01"},
    {0x520b, 0x560e, ""}, {0x59fc, 0x5810, "01"}, {0x20db, 0x5a16, "03"}, {0x64c5, 0x6012, "27"},
    {0x64c5, 0x605d, "19"}, {0x59fc, 0x6461, "01"}, {0x3bd5, 0x6e16, "01bb52e154ed26f767"},
    {0x3bd5, 0x6e16, "010000c04ded26f767"},
    // Shown raw: an unknown id, a known id with another length, a KS1 object from another device.
    {0x009c, 0x1234, "aabbcc"}, {0x009c, 0x1004, "e9"}, {0x01aa, 0x560d, "01"},
};
// clang-format on

// The advertiser of a product in these scenarios: C4:7C:8D:22:<product id>.
BdAddr product_device(std::uint16_t pid) {
  return BdAddr::from_le(std::array<std::uint8_t, 6>{static_cast<std::uint8_t>(pid),
                                                     static_cast<std::uint8_t>(pid >> 8), 0x22, 0x8d, 0x7c, 0xc4});
}

void mibeacon_objects(Scenario& s) {
  const BindKey sensor_key{0x5a, 0x1e, 0x70, 0x4b, 0x23, 0x9c, 0x81, 0x06,
                           0xd2, 0x3f, 0x44, 0xe5, 0x10, 0x77, 0xa8, 0x3b};
  const BindKey scale_key{0x07, 0x28, 0x97, 0x4d, 0x65, 0x7a, 0x4b, 0x60,
                          0x96, 0x4c, 0x1b, 0x16, 0x77, 0xf3, 0x5f, 0x7c};
  const BeaconKey dimmer_key{0xb8, 0x53, 0x07, 0x51, 0x58, 0x48, 0x7c, 0xa3, 0x9a, 0x5b, 0x5e, 0xa9};
  std::map<std::uint16_t, std::uint8_t> counter;
  for (const auto& a : kObjectAdverts) {
    BeaconSpec b;
    b.version = 4;
    b.product_id = a.pid;
    b.mac = product_device(a.pid);
    b.counter = counter[a.pid]++;
    b.objects = mibeacon_object(a.id, *parse_hex(a.data));
    if (a.pid == 0x055b || a.pid == 0x3bd5) {
      b.version = 5;
      b.bind_key = a.pid == 0x055b ? sensor_key : scale_key;
      b.ext_counter = b.counter;
    } else if (a.pid == 0x03b6) {
      b.version = 3;
      b.beacon_key = dimmer_key;
      b.ext_counter = b.counter;
    }
    advert(s, b.mac, b);
    s.advance_us(200000);
  }
  // A real advert (MMC-W505, xiaomi-ble and ble_monitor tests) ending in a stray byte: its
  // object is decoded, the byte noted (mibeacon.trailing_bytes); heard twice.
  const BdAddr w505 = *BdAddr::parse("D0:24:18:53:AB:DB");
  for (int i = 0; i < 2; ++i) {
    s.advert(w505,
             cat({ad_flags(0x06), ad_service_data16(0xfe95, *parse_hex("702291030fdbab531824d0090a0002750d07"))}));
    s.advance_us(100000);
  }
}

// A day in the life of a LYWSDCGQ thermometer (pid 426, plain v2 adverts): temperature and
// humidity every 10 minutes (each advert heard twice), battery every hour, from midnight UTC
// (README "Readings": the plot). Indoor values: a slow daily swing plus sensor noise, at the
// device's 0.1 resolution; deterministic (a fixed linear congruential generator).
void mibeacon_history(Scenario& s) {
  const BdAddr mac = *BdAddr::parse("58:2D:34:11:22:33");
  BeaconSpec b;
  b.version = 2;
  b.product_id = 426;
  b.mac = mac;
  std::uint32_t seed = 22;
  auto noise = [&seed]() {  // -1, 0 or +1 tenth
    seed = seed * 1103515245u + 12345u;
    return static_cast<int>((seed >> 16) % 3) - 1;
  };
  constexpr double kPi = 3.14159265358979323846;
  for (int m = 0; m < 24 * 60; m += 10) {
    const double h = m / 60.0;
    // Coolest around 6:00, warmest around 17:00; heating from 6:30 to 8:00.
    const double heat = h >= 6.5 && h < 8 ? 8 * (h - 6.5) : h >= 8 && h < 9.5 ? 8 * (9.5 - h) : 0;
    const int tenths_c = static_cast<int>(std::lround(205 + 18 * std::sin((h - 11.5) * kPi / 12) + heat)) + noise();
    const int tenths_pct =
        static_cast<int>(std::lround(480 - 45 * std::sin((h - 11.5) * kPi / 12) - heat * 1.5)) + noise();
    b.objects = temp_humidity(tenths_c, tenths_pct);
    if (m % 60 == 30)
      b.objects = cat({b.objects, mibeacon_object(0x100a, {static_cast<std::uint8_t>(h < 15 ? 88 : 87)})});
    advert(s, mac, b);
    s.advance_us(1000000);
    advert(s, mac, b);  // the same frame again: a retransmission
    s.advance_us(10 * 60 * 1000000LL - 1000000);
    ++b.counter;
  }
}

// ---- standard auth (docs/STANDARD_AUTH.md) ----

const BdAddr kScooter = *BdAddr::parse("E8:5D:86:0A:1B:2C");
const BdAddr kNightLight = *BdAddr::parse("F8:24:41:C5:98:8B");
// The §7 V7/V8 keys: the register agrees token 0cf5615003810d89c233a12a, the login proves it.
Bytes unhex(std::string_view h) {
  return *parse_hex(h);
}
StdRegister std_register_v7() {
  StdRegister r;
  r.app_private = unhex("6b243de1b1cfee581130b070c635c8957ac56f0c2c3d40b1af8732d6cd6ec183");
  r.device_private = unhex("555610d6677f6309a23af6188ca933a36e8cc7cf28791afa3cd809adfc75584e");
  r.device_info = unhex("0100000000626c742e342e31386e35383236366b67673030");
  r.did = "blt.4.18n58266kgg00";
  return r;
}
const miauth::Token kStdToken{0x0c, 0xf5, 0x61, 0x50, 0x03, 0x81, 0x0d, 0x89, 0xc2, 0x33, 0xa1, 0x2a};
StdLogin std_login_v8(const miauth::Token& app, std::optional<miauth::Token> device) {
  StdLogin l;
  l.app_token = app;
  l.device_token = device;
  l.app_random = {0xa8, 0x69, 0x97, 0x83, 0xc1, 0xf0, 0x3c, 0x7b, 0x73, 0xa0, 0x46, 0xcd, 0xb6, 0x13, 0xa9, 0xbf};
  l.dev_random = {0x90, 0xfd, 0xec, 0x0e, 0xce, 0x05, 0x01, 0x6d, 0x7f, 0x11, 0x6b, 0x50, 0xfc, 0xa4, 0xb4, 0xbf};
  return l;
}
StdStyle mi_home_style() {
  StdStyle st;
  st.mi_home = true;
  st.dmtu = 242;
  return st;
}
// Connects, optionally discovers, enables the notifications a client enables (§1), and for Mi
// Home's style raises the ATT MTU for 244-byte values.
void std_open(Scenario& s, const BdAddr& mac, const StdHandles& h, bool discovery, bool mi_home) {
  s.connect(0x0040, mac);
  if (mi_home) s.mtu_exchange(0x0040, 247, 247);
  if (discovery) s.discover(0x0040, std_gatt(h), mi_home ? 247 : 23);
  s.write_req(0x0040, static_cast<std::uint16_t>(h.transfer + 1), {0x01, 0x00});
  s.write_req(0x0040, static_cast<std::uint16_t>(h.control + 1), {0x01, 0x00});
  s.write_req(0x0040, static_cast<std::uint16_t>(h.nus_notify + 1), {0x01, 0x00});
}

// A third-party client (miauth style: write requests, 4-byte opcodes, commands and fragments,
// DMTU 18) registers a scooter: the token comes from ECDH and is not in the capture.
void std_register_thirdparty(Scenario& s) {
  const StdHandles h;
  std_open(s, kScooter, h, true, false);
  play(s, 0x0040, std_register(h, StdStyle{}, std_register_v7()), true);
  s.disconnect(0x0040);
}

// Mi Home registers a night light: 0xA4 negotiation to DMTU 242, 1-byte opcodes, singles.
void std_register_mihome(Scenario& s) {
  const StdHandles h;
  std_open(s, kNightLight, h, true, true);
  play(s, 0x0040, std_register(h, mi_home_style(), std_register_v7()));
  s.disconnect(0x0040);
}

// Mi Home logs in to the night light and exchanges mi_session blobs on the stdio service.
void std_login_mihome(Scenario& s) {
  const StdHandles h;
  std_open(s, kNightLight, h, true, true);
  std::optional<stdauth::SessionKeys> k;
  play(s, 0x0040, std_login(h, mi_home_style(), std_login_v8(kStdToken, kStdToken), &k));
  // Right after its login Mi Home reads the firmware version, in clear (docs/STANDARD_AUTH.md §1).
  const std::string version = "1.1.1_0035";
  s.read(0x0040, h.version, std::vector<std::uint8_t>(version.begin(), version.end()));
  play(s, 0x0040, std_stdio(h, *k, stdauth::Sender::app, 0, unhex("0102030405")));
  play(s, 0x0040, std_stdio(h, *k, stdauth::Sender::device, 1, unhex("0102030405")));
  s.disconnect(0x0040);
}

// A third-party client logs in to a scooter (no discovery, DMTU 18): the scooter's pre-login zero
// frames on the NUS interleave with the login; the app asks for fragment 2 of the device's
// confirmation again; then the serial number is read over the encrypted UART, both ways.
void std_scooter(Scenario& s) {
  const StdHandles h;
  std_open(s, kScooter, h, false, false);
  StdStyle st;
  st.lose_fragment = true;
  std::optional<stdauth::SessionKeys> k;
  StdPdus login = std_login(h, st, std_login_v8(kStdToken, kStdToken), &k);
  // Zero frames after the start and after the app's random (as in the logs of §8).
  const StdPdus z1 = std_uart_zero_frame(h, 0x06), z2 = std_uart_zero_frame(h, 0x22);
  login.insert(login.begin() + 1, z1.begin(), z1.end());
  login.insert(login.begin() + 10, z2.begin(), z2.end());
  play(s, 0x0040, login, true);
  play(s, 0x0040, std_uart(h, *k, stdauth::Sender::app, 0, unhex("2001100e")), true);
  const std::string serial = "25700/00001337";
  Bytes reply = unhex("230110");
  reply.insert(reply.end(), serial.begin(), serial.end());
  play(s, 0x0040, std_uart(h, *k, stdauth::Sender::device, 1, reply, {0xcd, 0x65, 0xc3, 0x22}));
  play(s, 0x0040, std_uart(h, *k, stdauth::Sender::app, 1, unhex("20011a02")), true);  // firmware version
  play(s, 0x0040, std_uart(h, *k, stdauth::Sender::device, 2, unhex("2301 1a 1501"), {0x01, 0x02, 0x03, 0x04}));
  s.disconnect(0x0040);
}

// The app holds 00112233445566778899aabb, the scooter 0cf56150...: the app checks the device's
// confirmation and gives up (Mi Home, miauth).
void std_login_wrong_token(Scenario& s) {
  const StdHandles h;
  std_open(s, kScooter, h, true, false);
  play(s, 0x0040, std_login(h, StdStyle{}, std_login_v8(kOtherToken, kStdToken)), true);
  s.advance_us(2000000);
  s.disconnect(0x0040);
}

// The same, by a client that does not check the device (dentra's ESPHome): it sends its
// confirmation anyway and the device answers 0x23.
void std_login_device_other_token(Scenario& s) {
  const StdHandles h;
  std_open(s, kScooter, h, true, false);
  StdLogin l = std_login_v8(kOtherToken, kStdToken);
  l.app_checks_device = false;
  play(s, 0x0040, std_login(h, StdStyle{}, l), true);
  s.disconnect(0x0040);
}

// A login on a device that holds no token: it answers 0xE0.
void std_login_not_registered(Scenario& s) {
  const StdHandles h;
  std_open(s, kScooter, h, true, false);
  play(s, 0x0040, std_login(h, StdStyle{}, std_login_v8(kStdToken, std::nullopt)), true);
  s.disconnect(0x0040);
}

}  // namespace

const std::vector<NamedScenario>& scenarios() {
  static const std::vector<NamedScenario> list = {
      {"gatt-tour",
       "two interleaved LE links: discovery, MTU, reads, writes, notify, indicate, fragments",
       gatt_tour,
       {Format::btsnoop_h4, Format::btsnoop_monitor, Format::pcap_phdr, Format::pcap_phdr_ns, Format::pcapng_phdr,
        Format::pcap_monitor, Format::btsnoop_h1, Format::pcap_nordic}},
      {"register-kettle",
       "Mi Home binds a kettle (pid 275, not in the capture): discovery, register, DID, bond, reads",
       register_kettle,
       {Format::btsnoop_h4, Format::pcapng_phdr, Format::btsnoop_monitor, Format::pcap_nordic, Format::pcap_ll_phdr}},
      {"register-nodiscovery",
       "register without GATT discovery, 8-byte ACL buffers, product id read from 0x0002",
       register_nodiscovery,
       {Format::btsnoop_h4, Format::pcap_phdr, Format::pcap_nordic}},
      {"register-midconnection",
       "register-nodiscovery heard by a sniffer that joined after the CONNECT_IND",
       register_midconnection,
       {Format::pcap_nordic}},
      {"register-plain-end",
       "register whose final write is the plain constant 92 AB 54 FA",
       register_plain_end,
       {Format::btsnoop_h4}},
      {"register-then-login",
       "register, reconnect, login: verified with no options",
       register_then_login,
       {Format::btsnoop_h4, Format::pcap_nordic}},
      {"register-then-wrong-login",
       "one link: a register, then a login with another token, no disconnection between",
       register_then_wrong_login,
       {Format::btsnoop_h4}},
      {"two-adapters-same-handle",
       "two controllers, two kettles, both on connection handle 0x0040 at once",
       two_adapters_same_handle,
       {Format::btsnoop_monitor}},
      {"login-kettle",
       "a login on its own (token 015ccba8800abdc12eb8ed82)",
       login_kettle,
       {Format::btsnoop_h4, Format::pcap_phdr_ns, Format::pcap_nordic},
       86400},
      {"login-other-token",
       "login with token 00112233445566778899aabb; the device holds another",
       login_other_token,
       {Format::btsnoop_h4}},
      {"login-long-notification",
       "login with 12-byte challenge and confirmation notifications",
       login_long_notification,
       {Format::btsnoop_h4}},
      {"mistake-draft-register",
       "register start in the 2019 draft's byte order; the device never answers",
       mistake_draft_register,
       {Format::btsnoop_h4}},
      {"mistake-draft-login", "login start in the 2019 draft's byte order", mistake_draft_login, {Format::btsnoop_h4}},
      {"mistake-draft-login-key",
       "login with the draft's 4-byte session key",
       mistake_draft_login_key,
       {Format::btsnoop_h4}},
      {"mistake-mac-order",
       "register by a client that mixed the MAC in printed order",
       mistake_mac_order,
       {Format::btsnoop_h4}},
      {"mistake-product-id",
       "register by a client that mixed product id 131 for a 275 kettle",
       mistake_product_id,
       {Format::btsnoop_h4}},
      {"register-cut", "the link drops right after T1", register_cut, {Format::btsnoop_h4}},
      {"wifi-setup",
       "register of a Wi-Fi device: DID, bond result, Wi-Fi SSID and password",
       wifi_setup,
       {Format::btsnoop_h4}},
      {"register-mibeacon",
       "adverts give MAC and product id to a register without a connection event; "
       "later v3 adverts decrypt with the beacon key it read",
       register_mibeacon,
       {Format::btsnoop_h4}},
      {"mibeacon-tour",
       "MiBeacon v2-v5, plain and encrypted, legacy and extended reports, malformed frames",
       mibeacon_tour,
       {Format::btsnoop_h4, Format::pcapng_phdr, Format::pcap_nordic}},
      {"mibeacon-objects",
       "MiBeacon: every object id fe95 decodes, from the products that send them, "
       "a trailing byte, objects shown raw",
       mibeacon_objects,
       {Format::btsnoop_h4}},
      {"mibeacon-history",
       "MiBeacon: a day of a LYWSDCGQ thermometer, every 10 minutes from midnight UTC",
       mibeacon_history,
       {Format::btsnoop_h4},
       6400},
      {"std-register-thirdparty",
       "standard auth: a third-party client registers a scooter (ECDH, DMTU 18)",
       std_register_thirdparty,
       {Format::btsnoop_h4}},
      {"std-register-mihome",
       "standard auth: Mi Home registers a night light (0xA4, DMTU 242, singles)",
       std_register_mihome,
       {Format::btsnoop_h4}},
      {"std-login-mihome",
       "standard auth: Mi Home logs in to the night light, stdio blobs (token 0cf5615003810d89c233a12a)",
       std_login_mihome,
       {Format::btsnoop_h4},
       3600},
      {"std-scooter",
       "standard auth: a scooter login with zero frames and a resent fragment, then the encrypted "
       "UART (token 0cf5615003810d89c233a12a)",
       std_scooter,
       {Format::btsnoop_h4, Format::pcapng_phdr, Format::pcap_ll_phdr},
       3600},
      {"std-login-wrong-token",
       "standard auth: the app holds 00112233445566778899aabb and gives up",
       std_login_wrong_token,
       {Format::btsnoop_h4},
       7200},
      {"std-login-device-other-token",
       "standard auth: the app holds another token and goes on; the device answers 0x23",
       std_login_device_other_token,
       {Format::btsnoop_h4},
       7200},
      {"std-login-not-registered",
       "standard auth: a login on a device with no token (0xE0)",
       std_login_not_registered,
       {Format::btsnoop_h4},
       7200},
      // The wearables (docs/MIWEAR.md), one per transport, with the §7 vectors (auth key
      // 00112233445566778899aabbccddeeff, watch D0:62:2C:F2:D7:80).
      {"wear-ble-v1",
       "a band over FE95 BLE-V1: rxfer singles and chunks (one asked for again), AES-CCM, an activity "
       "file and an upload",
       wear_ble_v1,
       {Format::btsnoop_h4},
       10800},
      {"wear-ble-v2",
       "a band over FE95 BLE-V2: the SPPv2 stream in MTU-3 writes, a resent packet, AES-CTR, an activity "
       "file and an upload",
       wear_ble_v2,
       {Format::btsnoop_h4},
       10800},
      {"wear-spp-v1",
       "a watch over RFCOMM with SPP-V1 frames, AES-CCM, an activity file and an upload",
       wear_spp_v1,
       {Format::btsnoop_h4},
       10800},
      {"wear-spp-v2",
       "a watch over RFCOMM: the SPP-V1 probe, then SPPv2 with credits, long packets and a resent one, "
       "AES-CTR, an activity file and an upload",
       wear_spp_v2,
       {Format::btsnoop_h4},
       10800},
  };
  return list;
}

const NamedScenario* find_scenario(const std::string& name) {
  for (const auto& s : scenarios())
    if (name == s.name) return &s;
  return nullptr;
}

}  // namespace fe95::writer
