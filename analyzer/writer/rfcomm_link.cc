// SPDX-License-Identifier: GPL-2.0-or-later
#include "rfcomm_link.h"

#include <algorithm>
#include <stdexcept>

#include "fe95/l2cap/signaling.h"

namespace fe95::writer {

namespace {

std::size_t side(Direction d) {
  return d == Direction::rcvd ? 1 : 0;
}
Direction other(Direction d) {
  return d == Direction::sent ? Direction::rcvd : Direction::sent;
}

}  // namespace

void RfcommLink::connect() {
  if (s_.over_the_air()) throw std::logic_error("RfcommLink: BR/EDR needs an HCI capture format");
  // HCI_Create_Connection (Vol 4 Part E §7.1.5): BD_ADDR, packet types DM1/DH1/DM3/DH3/DM5/DH5,
  // page scan repetition mode R1, reserved, clock offset, role switch allowed.
  Bytes cp;
  cp.insert(cp.end(), o_.watch.le.begin(), o_.watch.le.end());
  append_le16(cp, 0xcc18);
  cp.push_back(0x01);
  cp.push_back(0x00);
  append_le16(cp, 0x0000);
  cp.push_back(0x01);
  s_.command(0x0405, cp);
  s_.event(0x0f, {0x00, 0x01, 0x05, 0x04});  // Command Status: pending
  // Connection Complete (§7.7.3): status, handle, BD_ADDR, link type ACL, no encryption.
  Bytes ev{0x00};
  append_le16(ev, o_.handle);
  ev.insert(ev.end(), o_.watch.le.begin(), o_.watch.le.end());
  ev.push_back(0x01);
  ev.push_back(0x00);
  s_.event(0x03, ev);
}

void RfcommLink::signal(Direction from, std::uint8_t code, const Bytes& data, bool new_id) {
  if (new_id) ++sig_id_;
  Bytes c{code, sig_id_};
  append_le16(c, static_cast<std::uint16_t>(data.size()));
  c.insert(c.end(), data.begin(), data.end());
  s_.l2cap(o_.handle, from, 0x0001, c);
}

void RfcommLink::rfcomm(Direction from, const Bytes& frame) {
  // A B-frame carries the receiver's CID.
  s_.l2cap(o_.handle, from, from == Direction::sent ? o_.watch_cid : o_.phone_cid, frame);
  ++frames_;
}

void RfcommLink::mux(Direction from, rfcomm::MuxType t, bool command, const Bytes& value) {
  rfcomm(from,
         rfcomm::encode_frame(0, cr(from, true), rfcomm::FrameType::uih, false, rfcomm::encode_mux(t, command, value)));
}

void RfcommLink::open() {
  using rfcomm::FrameType;
  const Direction phone = Direction::sent, watch = Direction::rcvd;
  // L2CAP (Vol 3 Part A §4.2-§4.5): connection for PSM 3, then each side's configuration.
  Bytes req;
  append_le16(req, rfcomm::kPsm);
  append_le16(req, o_.phone_cid);
  signal(phone, l2cap::kConnectionRequest, req);
  Bytes rsp;
  append_le16(rsp, o_.watch_cid);
  append_le16(rsp, o_.phone_cid);
  append_le16(rsp, 0);  // success
  append_le16(rsp, 0);
  signal(watch, l2cap::kConnectionResponse, rsp, false);
  for (Direction d : {phone, watch}) {
    Bytes cfg;
    append_le16(cfg, d == phone ? o_.watch_cid : o_.phone_cid);  // the receiver's CID
    append_le16(cfg, 0);                                         // flags
    cfg.insert(cfg.end(), {0x01, 0x02});                         // MTU option
    append_le16(cfg, o_.l2cap_mtu);
    signal(d, l2cap::kConfigureRequest, cfg);
    Bytes ok;
    append_le16(ok, d == phone ? o_.phone_cid : o_.watch_cid);  // the requester's CID
    append_le16(ok, 0);
    append_le16(ok, 0);  // success
    signal(other(d), l2cap::kConfigureResponse, ok, false);
  }
  // RFCOMM: the multiplexer, then the DLC's parameters with credit-based flow control (CL 0xf
  // asked, 0xe agreed; RFCOMM spec §6.5), the DLC, and the modem status both ways.
  rfcomm(phone, rfcomm::encode_frame(0, cr(phone, true), FrameType::sabm, true, {}));
  rfcomm(watch, rfcomm::encode_frame(0, cr(watch, false), FrameType::ua, true, {}));
  rfcomm::Pn pn{dlci(), 0, 0xf, 7, 0, o_.max_frame, 0, o_.phone_credits};
  mux(phone, rfcomm::MuxType::pn, true, rfcomm::encode_pn(pn));
  pn.cl = 0xe;
  pn.k = o_.watch_credits;
  mux(watch, rfcomm::MuxType::pn, false, rfcomm::encode_pn(pn));
  credits_[side(watch)] = o_.phone_credits;
  credits_[side(phone)] = o_.watch_credits;
  rfcomm(phone, rfcomm::encode_frame(dlci(), cr(phone, true), FrameType::sabm, true, {}));
  rfcomm(watch, rfcomm::encode_frame(dlci(), cr(watch, false), FrameType::ua, true, {}));
  rfcomm::Msc msc;
  msc.dlci = dlci();
  msc.signals = 0x8c;  // RTC, RTR, DV
  mux(phone, rfcomm::MuxType::msc, true, rfcomm::encode_msc(msc));
  mux(watch, rfcomm::MuxType::msc, false, rfcomm::encode_msc(msc));
  mux(watch, rfcomm::MuxType::msc, true, rfcomm::encode_msc(msc));
  mux(phone, rfcomm::MuxType::msc, false, rfcomm::encode_msc(msc));
}

void RfcommLink::send(Direction from, ByteView data) {
  const std::size_t n1 = std::max<std::size_t>(o_.max_frame, 1);
  for (std::size_t off = 0; off < data.size(); off += n1) {
    if (credits_[side(from)] == 0) {
      const std::uint8_t grant = from == Direction::sent ? o_.watch_credits : o_.phone_credits;
      rfcomm(other(from), rfcomm::encode_frame(dlci(), cr(other(from), true), rfcomm::FrameType::uih, true, {}, grant));
      credits_[side(from)] = grant;
    }
    const ByteView part = data.subspan(off, std::min(n1, data.size() - off));
    rfcomm(from, rfcomm::encode_frame(dlci(), cr(from, true), rfcomm::FrameType::uih, false, part));
    --credits_[side(from)];
  }
}

void RfcommLink::close() {
  using rfcomm::FrameType;
  const Direction phone = Direction::sent, watch = Direction::rcvd;
  rfcomm(phone, rfcomm::encode_frame(dlci(), cr(phone, true), FrameType::disc, true, {}));
  rfcomm(watch, rfcomm::encode_frame(dlci(), cr(watch, false), FrameType::ua, true, {}));
  rfcomm(phone, rfcomm::encode_frame(0, cr(phone, true), FrameType::disc, true, {}));
  rfcomm(watch, rfcomm::encode_frame(0, cr(watch, false), FrameType::ua, true, {}));
  Bytes d;
  append_le16(d, o_.watch_cid);  // the receiver's CID
  append_le16(d, o_.phone_cid);
  signal(phone, l2cap::kDisconnectionRequest, d);
  signal(watch, l2cap::kDisconnectionResponse, d, false);
  s_.disconnect(o_.handle);
}

}  // namespace fe95::writer
