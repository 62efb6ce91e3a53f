// SPDX-License-Identifier: GPL-2.0-or-later
#include "fe95/rfcomm/rfcomm.h"

#include <algorithm>

namespace fe95::rfcomm {

namespace {

constexpr std::uint8_t kEa = 0x01;
constexpr std::uint8_t kCr = 0x02;
constexpr std::uint8_t kPf = 0x10;

std::size_t side(Direction d) {
  return d == Direction::rcvd ? 1 : 0;
}
bool known(Direction d) {
  return d != Direction::unknown;
}
Direction other(Direction d) {
  return d == Direction::sent ? Direction::rcvd : d == Direction::rcvd ? Direction::sent : Direction::unknown;
}
std::string dlci_str(std::uint8_t dlci) {
  return "DLCI " + std::to_string(dlci) + " (channel " + std::to_string(dlci >> 1) + ")";
}

// Reads an EA-extended field (TS 07.10 §5.2.1.5, §5.4.6.1): 7 bits per octet, least significant
// first, the last octet with EA = 1. At most `max_octets`; false when it runs past or is longer.
bool ea_field(Cursor& c, std::size_t max_octets, std::uint32_t& out) {
  out = 0;
  for (std::size_t i = 0; i < max_octets; ++i) {
    std::uint8_t b = 0;
    if (!c.u8(b)) return false;
    out |= static_cast<std::uint32_t>(b >> 1) << (7 * i);
    if (b & kEa) return true;
  }
  return false;
}

}  // namespace

std::uint8_t fcs(ByteView covered) {
  std::uint8_t crc = 0xff;
  for (std::uint8_t b : covered) {
    crc ^= b;
    for (int i = 0; i < 8; ++i) crc = static_cast<std::uint8_t>(crc & 1 ? (crc >> 1) ^ 0xe0 : crc >> 1);
  }
  return static_cast<std::uint8_t>(0xff - crc);
}

const char* frame_type_name(FrameType t) {
  switch (t) {
    case FrameType::sabm:
      return "SABM";
    case FrameType::ua:
      return "UA";
    case FrameType::dm:
      return "DM";
    case FrameType::disc:
      return "DISC";
    case FrameType::uih:
      return "UIH";
    case FrameType::unknown:
      return "unknown";
  }
  return "?";
}

FrameType frame_type_of(std::uint8_t control) {
  switch (control & static_cast<std::uint8_t>(~kPf)) {
    case 0x2f:
      return FrameType::sabm;
    case 0x63:
      return FrameType::ua;
    case 0x0f:
      return FrameType::dm;
    case 0x43:
      return FrameType::disc;
    case 0xef:
      return FrameType::uih;
    default:
      return FrameType::unknown;
  }
}

const char* frame_error_name(FrameError e) {
  switch (e) {
    case FrameError::none:
      return "none";
    case FrameError::too_short:
      return "too_short";
    case FrameError::address_extended:
      return "address_extended";
    case FrameError::length_mismatch:
      return "length_mismatch";
  }
  return "?";
}

Frame parse_frame(ByteView sdu, bool credit_octet) {
  Frame f;
  // Address, control, one length octet and the FCS at least.
  if (sdu.size() < 4) {
    f.error = FrameError::too_short;
    return f;
  }
  f.address = sdu[0];
  f.control = sdu[1];
  f.dlci = static_cast<std::uint8_t>(f.address >> 2);
  f.cr = (f.address & kCr) != 0;
  f.pf = (f.control & kPf) != 0;
  f.type = frame_type_of(f.control);
  std::size_t pos = 2;
  f.length_octets = (sdu[2] & kEa) ? 1 : 2;
  if (f.length_octets == 2) {
    if (sdu.size() < 5) {
      f.error = FrameError::too_short;
      return f;
    }
    f.length = static_cast<std::uint16_t>(sdu[2] >> 1 | sdu[3] << 7);
  } else {
    f.length = static_cast<std::uint16_t>(sdu[2] >> 1);
  }
  pos += f.length_octets;
  const std::size_t header = pos;
  // The FCS covers address and control of a UIH, address, control and length of the others.
  f.fcs_expected = fcs(sdu.first(f.type == FrameType::uih ? 2 : header));
  if (!(f.address & kEa)) {
    f.error = FrameError::address_extended;
    return f;
  }
  if (f.type == FrameType::uih && f.pf && f.dlci != 0 && credit_octet) {
    if (pos >= sdu.size()) {
      f.error = FrameError::too_short;
      return f;
    }
    f.credits = sdu[pos++];
  }
  if (sdu.size() < pos + f.length + 1u) {
    f.error = sdu.size() < pos + 1 ? FrameError::too_short : FrameError::length_mismatch;
    return f;
  }
  f.info = sdu.subspan(pos, f.length);
  pos += f.length;
  f.fcs = sdu[pos++];
  f.fcs_ok = f.fcs == f.fcs_expected;
  f.trailing = sdu.size() - pos;
  return f;
}

Bytes encode_frame(std::uint8_t dlci, bool cr, FrameType type, bool pf, ByteView info,
                   std::optional<std::uint8_t> credits) {
  static constexpr std::uint8_t kControl[] = {0x2f, 0x63, 0x0f, 0x43, 0xef, 0xef};
  if (info.size() > 0x7fff) info = info.first(0x7fff);
  Bytes out;
  out.reserve(info.size() + 6);
  out.push_back(static_cast<std::uint8_t>((dlci & 0x3f) << 2 | (cr ? kCr : 0) | kEa));
  out.push_back(static_cast<std::uint8_t>(kControl[static_cast<std::size_t>(type)] | (pf ? kPf : 0)));
  if (info.size() <= 0x7f) {
    out.push_back(static_cast<std::uint8_t>(info.size() << 1 | kEa));
  } else {
    out.push_back(static_cast<std::uint8_t>(info.size() << 1));
    out.push_back(static_cast<std::uint8_t>(info.size() >> 7));
  }
  const std::uint8_t f = fcs(ByteView(out).first(type == FrameType::uih ? 2 : out.size()));
  if (credits) out.push_back(*credits);
  out.insert(out.end(), info.begin(), info.end());
  out.push_back(f);
  return out;
}

// ---- multiplexer commands ----

const char* mux_type_name(std::uint8_t type) {
  switch (static_cast<MuxType>(type)) {
    case MuxType::pn:
      return "PN";
    case MuxType::psc:
      return "PSC";
    case MuxType::cld:
      return "CLD";
    case MuxType::test:
      return "Test";
    case MuxType::fcon:
      return "FCon";
    case MuxType::fcoff:
      return "FCoff";
    case MuxType::msc:
      return "MSC";
    case MuxType::nsc:
      return "NSC";
    case MuxType::rpn:
      return "RPN";
    case MuxType::rls:
      return "RLS";
    case MuxType::snc:
      return "SNC";
  }
  return "";
}

namespace {

void decode_value(MuxCommand& m) {
  const ByteView v = m.value;
  switch (static_cast<MuxType>(m.type)) {
    case MuxType::pn: {
      if (v.size() != 8) {
        m.malformed = true;
        return;
      }
      Pn p;
      p.dlci = v[0] & 0x3f;
      p.frame_type = v[1] & 0x0f;
      p.cl = static_cast<std::uint8_t>(v[1] >> 4);
      p.priority = v[2] & 0x3f;
      p.t1 = v[3];
      p.max_frame = load_u16le(v.data() + 4);
      p.n2 = v[6];
      p.k = v[7] & 0x07;
      m.pn = p;
      return;
    }
    case MuxType::msc: {
      if (v.size() != 2 && v.size() != 3) {
        m.malformed = true;
        return;
      }
      Msc s;
      s.dlci = static_cast<std::uint8_t>(v[0] >> 2);
      s.signals = v[1];
      s.fc = v[1] & 0x02;
      s.rtc = v[1] & 0x04;
      s.rtr = v[1] & 0x08;
      s.ic = v[1] & 0x40;
      s.dv = v[1] & 0x80;
      if (v.size() == 3) s.break_octet = v[2];
      m.msc = s;
      return;
    }
    case MuxType::rpn: {
      if (v.size() != 1 && v.size() != 8) {
        m.malformed = true;
        return;
      }
      Rpn r;
      r.dlci = static_cast<std::uint8_t>(v[0] >> 2);
      r.request = v.size() == 1;
      if (!r.request) {
        r.baud = v[1];
        r.line = v[2];
        r.flow = v[3];
        r.xon = v[4];
        r.xoff = v[5];
        r.mask = load_u16le(v.data() + 6);
      }
      m.rpn = r;
      return;
    }
    case MuxType::rls: {
      if (v.size() != 2) {
        m.malformed = true;
        return;
      }
      m.rls = Rls{static_cast<std::uint8_t>(v[0] >> 2), v[1]};
      return;
    }
    case MuxType::nsc: {
      if (v.size() != 1) {
        m.malformed = true;
        return;
      }
      m.nsc = Nsc{static_cast<std::uint8_t>(v[0] >> 2), (v[0] & kCr) != 0};
      return;
    }
    case MuxType::fcon:
    case MuxType::fcoff:
    case MuxType::cld:
      m.malformed = !v.empty();
      return;
    case MuxType::test:  // any pattern
    case MuxType::psc:
    case MuxType::snc:
      return;
  }
}

}  // namespace

MuxParse parse_mux(ByteView info) {
  MuxParse out;
  Cursor c(info);
  while (!c.empty()) {
    if (out.commands.size() >= kMaxMuxCommands) {
      out.malformed = true;
      break;
    }
    std::uint8_t t = 0;
    c.u8(t);
    std::uint32_t len = 0;
    ByteView value;
    // RFCOMM type fields are one octet (EA = 1); lengths up to two octets.
    if (!(t & kEa) || !ea_field(c, 2, len) || !c.bytes(len, value)) {
      out.malformed = true;
      break;
    }
    MuxCommand m;
    m.type = static_cast<std::uint8_t>(t >> 2);
    m.command = (t & kCr) != 0;
    m.value = value;
    decode_value(m);
    out.commands.push_back(m);
  }
  return out;
}

Bytes encode_mux(MuxType type, bool command, ByteView value) {
  Bytes out;
  out.push_back(static_cast<std::uint8_t>(static_cast<std::uint8_t>(type) << 2 | (command ? kCr : 0) | kEa));
  if (value.size() <= 0x7f) {
    out.push_back(static_cast<std::uint8_t>(value.size() << 1 | kEa));
  } else {
    out.push_back(static_cast<std::uint8_t>(value.size() << 1));
    out.push_back(static_cast<std::uint8_t>((value.size() >> 7) << 1 | kEa));
  }
  out.insert(out.end(), value.begin(), value.end());
  return out;
}

Bytes encode_pn(const Pn& p) {
  return {static_cast<std::uint8_t>(p.dlci & 0x3f),
          static_cast<std::uint8_t>((p.cl & 0x0f) << 4 | (p.frame_type & 0x0f)),
          static_cast<std::uint8_t>(p.priority & 0x3f),
          p.t1,
          static_cast<std::uint8_t>(p.max_frame),
          static_cast<std::uint8_t>(p.max_frame >> 8),
          p.n2,
          static_cast<std::uint8_t>(p.k & 0x07)};
}

Bytes encode_msc(const Msc& s) {
  Bytes out{static_cast<std::uint8_t>((s.dlci & 0x3f) << 2 | kCr | kEa), static_cast<std::uint8_t>(s.signals | kEa)};
  if (s.break_octet) out.push_back(*s.break_octet);
  return out;
}

// ---- session ----

const char* dlc_state_name(DlcState s) {
  switch (s) {
    case DlcState::closed:
      return "closed";
    case DlcState::negotiated:
      return "negotiated";
    case DlcState::connecting:
      return "connecting";
    case DlcState::open:
      return "open";
    case DlcState::refused:
      return "refused";
    case DlcState::disconnecting:
      return "disconnecting";
  }
  return "?";
}

const char* event_kind_name(EventKind k) {
  switch (k) {
    case EventKind::mux_opened:
      return "mux_opened";
    case EventKind::mux_closed:
      return "mux_closed";
    case EventKind::dlc_negotiated:
      return "dlc_negotiated";
    case EventKind::dlc_opened:
      return "dlc_opened";
    case EventKind::dlc_refused:
      return "dlc_refused";
    case EventKind::dlc_closed:
      return "dlc_closed";
    case EventKind::data:
      return "data";
    case EventKind::credits:
      return "credits";
  }
  return "?";
}

const char* problem_name(ProblemKind k) {
  switch (k) {
    case ProblemKind::malformed_frame:
      return "rfcomm.malformed_frame";
    case ProblemKind::fcs_bad:
      return "rfcomm.fcs_bad";
    case ProblemKind::unknown_frame_type:
      return "rfcomm.unknown_frame_type";
    case ProblemKind::reserved_dlci:
      return "rfcomm.reserved_dlci";
    case ProblemKind::mux_malformed:
      return "rfcomm.mux_malformed";
    case ProblemKind::data_on_closed_dlc:
      return "rfcomm.data_on_closed_dlc";
    case ProblemKind::credit_abuse:
      return "rfcomm.credit_abuse";
    case ProblemKind::credit_overflow:
      return "rfcomm.credit_overflow";
    case ProblemKind::frame_too_long:
      return "rfcomm.frame_too_long";
    case ProblemKind::trailing_bytes:
      return "rfcomm.trailing_bytes";
  }
  return "?";
}

void Session::problem(Result& r, ProblemKind k, std::uint8_t dlci, std::string detail) {
  if (problems_ >= kMaxProblems) {
    ++counters_.problems_dropped;
    return;
  }
  ++problems_;
  r.problems.push_back(Problem{k, 0, dlci, std::move(detail)});
}

Session::Result Session::feed(std::uint64_t frame, Direction dir, ByteView sdu) {
  Result r;
  ++counters_.frames;
  r.frame = parse_frame(sdu, credit_octet());
  const Frame& f = r.frame;
  if (!f.ok()) {
    ++counters_.malformed;
    problem(r, ProblemKind::malformed_frame, f.dlci,
            std::string(frame_error_name(f.error)) + ": a " + std::to_string(sdu.size()) +
                "-byte SDU that is no RFCOMM frame: " + to_hex(sdu.first(std::min<std::size_t>(sdu.size(), 16))));
  } else if (!f.fcs_ok) {
    // A receiver discards a frame whose FCS fails (TS 07.10 §5.2.1.6): so does the session.
    ++counters_.fcs_bad;
    problem(r, ProblemKind::fcs_bad, f.dlci,
            std::string(frame_type_name(f.type)) + " on " + dlci_str(f.dlci) + ": FCS " + to_hex(ByteView(&f.fcs, 1)) +
                ", computed " + to_hex(ByteView(&f.fcs_expected, 1)));
  } else if (f.dlci > kMaxDlci) {
    problem(r, ProblemKind::reserved_dlci, f.dlci,
            std::string(frame_type_name(f.type)) + " on reserved " + dlci_str(f.dlci));
  } else if (f.type == FrameType::unknown) {
    problem(r, ProblemKind::unknown_frame_type, f.dlci,
            "control octet " + to_hex(ByteView(&f.control, 1)) + " on " + dlci_str(f.dlci));
  } else {
    if (f.trailing)
      problem(r, ProblemKind::trailing_bytes, f.dlci, std::to_string(f.trailing) + " bytes after the FCS");
    if (f.type == FrameType::uih)
      on_uih(r, frame, dir, f);
    else
      on_control(r, frame, dir, f);
  }
  for (auto& p : r.problems) p.frame = frame;
  return r;
}

void Session::close_all(Result& r, std::uint64_t frame, Direction dir) {
  for (std::uint8_t d = 1; d <= kMaxDlci; ++d) {
    Dlc& c = dlcs_[d];
    if (c.state == DlcState::closed || c.state == DlcState::refused) continue;
    const bool was_open = c.state == DlcState::open || c.state == DlcState::disconnecting;
    c = Dlc{};
    if (was_open) r.events.push_back(Event{EventKind::dlc_closed, d, dir, frame, {}, 0, 0});
  }
}

void Session::on_control(Result& r, std::uint64_t frame, Direction dir, const Frame& f) {
  if (f.dlci == 0) {
    switch (f.type) {
      case FrameType::sabm:
        mux_pending_ = FrameType::sabm;
        // The initiator is the station that opens DLCI 0 (RFCOMM spec §5.2, TS 07.10 §5.4.1).
        if (known(dir)) initiator_ = dir;
        break;
      case FrameType::disc:
        mux_pending_ = FrameType::disc;
        break;
      case FrameType::ua:
        if (mux_pending_ == FrameType::sabm && !mux_open_) {
          mux_open_ = true;
          mux_seen_opening_ = true;
          r.events.push_back(Event{EventKind::mux_opened, 0, dir, frame, {}, 0, 0});
        } else if (mux_pending_ == FrameType::disc && mux_open_) {
          mux_open_ = false;
          close_all(r, frame, dir);
          r.events.push_back(Event{EventKind::mux_closed, 0, dir, frame, {}, 0, 0});
        }
        mux_pending_.reset();
        break;
      case FrameType::dm:
        if (mux_open_ || mux_pending_) {
          mux_open_ = false;
          close_all(r, frame, dir);
          r.events.push_back(Event{EventKind::mux_closed, 0, dir, frame, {}, 0, 0});
        }
        mux_pending_.reset();
        break;
      default:
        break;
    }
    return;
  }
  Dlc& c = dlcs_[f.dlci];
  switch (f.type) {
    case FrameType::sabm:
      c.state = DlcState::connecting;
      c.pending = dir;
      break;
    case FrameType::disc:
      if (c.state != DlcState::closed) c.state = DlcState::disconnecting;
      c.pending = dir;
      break;
    case FrameType::ua:
      if (c.state == DlcState::connecting) {
        c.state = DlcState::open;
        c.seen_opening = true;
        c.opened_frame = frame;
        r.events.push_back(Event{EventKind::dlc_opened, f.dlci, dir, frame, {}, 0, 0});
      } else if (c.state == DlcState::disconnecting) {
        c = Dlc{};
        r.events.push_back(Event{EventKind::dlc_closed, f.dlci, dir, frame, {}, 0, 0});
      }
      c.pending.reset();
      break;
    case FrameType::dm:
      if (c.state == DlcState::connecting) {
        c = Dlc{};
        c.state = DlcState::refused;
        r.events.push_back(Event{EventKind::dlc_refused, f.dlci, dir, frame, {}, 0, 0});
      } else if (c.state == DlcState::open || c.state == DlcState::disconnecting) {
        c = Dlc{};
        r.events.push_back(Event{EventKind::dlc_closed, f.dlci, dir, frame, {}, 0, 0});
      }
      c.pending.reset();
      break;
    default:
      break;
  }
}

void Session::on_mux(Result& r, std::uint64_t frame, Direction dir, const MuxCommand& m) {
  ++counters_.mux_commands;
  if (m.malformed) {
    problem(r, ProblemKind::mux_malformed, 0,
            std::string(*mux_type_name(m.type) ? mux_type_name(m.type) : "type " + std::to_string(m.type)) +
                " with a " + std::to_string(m.value.size()) + "-byte value");
    return;
  }
  if (!m.pn || m.pn->dlci == 0 || m.pn->dlci > kMaxDlci) return;
  const Pn& p = *m.pn;
  Dlc& c = dlcs_[p.dlci];
  // CFC is asked with CL 0xf in the command and agreed with 0xe in the response; once agreed it
  // holds for the whole session (RFCOMM spec §6.5.1). The k of a PN is the initial credit of the
  // PN's receiver (BlueZ applies pn->credits to its tx credits either way).
  if (m.command) {
    cfc_asked_ = cfc_asked_ || p.cl == 0xf;
    if (c.state == DlcState::closed || c.state == DlcState::refused) c.state = DlcState::negotiated;
  } else {
    if (p.cl == 0xe)
      cfc_ = Cfc::on;
    else if (cfc_ != Cfc::on)
      cfc_ = Cfc::off;
    c.max_frame = p.max_frame;
    c.priority = p.priority;
    c.negotiated = true;
    r.events.push_back(Event{EventKind::dlc_negotiated, p.dlci, dir, frame, {}, 0, 0});
  }
  if (known(dir) && (p.cl == 0xf || p.cl == 0xe)) c.credits[side(other(dir))] = p.k;
}

void Session::on_uih(Result& r, std::uint64_t frame, Direction dir, const Frame& f) {
  // A capture that starts after the session opened: UIH frames say it is up, and their C/R bit
  // names the initiator (UIH frames are commands: C/R = 1 from the initiator, TS 07.10 §5.2.1.2).
  mux_open_ = true;
  if (!initiator_ && known(dir)) initiator_ = f.cr ? dir : other(dir);
  if (f.dlci == 0) {
    const MuxParse mp = parse_mux(f.info);
    if (mp.malformed)
      problem(r, ProblemKind::mux_malformed, 0,
              "a DLCI 0 information field that does not parse: " +
                  to_hex(f.info.first(std::min<std::size_t>(f.info.size(), 16))));
    for (const auto& m : mp.commands) {
      on_mux(r, frame, dir, m);
      r.mux.push_back(m);
    }
    return;
  }
  Dlc& c = dlcs_[f.dlci];
  if (f.credits) {
    if (f.info.empty()) ++counters_.credit_only;
    r.events.push_back(Event{EventKind::credits, f.dlci, dir, frame, {}, 0, *f.credits});
    if (known(dir)) {
      auto& peer = c.credits[side(other(dir))];
      if (peer) {
        const std::uint32_t sum = *peer + *f.credits;
        if (sum > kMaxCredits)
          problem(r, ProblemKind::credit_overflow, f.dlci,
                  dlci_str(f.dlci) + ": " + std::to_string(sum) + " credits granted, more than " +
                      std::to_string(kMaxCredits));
        peer = std::min(sum, kMaxCredits);
      }
    }
  }
  if (f.info.empty()) return;
  if (c.state != DlcState::open && c.state != DlcState::disconnecting) {
    if (mux_seen_opening_ || c.state != DlcState::closed || c.seen_opening)
      problem(
          r, ProblemKind::data_on_closed_dlc, f.dlci,
          std::to_string(f.info.size()) + " bytes on " + dlci_str(f.dlci) + ", which is " + dlc_state_name(c.state));
    else
      c.state = DlcState::open;  // the capture started after the DLC opened
  }
  if (f.info.size() > c.max_frame && (c.negotiated || f.info.size() > 0x7fff))
    problem(r, ProblemKind::frame_too_long, f.dlci,
            std::to_string(f.info.size()) + " bytes on " + dlci_str(f.dlci) + ", whose N1 is " +
                std::to_string(c.max_frame));
  if (cfc_ == Cfc::on && known(dir)) {
    auto& mine = c.credits[side(dir)];
    if (mine) {
      if (*mine == 0) {
        ++counters_.credit_abuse;
        problem(r, ProblemKind::credit_abuse, f.dlci,
                std::to_string(f.info.size()) + " bytes on " + dlci_str(f.dlci) + " from the " + direction_name(dir) +
                    " side, which holds no credit");
      } else {
        --*mine;
      }
    }
  }
  ++counters_.data_frames;
  counters_.data_bytes += f.info.size();
  const std::size_t s = dir == Direction::unknown ? 2 : side(dir);
  r.events.push_back(Event{EventKind::data, f.dlci, dir, frame, f.info, c.stream_bytes[s], 0});
  c.stream_bytes[s] += f.info.size();
}

}  // namespace fe95::rfcomm
