// SPDX-License-Identifier: GPL-2.0-or-later
#include "wear_read.h"

#include <memory>

#include "fe95/att/att.h"
#include "fe95/hci/hci.h"
#include "fe95/l2cap/l2cap.h"
#include "fe95/l2cap/signaling.h"

namespace fe95::test {

namespace {
struct NullSink final : l2cap::DiagnosticSink {
  void diagnostic(Diagnostic) override {}
};
}  // namespace

RfcommCapture read_rfcomm(const std::string& path) {
  RfcommCapture out;
  auto opened = open_capture(path);
  if (!opened.reader) {
    out.error = opened.error;
    return out;
  }
  NullSink sink;
  l2cap::Reassembler reasm(sink);
  std::map<std::uint16_t, l2cap::ChannelTracker> trackers;                      // by ACL handle
  std::map<std::pair<std::uint16_t, std::uint16_t>, rfcomm::Session> sessions;  // by handle, requester CID
  Record rec;
  while (opened.reader->next(rec) == ReadStatus::ok) {
    if (rec.type != PacketType::acl) continue;
    hci::AclHeader acl;
    if (hci::parse_acl(rec.data, acl) != hci::AclError::none) continue;
    l2cap::Frame f;
    if (!reasm.feed(rec, acl, f)) continue;
    auto& tracker = trackers[acl.handle];
    if (f.cid == l2cap::kCidSignalingBrEdr) {
      for (const auto& e : tracker.feed(rec.frame, rec.dir, f.payload)) {
        if (e.kind == l2cap::ChannelTracker::EventKind::opened) ++out.channels_opened;
        if (e.kind == l2cap::ChannelTracker::EventKind::closed) ++out.channels_closed;
      }
      continue;
    }
    const l2cap::DynamicChannel* ch = tracker.find(rec.dir, f.cid);
    if (!ch || ch->psm != rfcomm::kPsm) continue;
    auto& session = sessions[{acl.handle, ch->requester_cid}];
    auto r = session.feed(rec.frame, rec.dir, f.payload);
    RfcommRow row;
    row.frame = rec.frame;
    row.dir = rec.dir;
    row.parsed = r.frame;
    row.parsed.info = {};
    for (const auto& m : r.mux) {
      row.mux_types.push_back(m.type);
      row.mux_commands.push_back(m.command);
      if (m.pn) row.pn = m.pn;
    }
    out.rows.push_back(row);
    for (auto& e : r.events) {
      if (e.kind == rfcomm::EventKind::data)
        out.streams[{e.dlci, e.dir}].push_back(RfcommPiece{e.frame, Bytes(e.data.begin(), e.data.end())});
      e.data = {};
      out.events.push_back(e);
    }
    for (auto& p : r.problems) out.problems.push_back(std::move(p));
    out.counters = session.counters();
  }
  return out;
}

std::vector<AttValue> read_att_values(const std::string& path) {
  std::vector<AttValue> out;
  auto opened = open_capture(path);
  if (!opened.reader) return out;
  NullSink sink;
  l2cap::Reassembler reasm(sink);
  Record rec;
  while (opened.reader->next(rec) == ReadStatus::ok) {
    if (rec.type != PacketType::acl) continue;
    hci::AclHeader acl;
    l2cap::Frame f;
    if (hci::parse_acl(rec.data, acl) != hci::AclError::none || !reasm.feed(rec, acl, f) || f.cid != l2cap::kCidAtt)
      continue;
    att::Pdu pdu;
    if (att::parse(f.payload, pdu) != att::ParseError::none || !pdu.has_value) continue;
    if (pdu.opcode != 0x12 && pdu.opcode != 0x52 && pdu.opcode != 0x1b && pdu.opcode != 0x1d) continue;
    out.push_back(AttValue{rec.frame, rec.dir, pdu.opcode, pdu.handle, Bytes(pdu.value.begin(), pdu.value.end())});
  }
  return out;
}

}  // namespace fe95::test
