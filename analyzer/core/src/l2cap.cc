// SPDX-License-Identifier: GPL-2.0-or-later
#include "fe95/l2cap.h"

#include <algorithm>

namespace fe95::l2cap {

namespace {
constexpr std::size_t kRawDiagBytes = 32;  // bytes of payload quoted in a diagnostic
}

void Reassembler::report(const Record& rec, Code code, std::string msg, ByteView raw) {
  Diagnostic d;
  d.frame = rec.frame;
  d.offset = rec.offset;
  d.code = code;
  d.message = std::move(msg);
  d.raw_hex = to_hex(raw.first(std::min(raw.size(), kRawDiagBytes)));
  sink_.diagnostic(std::move(d));
}

bool Reassembler::complete(Pending& p, Frame& out) {
  if (p.expected == 0 && p.buf.size() >= 2) p.expected = 4u + load_u16le(p.buf.data());
  if (p.expected == 0 || p.buf.size() < p.expected) return false;
  done_.swap(p.buf);
  out.cid = load_u16le(done_.data() + 2);
  out.payload = ByteView(done_).subspan(4, p.expected - 4);
  out.first_frame = p.first_frame;
  return true;
}

bool Reassembler::feed(const Record& rec, const hci::AclHeader& acl, Frame& out) {
  const std::uint64_t k = key(rec.adapter, acl.handle, rec.dir);
  const bool start = acl.pb != hci::kPbContinuing;
  if (start) {
    if (auto it = pending_.find(k); it != pending_.end()) {
      report(rec, Code::l2cap_start_while_pending,
             "new L2CAP start on handle " + hex16(acl.handle) +
                 " while the SDU started in frame " + std::to_string(it->second.first_frame) + " is unfinished (" +
                 std::to_string(it->second.buf.size()) + " of " + std::to_string(it->second.expected) +
                 " bytes); dropped it",
             it->second.buf);
      pending_.erase(it);
    }
    // Fast path: the whole basic frame in one fragment -- no copy.
    if (acl.data.size() >= 4) {
      const std::uint32_t expected = 4u + load_u16le(acl.data.data());
      if (acl.data.size() >= expected) {
        if (acl.data.size() > expected)
          report(rec, Code::l2cap_trailing_bytes,
                 std::to_string(acl.data.size() - expected) + " bytes after the L2CAP frame ignored",
                 acl.data.subspan(expected));
        out.cid = load_u16le(acl.data.data() + 2);
        out.payload = acl.data.subspan(4, expected - 4);
        out.first_frame = rec.frame;
        return true;
      }
    }
    if (pending_.size() >= kMaxPending) {
      auto oldest = std::min_element(pending_.begin(), pending_.end(), [](const auto& a, const auto& b) {
        return a.second.last_frame < b.second.last_frame;
      });
      report(rec, Code::l2cap_evicted,
             "more than " + std::to_string(kMaxPending) + " unfinished L2CAP SDUs; dropped the one started in frame " +
                 std::to_string(oldest->second.first_frame),
             {});
      pending_.erase(oldest);
    }
    Pending& p = pending_[k];
    p.first_frame = p.last_frame = rec.frame;
    p.buf.assign(acl.data.begin(), acl.data.end());
    if (p.buf.size() >= 2) p.expected = 4u + load_u16le(p.buf.data());
    return false;
  }
  auto it = pending_.find(k);
  if (it == pending_.end()) {
    report(rec, Code::l2cap_continuation_without_start,
           "ACL continuation fragment with no SDU started on this link; ignored", acl.data);
    return false;
  }
  Pending& p = it->second;
  const std::size_t limit = p.expected ? p.expected : 65535u + 4u;
  if (p.buf.size() + acl.data.size() > limit) {
    report(rec, Code::l2cap_overflow,
           "fragment overflows the L2CAP frame started in frame " + std::to_string(p.first_frame) + " (" +
               std::to_string(p.buf.size() + acl.data.size()) + " bytes for " + std::to_string(limit) +
               "); dropped the SDU",
           acl.data);
    pending_.erase(it);
    return false;
  }
  p.buf.insert(p.buf.end(), acl.data.begin(), acl.data.end());
  p.last_frame = rec.frame;
  if (complete(p, out)) {
    pending_.erase(it);
    return true;
  }
  return false;
}

void Reassembler::reset(std::uint16_t adapter, std::uint16_t handle, const Record& rec) {
  for (Direction d : {Direction::sent, Direction::rcvd, Direction::unknown}) {
    auto it = pending_.find(key(adapter, handle, d));
    if (it == pending_.end()) continue;
    report(rec, Code::l2cap_unfinished_at_disconnect,
           "link closed with an unfinished L2CAP SDU started in frame " + std::to_string(it->second.first_frame),
           it->second.buf);
    pending_.erase(it);
  }
}

}  // namespace fe95::l2cap
