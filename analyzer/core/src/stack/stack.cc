// SPDX-License-Identifier: GPL-2.0-or-later
#include "fe95/stack/stack.h"

#include <algorithm>

namespace fe95 {

void Stack::report_cut(const Record& rec) {
  // A packet cut by the snap length cannot be parsed as HCI (its length fields run past what was
  // captured); say so instead of reporting a length error the capture tool caused.
  Diagnostic d = record_diagnostic(rec, Code::capture_truncated_record, rec.data);
  d.count = rec.data.size();
  d.total = rec.data.size() + rec.cut;
  listener_.on_diagnostic(d);
}

void Stack::feed(const Record& rec) {
  if (rec.cut && (rec.type == PacketType::event || rec.type == PacketType::acl)) [[unlikely]] {
    if (rec.type != PacketType::acl || !on_cut_acl(rec)) report_cut(rec);
    return;
  }
  switch (rec.type) {
    case PacketType::event:
      on_event(rec);
      break;
    case PacketType::acl:
      on_acl(rec);
      break;
    case PacketType::ll:
      ll_.feed(rec);
      break;
    default:
      break;  // commands, SCO, ISO, monitor notes: nothing fe95 needs
  }
}

Connection& Stack::connection(std::uint16_t adapter, std::uint16_t handle, std::uint64_t frame) {
  const std::uint32_t k = key(adapter, handle);
  auto it = conns_.find(k);
  if (it != conns_.end()) return *it->second;
  if (conns_.size() >= kMaxConnections) {
    auto oldest = std::min_element(conns_.begin(), conns_.end(), [](const auto& a, const auto& b) {
      return a.second->last_frame < b.second->last_frame;
    });
    Record r;
    r.frame = frame;
    Diagnostic d = record_diagnostic(r, Code::hci_connection_evicted, {});
    d.limit = kMaxConnections;
    d.handle = oldest->second->link.handle;
    d.at = oldest->second->last_frame;
    listener_.on_diagnostic(d);
    drop(r, oldest->first, kReasonEvicted);
  }
  auto c = std::make_unique<Connection>();
  c->link.id = next_serial_++;
  c->link.adapter = adapter;
  c->link.handle = handle;
  c->last_frame = frame;
  return *conns_.emplace(k, std::move(c)).first->second;
}

void Stack::drop(const Record& rec, std::uint32_t k, std::uint8_t reason) {
  auto it = conns_.find(k);
  if (it == conns_.end()) return;
  if (it->second->ll) ll_.closing(rec, *it->second, reason);
  listener_.on_disconnect(rec, *it->second, reason);
  l2cap_.reset(it->second->link.adapter, it->second->link.handle, rec);
  conns_.erase(it);
}

void Stack::on_event(const Record& rec) {
  hci::parse_event(rec.data, event_);
  if (event_.malformed) {
    Diagnostic d = record_diagnostic(rec, Code::hci_malformed_event, rec.data);
    d.byte = event_.code;
    listener_.on_diagnostic(d);
  }
  if (event_.connection && event_.connection->status == 0) {
    const auto& cc = *event_.connection;
    // A new connection on a handle we still hold means we missed its disconnection.
    if (conns_.count(key(rec.adapter, cc.handle))) drop(rec, key(rec.adapter, cc.handle), kReasonSuperseded);
    Connection& c = connection(rec.adapter, cc.handle, rec.frame);
    c.link.known = true;
    c.le = cc.le;
    c.link.peer = cc.peer;
    c.peer_addr_type = cc.peer_addr_type;
    c.role = cc.role;
    c.link.connected_ns = rec.ts_ns;
    c.connected_frame = rec.frame;
    listener_.on_link_up(rec, c);
  }
  if (event_.disconnection && event_.disconnection->status == 0)
    drop(rec, key(rec.adapter, event_.disconnection->handle), event_.disconnection->reason);
  for (const auto& adv : event_.adverts) listener_.on_advert(rec, adv);
}

void Stack::on_acl(const Record& rec) {
  hci::AclHeader acl;
  switch (hci::parse_acl(rec.data, acl)) {
    case hci::AclError::none:
      break;
    case hci::AclError::short_header:
      listener_.on_diagnostic(record_diagnostic(rec, Code::hci_acl_short, rec.data));
      return;
    case hci::AclError::length_mismatch:
      listener_.on_diagnostic(record_diagnostic(rec, Code::hci_acl_length, rec.data));
      return;
  }
  on_fragment(rec, acl);
}

bool Stack::on_cut_acl(const Record& rec) {
  // A filtered or snooz log keeps the first bytes of each ACL packet, a snap length the first N:
  // the headers survive, and with them what an ATT PDU was (opcode, handle, length). A PDU that
  // starts in this packet goes up as cut; anything else cut is reported as before.
  constexpr std::size_t kAclHeader = 4, kL2capHeader = 4;
  const ByteView d = rec.data;
  if (d.size() < kAclHeader + kL2capHeader) return false;
  const auto handle = static_cast<std::uint16_t>(load_u16le(d.data()) & 0x0fff);
  const auto pb = static_cast<std::uint8_t>((d[1] >> 4) & 0x3);
  if (pb == hci::kPbContinuing) return false;
  const std::uint16_t length = load_u16le(d.data() + 4), cid = load_u16le(d.data() + 6);
  const ByteView payload = d.subspan(kAclHeader + kL2capHeader);
  if (payload.size() >= length) return false;  // the L2CAP frame is whole: the cut was elsewhere
  Connection* c = link_of(rec.adapter, handle);
  bool att = cid == l2cap::kCidAtt;
  if (c)
    for (const auto& ch : c->att_channels) att = att || (ch.cid == cid && ch.dir == rec.dir);
  if (!att) return false;
  if (!c) c = &connection(rec.adapter, handle, rec.frame);
  c->last_frame = rec.frame;
  listener_.on_cut_att(rec, rec.frame, *c, payload, static_cast<std::uint32_t>(length - payload.size()));
  return true;
}

void Stack::on_fragment(const Record& rec, const hci::AclHeader& acl) {
  l2cap::Frame frame;
  if (!l2cap_.feed(rec, acl, frame)) return;
  Connection& c = connection(rec.adapter, acl.handle, rec.frame);
  c.last_frame = rec.frame;
  if (frame.cid == l2cap::kCidAtt) {  // ATT on LE runs on the fixed channel 0x0004
    listener_.on_att(rec, frame.first_frame, c, frame.payload);
    return;
  }
  if (frame.cid == l2cap::kCidSmp && c.ll && frame.payload.size() >= 6 &&
      (frame.payload[0] == 0x01 || frame.payload[0] == 0x02)) {
    // SMP Pairing Request/Response (Vol 3 Part H §3.5): AuthReq bit 3 asks for Secure Connections;
    // the response's word is the one that holds.
    c.ll->pairing = (frame.payload[3] & 0x08) ? "LE Secure Connections" : "legacy";
    return;
  }
  if (frame.cid == l2cap::kCidSignalingBrEdr || frame.cid == l2cap::kCidSignaling) {
    on_signaling(rec, c, frame.payload);
    if (frame.cid == l2cap::kCidSignalingBrEdr) {  // BR/EDR dynamic channels: RFCOMM (stack/bredr.h)
      if (!c.bredr) c.bredr = std::make_unique<BrEdrChannels>();
      c.bredr->signaling(rec, c, frame.payload, listener_);
    }
    return;
  }
  if (c.bredr && c.bredr->data(rec, c, frame.cid, frame.payload, listener_)) return;
  for (const auto& ch : c.att_channels)
    if (ch.cid == frame.cid && ch.dir == rec.dir) {
      listener_.on_att(rec, frame.first_frame, c, frame.payload);
      return;
    }
}

void Stack::on_signaling(const Record& rec, Connection& c, ByteView cmds) {
  // Vol 3 Part A §4: code, identifier, length, data; BR/EDR may pack several commands.
  constexpr std::uint8_t kConnectionRequest = 0x02, kConnectionResponse = 0x03;
  constexpr std::uint16_t kPsmAtt = 0x001f;
  Cursor cur(cmds);
  std::uint8_t code = 0, id = 0;
  std::uint16_t len = 0;
  ByteView data;
  while (cur.u8(code) && cur.u8(id) && cur.u16le(len) && cur.bytes(len, data)) {
    Cursor d(data);
    if (code == kConnectionRequest) {
      std::uint16_t psm = 0, scid = 0;
      if (!d.u16le(psm) || !d.u16le(scid) || psm != kPsmAtt) continue;
      if (c.channel_requests.size() >= Connection::kMaxChannels) c.channel_requests.erase(c.channel_requests.begin());
      c.channel_requests.push_back({rec.dir, id, scid});
    } else if (code == kConnectionResponse) {
      std::uint16_t dcid = 0, scid = 0, result = 0;
      if (!d.u16le(dcid) || !d.u16le(scid) || !d.u16le(result) || result != 0) continue;
      // The response travels opposite to its request.
      for (auto it = c.channel_requests.begin(); it != c.channel_requests.end(); ++it) {
        if (it->id != id || it->scid != scid || it->dir == rec.dir) continue;
        // Frames to the requester carry its scid; frames from it carry the responder's dcid.
        const Direction to_requester = it->dir == Direction::sent ? Direction::rcvd : Direction::sent;
        if (c.att_channels.size() + 2 <= Connection::kMaxChannels) {
          c.att_channels.push_back({to_requester, scid});
          c.att_channels.push_back({it->dir, dcid});
        }
        c.channel_requests.erase(it);
        break;
      }
    }
  }
}

void Stack::finish(const Record& last) {
  // Deterministic order: by connection serial, not by hash-map order.
  std::vector<std::pair<std::uint64_t, std::uint32_t>> order;
  order.reserve(conns_.size());
  for (const auto& [k, c] : conns_) order.emplace_back(c->link.id, k);
  std::sort(order.begin(), order.end());
  for (const auto& [serial, k] : order) drop(last, k, kReasonEndOfCapture);
  ll_.finish(last);
}

Connection& Stack::open_link(const Record& rec, std::uint16_t handle) {
  return connection(rec.adapter, handle, rec.frame);
}

Connection* Stack::link_of(std::uint16_t adapter, std::uint16_t handle) {
  auto it = conns_.find(key(adapter, handle));
  return it == conns_.end() ? nullptr : it->second.get();
}

}  // namespace fe95
