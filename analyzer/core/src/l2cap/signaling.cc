// SPDX-License-Identifier: GPL-2.0-or-later
#include "fe95/l2cap/signaling.h"

#include <algorithm>

namespace fe95::l2cap {

namespace {

Direction other(Direction d) {
  return d == Direction::sent ? Direction::rcvd : d == Direction::rcvd ? Direction::sent : Direction::unknown;
}
bool same_side(Direction a, Direction b) {
  return a == Direction::unknown || b == Direction::unknown || a == b;
}
// The CID of the channel's endpoint on `side`.
std::uint16_t local_cid(const DynamicChannel& ch, Direction side) {
  return side == ch.requester ? ch.requester_cid : ch.responder_cid;
}

}  // namespace

const char* sig_code_name(std::uint8_t code) {
  switch (code) {
    case kCommandReject:
      return "command_reject";
    case kConnectionRequest:
      return "connection_request";
    case kConnectionResponse:
      return "connection_response";
    case kConfigureRequest:
      return "configure_request";
    case kConfigureResponse:
      return "configure_response";
    case kDisconnectionRequest:
      return "disconnection_request";
    case kDisconnectionResponse:
      return "disconnection_response";
    case kEchoRequest:
      return "echo_request";
    case kEchoResponse:
      return "echo_response";
    case kInformationRequest:
      return "information_request";
    case kInformationResponse:
      return "information_response";
    default:
      return "";
  }
}

SigParse parse_signaling(ByteView payload) {
  SigParse out;
  Cursor c(payload);
  while (!c.empty()) {
    if (out.commands.size() >= kMaxSigCommands) {
      out.malformed = true;
      break;
    }
    SigCommand s;
    std::uint16_t len = 0;
    if (!c.u8(s.code) || !c.u8(s.id) || !c.u16le(len) || !c.bytes(len, s.data)) {
      out.malformed = true;
      break;
    }
    out.commands.push_back(s);
  }
  return out;
}

bool ChannelTracker::follows(std::uint16_t psm) const {
  return psms_.empty() || std::find(psms_.begin(), psms_.end(), psm) != psms_.end();
}

std::vector<DynamicChannel>::iterator ChannelTracker::channel_of_local(Direction side, std::uint16_t cid) {
  // Newest first: a CID reused after a close the capture missed names the newer channel.
  for (auto it = channels_.rbegin(); it != channels_.rend(); ++it) {
    const bool hit = side == Direction::unknown ? (it->requester_cid == cid || it->responder_cid == cid)
                                                : local_cid(*it, side) == cid;
    if (hit) return std::next(it).base();
  }
  return channels_.end();
}

const DynamicChannel* ChannelTracker::find(Direction dir, std::uint16_t cid) const {
  for (auto it = channels_.rbegin(); it != channels_.rend(); ++it) {
    if (dir == Direction::unknown || it->requester == Direction::unknown) {
      if (it->requester_cid == cid || it->responder_cid == cid) return &*it;
    } else if (it->cid_from(dir) == cid) {
      return &*it;
    }
  }
  return nullptr;
}

void ChannelTracker::reset() {
  requests_.clear();
  channels_.clear();
}

std::vector<ChannelTracker::Event> ChannelTracker::feed(std::uint64_t frame, Direction dir, ByteView payload) {
  std::vector<Event> out;
  const SigParse p = parse_signaling(payload);
  if (p.malformed) ++counters_.malformed;
  for (const auto& c : p.commands) on_command(out, frame, dir, c);
  return out;
}

void ChannelTracker::on_command(std::vector<Event>& out, std::uint64_t frame, Direction dir, const SigCommand& c) {
  ++counters_.commands;
  Cursor in(c.data);
  switch (c.code) {
    case kConnectionRequest: {  // PSM, source CID (§4.2)
      Request r;
      r.from = dir;
      r.id = c.id;
      r.frame = frame;
      if (!in.u16le(r.psm) || !in.u16le(r.scid)) {
        ++counters_.malformed;
        return;
      }
      if (!follows(r.psm)) return;
      if (requests_.size() >= kMaxPending) {
        requests_.erase(requests_.begin());
        ++counters_.pending_dropped;
      }
      requests_.push_back(r);
      return;
    }
    case kConnectionResponse: {  // destination CID, source CID, result, status (§4.3)
      std::uint16_t dcid = 0, scid = 0, result = 0, status = 0;
      if (!in.u16le(dcid) || !in.u16le(scid) || !in.u16le(result) || !in.u16le(status)) {
        ++counters_.malformed;
        return;
      }
      auto rq = std::find_if(requests_.begin(), requests_.end(), [&](const Request& r) {
        return r.id == c.id && r.scid == scid && same_side(r.from, other(dir));
      });
      if (rq == requests_.end()) {
        ++counters_.unmatched_responses;
        return;
      }
      if (result == kConnPending) return;  // the final response follows
      DynamicChannel ch;
      ch.psm = rq->psm;
      ch.requester = rq->from != Direction::unknown ? rq->from : other(dir);
      ch.requester_cid = scid;
      ch.responder_cid = dcid;
      ch.opened_frame = frame;
      requests_.erase(rq);
      if (result != kConnSuccess) {
        out.push_back(Event{EventKind::refused, ch, frame, result});
        return;
      }
      // A CID still held by a channel whose close the capture missed: the new one replaces it.
      for (Direction side : {ch.requester, other(ch.requester)}) {
        auto old = channel_of_local(side, local_cid(ch, side));
        if (old != channels_.end()) {
          out.push_back(Event{EventKind::closed, *old, frame, 0});
          channels_.erase(old);
        }
      }
      if (channels_.size() >= kMaxChannels) {
        out.push_back(Event{EventKind::evicted, channels_.front(), frame, 0});
        channels_.erase(channels_.begin());
        ++counters_.evicted;
      }
      channels_.push_back(ch);
      out.push_back(Event{EventKind::opened, ch, frame, 0});
      return;
    }
    case kConfigureRequest: {  // destination CID, flags, options (§4.4, §5)
      std::uint16_t dcid = 0, flags = 0;
      if (!in.u16le(dcid) || !in.u16le(flags)) {
        ++counters_.malformed;
        return;
      }
      // The destination CID is the receiver's endpoint.
      auto ch = channel_of_local(other(dir), dcid);
      if (ch == channels_.end()) return;
      std::uint8_t type = 0, len = 0;
      ByteView value;
      while (in.u8(type) && in.u8(len) && in.bytes(len, value)) {
        switch (type & 0x7f) {  // bit 7: hint
          case 0x01:            // MTU (§5.1): what the sender of the request can receive
            if (value.size() >= 2 && dir != Direction::unknown)
              ch->mtu[dir == Direction::rcvd ? 1 : 0] = load_u16le(value.data());
            break;
          case 0x04:  // retransmission and flow control (§5.4): mode first
            if (!value.empty()) ch->mode = value[0];
            break;
          default:
            break;
        }
      }
      return;
    }
    case kDisconnectionRequest:
      return;                       // the channel closes with the response
    case kDisconnectionResponse: {  // destination CID, source CID as in the request (§4.7)
      std::uint16_t dcid = 0, scid = 0;
      if (!in.u16le(dcid) || !in.u16le(scid)) {
        ++counters_.malformed;
        return;
      }
      // The response's sender holds the destination CID, its receiver the source CID.
      auto ch = channel_of_local(dir, dcid);
      if (ch == channels_.end() || (dir != Direction::unknown && local_cid(*ch, other(dir)) != scid)) return;
      out.push_back(Event{EventKind::closed, *ch, frame, 0});
      channels_.erase(ch);
      return;
    }
    default:
      return;
  }
}

}  // namespace fe95::l2cap
