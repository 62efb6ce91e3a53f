// SPDX-License-Identifier: GPL-2.0-or-later
#include "btatt_input.h"

#include <algorithm>
#include <cstdio>

#include "fe95/att.h"

namespace fe95::plugin {

namespace {

int hf_att_proto = -1, hf_att_opcode = -1, hf_att_service16 = -1, hf_att_uuid16 = -1, hf_btle_aa = -1, hf_btle_connect_aa = -1,
    hf_btle_control = -1, hf_btle_retransmit = -1,
    hf_acl_chandle = -1, hf_evt_code = -1, hf_evt_chandle = -1, hf_evt_reason = -1, hf_evt_status = -1,
    hf_evt_subevent = -1, hf_mon_adapter = -1;

constexpr std::uint8_t kEvtDisconnectionComplete = 0x05, kEvtConnectionComplete = 0x03, kEvtLeMeta = 0x3e;
constexpr std::uint8_t kLeConnectionComplete = 0x01, kLeEnhancedConnectionComplete = 0x0a;

BdAddr peer_of(packet_info* pinfo) {
  // btatt/bthci_acl set dl_src/dl_dst to the BD_ADDRs from the connection event (zeros without).
  const address& a = pinfo->p2p_dir == P2P_DIR_SENT ? pinfo->dl_dst : pinfo->dl_src;
  BdAddr out;
  if (a.type == AT_ETHER && a.len == 6) {
    const auto* p = static_cast<const std::uint8_t*>(a.data);
    for (int i = 0; i < 6; ++i) out.le[static_cast<std::size_t>(i)] = p[5 - i];
  }
  return out;
}

std::uint32_t interface_of(packet_info* pinfo) {
  return pinfo->rec && (pinfo->rec->presence_flags & WTAP_HAS_INTERFACE_ID) ? pinfo->rec->rec_header.packet_header.interface_id
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

constexpr std::uint32_t kAdvAccessAddress = 0x8e89bed6;
constexpr std::uint32_t kLlTerminateInd = 0x02;

}  // namespace

void BtattInput::want_fields(GArray* wanted) {
  const std::pair<const char*, int*> names[] = {
      {"btatt", &hf_att_proto},                 {"btatt.opcode", &hf_att_opcode},         {"btatt.service_uuid16", &hf_att_service16},
      {"btatt.uuid16", &hf_att_uuid16},         {"bthci_acl.chandle", &hf_acl_chandle},
      {"bthci_evt.code", &hf_evt_code},         {"bthci_evt.connection_handle", &hf_evt_chandle},
      {"bthci_evt.reason", &hf_evt_reason},     {"bthci_evt.status", &hf_evt_status},
      {"bthci_evt.le_meta_subevent", &hf_evt_subevent}, {"hci_mon.adapter_id", &hf_mon_adapter},
      // Over-the-air captures: btle hands ATT over with connection handle 0 for every link, so
      // links are keyed by access address there, started by CONNECT_IND, ended by LL_TERMINATE_IND.
      {"btle.access_address", &hf_btle_aa},     {"btle.link_layer_data.access_address", &hf_btle_connect_aa},
      {"btle.control_opcode", &hf_btle_control}, {"btle.retransmit", &hf_btle_retransmit},
  };
  for (const auto& [name, id] : names) want_field(name, *id, wanted);
}

const field_info* BtattInput::pdu_field(proto_tree* tree) {
  const auto f = fields(tree, hf_att_opcode);
  return f.empty() ? nullptr : f.front();
}

BtattInput::Link& BtattInput::link(std::uint64_t key, Trackers& tracker, std::int64_t ts_ns) {
  std::optional<std::pair<std::uint64_t, Link>> evicted;
  Link& l = links_.get(key, &evicted);
  if (evicted) tracker.on_link_end(ts_ns, evicted->second.serial, miauth::EndReason::link_dropped);
  if (!l.serial) l.serial = next_serial_++;
  return l;
}

void BtattInput::end(std::uint64_t key, Trackers& tracker, std::int64_t ts_ns, miauth::EndReason why) {
  if (const Link* l = links_.peek(key)) {
    tracker.on_link_end(ts_ns, l->serial, why);
    links_.erase(key);
  }
}

void BtattInput::read_frame(tvbuff_t* frame_tvb, packet_info* pinfo, proto_tree* tree, const Bytes* forced_value,
                            Trackers& tracker) {
  const std::int64_t ts_ns = static_cast<std::int64_t>(pinfo->abs_ts.secs) * 1000000000LL + pinfo->abs_ts.nsecs;
  layout_ = {};
  std::uint32_t adapter = 0;
  uint_field(tree, hf_mon_adapter, adapter);

  // Connection events: a completed connection starts a link (ending any link the handle had),
  // Disconnection Complete ends it.
  std::uint32_t code = 0, chandle = 0;
  if (uint_field(tree, hf_evt_code, code) && uint_field(tree, hf_evt_chandle, chandle)) {
    const std::uint64_t key = link_key(pinfo, adapter, chandle);
    std::uint32_t status = 0xff, sub = 0;
    uint_field(tree, hf_evt_status, status);
    const bool connected = status == 0 && (code == kEvtConnectionComplete ||
                                           (code == kEvtLeMeta && uint_field(tree, hf_evt_subevent, sub) &&
                                            (sub == kLeConnectionComplete || sub == kLeEnhancedConnectionComplete)));
    if (connected) {
      end(key, tracker, ts_ns, miauth::EndReason::link_dropped);
      link(key, tracker, ts_ns).connected_ns = ts_ns;
    } else if (code == kEvtDisconnectionComplete) {
      end(key, tracker, ts_ns, miauth::EndReason::disconnect);
    }
  }

  // Over the air: CONNECT_IND starts a link (its access address in the LL data), LL_TERMINATE_IND
  // ends it.
  std::uint32_t aa = 0, control = 0;
  const bool air = uint_field(tree, hf_btle_aa, aa);
  if (air && aa == kAdvAccessAddress && uint_field(tree, hf_btle_connect_aa, aa)) {
    end(air_key(pinfo, aa), tracker, ts_ns, miauth::EndReason::link_dropped);
    link(air_key(pinfo, aa), tracker, ts_ns).connected_ns = ts_ns;
    return;
  }
  if (air && uint_field(tree, hf_btle_control, control) && control == kLlTerminateInd) {
    end(air_key(pinfo, aa), tracker, ts_ns, miauth::EndReason::disconnect);
    return;
  }

  // ATT: one PDU per frame as btatt shows it.
  std::uint32_t opcode = 0;
  if (!uint_field(tree, hf_att_opcode, opcode)) return;
  if (!air && !uint_field(tree, hf_acl_chandle, chandle)) return;
  if (!att::opcode_info(static_cast<std::uint8_t>(opcode))) return;
  Link& l = link(air ? air_key(pinfo, aa) : link_key(pinfo, adapter, chandle), tracker, ts_ns);
  if (const BdAddr peer = peer_of(pinfo); !peer.is_zero()) l.peer = peer;
  if (air && l.label.empty()) {
    char name[24];
    std::snprintf(name, sizeof name, "LL 0x%08x", aa);
    l.label = name;
  }

  miauth::Input in;
  in.frame = pinfo->num;
  in.ts_ns = ts_ns;
  in.link = l.serial;
  in.key = {static_cast<std::uint16_t>(adapter), static_cast<std::uint16_t>(air ? 0 : chandle)};
  in.link_name = l.label;
  in.peer = l.peer ? &*l.peer : nullptr;
  in.connected_ns = l.connected_ns;
  in.dir = pinfo->p2p_dir == P2P_DIR_SENT ? Direction::sent : pinfo->p2p_dir == P2P_DIR_RECV ? Direction::rcvd
                                                                                            : Direction::unknown;
  in.opcode = static_cast<std::uint8_t>(opcode);
  in.discovery = &l;
  // The PDU itself, parsed by the core from btatt's bytes (btatt.handle is not kept in 4.0's
  // primed tree). Responses and confirmations take the handle of what they answer, as fe95's
  // stack does.
  const field_info* op_fi = fields(tree, hf_att_opcode).front();
  Bytes bytes;
  // A PDU in the frame's own bytes keeps its offset: later passes (which may get no primed tree,
  // as tshark's second pass) point at it without btatt's fields.
  if (op_fi->ds_tvb && op_fi->ds_tvb == frame_tvb) layout_.pdu_in_frame = op_fi->start;
  if (op_fi->ds_tvb) {
    gint n = tvb_captured_length_remaining(op_fi->ds_tvb, op_fi->start);
    // The PDU ends where btatt's item ends: over the air the frame goes on with the CRC.
    for (const field_info* p : fields(tree, hf_att_proto))
      if (p->ds_tvb == op_fi->ds_tvb && p->start <= op_fi->start && p->start + p->length > op_fi->start)
        n = std::min(n, p->start + p->length - op_fi->start);
    if (n > 0) {
      bytes.resize(static_cast<std::size_t>(n));
      tvb_memcpy(op_fi->ds_tvb, bytes.data(), op_fi->start, bytes.size());
    }
  }
  att::Pdu pdu;
  if (att::parse(bytes, pdu) != att::ParseError::none) return;  // btatt flags it malformed itself
  const std::size_t side = in.dir == Direction::rcvd ? 1 : 0;  // who sent this PDU
  if (air) {
    // btle passes a retransmitted complete PDU to ATT again: the same bytes, flagged (its flag
    // alone is advisory: tool-written captures log every PDU with SN 0). fe95's link layer drops it.
    const bool repeat = !fields(tree, hf_btle_retransmit).empty() && l.last_att[side] == bytes;
    l.last_att[side] = bytes;
    if (repeat) return;
  }
  in.has_handle = pdu.has_handle;
  in.handle = pdu.handle;
  if (pdu.has_handle) layout_.handle_at = opcode == att::kErrorRsp ? 2 : 1;  // after the request opcode, or first
  if (pdu.has_value) {
    layout_.value_at = static_cast<int>(pdu.value.data() - bytes.data());
    layout_.value_len = static_cast<int>(pdu.value.size());
  }
  if (opcode == att::kReadReq || opcode == att::kReadBlobReq || opcode == att::kWriteReq) {
    l.request[side] = pdu.handle;
    l.request_frame[side] = pinfo->num;
  }
  if (opcode == att::kIndicate) l.indication[side] = pdu.handle;
  if (opcode == att::kReadRsp || opcode == att::kReadBlobRsp || opcode == att::kWriteRsp || opcode == att::kErrorRsp) {
    std::uint16_t& h = l.request[1 - side];
    if (!in.has_handle && h) {
      in.has_handle = true;
      in.handle = h;
    }
    layout_.request_frame = l.request_frame[1 - side];
    h = 0;
    l.request_frame[1 - side] = 0;
  } else if (opcode == att::kConfirm) {
    std::uint16_t& h = l.indication[1 - side];
    if (h) {
      in.has_handle = true;
      in.handle = h;
    }
    h = 0;
  }
  Bytes value;
  if (pdu.has_value) value.assign(pdu.value.begin(), pdu.value.end());
  else if (forced_value) value = *forced_value;
  in.value = value;
  // What btatt knows of the handle from discovery (or what Decode As declared).
  std::uint32_t svc = 0, uuid = 0;
  if (forced_value) {  // Decode As named this handle the token characteristic
    in.role = miauth::Role::token;
  } else if (uint_field(tree, hf_att_uuid16, uuid) && uuid == 0x2902) {
    in.role = miauth::Role::cccd;
  } else if (uint_field(tree, hf_att_service16, svc) && svc == 0xfe95 && uuid) {
    in.role = miauth::role_of(static_cast<std::uint16_t>(svc), static_cast<std::uint16_t>(uuid));
  }
  // Where btatt names another service the role stays unknown: btatt's handle map can be wrong
  // for a link whose discovery was a Find By Type Value alone (captures/gatt-tour: a write to the
  // FE95 event characteristic shows as Generic Attribute 0x0001), and the traffic decides then.
  if (in.role == miauth::Role::token && in.has_handle) l.token = in.handle;
  tracker.on_att(in);
}

}  // namespace fe95::plugin
