// SPDX-License-Identifier: GPL-2.0-or-later
#include "std_scenario.h"

#include <cstring>

namespace fe95::writer {

using stdauth::Sender;

namespace {

att::Uuid nus(std::uint8_t n) {
  return uuid128(std::string("6e40000") + static_cast<char>('0' + n) + "-b5a3-f393-e0a9-e50e24dcca9e");
}
att::Uuid stdio(const char* n) {
  return uuid128(std::string("0000") + n + "-0065-6c62-2e74-6f696d2e696d");
}

Bytes le16(std::size_t v) {
  return {static_cast<std::uint8_t>(v), static_cast<std::uint8_t>(v >> 8)};
}
Bytes cat2(Bytes a, const Bytes& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}
template <std::size_t N>
Bytes of(const std::array<std::uint8_t, N>& a) {
  return Bytes(a.begin(), a.end());
}

// One transfer on 0x0019 (§2.3, §2.4), sender and receiver both.
class Transfer {
 public:
  Transfer(const StdHandles& h, const StdStyle& st, StdPdus& out) : h_(h), st_(st), out_(out) {}
  void operator()(Sender from, std::uint8_t type, const Bytes& data) {
    const Sender to = from == Sender::app ? Sender::device : Sender::app;
    const std::size_t dmtu = st_.dmtu;
    if (st_.mi_home && from == Sender::device && data.size() <= dmtu) {
      put(from, cat2({0x00, 0x00, 0x02, type}, data));  // single (§2.4)
      put(to, {0x00, 0x00, 0x03, 0x00});
      return;
    }
    const std::size_t n = (data.size() + dmtu - 1) / dmtu;
    put(from, cat2({0x00, 0x00, 0x00, type}, le16(n)));
    put(to, {0x00, 0x00, 0x01, 0x01});  // ready
    const bool lose = st_.lose_fragment && !lost_once_ && n >= 2;
    for (std::size_t i = 1; i <= n; ++i) {
      if (lose && i == 2) continue;
      put(from, fragment(data, i));
    }
    if (lose) {
      lost_once_ = true;
      put(to, {0x00, 0x00, 0x01, 0x05, 0x02, 0x00});  // lost: fragment 2
      put(from, fragment(data, 2));
    }
    put(to, {0x00, 0x00, 0x01, 0x00});  // success
  }

