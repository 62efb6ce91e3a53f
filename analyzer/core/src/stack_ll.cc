// SPDX-License-Identifier: GPL-2.0-or-later
// The link-layer tracker of LE sniffer captures (../shared/docs/LL_CAPTURES.md §4-§5): it turns
// over-the-air packets into what the HCI path already consumes. Advertising PDUs become advertising
// reports (an advert heard on three channels counts once; extended adverts are rebuilt from their
// AUX chain); CONNECT_IND creates a connection whose peer is the peripheral (the device); data PDUs
// become ACL start and continuation fragments for the same L2CAP reassembly and ATT decoding.
// CRC-bad packets, retransmissions and ciphertext are counted, never decoded.
#include <algorithm>
#include <cstdio>

#include "fe95/ll.h"
#include "fe95/stack.h"

namespace fe95 {

namespace {

using ll::kAdvAccessAddress;
using ll::kAdvCrcInit;

// Advertising PDU types (Core Vol 6 Part B §2.3).
enum : std::uint8_t {
  kAdvInd = 0, kAdvDirectInd = 1, kAdvNonconnInd = 2, kScanReq = 3, kScanRsp = 4, kConnectInd = 5,
  kAdvScanInd = 6, kAdvExtInd = 7,
};
// LL control opcodes (Vol 6 Part B §2.4.2).
enum : std::uint8_t {
  kConnectionUpdateInd = 0x00, kTerminateInd = 0x02, kEncReq = 0x03, kStartEncReq = 0x05,
  kPhyUpdateInd = 0x18,
};

std::uint64_t addr_key(const BdAddr& a) {
  std::uint64_t k = 0;
  for (int i = 5; i >= 0; --i) k = k << 8 | a.le[static_cast<std::size_t>(i)];
  return k;
}

std::int64_t time_us(const Record& rec) { return rec.ll.air_us >= 0 ? rec.ll.air_us : rec.ts_ns / 1000; }

}  // namespace

std::string LlLink::name() const {
  char buf[40];
  std::snprintf(buf, sizeof buf, "LL 0x%08x", access_address);
  std::string n = buf;
  if (instance > 1) n += " #" + std::to_string(instance);
  return n;
}

void Stack::on_ll(const Record& rec) {
  if (rec.ll.error != LlHeaderError::none) {
    static constexpr const char* kWhy[] = {"", "shorter than its header", "its length fields disagree with the bytes captured",
                                           "an unknown nRF Sniffer header version", "no BTLE field or an unknown DLT"};
    report(rec, Code::ll_header, std::string("sniffer header: ") + kWhy[static_cast<int>(rec.ll.error)], rec.data);
    return;
  }
  if (rec.cut) {
    report_cut(rec);
    return;
  }
  // Access address [CI] header(2) payload CRC(3); on the Coded PHY a CI byte follows the address.
  const std::size_t at = rec.ll.phy == 2 ? 5 : 4;
  const ByteView d = rec.data;
  if (d.size() < at + 2 + 3) {
    report(rec, Code::ll_length, "LE packet of " + std::to_string(d.size()) + " bytes: shorter than its header and CRC", d);
    return;
  }
  const std::uint32_t aa = load_u32le(d.data());
  const std::uint8_t header = d[at], len = d[at + 1];
  const bool adv = aa == kAdvAccessAddress;
  const std::size_t cte = !adv && (header & 0x20) ? 1 : 0;  // data PDU with a CTEInfo byte
  if (at + 2 + cte + len + 3 != d.size() || len > 251) {
    report(rec, Code::ll_length,
           "LE packet length field " + std::to_string(len) + " for " + std::to_string(d.size()) + " bytes captured",
           d);
    return;
  }
  const ByteView pdu = d.subspan(at, 2 + cte + len);
  // CRC: the header's word when it has one (never recomputed then: sniffers zero it or decrypt the
  // payload under it); else computed, for data PDUs once the connection's CRCInit is known.
  LlCrc crc = rec.ll.crc;
  Connection* link = nullptr;
  if (!adv)
    if (auto it = ll_by_aa_.find(aa); it != ll_by_aa_.end()) link = conns_.at(it->second).get();
  if (crc == LlCrc::unknown) {
    std::optional<std::uint32_t> init;
    if (adv) init = kAdvCrcInit;
    else if (link && link->ll->crc_init) init = link->ll->crc_init;
    if (init) crc = ll::air_crc(*init, pdu) == (d[d.size() - 3] | d[d.size() - 2] << 8 | static_cast<std::uint32_t>(d[d.size() - 1]) << 16)
                        ? LlCrc::ok
                        : LlCrc::bad;
  }
  if (crc == LlCrc::bad) {
    if (link) ++link->ll->crc_bad;
    else if (adv) ++ll_crc_bad_adv_;
    else ++ll_crc_bad_data_;
    return;
  }
  if (adv) {
    on_ll_adv(rec, header, pdu.subspan(2, len));
    return;
  }
  on_ll_data(rec, aa, pdu);
}

void Stack::advert(const Record& rec, const hci::AdvReport& r) {
  // One advertising event sends the same PDU on channels 37, 38 and 39 within a few ms: count it
  // once (an advert that changes, or comes again later, is new).
  const std::uint64_t k = addr_key(r.addr) | static_cast<std::uint64_t>(r.event_type & 0xff) << 48;
  const std::int64_t now = time_us(rec);
  auto it = ll_adverts_.find(k);
  if (it != ll_adverts_.end() && now - it->second.us < 10000 && now >= it->second.us &&
      equal(it->second.data, r.data)) {
    ++ll_adv_duplicates_;
    return;
  }
  if (it == ll_adverts_.end()) {
    if (ll_adverts_.size() >= kMaxAdvertisers) ll_adverts_.clear();  // a crowd: forget, count again
    it = ll_adverts_.emplace(k, LastAdvert{}).first;
  }
  it->second.data.assign(r.data.begin(), r.data.end());
  it->second.us = now;
  listener_.on_advert(rec, r);
}

void Stack::on_ll_adv(const Record& rec, std::uint8_t header, ByteView payload) {
  const std::uint8_t type = header & 0x0f;
  const bool secondary = rec.ll.channel != 0xff && rec.ll.channel < 37;
  // CONNECT_IND on a primary channel; AUX_CONNECT_REQ (type 3, as SCAN_REQ, but on a secondary
  // channel and with CONNECT_IND's 34 bytes).
  if (type == kConnectInd || (type == kScanReq && secondary && payload.size() == 34)) {
    on_ll_connect(rec, header, payload);
    return;
  }
  if (type == kAdvExtInd) {
    on_ll_ext_adv(rec, header, payload);
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

void Stack::on_ll_ext_adv(const Record& rec, std::uint8_t header, ByteView payload) {
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
    if (ll_chains_.size() >= kMaxChains && !ll_chains_.count(key)) ll_chains_.clear();
    chain = &ll_chains_[key];
    *chain = Chain{*adva, static_cast<std::uint8_t>((header >> 6) & 1), true, {}, rec.frame};
  } else if (auto it = ll_chains_.find(key); it != ll_chains_.end()) {
    chain = &it->second;
  } else {
    return;  // a chain piece whose start was not heard
  }
  if (chain->data.size() + data.size() > kMaxChainBytes) {
    ll_chains_.erase(key);
    return;
  }
  chain->data.insert(chain->data.end(), data.begin(), data.end());
  if (aux_ptr) return;
  ll_scratch_ = std::move(chain->data);
  hci::AdvReport r;
  r.event_type = 0x0000;
  r.extended = true;
  r.addr = chain->addr;
  r.addr_type = chain->addr_type;
  r.rssi = rec.ll.rssi;
  r.data = ll_scratch_;
  ll_chains_.erase(key);
  if (!r.data.empty()) advert(rec, r);
}

void Stack::on_ll_connect(const Record& rec, std::uint8_t header, ByteView p) {
  // InitA(6) AdvA(6) AA(4) CRCInit(3) WinSize(1) WinOffset(2) Interval(2) Latency(2) Timeout(2)
  // ChM(5) Hop/SCA(1): 34 bytes.
  if (p.size() != 34) {
    report(rec, Code::ll_connect_ind, "CONNECT_IND of " + std::to_string(p.size()) + " bytes (34 expected): ignored", p);
    return;
  }
  const std::uint32_t aa = load_u32le(p.data() + 12);
  if (auto it = ll_by_aa_.find(aa); it != ll_by_aa_.end()) drop(rec, it->second, kReasonSuperseded);
  ll_closed_.erase(aa);
  const std::uint16_t handle = static_cast<std::uint16_t>(0x1000 + ll_next_handle_++ % 0xf000);
  if (conns_.count(key(rec.adapter, handle))) drop(rec, key(rec.adapter, handle), kReasonSuperseded);
  if (ll_instances_.size() >= kMaxAdvertisers * 16 && !ll_instances_.count(aa)) ll_instances_.clear();
  Connection& c = connection(rec.adapter, handle, rec.frame);
  c.known = true;
  c.le = true;
  c.peer = BdAddr::from_le(p.subspan(6, 6));  // AdvA: the peripheral, the device
  c.peer_addr_type = (header >> 7) & 1;        // RxAdd
  c.role = 0;                                  // seen from the central, as a phone's log is
  c.connected_ns = rec.ts_ns;
  c.connected_frame = rec.frame;
  c.ll = std::make_unique<LlLink>();
  LlLink& l = *c.ll;
  l.access_address = aa;
  l.instance = ++ll_instances_[aa];
  l.from_connect_ind = true;
  l.central = BdAddr::from_le(p.first(6));
  l.central_type = (header >> 6) & 1;
  l.crc_init = p[16] | p[17] << 8 | static_cast<std::uint32_t>(p[18]) << 16;
  l.interval = load_u16le(p.data() + 22);
  l.first_frame = rec.frame;
  l.label = l.name();
  ll_by_aa_[aa] = key(rec.adapter, handle);
  for (const auto& r : remembered_)
    if (r.peer == c.peer && r.adapter == c.adapter) c.servers[0] = r.server;
}

void Stack::on_ll_data(const Record& rec, std::uint32_t aa, ByteView pdu) {
  Connection* cp = nullptr;
  if (auto it = ll_by_aa_.find(aa); it != ll_by_aa_.end()) {
    cp = conns_.at(it->second).get();
  } else if (ll_closed_.count(aa)) {
    return;  // the closing acks of a terminated connection
  } else {
    // The capture started mid-connection: the access address is the link; the addresses are
    // unknown (docs: --mac gives the device's).
    const std::uint16_t handle = static_cast<std::uint16_t>(0x1000 + ll_next_handle_++ % 0xf000);
    if (conns_.count(key(rec.adapter, handle))) drop(rec, key(rec.adapter, handle), kReasonSuperseded);
    if (ll_instances_.size() >= kMaxAdvertisers * 16 && !ll_instances_.count(aa)) ll_instances_.clear();
    Connection& c = connection(rec.adapter, handle, rec.frame);
    c.ll = std::make_unique<LlLink>();
    LlLink& l = *c.ll;
    l.access_address = aa;
    l.instance = ++ll_instances_[aa];
    l.first_frame = rec.frame;
    l.label = l.name();
    ll_by_aa_[aa] = key(rec.adapter, handle);
    cp = &c;
  }
  Connection& c = *cp;
  LlLink& l = *c.ll;
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
    // A sniffer that lost sync can flag the central's PDUs as the peripheral's (LL_CAPTURES §4.2):
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
  LlLink::Side& side = l.side[dir == Direction::rcvd ? 1 : 0];
  LlLink::Side& other = l.side[dir == Direction::rcvd ? 0 : 1];
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
      report(rec, Code::ll_encrypted,
             l.name() + ": link-layer encryption" +
                 (l.enc_start_frame ? " started at frame " + std::to_string(l.enc_start_frame) : std::string(" in use")) +
                 (l.pairing.empty() ? "" : " (pairing: " + l.pairing + ")") +
                 "; PDUs the sniffer did not decrypt are counted, not decoded",
             {});
    }
    return;
  }

