// SPDX-License-Identifier: GPL-2.0-or-later
#include "miwear_frames.h"

#include <algorithm>

#include "fe95/miwear/auth.h"
#include "fe95/miwear/files.h"
#include "fe95/miwear/protobuf.h"
#include "fe95/miwear/sppv1.h"
#include "fe95/miwear/sppv2.h"
#include "fe95/miwear/v1.h"
#include "rfcomm_link.h"

namespace fe95::writer {

namespace {

using miwear::Dir;

Bytes from_hex(const char* h) {
  return *parse_hex(h);
}

const BdAddr kBand = *BdAddr::parse("D0:62:2C:F2:D7:80");

}  // namespace

WearKeys wear_vectors() {
  WearKeys k;
  const Bytes key = from_hex("00112233445566778899aabbccddeeff");
  std::copy(key.begin(), key.end(), k.auth_key.begin());
  for (std::uint8_t i = 0; i < 16; ++i) {
    k.phone_nonce.push_back(i);
    k.watch_nonce.push_back(static_cast<std::uint8_t>(0x10 + i));
  }
  k.session = *miwear::session_keys(k.auth_key, k.phone_nonce, k.watch_nonce);
  return k;
}

std::vector<WearMessage> wear_session(const WearKeys& k, std::size_t long_reply) {
  std::vector<WearMessage> m;
  const auto& sk = k.session;
  m.push_back({Dir::to_watch, miwear::encode_auth_step1(k.phone_nonce), false});
  const auto wp = miwear::watch_proof(sk, k.phone_nonce, k.watch_nonce);
  m.push_back({Dir::to_phone, miwear::encode_auth_step2(k.watch_nonce, wp), false});
  miwear::DeviceInfo d;
  d.device_type = 0;
  d.system_version = 34.0f;
  d.model = "Pixel";
  d.app_capability = 224;
  d.region = "EN";
  const Bytes sealed = miwear::ccm_seal(sk.enc_key, sk.enc_nonce, 0, miwear::encode_device_info(d));
  m.push_back(
      {Dir::to_watch, miwear::encode_auth_step3(miwear::phone_proof(sk, k.phone_nonce, k.watch_nonce), sealed), false});
  m.push_back({Dir::to_phone, miwear::encode_auth_step4(1, 32575), false});
  m.push_back({Dir::to_watch, from_hex("08021001"), true});                  // battery request
  m.push_back({Dir::to_phone, from_hex("08021001220612040a020850"), true});  // level 80
  // MB8RS's set-clock body (time zone Europe/Warsaw).
  m.push_back({Dir::to_watch,
               from_hex("08021003222D222B0A0708E80F1005181E120908121019182A20CD021A13080810081A0D4575726F70652F57617273"
                        "61772000"),
               true});
  // A device-info reply (2/2) with long strings: system(4).device_info(2){serial(1), firmware(2), model(3)}.
  Bytes info;
  const std::string serial(long_reply / 3, 'S'), firmware(long_reply / 3, 'F'), model = "M2239B1";
  miwear::pb::put_bytes(info, 1, ByteView(reinterpret_cast<const std::uint8_t*>(serial.data()), serial.size()));
  miwear::pb::put_bytes(info, 2, ByteView(reinterpret_cast<const std::uint8_t*>(firmware.data()), firmware.size()));
  miwear::pb::put_bytes(info, 3, ByteView(reinterpret_cast<const std::uint8_t*>(model.data()), model.size()));
  Bytes system;
  miwear::pb::put_bytes(system, 2, info);
  m.push_back({Dir::to_watch, from_hex("08021002"), true});
  m.push_back({Dir::to_phone, miwear::encode_envelope(2, 2, system), true});
  return m;
}

std::vector<Bytes> wear_activity_parts() {
  const auto id = *miwear::parse_activity_file_id(*parse_hex("21F3286504008C"));
  Bytes records(300);
  for (std::size_t i = 0; i < records.size(); ++i) records[i] = static_cast<std::uint8_t>(i % 61);
  return miwear::file_parts(miwear::activity_file(id, records), 200);
}

std::vector<Bytes> wear_upload_parts() {
  Bytes face(1000);
  for (std::size_t i = 0; i < face.size(); ++i) face[i] = static_cast<std::uint8_t>(i * 7 + 3);
  return miwear::file_parts(miwear::upload_file(16, face), 400);
}

namespace {

// One BLE-V1 message as frames on its characteristic, with the receiver's acks (l.377, l.512-528):
// a single frame when it fits, else a start, ready, the chunks, done. lose_second: chunk 2 is
// asked for again by a missing-chunk list and sent again before done.
void v1_message(std::vector<WearValue>& out, Dir from, std::uint16_t ch, ByteView body, bool encrypted,
                std::size_t room, bool lose_second = false) {
  const Dir peer = miwear::reverse(from);
  if (4 + body.size() <= room) {
    out.push_back({from, ch, miwear::v1_frames(body, encrypted, room)[0]});
    out.push_back({peer, ch, miwear::v1_control(miwear::V1Kind::single_ack, 0)});
    return;
  }
  const auto frames = miwear::v1_frames(body, encrypted, room - 2, true);
  out.push_back({from, ch, frames[0]});
  out.push_back({peer, ch, miwear::v1_control(miwear::V1Kind::ready)});
  for (std::size_t i = 1; i < frames.size(); ++i)
    if (!(lose_second && i == 2)) out.push_back({from, ch, frames[i]});
  if (lose_second && frames.size() > 2) {
    out.push_back({peer, ch, Bytes{0x00, 0x00, 0x01, 0x05, 0x02, 0x00}});  // chunk 2, again (l.173-205)
    out.push_back({from, ch, frames[2]});
  }
  out.push_back({peer, ch, miwear::v1_control(miwear::V1Kind::done)});
}

}  // namespace

std::vector<WearValue> ble_v1_values(const std::vector<WearMessage>& msgs, const WearKeys& k, std::size_t att_mtu,
                                     bool with_files) {
  std::vector<WearValue> out;
  const std::size_t room = std::max<std::size_t>(att_mtu, 23) - 3;  // an ATT value
  std::uint16_t counter = 0;
  for (const auto& m : msgs) {
    const bool to_watch = m.from == Dir::to_watch;
    const std::uint16_t ch = to_watch ? miwear::kCharCommandWrite : miwear::kCharCommandRead;
    Bytes body;
    if (m.encrypted && to_watch) {
      // XiaomiCharacteristicV1: counter from 1 after the auth, u16 on the wire, nonce counter.
      ++counter;
      body = {static_cast<std::uint8_t>(counter), static_cast<std::uint8_t>(counter >> 8)};
      const Bytes ct = miwear::ccm_seal(k.session.enc_key, k.session.enc_nonce, counter, m.plain);
      body.insert(body.end(), ct.begin(), ct.end());
    } else if (m.encrypted) {
      body = miwear::ccm_seal(k.session.dec_key, k.session.dec_nonce, 0, m.plain);  // counter 0 (§4.1)
    } else {
      body = m.plain;
    }
    v1_message(out, m.from, ch, body, m.encrypted, room, with_files && !to_watch);
  }
  if (!with_files) return out;
  // Activity parts from the watch on 0x0053: decKey, counter 0, nothing on the wire (§4.1).
  for (const auto& part : wear_activity_parts())
    v1_message(out, Dir::to_phone, miwear::kCharActivity,
               miwear::ccm_seal(k.session.dec_key, k.session.dec_nonce, 0, part), true, room);
  // Upload parts from the phone on 0x0055: encKey, counter 0; a single frame carries 00 00 first.
  for (const auto& part : wear_upload_parts()) {
    const Bytes sealed = miwear::ccm_seal(k.session.enc_key, k.session.enc_nonce, 0, part);
    Bytes single{0x00, 0x00};
    single.insert(single.end(), sealed.begin(), sealed.end());
    v1_message(out, Dir::to_watch, miwear::kCharUpload, 4 + single.size() <= room ? single : sealed, true, room);
  }
  return out;
}

std::vector<WearBytes> sppv2_packets(const std::vector<WearMessage>& msgs, const WearKeys& k, bool with_files) {
  std::vector<WearBytes> out;
  using miwear::V2Tlv;
  auto u16 = [](std::uint16_t v) { return Bytes{static_cast<std::uint8_t>(v), static_cast<std::uint8_t>(v >> 8)}; };
  // GB's start request (XiaomiBleProtocolV2 l.134-158) and the Band 10 Pro's response (B10P).
  out.push_back({Dir::to_watch,
                 miwear::encode_v2(
                     2, 0,
                     miwear::encode_v2_config(miwear::kV2StartRequest, {V2Tlv{1, {1, 0, 0}}, V2Tlv{2, u16(0xfc00)},
                                                                        V2Tlv{3, u16(32)}, V2Tlv{4, u16(10000)}}))});
  out.push_back({Dir::to_phone, miwear::encode_v2(2, 0,
                                                  miwear::encode_v2_config(miwear::kV2StartResponse,
                                                                           {V2Tlv{1, {3, 1, 49}}, V2Tlv{2, u16(0x8000)},
                                                                            V2Tlv{3, u16(3)}, V2Tlv{4, u16(6000)}}))});
  std::uint8_t seq[2] = {0, 0};
  auto data = [&](Dir from, std::uint8_t channel, bool encrypted, ByteView plain, bool resend = false) {
    const std::size_t i = miwear::index(from);
    Bytes payload{channel, encrypted ? miwear::kV2EncryptedWrite : miwear::kV2PlainWrite};
    const Bytes body = encrypted ? miwear::ctr_crypt(k.session.key(from), plain) : Bytes(plain.begin(), plain.end());
    payload.insert(payload.end(), body.begin(), body.end());
    out.push_back({from, miwear::encode_v2(3, seq[i], payload)});
    if (resend) out.push_back({from, miwear::encode_v2(3, seq[i], payload)});  // the same packet again
    out.push_back({miwear::reverse(from), miwear::encode_v2(1, seq[i], {})});  // GB acks every DATA
    ++seq[i];
  };
  bool resent = false;
  for (const auto& m : msgs) {
    // The watch's first encrypted message (the battery reply) is resent once.
    const bool resend = with_files && !resent && m.from == Dir::to_phone && m.encrypted;
    resent |= resend;
    data(m.from, miwear::kV2ChannelPb, m.encrypted, m.plain, resend);
  }
  if (!with_files) return out;
  for (const auto& part : wear_activity_parts()) data(Dir::to_phone, miwear::kV2ChannelFitness, true, part);
  for (const auto& part : wear_upload_parts()) data(Dir::to_watch, miwear::kV2ChannelMass, false, part);
  return out;
}

std::vector<WearBytes> sppv1_frames(const std::vector<WearMessage>& msgs, const WearKeys& k, std::uint8_t version,
                                    bool with_files) {
  std::vector<WearBytes> out;
  // GB's probe (XiaomiSppSupport l.73-78) and the answer's layout as a Band 10 Pro sends it (B10P).
  out.push_back({Dir::to_watch, miwear::encode_sppv1(0, 0xc0, 0, 0, 0, {})});
  out.push_back({Dir::to_phone, miwear::encode_sppv1(0, 0, 1, 2, 0, Bytes{version, 1, 49})});
  if (version >= 2) return out;
  std::uint8_t serial = 1;
  std::uint16_t counter = 0;
  for (const auto& m : msgs) {
    const bool to_watch = m.from == Dir::to_watch;
    const std::uint8_t channel = to_watch ? miwear::kSpp1ProtoToWatch : miwear::kSpp1ProtoToPhone;
    Bytes body;
    std::uint8_t type = miwear::kSpp1Auth;
    if (m.encrypted) {
      type = miwear::kSpp1Encrypted;
      if (to_watch) {  // XiaomiSppPacketV1 l.304-313: the counter from 1 per connection
        ++counter;
        body = {static_cast<std::uint8_t>(counter), static_cast<std::uint8_t>(counter >> 8)};
        const Bytes ct = miwear::ccm_seal(k.session.enc_key, k.session.enc_nonce, counter, m.plain);
        body.insert(body.end(), ct.begin(), ct.end());
      } else {
        body = miwear::ccm_seal(k.session.dec_key, k.session.dec_nonce, 0, m.plain);
      }
    } else {
      body = m.plain;
    }
    out.push_back(
        {m.from, miwear::encode_sppv1(channel, to_watch ? miwear::kSpp1NeedsResponse : 0, 2, serial++, type, body)});
  }
  if (!with_files) return out;
  for (const auto& part : wear_activity_parts())
    out.push_back(
        {Dir::to_phone, miwear::encode_sppv1(miwear::kSpp1Fitness, 0, 2, serial++, miwear::kSpp1Encrypted,
                                             miwear::ccm_seal(k.session.dec_key, k.session.dec_nonce, 0, part))});
  for (const auto& part : wear_upload_parts())
    out.push_back(
        {Dir::to_watch, miwear::encode_sppv1(miwear::kSpp1Mass, 0, 2, serial++, miwear::kSpp1Encrypted,
                                             miwear::ccm_seal(k.session.enc_key, k.session.enc_nonce, 0, part))});
  return out;
}

Service wear_service(std::uint16_t start) {
  auto at = [start](int off) { return static_cast<std::uint16_t>(start + off); };
  // Properties: read 0x02, write without response 0x04, write 0x08, notify 0x10 (§1.2, §1.3).
  Service svc;
  svc.start = start;
  svc.uuid = uuid16(0xfe95);
  svc.chars = {
      {at(1), uuid16(0x0050), 0x02, false},  {at(3), uuid16(0x0051), 0x1c, true},  {at(6), uuid16(0x0052), 0x1c, true},
      {at(9), uuid16(0x0053), 0x1c, true},   {at(12), uuid16(0x0055), 0x1c, true}, {at(15), uuid16(0x005e), 0x10, true},
      {at(18), uuid16(0x005f), 0x04, false},
  };
  svc.end = at(19);
  return svc;
}

WearHandles wear_handles(const Service& s) {
  WearHandles h;
  for (const auto& c : s.chars) {
    const std::uint16_t u = static_cast<std::uint16_t>(c.uuid.le[0] | c.uuid.le[1] << 8);
    switch (u) {
      case miwear::kCharCommandRead:
        h.read = c.value();
        break;
      case miwear::kCharCommandWrite:
        h.write = c.value();
        break;
      case miwear::kCharActivity:
        h.activity = c.value();
        break;
      case miwear::kCharUpload:
        h.upload = c.value();
        break;
      case miwear::kCharV2Rx:
        h.v2_rx = c.value();
        break;
      case miwear::kCharV2Tx:
        h.v2_tx = c.value();
        break;
      default:
        break;
    }
  }
  return h;
}

namespace {

constexpr std::uint16_t kConn = 0x0040;
constexpr std::uint16_t kMtu = 247;

// Connection, MTU 512 asked (GB), discovery, notifications enabled on the given handles.
WearHandles ble_open(Scenario& s, std::initializer_list<std::uint16_t WearHandles::*> notify) {
  const Service svc = wear_service(0x0030);
  GattDb db = standard_services();
  db.push_back(svc);
  s.set_acl_mtu(100);  // ATT values of up to 244 bytes come in ACL fragments
  s.connect(kConn, kBand);
  s.mtu_exchange(kConn, 512, kMtu);
  s.discover(kConn, db, kMtu);
  const WearHandles h = wear_handles(svc);
  for (auto field : notify) s.write_req(kConn, static_cast<std::uint16_t>(h.*field + 1), {0x01, 0x00});
  return h;
}

}  // namespace

void wear_ble_v1(Scenario& s) {
  const WearHandles h =
      ble_open(s, {&WearHandles::write, &WearHandles::read, &WearHandles::activity, &WearHandles::upload});
  const WearKeys k = wear_vectors();
  for (const auto& v : ble_v1_values(wear_session(k), k, kMtu, true)) {
    const std::uint16_t handle = v.characteristic == miwear::kCharCommandWrite  ? h.write
                                 : v.characteristic == miwear::kCharCommandRead ? h.read
                                 : v.characteristic == miwear::kCharActivity    ? h.activity
                                                                                : h.upload;
    if (v.from == Dir::to_watch)
      s.write_cmd(kConn, handle, v.value);
    else
      s.notify(kConn, handle, v.value);
  }
  s.disconnect(kConn);
}

void wear_ble_v2(Scenario& s) {
  const WearHandles h = ble_open(s, {&WearHandles::v2_rx});
  const WearKeys k = wear_vectors();
  // The stream cut into MTU - 3 writes with no per-write header (l.351-353); the watch's
  // notifications likewise: packets span values and several short ones share a value.
  const std::size_t room = kMtu - 3;
  Bytes pending[2];
  auto flush = [&](Dir d) {
    Bytes& b = pending[miwear::index(d)];
    for (std::size_t off = 0; off < b.size(); off += room) {
      const Bytes part(b.begin() + static_cast<std::ptrdiff_t>(off),
                       b.begin() + static_cast<std::ptrdiff_t>(std::min(b.size(), off + room)));
      if (d == Dir::to_watch)
        s.write_cmd(kConn, h.v2_tx, part);
      else
        s.notify(kConn, h.v2_rx, part);
    }
    b.clear();
  };
  Dir last = Dir::to_watch;
  for (const auto& p : sppv2_packets(wear_session(k), k, true)) {
    if (p.from != last) flush(last);
    last = p.from;
    auto& b = pending[miwear::index(p.from)];
    b.insert(b.end(), p.bytes.begin(), p.bytes.end());
  }
  flush(last);
  s.disconnect(kConn);
}

namespace {
void spp(Scenario& s, const std::vector<WearBytes>& units) {
  s.set_acl_mtu(310);  // a BR/EDR controller's ACL buffer (longer RFCOMM frames still fragment)
  RfcommLink link(s);
  link.connect();
  link.open();
  for (const auto& u : units) link.send(u.from == Dir::to_watch ? Direction::sent : Direction::rcvd, u.bytes);
  link.close();
}
}  // namespace

void wear_spp_v1(Scenario& s) {
  const WearKeys k = wear_vectors();
  spp(s, sppv1_frames(wear_session(k), k, 1, true));
}

void wear_spp_v2(Scenario& s) {
  const WearKeys k = wear_vectors();
  std::vector<WearBytes> units = sppv1_frames({}, k, 3);  // the probe, answered with version 3
  for (auto& p : sppv2_packets(wear_session(k, 2000), k, true)) units.push_back(std::move(p));
  spp(s, units);
}

}  // namespace fe95::writer
