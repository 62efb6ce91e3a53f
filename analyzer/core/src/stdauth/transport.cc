// SPDX-License-Identifier: GPL-2.0-or-later
#include "fe95/stdauth/transport.h"

namespace fe95::stdauth {

const char* sender_name(Sender s) {
  return s == Sender::app ? "app" : "device";
}

const char* frame_kind_name(FrameKind k) {
  switch (k) {
    case FrameKind::command:
      return "command";
    case FrameKind::ack:
      return "ack";
    case FrameKind::single:
      return "single";
    case FrameKind::single_ack:
      return "single_ack";
    case FrameKind::link_ask:
      return "link_ask";
    case FrameKind::link_ack:
      return "link_ack";
    case FrameKind::data:
      return "data";
    case FrameKind::malformed:
      return "malformed";
  }
  return "?";
}

Frame parse_frame(ByteView v) {
  Frame f;
  if (v.size() < 2) return f;
  f.sn = load_u16le(v.data());
  if (f.sn != 0) {
    f.kind = FrameKind::data;
    f.payload = v.subspan(2);
    return f;
  }
  if (v.size() < 4) return f;  // a control frame has at least type and sub
  f.sub = v[3];
  switch (v[2]) {
    case 0x00:
      f.kind = FrameKind::command;
      if (v.size() >= 6) f.count = load_u16le(v.data() + 4);
      break;
    case 0x01:
      f.kind = FrameKind::ack;
      if (f.sub == kAckLost)
        for (std::size_t i = 4; i + 1 < v.size(); i += 2) f.lost.push_back(load_u16le(v.data() + i));
      break;
    case 0x02:
      f.kind = FrameKind::single;
      break;
    case 0x03:
      f.kind = FrameKind::single_ack;
      break;
    case 0x04:
      f.kind = FrameKind::link_ask;
      break;
    case 0x05:
      f.kind = FrameKind::link_ack;
      break;
    default:
      return f;
  }
  f.payload = v.subspan(4);
  return f;
}

const char* data_type_name(std::uint8_t t) {
  static constexpr const char* kNames[] = {
      "pass_through",     "dev_cert",    "dev_manu_cert", "ecc_pubkey",  "dev_signature",    "dev_login_info",
      "dev_share_info",   "server_cert", "server_sign",   "mesh_config", "app_confirmation", "app_random",
      "dev_confirmation", "dev_random",  "bind_key",      "wifi_config",
  };
  return t < std::size(kNames) ? kNames[t] : "";
}

const char* ack_name(std::uint8_t s) {
  static constexpr const char* kNames[] = {"success", "ready", "busy", "timeout", "cancel", "lost"};
  return s < std::size(kNames) ? kNames[s] : "";
}

const char* opcode_name(std::uint8_t op) {
  switch (op) {
    case 0x10:
      return "register_start_pki";
    case 0x11:
      return "register_success";
    case 0x12:
      return "register_failed";
    case 0x13:
      return "register_verify_success";
    case 0x14:
      return "register_verify_fail";
    case 0x15:
      return "register_start";
    case 0x20:
      return "login_start_pki";
    case 0x21:
      return "login_success";
    case 0x22:
      return "login_invalid_ltmk";
    case 0x23:
      return "login_failed";
    case 0x24:
      return "login_start";
    case 0xa2:
      return "dev_info_get";
    case 0xa4:
      return "link_param_config";
    case 0xa5:
      return "rxfer_test";
    case 0xa6:
      return "mcu_info_read";
    case 0xe0:
      return "not_registered";
    case 0xe1:
      return "already_registered";
    case 0xe2:
      return "repeat_login";
    case 0xe3:
      return "invalid_oob";
    default:
      return "";
  }
}

void Channel::problem(std::vector<Problem>& out, Problem p) {
  if (problems_ >= kMaxProblems) return;
  ++problems_;
  out.push_back(std::move(p));
}

std::optional<Message> Channel::complete_if_done(bool on_success) {
  Transfer& t = *active_;
  bool done = t.count ? t.received == *t.count : (on_success && t.received > 0);
  if (!t.count && done) {  // no count announced: the fragments kept must run 1..n without a gap
    for (std::size_t i = 0; i < t.received; ++i)
      if (!t.have[i]) done = false;
  }
  if (!done) return std::nullopt;
  Message m;
  m.from = t.from;
  m.type = t.type;
  for (std::size_t i = 0; i < t.fragments.size(); ++i)
    if (t.have[i]) m.data.insert(m.data.end(), t.fragments[i].begin(), t.fragments[i].end());
  m.frames = std::move(t.frames);
  active_.reset();
  return m;
}

Channel::Result Channel::feed(std::uint64_t frame, Sender from, ByteView value, std::vector<Problem>& problems) {
  Result r;
  r.frame = parse_frame(value);
  const Frame& f = r.frame;
  switch (f.kind) {
    case FrameKind::malformed: {
      Problem p{Code::std_malformed_frame, {frame}};
      p.value.assign(value.begin(), value.end());
      problem(problems, std::move(p));
    } break;
    case FrameKind::command: {
      if (active_) {
        Problem p{Code::std_command_during_transfer, {active_->frames.front(), frame}};
        p.sender = static_cast<std::uint8_t>(from);
        p.other_sender = static_cast<std::uint8_t>(active_->from);
        p.count = active_->received;
        if (active_->count) p.total = *active_->count;
        problem(problems, std::move(p));
        active_.reset();
      }
      ignoring_.reset();
      if (f.count && (*f.count == 0 || *f.count > kMaxFragments)) {
        Problem p{Code::std_transfer_too_long, {frame}};
        p.total = *f.count;
        p.number = kMaxFragments;
        problem(problems, std::move(p));
        ignoring_ = from;
        r.ignored = true;
        break;
      }
      Transfer t;
      t.from = from;
      t.type = f.sub;
      t.count = f.count;
      const std::size_t slots = f.count ? *f.count : kMaxFragments;
      t.fragments.resize(slots);
      t.have.assign(slots, false);
      t.frames.push_back(frame);
      active_ = std::move(t);
      break;
    }
    case FrameKind::data: {
      if (ignoring_ && *ignoring_ == from) {
        r.ignored = true;
        break;
      }
      if (!active_ || active_->from != from) {
        Problem p{Code::std_unexpected_fragment, {frame}};
        p.number = f.sn;
        p.sender = static_cast<std::uint8_t>(from);
        problem(problems, std::move(p));
        break;
      }
      Transfer& t = *active_;
      if (f.sn > t.fragments.size()) {
        Problem p{Code::std_unexpected_fragment, {t.frames.front(), frame}};
        p.number = f.sn;
        p.sender = static_cast<std::uint8_t>(from);
        p.total = t.fragments.size();
        problem(problems, std::move(p));
        break;
      }
      const std::size_t i = f.sn - 1u;
      r.resend = t.have[i];
      if (!t.have[i]) {
        t.have[i] = true;
        ++t.received;
      }
      t.fragments[i].assign(f.payload.begin(), f.payload.end());
      if (t.frames.size() < 4u * kMaxFragments) t.frames.push_back(frame);  // resends cannot grow it
      r.message = complete_if_done(false);
      break;
    }
    case FrameKind::ack:
      if (f.sub == kAckLost && active_ && active_->from == other(from)) {
        if (++active_->lost_acks > kMaxLostAcks) {
          Problem p{Code::std_lost_loop, {active_->frames.front(), frame}};
          p.number = kMaxLostAcks;
          problem(problems, std::move(p));
          ignoring_ = active_->from;
          active_.reset();
          r.ignored = true;
        }
      } else if (f.sub == kAckSuccess && active_ && active_->from == other(from) && !active_->count) {
        r.message = complete_if_done(true);
      } else if (f.sub == kAckCancel && active_ && active_->from == other(from)) {
        active_.reset();
      }
      break;
    case FrameKind::single: {
      Message m;
      m.from = from;
      m.type = f.sub;
      m.data.assign(f.payload.begin(), f.payload.end());
      m.single = true;
      m.frames.push_back(frame);
      r.message = std::move(m);
      break;
    }
    case FrameKind::link_ask:
    case FrameKind::link_ack:
      // Ask support: [max package count][max DMTU]; the answer carries the DMTU both use (§2.5).
      if (f.sub == 0 && f.payload.size() >= 2 && f.kind == FrameKind::link_ack) {
        dmtu_ = f.payload[1];
        negotiated_ = true;
      }
      break;
    case FrameKind::single_ack:
      break;
  }
  return r;
}

void Channel::finish(std::vector<Problem>& problems) {
  if (active_) {
    Problem p{Code::std_unfinished_transfer, {active_->frames.front()}};
    p.sender = static_cast<std::uint8_t>(active_->from);
    p.type = active_->type;
    p.count = active_->received;
    if (active_->count) p.total = *active_->count;
    problem(problems, std::move(p));
    active_.reset();
  }
}

}  // namespace fe95::stdauth