  Record r = rec;
  r.dir = dir;
  if (llid == 3) {
    ++l.control;
    on_ll_control(r, c, payload);
    return;
  }
  if (llid == 0) return;  // reserved
  hci::AclHeader acl;
  acl.handle = c.handle;
  acl.pb = llid == 2 ? hci::kPbFirstFlushable : hci::kPbContinuing;
  acl.data = payload;
  r.type = PacketType::acl;
  on_fragment(r, acl);
}

void Stack::on_ll_control(const Record& rec, Connection& c, ByteView p) {
  if (p.empty()) return;
  LlLink& l = *c.ll;
  switch (p[0]) {
    case kTerminateInd:
      l.terminated = true;
      if (ll_closed_.size() >= kMaxAdvertisers) ll_closed_.clear();
      ll_closed_[l.access_address] = rec.frame;
      drop(rec, key(c.adapter, c.handle), p.size() > 1 ? p[1] : 0x13);  // c is gone from here
      return;
    case kEncReq: l.enc_request_frame = rec.frame; break;
    case kStartEncReq:
      // Sent in clear by the peripheral; everything after it is encrypted (LL_START_ENC_RSP too).
      l.enc_start_frame = rec.frame;
      if (rec.ll.cipher == LlCipher::unknown) l.encrypting = true;
      break;
    case kConnectionUpdateInd:
      ++l.connection_updates;
      if (p.size() >= 12) l.interval = load_u16le(p.data() + 4);
      break;
    case kPhyUpdateInd: ++l.phy_updates; break;
    default: break;
  }
}

