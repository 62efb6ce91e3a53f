// SPDX-License-Identifier: GPL-2.0-or-later
#include "scenario.h"

#include <algorithm>
#include <stdexcept>

#include "fe95/ll/ll.h"

namespace fe95::writer {

namespace {

void addr(std::vector<std::uint8_t>& b, const BdAddr& a) {
  b.insert(b.end(), a.le.begin(), a.le.end());
}
void uuid(std::vector<std::uint8_t>& b, const att::Uuid& u) {
  b.insert(b.end(), u.le, u.le + u.len);
}

constexpr std::uint8_t kErrAttributeNotFound = 0x0a;

}  // namespace

att::Uuid uuid16(std::uint16_t v) {
  const std::uint8_t b[2] = {static_cast<std::uint8_t>(v), static_cast<std::uint8_t>(v >> 8)};
  return att::Uuid::from(ByteView(b, 2));
}

att::Uuid uuid128(const std::string& canonical) {
  std::string hex;
  for (char c : canonical)
    if (c != '-') hex.push_back(c);
  auto be = parse_hex(hex);
  if (!be || be->size() != 16) throw std::invalid_argument("bad 128-bit UUID " + canonical);
  std::reverse(be->begin(), be->end());
  return att::Uuid::from(*be);
}

Service mi_service(std::uint16_t s) {
  // docs/PROTOCOL.md §2: 0x0001 token (write, notify), 0x0002 product id (read), 0x0004 version
  // (read), 0x0010 event (write), 0x0013 device id (read, write), 0x0014 beacon key (read),
  // 0x0005 Wi-Fi (write, notify).
  auto at = [s](int off) { return static_cast<std::uint16_t>(s + off); };
  Service svc;
  svc.start = s;
  svc.uuid = uuid16(0xfe95);
  svc.chars = {
      {at(1), uuid16(0x0004), 0x02, false},  {at(3), uuid16(0x0010), 0x08, false},
      {at(5), uuid16(0x0001), 0x18, true},   {at(8), uuid16(0x0002), 0x02, false},
      {at(10), uuid16(0x0005), 0x18, true},  {at(13), uuid16(0x0013), 0x0a, false},
      {at(15), uuid16(0x0014), 0x02, false},
  };
  svc.end = at(16);
  return svc;
}

GattDb standard_services() {
  Service gap{0x0001,
              0x0007,
              uuid16(0x1800),
              {{0x0002, uuid16(0x2a00), 0x02, false},
               {0x0004, uuid16(0x2a01), 0x02, false},
               {0x0006, uuid16(0x2a04), 0x02, false}}};
  Service gatt{0x0008, 0x000b, uuid16(0x1801), {{0x0009, uuid16(0x2a05), 0x20, true}}};
  return {gap, gatt};
}

void Scenario::packet(PacketType type, Direction dir, const std::vector<std::uint8_t>& data) {
  if (air_) return;  // HCI commands and events are not on the air
  tick();
  Packet p;
  p.ts_ns = now_;
  p.dir = dir;
  p.type = type;
  p.adapter = adapter_;
  p.data = data;
  w_.write(p);
}

void Scenario::command(std::uint16_t opcode, const std::vector<std::uint8_t>& params) {
  std::vector<std::uint8_t> b;
  append_le16(b, opcode);
  b.push_back(static_cast<std::uint8_t>(params.size()));
  b.insert(b.end(), params.begin(), params.end());
  packet(PacketType::command, Direction::sent, b);
}

void Scenario::event(std::uint8_t code, const std::vector<std::uint8_t>& params) {
  std::vector<std::uint8_t> b{code, static_cast<std::uint8_t>(params.size())};
  b.insert(b.end(), params.begin(), params.end());
  packet(PacketType::event, Direction::rcvd, b);
}

void Scenario::connect(std::uint16_t handle, const BdAddr& peer, bool enhanced, std::uint8_t peer_addr_type) {
  if (air_) {
    air_connect(handle, peer, peer_addr_type);
    return;
  }
  // HCI_LE_Create_Connection (OGF 0x08, OCF 0x000d), Vol 4 Part E §7.8.12.
  std::vector<std::uint8_t> cp;
  append_le16(cp, 0x0060);  // scan interval
  append_le16(cp, 0x0030);  // scan window
  cp.push_back(0);          // filter policy
  cp.push_back(peer_addr_type);
  addr(cp, peer);
  cp.push_back(0);          // own address type
  append_le16(cp, 0x0018);  // conn interval min
  append_le16(cp, 0x0028);  // max
  append_le16(cp, 0);       // latency
  append_le16(cp, 0x01f4);  // supervision timeout
  append_le16(cp, 0);
  append_le16(cp, 0);
  command(0x200d, cp);
  event(0x0f, {0x00, 0x01, 0x0d, 0x20});  // Command Status: success, 1 packet, opcode
  std::vector<std::uint8_t> ev{static_cast<std::uint8_t>(enhanced ? 0x0a : 0x01), 0x00};
  append_le16(ev, handle);
  ev.push_back(0x00);  // role: central
  ev.push_back(peer_addr_type);
  addr(ev, peer);
  if (enhanced) ev.insert(ev.end(), 12, 0);  // local / peer RPA
  append_le16(ev, 0x0027);
  append_le16(ev, 0);
  append_le16(ev, 0x01f4);
  ev.push_back(0x00);
  event(0x3e, ev);
}

void Scenario::disconnect(std::uint16_t handle, std::uint8_t reason) {
  if (air_) {
    air_exchange(handle, Direction::sent, 3, {0x02, reason});  // LL_TERMINATE_IND from the central
    air_links_.erase(handle);
    return;
  }
  std::vector<std::uint8_t> p{0x00};
  append_le16(p, handle);
  p.push_back(reason);
  event(0x05, p);
}

void Scenario::advert(const BdAddr& a, const std::vector<std::uint8_t>& ad, bool extended, std::uint8_t addr_type,
                      std::uint8_t event_type) {
  if (air_) {
    air_advert(a, ad, extended, addr_type, event_type);
    return;
  }
  std::vector<std::uint8_t> p;
  if (!extended) {
    // LE Advertising Report, Vol 4 Part E §7.7.65.2.
    p = {0x02, 0x01, event_type, addr_type};
    addr(p, a);
    p.push_back(static_cast<std::uint8_t>(ad.size()));
    p.insert(p.end(), ad.begin(), ad.end());
    p.push_back(0xc4);  // RSSI -60
  } else {
    // LE Extended Advertising Report, §7.7.65.13: legacy ADV_IND event type 0x0013.
    p = {0x0d, 0x01};
    append_le16(p, 0x0013);
    p.push_back(addr_type);
    addr(p, a);
    p.insert(p.end(), {0x01, 0x00, 0xff, 0x7f, 0xc4});  // PHY 1M, no secondary, no SID, no tx power, RSSI
    append_le16(p, 0);                                  // no periodic advertising
    p.push_back(0x00);                                  // direct address type
    p.insert(p.end(), 6, 0);
    p.push_back(static_cast<std::uint8_t>(ad.size()));
    p.insert(p.end(), ad.begin(), ad.end());
  }
  event(0x3e, p);
}

std::vector<std::vector<std::uint8_t>> Scenario::fragments(std::uint16_t handle, Direction dir, std::uint16_t cid,
                                                           const std::vector<std::uint8_t>& payload) const {
  std::vector<std::uint8_t> frame;
  append_le16(frame, static_cast<std::uint16_t>(payload.size()));
  append_le16(frame, cid);
  frame.insert(frame.end(), payload.begin(), payload.end());
  std::vector<std::vector<std::uint8_t>> out;
  for (std::size_t off = 0; off < frame.size(); off += acl_mtu_) {
    const std::size_t n = std::min(acl_mtu_, frame.size() - off);
    // PB: host to controller starts with 0b00 (non-flushable), controller to host with 0b10
    // (Vol 4 Part E §5.4.2); continuations are 0b01.
    const std::uint16_t pb = off ? 0x1 : (dir == Direction::sent ? 0x0 : 0x2);
    std::vector<std::uint8_t> acl;
    append_le16(acl, static_cast<std::uint16_t>((handle & 0x0fff) | pb << 12));
    append_le16(acl, static_cast<std::uint16_t>(n));
    acl.insert(acl.end(), frame.begin() + static_cast<std::ptrdiff_t>(off),
               frame.begin() + static_cast<std::ptrdiff_t>(off + n));
    out.push_back(std::move(acl));
  }
  return out;
}

void Scenario::acl(Direction dir, const std::vector<std::uint8_t>& fragment) {
  if (air_ && fragment.size() >= 4) {
    // The same fragment as a data PDU: a start (LLID 2) or a continuation (LLID 1).
    const std::uint16_t hf = static_cast<std::uint16_t>(fragment[0] | fragment[1] << 8);
    air_exchange(static_cast<std::uint16_t>(hf & 0x0fff), dir, (hf >> 12 & 0x3) == 0x1 ? 1 : 2,
                 std::vector<std::uint8_t>(fragment.begin() + 4, fragment.end()));
    return;
  }
  packet(PacketType::acl, dir, fragment);
}

// ---- over the air ----

namespace {
const BdAddr kCentral = *BdAddr::parse("11:22:33:44:55:66");  // the phone
constexpr std::int64_t kIntervalUs = 7500;                    // connection interval 7.5 ms
// Air time of a PDU of n bytes on the 1M PHY (preamble, AA, header, payload, CRC) plus T_IFS.
std::int64_t air_us(std::size_t n) {
  return static_cast<std::int64_t>(8 * (1 + 4 + n + 3)) + 150;
}
}  // namespace

void Scenario::air_packet(std::uint32_t aa, std::uint32_t crc_init, const std::vector<std::uint8_t>& pdu,
                          std::uint8_t channel, bool advertising, Direction dir, bool crc_ok, std::uint16_t event,
                          bool write) {
  std::vector<std::uint8_t> le;
  for (int i = 0; i < 4; ++i) le.push_back(static_cast<std::uint8_t>(aa >> (8 * i)));
  le.insert(le.end(), pdu.begin(), pdu.end());
  const std::uint32_t crc = ll::air_crc(crc_init, pdu);
  le.push_back(static_cast<std::uint8_t>(crc));
  le.push_back(static_cast<std::uint8_t>(crc >> 8));
  le.push_back(static_cast<std::uint8_t>(crc >> 16));
  if (!crc_ok) le.back() ^= 0x5a;  // received damaged: the CRC no longer matches
  if (write) {
    Packet p;
    p.ts_ns = now_;
    p.dir = dir;
    p.type = PacketType::ll;
    p.data = le;
    p.channel = channel;
    p.crc_ok = crc_ok;
    p.advertising = advertising;
    p.aux = advertising && channel < 37;
    p.event_counter = event;
    w_.write(p);
  }
  now_ += air_us(pdu.size()) * 1000;
}

void Scenario::air_connect(std::uint16_t handle, const BdAddr& peer, std::uint8_t peer_addr_type) {
  AirLink l;
  l.aa = 0xaf9a0000u | handle;
  l.crc_init = 0x1a2b00u | (handle & 0xff);
  // CONNECT_IND (Vol 6 Part B §2.3.3.1): InitA, AdvA, AA, CRCInit, WinSize, WinOffset, Interval,
  // Latency, Timeout, ChM, Hop/SCA.
  std::vector<std::uint8_t> pdu{static_cast<std::uint8_t>(0x05 | (peer_addr_type & 1) << 7), 34};
  addr(pdu, kCentral);
  addr(pdu, peer);
  for (int i = 0; i < 4; ++i) pdu.push_back(static_cast<std::uint8_t>(l.aa >> (8 * i)));
  for (int i = 0; i < 3; ++i) pdu.push_back(static_cast<std::uint8_t>(l.crc_init >> (8 * i)));
  pdu.push_back(2);     // WinSize
  append_le16(pdu, 0);  // WinOffset
  append_le16(pdu, kIntervalUs / 1250);
  append_le16(pdu, 0);                                    // latency
  append_le16(pdu, 72);                                   // timeout 720 ms
  pdu.insert(pdu.end(), {0xff, 0xff, 0xff, 0xff, 0x1f});  // all 37 data channels
  pdu.push_back(7);                                       // hop 7, SCA 0
  now_ += 1000000;                                        // the central scanned for a while
  air_packet(ll::kAdvAccessAddress, ll::kAdvCrcInit, pdu, 37, true, Direction::sent, true, 0, !air_join_late_);
  air_links_[handle] = l;
}

void Scenario::air_exchange(std::uint16_t handle, Direction dir, std::uint8_t llid,
                            const std::vector<std::uint8_t>& payload) {
  auto it = air_links_.find(handle);
  if (it == air_links_.end()) {  // no CONNECT_IND: the capture joins the connection here
    AirLink l;
    l.aa = 0xaf9a0000u | handle;
    l.crc_init = 0x1a2b00u | (handle & 0xff);
    it = air_links_.emplace(handle, l).first;
  }
  AirLink& l = it->second;
  const int s = dir == Direction::sent ? 0 : 1;
  // Acknowledgement (Vol 6 Part B §4.5.9): a PDU carries its sender's SN and NESN; the receiver
  // takes it as new when its SN equals the receiver's NESN (and flips NESN); the sender learns its
  // last PDU was acked when the other's NESN differs from its SN (and flips SN).
  auto make = [&](int x, std::uint8_t id, const std::vector<std::uint8_t>& body) {
    std::vector<std::uint8_t> pdu{static_cast<std::uint8_t>(id | l.nesn[x] << 2 | l.sn[x] << 3),
                                  static_cast<std::uint8_t>(body.size())};
    pdu.insert(pdu.end(), body.begin(), body.end());
    return pdu;
  };
  auto deliver = [&](int x, const std::vector<std::uint8_t>& pdu, bool received, bool heard = true,
                     bool crc_ok = true) {
    air_packet(l.aa, l.crc_init, pdu, static_cast<std::uint8_t>(l.event % 37), false,
               x == 0 ? Direction::sent : Direction::rcvd, crc_ok, l.event, heard);
    const int y = 1 - x;
    if (((pdu[0] >> 2) & 1) != l.sn[y]) l.sn[y] ^= 1;  // y's last PDU acked
    if (received && ((pdu[0] >> 3) & 1) == l.nesn[y]) l.nesn[y] ^= 1;
  };
  // One connection event (the central opens it): the data from its side, an empty PDU from the
  // other. What a sniffer also meets, once per link: the peripheral's empty PDU missed (the 4th
  // event), one heard with a bad CRC (the 6th), and a data PDU (the 5th) that its receiver did not
  // get, sent again in the next event (same SN, same bytes).
  const std::vector<std::uint8_t> data_pdu_body = payload;
  auto event = [&](bool lost) {
    now_ += kIntervalUs * 1000;
    ++l.event;
    ++l.pdus;
    const bool miss = !l.missed && l.pdus >= 4, damage = !l.crc_bad && l.pdus >= 6 && !miss;
    if (s == 0) {
      deliver(0, make(0, llid, data_pdu_body), !lost);
      l.missed |= miss;
      l.crc_bad |= damage;
      deliver(1, make(1, 1, {}), true, !miss, !damage);
    } else {
      deliver(0, make(0, 1, {}), true);
      deliver(1, make(1, llid, data_pdu_body), !lost);
    }
  };
  const bool lose = llid != 3 && l.pdus >= 5 && !l.retransmitted;
  l.retransmitted |= lose;
  event(lose);
  if (!lose) return;
  if (s == 1) {  // the central's next PDU does not acknowledge it: the peripheral sends it again
    now_ += kIntervalUs * 1000;
    ++l.event;
    deliver(0, make(0, 1, {}), true);
    deliver(1, make(1, llid, data_pdu_body), true);
  } else {
    event(false);
  }
}

void Scenario::air_advert(const BdAddr& a, const std::vector<std::uint8_t>& ad, bool extended, std::uint8_t addr_type,
                          std::uint8_t event_type) {
  now_ += 100000;  // 100 ms between advertising events
  ++air_adverts_;
  if (!extended) {
    // ADV_IND 0, ADV_SCAN_IND 6, ADV_NONCONN_IND 2, SCAN_RSP 4 (HCI's event types 0, 2, 3, 4).
    const std::uint8_t type = event_type == 3 ? 2 : event_type == 2 ? 6 : event_type == 4 ? 4 : 0;
    std::vector<std::uint8_t> pdu{static_cast<std::uint8_t>(type | (addr_type & 1) << 6),
                                  static_cast<std::uint8_t>(6 + ad.size())};
    addr(pdu, a);
    pdu.insert(pdu.end(), ad.begin(), ad.end());
    for (const int ch : {37, 38, 39}) {
      air_packet(ll::kAdvAccessAddress, ll::kAdvCrcInit, pdu, static_cast<std::uint8_t>(ch), true, Direction::unknown);
      now_ += 400000;
    }
    if (air_adverts_ == 2)  // once: the same advert heard again, damaged (its CRC fails)
      air_packet(ll::kAdvAccessAddress, ll::kAdvCrcInit, pdu, 38, true, Direction::unknown, false);
    return;
  }
  // Extended: ADV_EXT_IND on the primary channels (ADI, AuxPtr), then AUX_ADV_IND on channel 9
  // with AdvA, ADI and the data (Vol 6 Part B §2.3.4).
  const std::uint16_t adi = static_cast<std::uint16_t>((air_adverts_ & 0x0fff) | 0x1000);
  std::vector<std::uint8_t> ext{0x07, 7};  // ADV_EXT_IND, 7 bytes
  ext.push_back(1 + 2 + 3);                // extended header length; mode: non-connectable, non-scannable
  ext.push_back(0x18);                     // flags: ADI, AuxPtr
  append_le16(ext, adi);
  ext.insert(ext.end(), {0x09, 0x2c, 0x00});  // AuxPtr: channel 9, 30 us units, offset, 1M
  for (const int ch : {37, 38, 39})
    air_packet(ll::kAdvAccessAddress, ll::kAdvCrcInit, ext, static_cast<std::uint8_t>(ch), true, Direction::unknown);
  std::vector<std::uint8_t> aux{static_cast<std::uint8_t>(0x07 | (addr_type & 1) << 6), 0};
  aux.push_back(1 + 6 + 2);
  aux.push_back(0x09);  // flags: AdvA, ADI
  addr(aux, a);
  append_le16(aux, adi);
  aux.insert(aux.end(), ad.begin(), ad.end());
  aux[1] = static_cast<std::uint8_t>(aux.size() - 2);
  air_packet(ll::kAdvAccessAddress, ll::kAdvCrcInit, aux, 9, true, Direction::unknown);
}

void Scenario::l2cap(std::uint16_t handle, Direction dir, std::uint16_t cid, const std::vector<std::uint8_t>& payload) {
  for (const auto& f : fragments(handle, dir, cid, payload)) acl(dir, f);
}

void Scenario::att(std::uint16_t handle, Direction dir, const std::vector<std::uint8_t>& pdu) {
  l2cap(handle, dir, 0x0004, pdu);
}

void Scenario::mtu_exchange(std::uint16_t conn, std::uint16_t client_mtu, std::uint16_t server_mtu) {
  std::vector<std::uint8_t> req{att::kMtuReq}, rsp{att::kMtuRsp};
  append_le16(req, client_mtu);
  append_le16(rsp, server_mtu);
  att(conn, Direction::sent, req);
  att(conn, Direction::rcvd, rsp);
}

void Scenario::write_req(std::uint16_t conn, std::uint16_t h, const std::vector<std::uint8_t>& v, bool respond) {
  std::vector<std::uint8_t> pdu{att::kWriteReq};
  append_le16(pdu, h);
  pdu.insert(pdu.end(), v.begin(), v.end());
  att(conn, Direction::sent, pdu);
  if (respond) att(conn, Direction::rcvd, {att::kWriteRsp});
}

void Scenario::write_cmd(std::uint16_t conn, std::uint16_t h, const std::vector<std::uint8_t>& v) {
  std::vector<std::uint8_t> pdu{att::kWriteCmd};
  append_le16(pdu, h);
  pdu.insert(pdu.end(), v.begin(), v.end());
  att(conn, Direction::sent, pdu);
}

void Scenario::notify(std::uint16_t conn, std::uint16_t h, const std::vector<std::uint8_t>& v) {
  std::vector<std::uint8_t> pdu{att::kNotify};
  append_le16(pdu, h);
  pdu.insert(pdu.end(), v.begin(), v.end());
  att(conn, Direction::rcvd, pdu);
}

void Scenario::indicate(std::uint16_t conn, std::uint16_t h, const std::vector<std::uint8_t>& v) {
  std::vector<std::uint8_t> pdu{att::kIndicate};
  append_le16(pdu, h);
  pdu.insert(pdu.end(), v.begin(), v.end());
  att(conn, Direction::rcvd, pdu);
  att(conn, Direction::sent, {att::kConfirm});
}

void Scenario::read(std::uint16_t conn, std::uint16_t h, const std::vector<std::uint8_t>& v) {
  std::vector<std::uint8_t> req{att::kReadReq};
  append_le16(req, h);
  att(conn, Direction::sent, req);
  std::vector<std::uint8_t> rsp{att::kReadRsp};
  rsp.insert(rsp.end(), v.begin(), v.end());
  att(conn, Direction::rcvd, rsp);
}

void Scenario::read_error(std::uint16_t conn, std::uint16_t h, std::uint8_t code) {
  std::vector<std::uint8_t> req{att::kReadReq};
  append_le16(req, h);
  att(conn, Direction::sent, req);
  std::vector<std::uint8_t> err{att::kErrorRsp, att::kReadReq};
  append_le16(err, h);
  err.push_back(code);
  att(conn, Direction::rcvd, err);
}

void Scenario::discover(std::uint16_t conn, const GattDb& db_in, std::uint16_t mtu) {
  GattDb db = db_in;
  std::sort(db.begin(), db.end(), [](const Service& a, const Service& b) { return a.start < b.start; });
  auto error = [&](std::uint8_t req, std::uint16_t h) {
    std::vector<std::uint8_t> e{att::kErrorRsp, req};
    append_le16(e, h);
    e.push_back(kErrAttributeNotFound);
    att(conn, Direction::rcvd, e);
  };
  // 1. Primary services: Read By Group Type 0x2800 over [start, 0xffff]. One response holds
  // entries of one length only (Vol 3 Part F §3.4.4.10), and fits the MTU.
  std::uint16_t start = 1;
  std::size_t i = 0;
  for (;;) {
    std::vector<std::uint8_t> req{att::kReadByGroupReq};
    append_le16(req, start);
    append_le16(req, 0xffff);
    append_le16(req, 0x2800);
    att(conn, Direction::sent, req);
    if (i >= db.size()) {
      error(att::kReadByGroupReq, start);
      break;
    }
    const std::uint8_t len = static_cast<std::uint8_t>(4 + db[i].uuid.len);
    std::vector<std::uint8_t> rsp{att::kReadByGroupRsp, len};
    while (i < db.size() && 4u + db[i].uuid.len == len && rsp.size() + len <= mtu) {
      append_le16(rsp, db[i].start);
      append_le16(rsp, db[i].end);
      uuid(rsp, db[i].uuid);
      start = static_cast<std::uint16_t>(db[i].end + 1);
      ++i;
    }
    att(conn, Direction::rcvd, rsp);
    if (start == 0) break;  // wrapped past 0xffff
  }
  // 2. Characteristics per service: Read By Type 0x2803.
  for (const auto& s : db) {
    std::uint16_t from = s.start;
    std::size_t c = 0;
    for (;;) {
      std::vector<std::uint8_t> req{att::kReadByTypeReq};
      append_le16(req, from);
      append_le16(req, s.end);
      append_le16(req, 0x2803);
      att(conn, Direction::sent, req);
      if (c >= s.chars.size()) {
        error(att::kReadByTypeReq, from);
        break;
      }
      const std::uint8_t len = static_cast<std::uint8_t>(5 + s.chars[c].uuid.len);
      std::vector<std::uint8_t> rsp{att::kReadByTypeRsp, len};
      while (c < s.chars.size() && 5u + s.chars[c].uuid.len == len && rsp.size() + len <= mtu) {
        const auto& ch = s.chars[c];
        append_le16(rsp, ch.decl);
        rsp.push_back(ch.properties);
        append_le16(rsp, ch.value());
        uuid(rsp, ch.uuid);
        from = static_cast<std::uint16_t>(ch.value() + 1);
        ++c;
      }
      att(conn, Direction::rcvd, rsp);
      if (from > s.end) break;
    }
    // 3. Descriptors: Find Information over the handles after each value.
    for (std::size_t k = 0; k < s.chars.size(); ++k) {
      const auto& ch = s.chars[k];
      const std::uint16_t last = k + 1 < s.chars.size() ? static_cast<std::uint16_t>(s.chars[k + 1].decl - 1) : s.end;
      const std::uint16_t first = static_cast<std::uint16_t>(ch.value() + 1);
      if (first > last) continue;
      std::vector<std::uint8_t> req{att::kFindInfoReq};
      append_le16(req, first);
      append_le16(req, last);
      att(conn, Direction::sent, req);
      if (ch.cccd) {
        std::vector<std::uint8_t> rsp{att::kFindInfoRsp, 0x01};
        append_le16(rsp, first);
        append_le16(rsp, 0x2902);
        att(conn, Direction::rcvd, rsp);
      } else {
        error(att::kFindInfoReq, first);
      }
    }
  }
}

void Scenario::discover_service_by_uuid(std::uint16_t conn, const GattDb& db, const att::Uuid& u, std::uint16_t mtu) {
  (void)mtu;
  std::vector<std::uint8_t> req{att::kFindByTypeReq};
  append_le16(req, 0x0001);
  append_le16(req, 0xffff);
  append_le16(req, 0x2800);
  uuid(req, u);
  att(conn, Direction::sent, req);
  std::vector<std::uint8_t> rsp{att::kFindByTypeRsp};
  for (const auto& s : db)
    if (s.uuid == u) {
      append_le16(rsp, s.start);
      append_le16(rsp, s.end);
    }
  if (rsp.size() == 1) {
    std::vector<std::uint8_t> e{att::kErrorRsp, att::kFindByTypeReq, 0x01, 0x00, kErrAttributeNotFound};
    att(conn, Direction::rcvd, e);
  } else {
    att(conn, Direction::rcvd, rsp);
  }
}

std::vector<std::uint8_t> ad_flags(std::uint8_t flags) {
  return {0x02, 0x01, flags};
}

std::vector<std::uint8_t> ad_service_data16(std::uint16_t u, const std::vector<std::uint8_t>& data) {
  std::vector<std::uint8_t> b{static_cast<std::uint8_t>(3 + data.size()), 0x16, static_cast<std::uint8_t>(u),
                              static_cast<std::uint8_t>(u >> 8)};
  b.insert(b.end(), data.begin(), data.end());
  return b;
}

std::vector<std::uint8_t> ad_name(const std::string& name) {
  std::vector<std::uint8_t> b;
  b.reserve(2 + name.size());
  b.push_back(static_cast<std::uint8_t>(1 + name.size()));
  b.push_back(0x09);
  for (char c : name) b.push_back(static_cast<std::uint8_t>(c));
  return b;
}

std::vector<std::uint8_t> cat(std::initializer_list<std::vector<std::uint8_t>> parts) {
  std::vector<std::uint8_t> out;
  for (const auto& p : parts) out.insert(out.end(), p.begin(), p.end());
  return out;
}

}  // namespace fe95::writer
