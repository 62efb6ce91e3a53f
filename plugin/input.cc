// SPDX-License-Identifier: GPL-2.0-or-later
// Wireshark's view of a frame becomes the Analysis' narrow input (analysis/analysis.h): links keyed
// as Wireshark's own Bluetooth dissectors key them (interface, adapter, connection handle; over the
// air, interface and access address), opened by connection events and closed by disconnections;
// each ATT PDU as the bytes btatt dissected; each FE95 service data entry with its advertiser.
// Nothing here pairs, learns or decides: the core's ATT bearer and session machines do.
#include <algorithm>
#include <cstdio>

#include "capture.h"
#include "fe95/att/att.h"
#include "fe95/mibeacon/mibeacon.h"
#include "fe95/rfcomm/rfcomm.h"

namespace fe95::plugin {

namespace {

int hf_att_proto = -1, hf_att_opcode = -1, hf_btle_aa = -1, hf_btle_connect_aa = -1, hf_btle_control = -1,
    hf_btle_retransmit = -1, hf_btle_adv_addr = -1, hf_acl_chandle = -1, hf_evt_code = -1, hf_evt_chandle = -1,
    hf_evt_reason = -1, hf_evt_status = -1, hf_evt_subevent = -1, hf_evt_bd_addr = -1, hf_mon_adapter = -1,
    hf_service_data = -1, hf_rfcomm_address = -1, hf_rfcomm_dlci = -1, hf_rfcomm_frame_type = -1, hf_rfcomm_len = -1,
    hf_rfcomm_fcs = -1;

constexpr std::uint8_t kEvtDisconnectionComplete = 0x05, kEvtConnectionComplete = 0x03, kEvtLeMeta = 0x3e;
constexpr std::uint8_t kLeConnectionComplete = 0x01, kLeEnhancedConnectionComplete = 0x0a;
constexpr std::uint32_t kAdvAccessAddress = 0x8e89bed6;
constexpr std::uint32_t kLlTerminateInd = 0x02;

std::uint32_t interface_of(packet_info* pinfo) {
  return pinfo->rec && (pinfo->rec->presence_flags & WTAP_HAS_INTERFACE_ID)
             ? pinfo->rec->rec_header.packet_header.interface_id
             : 0;
}

std::uint64_t link_key(packet_info* pinfo, std::uint32_t adapter, std::uint32_t chandle) {
  return static_cast<std::uint64_t>(interface_of(pinfo)) << 32 | static_cast<std::uint64_t>(adapter & 0xffff) << 16 |
         (chandle & 0x0fff);
}

// An over-the-air link: (interface, access address), apart from every HCI key (bit 63).
std::uint64_t air_key(packet_info* pinfo, std::uint32_t aa) {
  return 1ull << 63 | static_cast<std::uint64_t>(interface_of(pinfo) & 0x7fffffff) << 32 | aa;
}

// A Bluetooth address field (FT_ETHER) as it lies on the wire: little-endian.
std::optional<BdAddr> address_field(proto_tree* tree, int hf) {
  for (const field_info* fi : fields(tree, hf)) {
    const Bytes a = field_bytes(fi);
    if (a.size() == 6) return BdAddr::from_le(a);
  }
  return std::nullopt;
}

// The peer address btatt put into the packet info (from the connection event), when it knows it.
std::optional<BdAddr> peer_of(packet_info* pinfo) {
  const address& a = pinfo->p2p_dir == P2P_DIR_SENT ? pinfo->dl_dst : pinfo->dl_src;
  if (a.type != AT_ETHER || a.len != 6) return std::nullopt;
  BdAddr out;
  const auto* p = static_cast<const std::uint8_t*>(a.data);
  for (int i = 0; i < 6; ++i) out.le[static_cast<std::size_t>(i)] = p[5 - i];
  if (out.is_zero()) return std::nullopt;
  return out;
}

}  // namespace

void Input::want_fields(GArray* wanted) {
  const std::pair<const char*, int*> names[] = {
      {"btatt", &hf_att_proto},
      {"btatt.opcode", &hf_att_opcode},
      {"bthci_acl.chandle", &hf_acl_chandle},
      {"bthci_evt.code", &hf_evt_code},
      {"bthci_evt.connection_handle", &hf_evt_chandle},
      {"bthci_evt.reason", &hf_evt_reason},
      {"bthci_evt.status", &hf_evt_status},
      {"bthci_evt.le_meta_subevent", &hf_evt_subevent},
      {"bthci_evt.bd_addr", &hf_evt_bd_addr},
      {"hci_mon.adapter_id", &hf_mon_adapter},
      // Over-the-air captures: btle hands ATT over with connection handle 0 for every link, so
      // links are keyed by access address there, started by CONNECT_IND, ended by LL_TERMINATE_IND.
      {"btle.access_address", &hf_btle_aa},
      {"btle.link_layer_data.access_address", &hf_btle_connect_aa},
      {"btle.control_opcode", &hf_btle_control},
      {"btle.retransmit", &hf_btle_retransmit},
      {"btle.advertising_address", &hf_btle_adv_addr},
      // Adverts: btcommon shows service data but dispatches it nowhere (docs/WIRESHARK.md).
      {"btcommon.eir_ad.entry.service_data", &hf_service_data},
      // RFCOMM as btrfcomm dissected it (the wearables over Bluetooth Classic, docs/MIWEAR.md §11).
      {"btrfcomm.address", &hf_rfcomm_address},
      {"btrfcomm.dlci", &hf_rfcomm_dlci},
      {"btrfcomm.frame_type", &hf_rfcomm_frame_type},
      {"btrfcomm.len", &hf_rfcomm_len},
      {"btrfcomm.fcs", &hf_rfcomm_fcs},
  };
  for (const auto& [name, id] : names) want_field(name, *id, wanted);
}

const field_info* Input::pdu_field(proto_tree* tree) {
  const auto f = fields(tree, hf_att_opcode);
  return f.empty() ? nullptr : f.front();
}

std::vector<field_info*> Input::fe95_service_data(proto_tree* tree) {
  // Entries whose 16-bit UUID (the two bytes before the data) is 0xFE95.
  std::vector<field_info*> out;
  for (field_info* fi : fields(tree, hf_service_data)) {
    if (!fi->ds_tvb || fi->start < 2 || !fits(fi->ds_tvb, fi->start - 2, 2)) continue;
    if (tvb_get_letohs(fi->ds_tvb, fi->start - 2) == mibeacon::kUuid) out.push_back(fi);
  }
  return out;
}

Input::Slot& Input::slot(std::uint64_t key, const Record& rec, Analysis& analysis, std::uint16_t handle,
                         std::uint32_t aa) {
  std::optional<std::pair<std::uint64_t, Slot>> evicted;
  Slot& s = links_.get(key, &evicted);
  if (evicted) analysis.link_down(rec, evicted->second.link, session::EndReason::link_dropped);
  if (!s.link.id) {
    s.link.id = next_id_++;
    s.link.adapter = rec.adapter;
    s.link.handle = handle;
    if (aa) {
      char name[24];
      std::snprintf(name, sizeof name, "LL 0x%08x", aa);
      s.link.label = name;
    }
  }
  return s;
}

void Input::end(std::uint64_t key, const Record& rec, Analysis& analysis, session::EndReason why) {
  if (const Slot* s = links_.peek(key)) {
    analysis.link_down(rec, s->link, why);
    links_.erase(key);
  }
}

void Input::read_rfcomm(tvbuff_t* frame_tvb, proto_tree* tree, const Record& rec, Slot& s, Analysis& analysis,
                        RfcommLayout& layout) {
  // One item of each per RFCOMM frame, in frame order. The information field is the `len` bytes
  // before the FCS (after the credit octet when there is one); the FCS of a UIH covers its address
  // and control octets, checked with the core's function (Wireshark 4.0 shows it unchecked): a
  // frame whose FCS fails is dropped, as its receiver (and the CLI's Stack) drops it.
  constexpr std::uint32_t kUih = 0xef;
  const auto address = fields(tree, hf_rfcomm_address), dlci = fields(tree, hf_rfcomm_dlci),
             type = fields(tree, hf_rfcomm_frame_type), len = fields(tree, hf_rfcomm_len),
             fcs = fields(tree, hf_rfcomm_fcs);
  const std::size_t n = address.size();
  if (n == 0 || dlci.size() != n || type.size() != n || len.size() != n || fcs.size() != n) return;
  for (std::size_t i = 0; i < n; ++i) {
    const std::uint32_t d = fvalue_get_uinteger(value_of(dlci[i]));
    const std::uint32_t length = fvalue_get_uinteger(value_of(len[i]));
    if (fvalue_get_uinteger(value_of(type[i])) != kUih || d == 0 || d > rfcomm::kMaxDlci || length == 0) continue;
    tvbuff_t* tvb = fcs[i]->ds_tvb;
    const int at = fcs[i]->start - static_cast<int>(length);
    if (!tvb || address[i]->ds_tvb != tvb || at < 0 || !fits(tvb, at, static_cast<int>(length)) ||
        !fits(tvb, address[i]->start, 2) || !fits(tvb, fcs[i]->start, 1))
      continue;
    std::uint8_t head[2];
    tvb_memcpy(tvb, head, address[i]->start, 2);
    if (rfcomm::fcs(head) != tvb_get_guint8(tvb, fcs[i]->start)) continue;
    Bytes data(length);
    tvb_memcpy(tvb, data.data(), at, length);
    if (tvb == frame_tvb && layout.at < 0) layout = {at, static_cast<int>(length)};
    analysis.rfcomm(rec, s.link, static_cast<std::uint8_t>(d), data);
  }
}

void Input::read_frame(tvbuff_t* frame_tvb, packet_info* pinfo, proto_tree* tree, bool token_handle_declared,
                       Analysis& analysis, Layout& layout, BeaconSlot& beacon_slot, RfcommLayout& rfcomm) {
  Record rec;
  rec.frame = pinfo->num;
  rec.ts_ns = static_cast<std::int64_t>(pinfo->abs_ts.secs) * 1000000000LL + pinfo->abs_ts.nsecs;
  rec.dir = pinfo->p2p_dir == P2P_DIR_SENT   ? Direction::sent
            : pinfo->p2p_dir == P2P_DIR_RECV ? Direction::rcvd
                                             : Direction::unknown;
  std::uint32_t adapter = 0;
  uint_field(tree, hf_mon_adapter, adapter);
  rec.adapter = static_cast<std::uint16_t>(adapter);

  // Connection events: a completed connection opens a link (closing any link the handle had),
  // Disconnection Complete closes it.
  std::uint32_t code = 0, chandle = 0;
  if (uint_field(tree, hf_evt_code, code) && uint_field(tree, hf_evt_chandle, chandle)) {
    const std::uint64_t key = link_key(pinfo, adapter, chandle);
    std::uint32_t status = 0xff, sub = 0;
    if (!uint_field(tree, hf_evt_status, status)) {
      // The LE subevents' status is not primed under bthci_evt.status in every version: it is the
      // byte after the subevent code (Core Vol 4 Part E §7.7.65).
      const auto f = fields(tree, hf_evt_subevent);
      if (!f.empty() && f[0]->ds_tvb && fits(f[0]->ds_tvb, f[0]->start + 1, 1))
        status = tvb_get_guint8(f[0]->ds_tvb, f[0]->start + 1);
    }
    const bool connected = status == 0 && (code == kEvtConnectionComplete ||
                                           (code == kEvtLeMeta && uint_field(tree, hf_evt_subevent, sub) &&
                                            (sub == kLeConnectionComplete || sub == kLeEnhancedConnectionComplete)));
    if (connected) {
      end(key, rec, analysis, session::EndReason::link_dropped);
      Slot& s = slot(key, rec, analysis, static_cast<std::uint16_t>(chandle & 0x0fff), 0);
      s.link.known = true;
      s.link.connected_ns = rec.ts_ns;
      if (auto peer = address_field(tree, hf_evt_bd_addr)) s.link.peer = *peer;
      analysis.link_up(s.link);
    } else if (code == kEvtDisconnectionComplete) {
      end(key, rec, analysis, session::EndReason::disconnect);
    }
  }

  // Over the air: CONNECT_IND opens a link (its access address in the LL data, the device its
  // advertising address), LL_TERMINATE_IND closes it.
  std::uint32_t aa = 0, control = 0;
  const bool air = uint_field(tree, hf_btle_aa, aa);
  if (air && aa == kAdvAccessAddress && uint_field(tree, hf_btle_connect_aa, aa)) {
    const std::uint64_t key = air_key(pinfo, aa);
    end(key, rec, analysis, session::EndReason::link_dropped);
    Slot& s = slot(key, rec, analysis, 0, aa);
    s.link.known = true;
    s.link.connected_ns = rec.ts_ns;
    if (auto peer = address_field(tree, hf_btle_adv_addr)) s.link.peer = *peer;
    analysis.link_up(s.link);
    return;
  }
  if (air && uint_field(tree, hf_btle_control, control) && control == kLlTerminateInd) {
    end(air_key(pinfo, aa), rec, analysis, session::EndReason::disconnect);
    return;
  }

  // Adverts: each FE95 service data entry with the advertiser's address.
  const std::vector<field_info*> sd = fe95_service_data(tree);
  if (!sd.empty()) {
    hci::AdvReport adv;
    if (auto a = address_field(tree, air ? hf_btle_adv_addr : hf_evt_bd_addr)) adv.addr = *a;
    for (std::size_t i = 0; i < sd.size(); ++i) {
      beacon_slot = {i, sd[i]->ds_tvb == frame_tvb ? sd[i]->start : -1, sd[i]->ds_tvb == frame_tvb ? sd[i]->length : 0};
      const Bytes data = field_bytes(sd[i]);
      analysis.beacon(rec, adv, data);
    }
  }

  // RFCOMM on a BR/EDR link (HCI captures only: a sniffer of LE does not hear it).
  if (!air && !fields(tree, hf_rfcomm_address).empty() && uint_field(tree, hf_acl_chandle, chandle)) {
    Slot& s = slot(link_key(pinfo, adapter, chandle), rec, analysis, static_cast<std::uint16_t>(chandle & 0x0fff), 0);
    read_rfcomm(frame_tvb, tree, rec, s, analysis, rfcomm);
  }

  // ATT: one PDU per frame as btatt shows it.
  std::uint32_t opcode = 0;
  if (!uint_field(tree, hf_att_opcode, opcode)) return;
  if (!air && !uint_field(tree, hf_acl_chandle, chandle)) return;
  if (!att::opcode_info(static_cast<std::uint8_t>(opcode))) return;
  Slot& s =
      air ? slot(air_key(pinfo, aa), rec, analysis, 0, aa)
          : slot(link_key(pinfo, adapter, chandle), rec, analysis, static_cast<std::uint16_t>(chandle & 0x0fff), 0);
  // A link whose connection event Wireshark saw but this plugin did not (a profile change, a
  // capture opened mid-way): btatt still knows the peer.
  if (s.link.known && s.link.peer.is_zero())
    if (auto peer = peer_of(pinfo)) s.link.peer = *peer;

  // The PDU's bytes, where btatt dissected them: in the frame, or in a reassembled L2CAP SDU. The
  // PDU ends where btatt's item ends (over the air the frame goes on with the CRC).
  const field_info* op_fi = pdu_field(tree);
  Bytes bytes;
  std::uint32_t cut = 0;  // bytes of the PDU the capture left out (a filtered or snooz log, a snap length)
  if (op_fi->ds_tvb && op_fi->ds_tvb == frame_tvb) layout.pdu_in_frame = op_fi->start;
  if (op_fi->ds_tvb) {
    gint n = tvb_captured_length_remaining(op_fi->ds_tvb, op_fi->start);
    const gint reported = tvb_reported_length_remaining(op_fi->ds_tvb, op_fi->start);
    if (!air && reported > n) cut = static_cast<std::uint32_t>(reported - n);
    for (const field_info* p : fields(tree, hf_att_proto))
      if (p->ds_tvb == op_fi->ds_tvb && p->start <= op_fi->start && p->start + p->length > op_fi->start)
        n = std::min(n, p->start + p->length - op_fi->start);
    if (n > 0) {
      bytes.resize(static_cast<std::size_t>(n));
      tvb_memcpy(op_fi->ds_tvb, bytes.data(), op_fi->start, bytes.size());
    }
  }
  if (air) {
    // btle passes a retransmitted PDU to ATT again: the same bytes, flagged (the flag alone is
    // advisory: tool-written captures log every PDU with SN 0). fe95's link layer drops it, from
    // the SN and NESN btle does not hand over; here the flag and the repeated bytes tell.
    const std::size_t side = rec.dir == Direction::rcvd ? 1 : 0;
    const bool repeat = !fields(tree, hf_btle_retransmit).empty() && s.last_att[side] == bytes;
    s.last_att[side] = bytes;
    if (repeat) return;
  }
  if (token_handle_declared) {
    att::Pdu p;
    if (att::parse(bytes, p) == att::ParseError::none && p.has_handle) analysis.declare_token_handle(s.link, p.handle);
  }
  analysis.att(rec, rec.frame, s.link, bytes, cut);
}

}  // namespace fe95::plugin
