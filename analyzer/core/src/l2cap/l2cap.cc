// SPDX-License-Identifier: GPL-2.0-or-later
#include "fe95/l2cap/l2cap.h"

#include <algorithm>

namespace fe95::l2cap {

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
      Diagnostic d = record_diagnostic(rec, Code::l2cap_start_while_pending, it->second.buf);
      d.handle = acl.handle;
      d.at = it->second.first_frame;
      d.count = it->second.buf.size();
      d.total = it->second.expected;
      sink_.diagnostic(std::move(d));
      pending_.erase(it);
    }
    // Fast path: the whole basic frame in one fragment -- no copy.
    if (acl.data.size() >= 4) {
      const std::uint32_t expected = 4u + load_u16le(acl.data.data());
      if (acl.data.size() >= expected) {
        if (acl.data.size() > expected) {
          Diagnostic d = record_diagnostic(rec, Code::l2cap_trailing_bytes, acl.data.subspan(expected));
          d.count = acl.data.size() - expected;
          sink_.diagnostic(std::move(d));
        }
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
      Diagnostic d = record_diagnostic(rec, Code::l2cap_evicted, {});
      d.limit = kMaxPending;
      d.at = oldest->second.first_frame;
      sink_.diagnostic(std::move(d));
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
    sink_.diagnostic(record_diagnostic(rec, Code::l2cap_continuation_without_start, acl.data));
    return false;
  }
  Pending& p = it->second;
  const std::size_t limit = p.expected ? p.expected : 65535u + 4u;
  if (p.buf.size() + acl.data.size() > limit) {
    Diagnostic d = record_diagnostic(rec, Code::l2cap_overflow, acl.data);
    d.at = p.first_frame;
    d.count = p.buf.size() + acl.data.size();
    d.limit = limit;
    sink_.diagnostic(std::move(d));
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
  for (Direction dir : {Direction::sent, Direction::rcvd, Direction::unknown}) {
    auto it = pending_.find(key(adapter, handle, dir));
    if (it == pending_.end()) continue;
    Diagnostic d = record_diagnostic(rec, Code::l2cap_unfinished_at_disconnect, it->second.buf);
    d.at = it->second.first_frame;
    sink_.diagnostic(std::move(d));
    pending_.erase(it);
  }
}

}  // namespace fe95::l2cap
