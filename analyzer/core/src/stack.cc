// SPDX-License-Identifier: GPL-2.0-or-later
#include "fe95/stack.h"

#include <algorithm>

namespace fe95 {

namespace {
constexpr std::size_t kRawDiagBytes = 32;
}  // namespace

void Stack::report(const Record& rec, Code code, std::string msg, ByteView raw) {
  Diagnostic d;
  d.frame = rec.frame;
  d.offset = rec.offset;
  d.code = code;
  d.message = std::move(msg);
  d.raw_hex = to_hex(raw.first(std::min(raw.size(), kRawDiagBytes)));
  listener_.on_diagnostic(d);
}

void Stack::report_cut(const Record& rec) {
  // A packet cut by the snap length cannot be parsed as HCI (its length fields run past what was
  // captured); say so instead of reporting a length error the capture tool caused.
  report(rec, Code::capture_truncated_record,
         "record cut by the capture's snap length: " + std::to_string(rec.data.size()) + " of " +
             std::to_string(rec.data.size() + rec.cut) + " bytes captured; not dissected",
         rec.data);
}

void Stack::feed(const Record& rec) {
  if (rec.cut && (rec.type == PacketType::event || rec.type == PacketType::acl)) [[unlikely]] {
    report_cut(rec);
    return;
  }
  switch (rec.type) {
    case PacketType::event: on_event(rec); break;
    case PacketType::acl: on_acl(rec); break;
    case PacketType::ll: on_ll(rec); break;
    default: break;  // commands, SCO, ISO, monitor notes: nothing fe95 needs
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
    report(r, Code::hci_connection_evicted,
           "more than " + std::to_string(kMaxConnections) + " live connections; dropped handle " +
               hex16(oldest->second->handle) + " (idle since frame " + std::to_string(oldest->second->last_frame) +
               ")",
           {});
    drop(r, oldest->first, kReasonEvicted);
  }
  auto c = std::make_unique<Connection>();
  c->serial = next_serial_++;
  c->adapter = adapter;
  c->handle = handle;
  c->last_frame = frame;
  return *conns_.emplace(k, std::move(c)).first->second;
}

void Stack::drop(const Record& rec, std::uint32_t k, std::uint8_t reason) {
  auto it = conns_.find(k);
  if (it == conns_.end()) return;
  if (const auto& ll = it->second->ll) {
    if (auto a = ll_by_aa_.find(ll->access_address); a != ll_by_aa_.end() && a->second == k) ll_by_aa_.erase(a);
    ll_crc_bad_links_ += ll->crc_bad;
    if (reason == kReasonEndOfCapture && !ll->terminated)
      report(rec, Code::ll_lost,
             ll->name() + ": the capture ended with the connection up (last PDU at frame " +
                 std::to_string(it->second->last_frame) + ", no LL_TERMINATE_IND)",
             {});
  }
  listener_.on_disconnect(rec, *it->second, reason);
  l2cap_.reset(it->second->adapter, it->second->handle, rec);
  Connection& c = *it->second;
  if (c.known && c.servers[0].size() > 0) {
    std::erase_if(remembered_, [&](const Remembered& r) { return r.peer == c.peer && r.adapter == c.adapter; });
    if (remembered_.size() >= kMaxRememberedPeers) remembered_.erase(remembered_.begin());
    remembered_.push_back({c.peer, c.adapter, std::move(c.servers[0]), rec.frame});
  }
  conns_.erase(it);
}

void Stack::on_event(const Record& rec) {
  hci::parse_event(rec.data, event_);
  if (event_.malformed)
    report(rec, Code::hci_malformed_event, "HCI event 0x" + to_hex(std::array<std::uint8_t, 1>{event_.code}) +
                                           " is shorter than its parameters", rec.data);
  if (event_.connection && event_.connection->status == 0) {
    const auto& cc = *event_.connection;
    // A new connection on a handle we still hold means we missed its disconnection.
    if (conns_.count(key(rec.adapter, cc.handle))) drop(rec, key(rec.adapter, cc.handle), kReasonSuperseded);
    Connection& c = connection(rec.adapter, cc.handle, rec.frame);
    c.known = true;
    c.le = cc.le;
    c.peer = cc.peer;
    c.peer_addr_type = cc.peer_addr_type;
    c.role = cc.role;
    c.connected_ns = rec.ts_ns;
    c.connected_frame = rec.frame;
    for (const auto& r : remembered_)
      if (r.peer == c.peer && r.adapter == c.adapter) c.servers[0] = r.server;
  }
  if (event_.disconnection && event_.disconnection->status == 0)
    drop(rec, key(rec.adapter, event_.disconnection->handle), event_.disconnection->reason);
  for (const auto& adv : event_.adverts) listener_.on_advert(rec, adv);
}

void Stack::on_acl(const Record& rec) {
  hci::AclHeader acl;
  switch (hci::parse_acl(rec.data, acl)) {
    case hci::AclError::none: break;
    case hci::AclError::short_header:
      report(rec, Code::hci_acl_short, "ACL packet shorter than its 4-byte header", rec.data);
      return;
    case hci::AclError::length_mismatch:
      report(rec, Code::hci_acl_length, "ACL length field runs past the packet", rec.data);
      return;
  }
  on_fragment(rec, acl);
}

void Stack::on_fragment(const Record& rec, const hci::AclHeader& acl) {
  l2cap::Frame frame;
  if (!l2cap_.feed(rec, acl, frame)) return;
  Connection& c = connection(rec.adapter, acl.handle, rec.frame);
  c.last_frame = rec.frame;
  if (frame.cid == l2cap::kCidAtt) {  // ATT on LE runs on the fixed channel 0x0004
    on_att(rec, frame.first_frame, c, frame.payload);
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
    return;
  }
  for (const auto& ch : c.att_channels)
    if (ch.cid == frame.cid && ch.dir == rec.dir) {
      on_att(rec, frame.first_frame, c, frame.payload);
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

void Stack::on_att(const Record& rec, std::uint64_t first_frame, Connection& c, ByteView bytes) {
  att::Pdu pdu;
  const att::ParseError err = att::parse(bytes, pdu);
  if (err != att::ParseError::none) {
    report(rec, Code::att_malformed,
           std::string("ATT PDU ") + (bytes.empty() ? "" : "opcode 0x" + to_hex(bytes.first(1)) + " ") +
               att::parse_error_name(err),
           bytes);
    if (err == att::ParseError::empty || err == att::ParseError::unknown_opcode) return;
    // A known opcode with a bad length is still shown (as Wireshark does); a too-long one with
    // its fixed fields.
  }
  // Which side is the server, and which side made the request a response answers.
  const std::size_t dir_idx = rec.dir == Direction::rcvd ? 1 : 0;  // requester index for requests
  const att::Kind kind = pdu.info->kind;
  const bool from_server = kind == att::Kind::response || kind == att::Kind::notification ||
                           kind == att::Kind::indication;
  // The server index: [0] = remote server. A PDU "sent" by the host goes to the remote server
  // when it is a client PDU, and comes from the local server when it is a server PDU.
  const std::size_t server_idx = from_server ? (rec.dir == Direction::sent ? 1 : 0) : dir_idx;
  gatt::Server& server = c.servers[server_idx];
  const gatt::Request* matched = nullptr;
  gatt::Request answered;

  if (err == att::ParseError::none || err == att::ParseError::bad_length) {
    if (kind == att::Kind::request) {
      gatt::Request& r = c.pending[dir_idx];
      r = gatt::Request{};
      r.opcode = pdu.opcode;
      r.frame = rec.frame;
      r.handle = pdu.handle;
      Cursor p(pdu.params);
      switch (pdu.opcode) {
        case att::kMtuReq: p.u16le(c.client_mtu); break;
        case att::kFindInfoReq: p.u16le(r.start); p.u16le(r.end); break;
        case att::kReadByTypeReq:
        case att::kReadByGroupReq:
          p.u16le(r.start);
          p.u16le(r.end);
          r.type = att::Uuid::from(p.rest());
          break;
        case att::kFindByTypeReq: {
          ByteView t;
          p.u16le(r.start);
          p.u16le(r.end);
          p.bytes(2, t);
          r.type = att::Uuid::from(t);
          r.value = att::Uuid::from(p.rest());
          break;
        }
        default: break;
      }
    } else if (kind == att::Kind::indication) {
      gatt::Request& r = c.pending_indication[rec.dir == Direction::rcvd ? 1 : 0];
      r = gatt::Request{};
      r.opcode = pdu.opcode;
      r.handle = pdu.handle;
      r.frame = rec.frame;
    } else if (kind == att::Kind::confirmation) {
      // The indication came the other way.
      gatt::Request& r = c.pending_indication[rec.dir == Direction::rcvd ? 0 : 1];
      if (r.opcode == att::kIndicate) {
        answered = r;
        matched = &answered;
        pdu.has_handle = true;
        pdu.handle = r.handle;
        r = gatt::Request{};
      }
    } else if (kind == att::Kind::response) {
      // The request came the other way: a response "rcvd" answers a request "sent".
      gatt::Request& r = c.pending[rec.dir == Direction::rcvd ? 0 : 1];
      const att::OpcodeInfo* ri = r.opcode ? att::opcode_info(r.opcode) : nullptr;
      const bool answers = ri && (ri->response == pdu.opcode || pdu.opcode == att::kErrorRsp);
      if (answers) {
        answered = r;
        matched = &answered;
        if (pdu.opcode == att::kMtuRsp) {
          std::uint16_t server_mtu = 0;
          Cursor p(pdu.params);
          p.u16le(server_mtu);
          if (c.client_mtu) c.mtu = std::max<std::uint16_t>(23, std::min(c.client_mtu, server_mtu));
        }
        if (!pdu.has_handle && (pdu.opcode == att::kReadRsp || pdu.opcode == att::kReadBlobRsp ||
                                pdu.opcode == att::kWriteRsp)) {
          pdu.has_handle = true;
          pdu.handle = r.handle;
        }
        if (!server.learn(r, pdu) && !c.gatt_cap_reported) {
          c.gatt_cap_reported = true;
          report(rec, Code::gatt_cap, "GATT map of handle " + hex16(c.handle) +
                                      " is full; further discovery on this link is not recorded",
                 {});
        }
        r = gatt::Request{};
      }
    }
  }

  const gatt::Service* svc = pdu.has_handle ? server.service_of(pdu.handle) : nullptr;
  const gatt::Attribute* attr = pdu.has_handle ? server.attribute(pdu.handle) : nullptr;
  AttEvent ev{rec, first_frame, c, pdu, server, svc, attr, matched};
  listener_.on_att(ev);
}

void Stack::finish(const Record& last) {
  // Deterministic order: by connection serial, not by hash-map order.
  std::vector<std::pair<std::uint64_t, std::uint32_t>> order;
  order.reserve(conns_.size());
  for (const auto& [k, c] : conns_) order.emplace_back(c->serial, k);
  std::sort(order.begin(), order.end());
  for (const auto& [serial, k] : order) drop(last, k, kReasonEndOfCapture);
  // Over the air: the packets skipped for their CRC, once per capture (the links' counts are in
  // their summaries, now all ended).
  if (const std::uint64_t bad = ll_crc_bad_adv_ + ll_crc_bad_data_ + ll_crc_bad_links_; bad) {
    Record r = last;
    r.frame = 0;
    report(r, Code::ll_crc_bad,
           std::to_string(bad) + " packets with a bad CRC skipped (" + std::to_string(ll_crc_bad_adv_) +
               " advertising, " + std::to_string(bad - ll_crc_bad_adv_) + " data)",
           {});
  }
}

}  // namespace fe95
