// SPDX-License-Identifier: GPL-2.0-or-later
#include "fe95/stack/bredr.h"

#include <algorithm>

#include "fe95/stack/stack.h"

namespace fe95 {

namespace {

Code code_of(rfcomm::ProblemKind k) {
  switch (k) {
    case rfcomm::ProblemKind::malformed_frame:
      return Code::rfcomm_malformed_frame;
    case rfcomm::ProblemKind::fcs_bad:
      return Code::rfcomm_fcs_bad;
    case rfcomm::ProblemKind::unknown_frame_type:
      return Code::rfcomm_unknown_frame_type;
    case rfcomm::ProblemKind::reserved_dlci:
      return Code::rfcomm_reserved_dlci;
    case rfcomm::ProblemKind::mux_malformed:
      return Code::rfcomm_mux_malformed;
    case rfcomm::ProblemKind::data_on_closed_dlc:
      return Code::rfcomm_data_on_closed_dlc;
    case rfcomm::ProblemKind::credit_abuse:
      return Code::rfcomm_credit_abuse;
    case rfcomm::ProblemKind::credit_overflow:
      return Code::rfcomm_credit_overflow;
    case rfcomm::ProblemKind::frame_too_long:
      return Code::rfcomm_frame_too_long;
    case rfcomm::ProblemKind::trailing_bytes:
      return Code::rfcomm_trailing_bytes;
  }
  return Code::rfcomm_malformed_frame;
}

constexpr std::size_t kRawBytes = 32;

}  // namespace

void BrEdrChannels::report(const Record& rec, Diagnostic d, ByteView raw, Listener& l) {
  d.frame = rec.frame;
  d.offset = rec.offset;
  d.raw_hex = to_hex(raw.first(std::min(raw.size(), kRawBytes)));
  l.on_diagnostic(d);
}

BrEdrChannels::Rfcomm& BrEdrChannels::session_of(const l2cap::DynamicChannel& ch) {
  for (auto& s : sessions_)
    if (s.requester_cid == ch.requester_cid && s.requester == ch.requester) return s;
  if (sessions_.size() >= kMaxRfcommSessions) sessions_.erase(sessions_.begin());
  sessions_.push_back(Rfcomm{ch.requester_cid, ch.requester, {}});
  return sessions_.back();
}

void BrEdrChannels::signaling(const Record& rec, const Connection&, ByteView payload, Listener& l) {
  using Kind = l2cap::ChannelTracker::EventKind;
  for (const auto& e : tracker_.feed(rec.frame, rec.dir, payload)) {
    const auto same = [&](const Rfcomm& s) {
      return s.requester_cid == e.channel.requester_cid && s.requester == e.channel.requester;
    };
    if (e.kind == Kind::opened || e.kind == Kind::closed || e.kind == Kind::evicted)
      // A channel (re)opened starts a fresh RFCOMM session; a closed one drops its state.
      sessions_.erase(std::remove_if(sessions_.begin(), sessions_.end(), same), sessions_.end());
    if (e.kind == Kind::evicted && !evicted_reported_) {
      evicted_reported_ = true;
      Diagnostic d;
      d.code = Code::l2cap_channel_evicted;
      d.limit = l2cap::ChannelTracker::kMaxChannels;
      d.count = e.channel.psm;
      d.at = e.channel.opened_frame;
      report(rec, std::move(d), {}, l);
    }
  }
}

bool BrEdrChannels::data(const Record& rec, const Connection& c, std::uint16_t cid, ByteView sdu, Listener& l) {
  const l2cap::DynamicChannel* ch = tracker_.find(rec.dir, cid);
  if (!ch || ch->psm != rfcomm::kPsm) return false;
  Rfcomm& s = session_of(*ch);
  const rfcomm::Session::Result r = s.session.feed(rec.frame, rec.dir, sdu);
  l.on_rfcomm_frame(rec, c, r);
  for (const auto& p : r.problems) {
    const std::uint32_t bit = 1u << static_cast<unsigned>(p.kind);
    if (reported_ & bit) continue;
    reported_ |= bit;
    Diagnostic d;
    d.code = code_of(p.kind);
    d.byte = p.dlci;
    d.name = p.detail;  // the RFCOMM layer's account of the frame
    report(rec, std::move(d), sdu, l);
  }
  for (const auto& e : r.events)
    if (e.kind == rfcomm::EventKind::data) l.on_rfcomm(rec, c, e.dlci, e.data);
  return true;
}

}  // namespace fe95
