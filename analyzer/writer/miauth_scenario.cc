// SPDX-License-Identifier: GPL-2.0-or-later
#include "miauth_scenario.h"

#include <stdexcept>

namespace fe95::writer {

using namespace fe95::miauth;

namespace {
Bytes bytes(const std::string& s) {
  return Bytes(s.begin(), s.end());
}
template <std::size_t N>
Bytes bytes(const std::array<std::uint8_t, N>& a) {
  return Bytes(a.begin(), a.end());
}
}  // namespace

std::uint16_t MiDevice::handle(std::uint16_t uuid) const {
  for (const auto& c : mi_service(service_start).chars)
    if (c.uuid.is16(uuid)) return c.value();
  throw std::invalid_argument("no such FE95 characteristic");
}

GattDb MiDevice::gatt() const {
  GattDb db = standard_services();
  db.push_back(mi_service(service_start));
  return db;
}

void mi_register(Scenario& s, std::uint16_t conn, MiDevice& dev, const Token& client_token, const RegisterOptions& o) {
  const std::uint16_t h_token = dev.handle(0x0001), h_event = dev.handle(0x0010);
  if (o.discovery) s.discover(conn, dev.gatt());
  if (o.read_pid)
    s.read(conn, dev.handle(0x0002), {static_cast<std::uint8_t>(dev.pid), static_cast<std::uint8_t>(dev.pid >> 8)});
  s.write_req(conn, static_cast<std::uint16_t>(h_token + 1), {0x01, 0x00});  // CCCD: notifications on
  s.write_req(conn, h_event, bytes(o.draft_order ? kDraftRegisterStart : kRegisterStart));
  // The client mixes with what it believes are the MAC and product id.
  const BdAddr cmac = o.client_mac.value_or(dev.mac);
  const std::uint16_t cpid = o.client_pid.value_or(dev.pid);
  const Bytes t1 = rc4(ByteView(mix_a(cmac, cpid)), ByteView(client_token));
  s.write_req(conn, h_token, t1);
  if (o.cut_after_t1) {
    s.advance_us(30000);
    s.disconnect(conn, 0x08);  // connection timeout
    return;
  }
  if (o.draft_order) {  // the device does not know this opcode: no answer; the client gives up
    s.advance_us(5000000);
    s.disconnect(conn, 0x13);
    return;
  }
  // The device decrypts T1 with its own MAC and product id and answers.
  const Token device_view = token_from_t1(dev.mac, dev.pid, t1);
  s.notify(conn, h_token, bytes(make_t2(dev.mac, dev.pid, device_view)));
  const Bytes end = o.plain_end ? bytes(kRegisterEnd) : bytes(rc4<4>(client_token, kRegisterEnd));
  s.write_req(conn, h_token, end);
  const bool accepted = equal(end, rc4<4>(device_view, kRegisterEnd)) || equal(end, bytes(kRegisterEnd));
  if (!accepted) {
    s.advance_us(20000);
    s.disconnect(conn, 0x13);
    return;
  }
  dev.token = device_view;
  if (o.did_and_bond) {
    Bytes did = bytes(dev.device_id);
    did.resize(20, 0);
    s.write_req(conn, dev.handle(0x0013), rc4(ByteView(client_token), ByteView(did)));
    s.write_req(conn, h_event, bytes(rc4<4>(client_token, kBondOk)));
  }
  if (o.reads) {
    s.read(conn, dev.handle(0x0004), rc4(ByteView(dev.token), ByteView(bytes(dev.firmware))));
    s.read(conn, dev.handle(0x0014), bytes(rc4<12>(dev.token, dev.beacon_key)));
  }
  auto wifi = [&](std::uint8_t type, const std::string& text) {
    Bytes rec{static_cast<std::uint8_t>(1 + text.size()), type};
    rec.insert(rec.end(), text.begin(), text.end());
    s.write_req(conn, dev.handle(0x0005), rc4(ByteView(dev.token), ByteView(rec)));
  };
  if (!o.wifi_ssid.empty()) {
    wifi(0x00, "12345678");  // user id
    wifi(0x01, o.wifi_ssid);
    wifi(0x02, o.wifi_password);
    s.notify(conn, dev.handle(0x0005), {0x01});  // plaintext status byte
  }
}

void mi_login(Scenario& s, std::uint16_t conn, const MiDevice& dev, const Token& client_token, const LoginOptions& o) {
  const std::uint16_t h_token = dev.handle(0x0001), h_event = dev.handle(0x0010);
  if (o.discovery) s.discover(conn, dev.gatt());
  s.write_req(conn, static_cast<std::uint16_t>(h_token + 1), {0x01, 0x00});
  s.write_req(conn, h_event, bytes(o.draft_order ? kDraftLoginStart : kLoginStart));
  if (o.draft_order) {
    s.advance_us(5000000);
    s.disconnect(conn, 0x13);
    return;
  }
  // Device: challenge = rc4(token, tick).
  Bytes challenge = bytes(rc4<4>(dev.token, o.tick));
  const Bytes tail{0x48, 0x54, 0x3c, 0xc8, 0x73, 0x40, 0x65, 0x6e};  // unexplained bytes seen in the wild
  if (o.long_notifications) challenge.insert(challenge.end(), tail.begin(), tail.end());
  s.notify(conn, h_token, challenge);
  // Client: tick = rc4(token, challenge[0:4]); response = rc4(key, 09 AC BF 93).
  const Word ctick = rc4<4>(client_token, Word{challenge[0], challenge[1], challenge[2], challenge[3]});
  Bytes response;
  if (o.draft_key) {
    const Word key4{
        static_cast<std::uint8_t>(client_token[0] ^ ctick[0]), static_cast<std::uint8_t>(client_token[1] ^ ctick[1]),
        static_cast<std::uint8_t>(client_token[2] ^ ctick[2]), static_cast<std::uint8_t>(client_token[3] ^ ctick[3])};
    response = bytes(rc4<4>(key4, kDraftLoginResponse));
  } else {
    response = bytes(rc4<4>(login_key(client_token, ctick), kLoginResponse));
  }
  s.write_req(conn, h_token, response);
  const Token dkey = login_key(dev.token, o.tick);
  if (!equal(response, bytes(rc4<4>(dkey, kLoginResponse)))) {  // the device drops the link
    s.advance_us(40000);
    s.disconnect(conn, 0x13);
    return;
  }
  Bytes confirm = bytes(rc4<4>(dkey, kLoginConfirm));
  if (o.long_notifications) confirm.insert(confirm.end(), tail.begin(), tail.end());
  s.notify(conn, h_token, confirm);
  if (o.reads) s.read(conn, dev.handle(0x0004), rc4(ByteView(dev.token), ByteView(bytes(dev.firmware))));
}

}  // namespace fe95::writer