namespace ll {

namespace {
std::uint8_t reverse8(std::uint8_t b) {
  b = static_cast<std::uint8_t>((b & 0xf0) >> 4 | (b & 0x0f) << 4);
  b = static_cast<std::uint8_t>((b & 0xcc) >> 2 | (b & 0x33) << 2);
  return static_cast<std::uint8_t>((b & 0xaa) >> 1 | (b & 0x55) << 1);
}

}  // namespace

// The CRC as it lies in the capture (Vol 6 Part B §3.1.1): a 24-bit LFSR preset with CRCInit, fed
// the PDU bits least significant first, sent from position 23 down; the capture keeps each byte's
// first bit as its least significant.
std::uint32_t air_crc(std::uint32_t init, ByteView pdu) {
  std::uint32_t state = init & 0xffffff;
  for (const std::uint8_t byte : pdu)
    for (int i = 0; i < 8; ++i) {
      const std::uint32_t x = ((byte >> i) & 1u) ^ ((state >> 23) & 1u);
      state = (state << 1) & 0xffffff;
      if (x) state ^= 0x00065b;
    }
  return reverse8(static_cast<std::uint8_t>(state >> 16)) | reverse8(static_cast<std::uint8_t>(state >> 8)) << 8 |
         static_cast<std::uint32_t>(reverse8(static_cast<std::uint8_t>(state))) << 16;
}


std::uint8_t rf_to_index(unsigned rf) {
  if (rf == 0) return 37;
  if (rf == 12) return 38;
  if (rf == 39) return 39;
  if (rf >= 1 && rf <= 11) return static_cast<std::uint8_t>(rf - 1);
  if (rf >= 13 && rf <= 38) return static_cast<std::uint8_t>(rf - 2);
  return 0xff;
}

std::uint8_t index_to_rf(unsigned index) {
  if (index == 37) return 0;
  if (index == 38) return 12;
  if (index == 39) return 39;
  if (index <= 10) return static_cast<std::uint8_t>(index + 1);
  if (index <= 36) return static_cast<std::uint8_t>(index + 2);
  return 0xff;
}

}  // namespace ll

}  // namespace fe95
