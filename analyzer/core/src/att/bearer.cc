// SPDX-License-Identifier: GPL-2.0-or-later
#include "fe95/att/bearer.h"

#include <algorithm>

namespace fe95::att {

LinkState& Bearers::state_of(const Link& link) {
  return links_[link.id];
}

const LinkState* Bearers::state(std::uint64_t link) const {
  auto it = links_.find(link);
  return it == links_.end() ? nullptr : &it->second;
}

void Bearers::open(const Link& link) {
  LinkState& s = state_of(link);
  if (!link.known) return;
  for (const auto& r : remembered_)
    if (r.peer == link.peer && r.adapter == link.adapter) s.servers[0] = r.server;
}

void Bearers::close(const Link& link, std::uint64_t /*frame*/) {
  auto it = links_.find(link.id);
  if (it == links_.end()) return;
  if (link.known && it->second.servers[0].size() > 0) {
    std::erase_if(remembered_, [&](const Remembered& r) { return r.peer == link.peer && r.adapter == link.adapter; });
    if (remembered_.size() >= kMaxRememberedPeers) remembered_.erase(remembered_.begin());
    remembered_.push_back({link.peer, link.adapter, std::move(it->second.servers[0])});
  }
  links_.erase(it);
}

void Bearers::declare(const Link& link, std::uint16_t handle, const Uuid& service, const Uuid& uuid) {
  state_of(link).servers[0].note(handle, service, uuid);
}

void Bearers::pdu(const Record& rec, std::uint64_t first_frame, const Link& link, ByteView bytes, std::uint32_t cut) {
  Pdu pdu;
  ParseError err = parse(bytes, pdu);
  // A PDU the capture cut is short through no fault of its own: not malformed. Its opcode (and its
  // handle, when that much survived) still say what it was.
  if (cut && (err == ParseError::too_short || err == ParseError::bad_length)) err = ParseError::none;
  if (err != ParseError::none) {
    Diagnostic d = record_diagnostic(rec, Code::att_malformed, bytes);
    if (!bytes.empty()) d.byte = bytes[0];
    d.reason = static_cast<std::uint8_t>(err);
    listener_.on_diagnostic(d);
    if (err == ParseError::empty || err == ParseError::unknown_opcode) return;
    // A known opcode with a bad length is still shown (as Wireshark does); a too-long one with
    // its fixed fields.
  }
  LinkState& c = state_of(link);
  // Which side is the server, and which side made the request a response answers.
  const std::size_t dir_idx = rec.dir == Direction::rcvd ? 1 : 0;  // requester index for requests
  const Kind kind = pdu.info->kind;
  const bool from_server = kind == Kind::response || kind == Kind::notification || kind == Kind::indication;
  // The server index: [0] = remote server. A PDU "sent" by the host goes to the remote server
  // when it is a client PDU, and comes from the local server when it is a server PDU.
  const std::size_t server_idx = from_server ? (rec.dir == Direction::sent ? 1 : 0) : dir_idx;
  gatt::Server& server = c.servers[server_idx];
  const gatt::Request* matched = nullptr;
  gatt::Request answered;

  if (err == ParseError::none || err == ParseError::bad_length) {
    if (kind == Kind::request) {
      gatt::Request& r = c.pending[dir_idx];
      r = gatt::Request{};
      r.opcode = pdu.opcode;
      r.frame = rec.frame;
      r.handle = pdu.handle;
      r.cut = cut != 0;
      Cursor p(pdu.params);
      switch (cut ? 0 : pdu.opcode) {
        case kMtuReq:
          p.u16le(c.client_mtu);
          break;
        case kFindInfoReq:
          p.u16le(r.start);
          p.u16le(r.end);
          break;
        case kReadByTypeReq:
        case kReadByGroupReq:
          p.u16le(r.start);
          p.u16le(r.end);
          r.type = Uuid::from(p.rest());
          break;
        case kFindByTypeReq: {
          ByteView t;
          p.u16le(r.start);
          p.u16le(r.end);
          p.bytes(2, t);
          r.type = Uuid::from(t);
          r.value = Uuid::from(p.rest());
          break;
        }
        default:
          break;
      }
    } else if (kind == Kind::indication) {
      gatt::Request& r = c.pending_indication[rec.dir == Direction::rcvd ? 1 : 0];
      r = gatt::Request{};
      r.opcode = pdu.opcode;
      r.handle = pdu.handle;
      r.frame = rec.frame;
    } else if (kind == Kind::confirmation) {
      // The indication came the other way.
      gatt::Request& r = c.pending_indication[rec.dir == Direction::rcvd ? 0 : 1];
      if (r.opcode == kIndicate) {
        answered = r;
        matched = &answered;
        pdu.has_handle = true;
        pdu.handle = r.handle;
        r = gatt::Request{};
      }
    } else if (kind == Kind::response) {
      // The request came the other way: a response "rcvd" answers a request "sent".
      gatt::Request& r = c.pending[rec.dir == Direction::rcvd ? 0 : 1];
      const OpcodeInfo* ri = r.opcode ? opcode_info(r.opcode) : nullptr;
      const bool answers = ri && (ri->response == pdu.opcode || pdu.opcode == kErrorRsp);
      if (answers) {
        answered = r;
        matched = &answered;
        if (pdu.opcode == kMtuRsp) {
          std::uint16_t server_mtu = 0;
          Cursor p(pdu.params);
          p.u16le(server_mtu);
          if (c.client_mtu) c.mtu = std::max<std::uint16_t>(23, std::min(c.client_mtu, server_mtu));
        }
        if (!pdu.has_handle && (pdu.opcode == kReadRsp || pdu.opcode == kReadBlobRsp || pdu.opcode == kWriteRsp)) {
          pdu.has_handle = true;
          pdu.handle = r.handle;
        }
        if (!cut && !r.cut && !server.learn(r, pdu) && !c.gatt_cap_reported) {
          c.gatt_cap_reported = true;
          Diagnostic d = record_diagnostic(rec, Code::gatt_cap, {});
          d.handle = link.handle;
          listener_.on_diagnostic(d);
        }
        r = gatt::Request{};
      }
    }
  }

  const gatt::Service* svc = pdu.has_handle ? server.service_of(pdu.handle) : nullptr;
  const gatt::Attribute* attr = pdu.has_handle ? server.attribute(pdu.handle) : nullptr;
  listener_.on_att(Event{rec, first_frame, link, c, pdu, server, svc, attr, matched, cut});
}

}  // namespace fe95::att
