// SPDX-License-Identifier: GPL-2.0-or-later
// The link layer of LE sniffer captures (docs/LL_CAPTURES.md §4-§5); see ll/tracker.h.
#include "fe95/ll/tracker.h"

#include <algorithm>
#include <cstdio>

#include "fe95/ll/ll.h"
#include "fe95/stack/stack.h"

namespace fe95::ll {

namespace {

using ll::kAdvAccessAddress;
using ll::kAdvCrcInit;

// Advertising PDU types (Core Vol 6 Part B §2.3).
enum : std::uint8_t {
  kAdvInd = 0,
  kAdvDirectInd = 1,
  kAdvNonconnInd = 2,
  kScanReq = 3,
  kScanRsp = 4,
  kConnectInd = 5,
  kAdvScanInd = 6,
  kAdvExtInd = 7,
};
// LL control opcodes (Vol 6 Part B §2.4.2).
enum : std::uint8_t {
  kConnectionUpdateInd = 0x00,
  kTerminateInd = 0x02,
  kEncReq = 0x03,
  kStartEncReq = 0x05,
  kPhyUpdateInd = 0x18,
};

std::uint64_t addr_key(const BdAddr& a) {
  std::uint64_t k = 0;
  for (int i = 5; i >= 0; --i) k = k << 8 | a.le[static_cast<std::size_t>(i)];
  return k;
}

std::int64_t time_us(const Record& rec) {
  return rec.ll.air_us >= 0 ? rec.ll.air_us : rec.ts_ns / 1000;
}

}  // namespace

std::string Link::name() const {
  char buf[40];
  std::snprintf(buf, sizeof buf, "LL 0x%08x", access_address);
  std::string n = buf;
  if (instance > 1) n += " #" + std::to_string(instance);
  return n;
}

void Tracker::feed(const Record& rec) {
  if (rec.ll.error != LlHeaderError::none) {
    Diagnostic d = record_diagnostic(rec, Code::ll_header, rec.data);
    d.reason = static_cast<std::uint8_t>(rec.ll.error);
    host_.report(d);
    return;
  }
  if (rec.cut) {
    host_.cut(rec);
    return;
  }
  // Access address [CI] header(2) payload CRC(3); on the Coded PHY a CI byte follows the address.
  const std::size_t at = rec.ll.phy == 2 ? 5 : 4;
  const ByteView d = rec.data;
  if (d.size() < at + 2 + 3) {
    Diagnostic diag = record_diagnostic(rec, Code::ll_length, d);
    diag.count = d.size();
    host_.report(diag);
    return;
  }
  const std::uint32_t aa = load_u32le(d.data());
  const std::uint8_t header = d[at], len = d[at + 1];
  const bool adv = aa == kAdvAccessAddress;
  const std::size_t cte = !adv && (header & 0x20) ? 1 : 0;  // data PDU with a CTEInfo byte
  if (at + 2 + cte + len + 3 != d.size() || len > 251) {
    Diagnostic diag = record_diagnostic(rec, Code::ll_length, d);
    diag.byte = len;
    diag.count = d.size();
    host_.report(diag);
    return;
  }
  const ByteView pdu = d.subspan(at, 2 + cte + len);
  // CRC: the header's word when it has one (never recomputed then: sniffers zero it or decrypt the
  // payload under it); else computed, for data PDUs once the connection's CRCInit is known.
  LlCrc crc = rec.ll.crc;
  Connection* link = adv ? nullptr : live(aa);
  if (crc == LlCrc::unknown) {
    std::optional<std::uint32_t> init;
    if (adv)
      init = kAdvCrcInit;
    else if (link && link->ll->crc_init)
      init = link->ll->crc_init;
    if (init) crc = ll::air_crc(*init, pdu) == load_u24le(d.data() + d.size() - 3) ? LlCrc::ok : LlCrc::bad;
  }
  if (crc == LlCrc::bad) {
    if (link)
      ++link->ll->crc_bad;
    else if (adv)
      ++crc_bad_adv_;
    else
      ++crc_bad_data_;
    return;
  }
  if (adv) {
    this->adv(rec, header, pdu.subspan(2, len));
    return;
  }
  data(rec, aa, pdu);
}

void Tracker::advert(const Record& rec, const hci::AdvReport& r) {
  // One advertising event sends the same PDU on channels 37, 38 and 39 within a few ms: count it
  // once (an advert that changes, or comes again later, is new).
  const std::uint64_t k = addr_key(r.addr) | static_cast<std::uint64_t>(r.event_type & 0xff) << 48;
  const std::int64_t now = time_us(rec);
  auto it = adverts_.find(k);
  if (it != adverts_.end() && now - it->second.us < 10000 && now >= it->second.us && equal(it->second.data, r.data)) {
    ++adv_duplicates_;
    return;
  }
  if (it == adverts_.end()) {
    if (adverts_.size() >= kMaxAdvertisers) adverts_.clear();  // a crowd: forget, count again
    it = adverts_.emplace(k, LastAdvert{}).first;
  }
  it->second.data.assign(r.data.begin(), r.data.end());
  it->second.us = now;
  host_.advert(rec, r);
}

void Tracker::adv(const Record& rec, std::uint8_t header, ByteView payload) {
  const std::uint8_t type = header & 0x0f;
  const bool secondary = rec.ll.channel != 0xff && rec.ll.channel < 37;
  // CONNECT_IND on a primary channel; AUX_CONNECT_REQ (type 3, as SCAN_REQ, but on a secondary
  // channel and with CONNECT_IND's 34 bytes).
  if (type == kConnectInd || (type == kScanReq && secondary && payload.size() == 34)) {
    connect(rec, header, payload);
    return;
  }
  if (type == kAdvExtInd) {
    ext_adv(rec, header, payload);
    return;
  }
  // Legacy PDUs are legacy on any channel (SweynTooth writes channel 0 for all).
  if (type != kAdvInd && type != kAdvNonconnInd && type != kAdvScanInd && type != kScanRsp) return;
  if (payload.size() < 6) return;
  hci::AdvReport r;
  // HCI's legacy event types: ADV_IND 0, ADV_SCAN_IND 2, ADV_NONCONN_IND 3, SCAN_RSP 4.
  r.event_type = type == kAdvInd ? 0 : type == kAdvScanInd ? 2 : type == kAdvNonconnInd ? 3 : 4;
  r.addr_type = (header >> 6) & 1;  // TxAdd
  r.addr = BdAddr::from_le(payload.first(6));
  r.rssi = rec.ll.rssi;
  r.data = payload.subspan(6);
  advert(rec, r);
}

void Tracker::ext_adv(const Record& rec, std::uint8_t header, ByteView payload) {
  // Common extended advertising payload (Vol 6 Part B §2.3.4): ext header length and mode, flags,
  // AdvA, TargetA, CTEInfo, ADI, AuxPtr, SyncInfo, TxPower, ACAD; then AdvData.
  if (payload.empty()) return;
  const std::size_t ext_len = payload[0] & 0x3f;
  if (1 + ext_len > payload.size()) return;
  const ByteView ext = payload.subspan(1, ext_len);
  const ByteView data = payload.subspan(1 + ext_len);
  std::optional<BdAddr> adva;
  std::optional<std::uint16_t> adi;
  bool aux_ptr = false;
  if (!ext.empty()) {
    const std::uint8_t flags = ext[0];
    std::size_t at = 1;
    auto take = [&](std::size_t n) -> std::optional<ByteView> {
      if (at + n > ext.size()) return std::nullopt;
      const ByteView v = ext.subspan(at, n);
      at += n;
      return v;
    };
    if (flags & 0x01) {
      auto v = take(6);
      if (!v) return;
      adva = BdAddr::from_le(*v);
    }
    if ((flags & 0x02) && !take(6)) return;
    if ((flags & 0x04) && !take(1)) return;
    if (flags & 0x08) {
      auto v = take(2);
      if (!v) return;
      adi = load_u16le(v->data());
    }
    if (flags & 0x10) {
      if (!take(3)) return;
      aux_ptr = true;
    }
  }
  const bool primary = rec.ll.channel == 0xff || rec.ll.channel >= 37;
  if (primary && aux_ptr) return;  // ADV_EXT_IND pointing at its AUX_ADV_IND: the data is there
  // AUX_ADV_IND / AUX_SCAN_RSP start an advert (they carry AdvA); AUX_CHAIN_IND continues the one
  // with the same ADI. The last piece has no AuxPtr.
  const std::uint16_t key = adi.value_or(0xffff);
  Chain* chain = nullptr;
  if (adva) {
    if (chains_.size() >= kMaxChains && !chains_.count(key)) chains_.clear();
    chain = &chains_[key];
    *chain = Chain{*adva, static_cast<std::uint8_t>((header >> 6) & 1), true, {}, rec.frame};
  } else if (auto it = chains_.find(key); it != chains_.end()) {
    chain = &it->second;
  } else {
    return;  // a chain piece whose start was not heard
  }
  if (chain->data.size() + data.size() > kMaxChainBytes) {
    chains_.erase(key);
    return;
  }
  chain->data.insert(chain->data.end(), data.begin(), data.end());
  if (aux_ptr) return;
  scratch_ = std::move(chain->data);
  hci::AdvReport r;
  r.event_type = 0x0000;
  r.extended = true;
  r.addr = chain->addr;
  r.addr_type = chain->addr_type;
  r.rssi = rec.ll.rssi;
  r.data = scratch_;
  chains_.erase(key);
  if (!r.data.empty()) advert(rec, r);
}

Connection* Tracker::live(std::uint32_t aa) {
  auto it = by_aa_.find(aa);
  return it == by_aa_.end() ? nullptr : host_.link_of(it->second.first, it->second.second);
}

// A connection under a handle of fe95's own (0x1000 up: no HCI handle is that large), and a new
// instance number for its access address.
Connection& Tracker::open(const Record& rec, std::uint32_t aa) {
  if (auto it = by_aa_.find(aa); it != by_aa_.end())
    host_.close_link(rec, it->second.first, it->second.second, kReasonSuperseded);
  const std::uint16_t handle = static_cast<std::uint16_t>(0x1000 + next_handle_++ % 0xf000);
  if (host_.link_of(rec.adapter, handle)) host_.close_link(rec, rec.adapter, handle, kReasonSuperseded);
  if (instances_.size() >= kMaxAdvertisers * 16 && !instances_.count(aa)) instances_.clear();
  Connection& c = host_.open_link(rec, handle);
  c.ll = std::make_unique<Link>();
  Link& l = *c.ll;
  l.access_address = aa;
  l.instance = ++instances_[aa];
  l.first_frame = rec.frame;
  by_aa_[aa] = {rec.adapter, handle};
  return c;
}

void Tracker::connect(const Record& rec, std::uint8_t header, ByteView p) {
  // InitA(6) AdvA(6) AA(4) CRCInit(3) WinSize(1) WinOffset(2) Interval(2) Latency(2) Timeout(2)
  // ChM(5) Hop/SCA(1): 34 bytes.
  if (p.size() != 34) {
    Diagnostic d = record_diagnostic(rec, Code::ll_connect_ind, p);
    d.count = p.size();
    host_.report(d);
    return;
  }
  const std::uint32_t aa = load_u32le(p.data() + 12);
  closed_.erase(aa);
  Connection& c = open(rec, aa);
  c.link.known = true;
  c.le = true;
  c.link.peer = BdAddr::from_le(p.subspan(6, 6));  // AdvA: the peripheral, the device
  c.peer_addr_type = (header >> 7) & 1;            // RxAdd
  c.role = 0;                                      // seen from the central, as a phone's log is
  c.link.connected_ns = rec.ts_ns;
  c.connected_frame = rec.frame;
  Link& l = *c.ll;
  l.from_connect_ind = true;
  l.central = BdAddr::from_le(p.first(6));
  l.central_type = (header >> 6) & 1;
  l.crc_init = load_u24le(p.data() + 16);
  l.interval = load_u16le(p.data() + 22);
  c.link.label = l.name();
  host_.link_up(rec, c);
}

void Tracker::data(const Record& rec, std::uint32_t aa, ByteView pdu) {
  Connection* cp = live(aa);
  if (!cp) {
    if (closed_.count(aa)) return;  // the closing acks of a terminated connection
    // The capture started mid-connection: the access address is the link; the addresses are
    // unknown (--mac gives the device's).
    cp = &open(rec, aa);
    cp->link.label = cp->ll->name();
  }
  Connection& c = *cp;
  Link& l = *c.ll;
  c.last_frame = rec.frame;
  ++l.pdus;
  // Direction: the header's, else the connection event's order (the central opens each event).
  Direction dir = rec.dir;
  const std::int64_t now = time_us(rec);
  // The nRF timestamp is 32 bits of microseconds: it wraps every 71 minutes.
  const std::int64_t gap = rec.ll.air_us >= 0 ? static_cast<std::uint32_t>(now - l.last_us) : now - l.last_us;
  const bool opens_event = !l.have_last || gap > kEventGapUs || gap < 0;
  if (rec.ll.dir_from_header) {
    ++l.dir_header;
    // A sniffer that lost sync can flag the central's PDUs as the peripheral's (docs/LL_CAPTURES.md §4.2):
    // the header is trusted, and the PDUs that open a connection event against it are counted.
    if (opens_event && dir == Direction::rcvd && l.have_last) ++l.dir_disagreements;
  } else {
    dir = opens_event ? Direction::sent : (l.last_dir == Direction::sent ? Direction::rcvd : Direction::sent);
    ++l.dir_inferred;
  }
  l.have_last = true;
  l.last_us = now;
  l.last_dir = dir;

  const std::uint8_t header = pdu[0], len = pdu[1];
  const std::uint8_t llid = header & 0x03, sn = (header >> 3) & 1;
  const std::size_t cte = (header & 0x20) ? 1 : 0;
  const ByteView payload = pdu.subspan(2 + cte, len);
  // A retransmission repeats the last PDU of its direction, empty PDUs included: same SN, same
  // bytes, and not acknowledged by the other side in between (its NESN still equal to that SN).
  // The SN alone is not enough (tool-written captures log every PDU with SN 0), nor SN and bytes
  // when a packet between two equal PDUs was missed: the other side's acknowledgement tells.
  Link::Side& side = l.side[dir == Direction::rcvd ? 1 : 0];
  Link::Side& other = l.side[dir == Direction::rcvd ? 0 : 1];
  const std::uint8_t nesn = (header >> 2) & 1;
  if (other.have && nesn != other.sn) other.acked = true;
  const ByteView body = pdu.subspan(2);
  const bool repeat = side.have && side.sn == sn && !side.acked && equal(side.last, body);
  if (side.have && side.sn == sn && !repeat) ++l.sn_anomalies;
  side.have = true;
  side.sn = sn;
  side.acked = false;
  side.last.assign(body.begin(), body.end());
  if (llid == 1 && len == 0) {
    ++l.empty;
    return;
  }
  if (repeat) {
    ++l.duplicates;
    return;
  }
  // Ciphertext is never decoded: the header's word first, else the link's own state.
  LlCipher cipher = rec.ll.cipher;
  if (cipher == LlCipher::unknown) cipher = l.encrypting ? LlCipher::encrypted : LlCipher::plain;
  if (cipher == LlCipher::encrypted) {
    if (!l.encrypted++) {
      Diagnostic d = record_diagnostic(rec, Code::ll_encrypted, {});
      d.name = l.name();
      d.at = l.enc_start_frame;
      d.reason = l.pairing.empty() ? 0 : l.pairing == "legacy" ? 1 : 2;
      host_.report(d);
    }
    return;
  }

  Record r = rec;
  r.dir = dir;
  if (llid == 3) {
    ++l.control;
    control(r, c, payload);
    return;
  }
  if (llid == 0) return;  // reserved
  hci::AclHeader acl;
  acl.handle = c.link.handle;
  acl.pb = llid == 2 ? hci::kPbFirstFlushable : hci::kPbContinuing;
  acl.data = payload;
  r.type = PacketType::acl;
  host_.acl(r, acl);
}

void Tracker::control(const Record& rec, Connection& c, ByteView p) {
  if (p.empty()) return;
  Link& l = *c.ll;
  switch (p[0]) {
    case kTerminateInd:
      l.terminated = true;
      if (closed_.size() >= kMaxAdvertisers) closed_.clear();
      closed_[l.access_address] = rec.frame;
      host_.close_link(rec, c.link.adapter, c.link.handle, p.size() > 1 ? p[1] : 0x13);  // c is gone from here
      return;
    case kEncReq:
      l.enc_request_frame = rec.frame;
      break;
    case kStartEncReq:
      // Sent in clear by the peripheral; everything after it is encrypted (LL_START_ENC_RSP too).
      l.enc_start_frame = rec.frame;
      if (rec.ll.cipher == LlCipher::unknown) l.encrypting = true;
      break;
    case kConnectionUpdateInd:
      ++l.connection_updates;
      if (p.size() >= 12) l.interval = load_u16le(p.data() + 4);
      break;
    case kPhyUpdateInd:
      ++l.phy_updates;
      break;
    default:
      break;
  }
}

void Tracker::closing(const Record& rec, const Connection& c, std::uint8_t reason) {
  const Link& l = *c.ll;
  if (auto a = by_aa_.find(l.access_address);
      a != by_aa_.end() && a->second == std::pair{c.link.adapter, c.link.handle})
    by_aa_.erase(a);
  crc_bad_links_ += l.crc_bad;
  if (reason == kReasonEndOfCapture && !l.terminated) {
    Diagnostic d = record_diagnostic(rec, Code::ll_lost, {});
    d.name = l.name();
    d.at = c.last_frame;
    host_.report(d);
  }
}

void Tracker::finish(const Record& last) {
  // The packets skipped for their CRC, once per capture (the links' counts are in their
  // summaries, now all ended).
  if (const std::uint64_t bad = crc_bad_adv_ + crc_bad_data_ + crc_bad_links_; bad) {
    Record r = last;
    r.frame = 0;
    Diagnostic d = record_diagnostic(r, Code::ll_crc_bad, {});
    d.count = bad;
    d.total = crc_bad_adv_;
    host_.report(d);
  }
}

}  // namespace fe95::ll