 private:
  Bytes fragment(const Bytes& data, std::size_t i) const {
    const std::size_t at = (i - 1) * st_.dmtu, len = std::min<std::size_t>(st_.dmtu, data.size() - at);
    return cat2(le16(i), Bytes(data.begin() + static_cast<std::ptrdiff_t>(at),
                               data.begin() + static_cast<std::ptrdiff_t>(at + len)));
  }
  void put(Sender from, Bytes v) { out_.push_back(StdPdu{from, h_.transfer, std::move(v)}); }
  const StdHandles& h_;
  const StdStyle& st_;
  StdPdus& out_;
  bool lost_once_ = false;
};

Bytes opcode(const StdStyle& st, std::uint8_t op) {
  return st.mi_home ? Bytes{op} : Bytes{op, 0, 0, 0};
}

void negotiate(const StdHandles& h, const StdStyle& st, StdPdus& out) {
  // §2.5: the app writes a4; the device asks, the app answers; the device sends a test package of
  // DMTU - 2 bytes of value DMTU, the app echoes it.
  out.push_back({Sender::app, h.control, {0xa4}});
  out.push_back({Sender::device, h.transfer, {0x00, 0x00, 0x04, 0x00, 0x06, st.dmtu}});
  out.push_back({Sender::app, h.transfer, {0x00, 0x00, 0x05, 0x00, 0x06, st.dmtu}});
  Bytes test{0x00, 0x00, 0x04, 0x01};
  test.resize(4 + st.dmtu - 2u, st.dmtu);
  out.push_back({Sender::device, h.transfer, test});
  test[2] = 0x05;
  out.push_back({Sender::app, h.transfer, test});
}

}  // namespace

GattDb std_gatt(const StdHandles& h) {
  GattDb db = standard_services();
  auto decl = [](std::uint16_t value) { return static_cast<std::uint16_t>(value - 1); };
  // Properties: read 0x02, write without response 0x04, write 0x08, notify 0x10.
  db.push_back(Service{0x000f,
                       static_cast<std::uint16_t>(h.transfer + 1),
                       uuid16(0xfe95),
                       {{decl(h.version), uuid16(0x0004), 0x02, false},
                        {decl(h.control), uuid16(0x0010), 0x14, true},
                        {decl(h.transfer), uuid16(0x0019), 0x14, true}}});
  db.push_back(Service{static_cast<std::uint16_t>(decl(h.nus_write) - 1),
                       static_cast<std::uint16_t>(h.nus_notify + 1),
                       nus(1),
                       {{decl(h.nus_write), nus(2), 0x0c, false}, {decl(h.nus_notify), nus(3), 0x10, true}}});
  db.push_back(
      Service{static_cast<std::uint16_t>(decl(h.stdio_write) - 1),
              static_cast<std::uint16_t>(h.stdio_notify + 1),
              stdio("0100"),
              {{decl(h.stdio_write), stdio("0101"), 0x04, false}, {decl(h.stdio_notify), stdio("0102"), 0x10, true}}});
  return db;
}

StdPdus std_login(const StdHandles& h, const StdStyle& st, const StdLogin& l,
                  std::optional<stdauth::SessionKeys>* keys) {
  StdPdus out;
  Transfer transfer(h, st, out);
  if (st.mi_home) negotiate(h, st, out);
  out.push_back({Sender::app, h.control, opcode(st, 0x24)});
  if (!l.device_token) {
    out.push_back({Sender::device, h.control, {0xe0, 0x00, 0x00, 0x00}});
    return out;
  }
  transfer(Sender::app, 0x0b, of(l.app_random));
  const auto dk = stdauth::login_keys(*l.device_token, l.app_random, l.dev_random);
  const auto ak = stdauth::login_keys(l.app_token, l.app_random, l.dev_random);
  transfer(Sender::device, 0x0d, of(l.dev_random));
  transfer(Sender::device, 0x0c, of(stdauth::device_confirmation(dk, l.app_random, l.dev_random)));
  const bool device_ok = stdauth::device_confirmation(ak, l.app_random, l.dev_random) ==
                         stdauth::device_confirmation(dk, l.app_random, l.dev_random);
  if (!device_ok && l.app_checks_device) return out;  // the app gives up (Mi Home, miauth)
  const auto app_conf = stdauth::app_confirmation(ak, l.app_random, l.dev_random);
  transfer(Sender::app, 0x0a, of(app_conf));
  const bool app_ok = app_conf == stdauth::app_confirmation(dk, l.app_random, l.dev_random);
  out.push_back({Sender::device, h.control, {static_cast<std::uint8_t>(app_ok ? 0x21 : 0x23), 0x00, 0x00, 0x00}});
  if (app_ok && keys) *keys = dk;
  return out;
}

StdPdus std_register(const StdHandles& h, const StdStyle& st, const StdRegister& r, Token* token) {
  StdPdus out;
  Transfer transfer(h, st, out);
  if (st.mi_home) negotiate(h, st, out);
  out.push_back({Sender::app, h.control, opcode(st, 0xa2)});
  transfer(Sender::device, 0x00, r.device_info);
  out.push_back({Sender::app,
                 h.control,
                 {0x15, st.mi_home && r.device_info.size() >= 4 ? r.device_info[2] : std::uint8_t{0},
                  st.mi_home && r.device_info.size() >= 4 ? r.device_info[3] : std::uint8_t{0}, 0x00}});
  auto app_pub = *stdauth::p256_public(r.app_private);
  const auto dev_pub = *stdauth::p256_public(r.device_private);
  if (r.corrupt_app_key) app_pub[63] ^= 0x01;
  transfer(Sender::app, 0x03, of(app_pub));
  transfer(Sender::device, 0x03, of(dev_pub));
  if (r.corrupt_app_key) {  // the device cannot agree a secret: it refuses
    out.push_back({Sender::device, h.control, {0x12, 0x00, 0x00, 0x00}});
    return out;
  }
  const auto shared = *stdauth::p256_ecdh(r.app_private, dev_pub);
  const stdauth::RegisterKeys k = stdauth::register_keys(shared);
  Bytes did(20, 0);
  const std::size_t n = std::min<std::size_t>(20, r.did.size());
  std::memcpy(did.data() + 20 - n, r.did.data(), n);
  transfer(Sender::app, 0x00, stdauth::encrypt_did(k.did_key, did));
  out.push_back({Sender::app, h.control, opcode(st, 0x13)});
  out.push_back({Sender::device, h.control, {r.result, 0x00, 0x00, 0x00}});
  if (token) *token = k.token;
  return out;
}

namespace {
StdPdus chunks(std::uint16_t handle, Sender from, const Bytes& frame) {
  StdPdus out;
  for (std::size_t at = 0; at < frame.size(); at += 20)
    out.push_back({from, handle,
                   Bytes(frame.begin() + static_cast<std::ptrdiff_t>(at),
                         frame.begin() + static_cast<std::ptrdiff_t>(std::min(frame.size(), at + 20)))});
  return out;
}
}  // namespace

StdPdus std_uart(const StdHandles& h, const stdauth::SessionKeys& k, Sender from, std::uint32_t counter,
                 const Bytes& command, const stdauth::Iv4& tail) {
  const bool app = from == Sender::app;
  return chunks(app ? h.nus_write : h.nus_notify, from,
                stdauth::uart_seal(app ? k.app_key : k.dev_key, app ? k.app_iv : k.dev_iv, counter, command, tail));
}

StdPdus std_uart_zero_frame(const StdHandles& h, std::uint8_t len) {
  Bytes f{0x55, 0xab, len};
  f.resize(len + 14u, 0);
  const std::uint16_t ck = stdauth::uart_checksum(ByteView(f).subspan(2));
  f.push_back(static_cast<std::uint8_t>(ck));
  f.push_back(static_cast<std::uint8_t>(ck >> 8));
  return chunks(h.nus_notify, Sender::device, f);
}

StdPdus std_stdio(const StdHandles& h, const stdauth::SessionKeys& k, Sender from, std::uint32_t counter,
                  const Bytes& plaintext) {
  const bool app = from == Sender::app;
  return {{from, app ? h.stdio_write : h.stdio_notify,
           stdauth::seal_blob(app ? k.app_key : k.dev_key, app ? k.app_iv : k.dev_iv, counter, plaintext)}};
}

void play(Scenario& s, std::uint16_t conn, const StdPdus& pdus, bool write_requests) {
  for (const auto& p : pdus) {
    if (p.from == Sender::device)
      s.notify(conn, p.handle, p.value);
    else if (write_requests)
      s.write_req(conn, p.handle, p.value);
    else
      s.write_cmd(conn, p.handle, p.value);
  }
}

}  // namespace fe95::writer
