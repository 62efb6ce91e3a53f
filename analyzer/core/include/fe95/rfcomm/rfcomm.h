// SPDX-License-Identifier: GPL-2.0-or-later
// RFCOMM (Bluetooth RFCOMM over L2CAP PSM 3, a subset of 3GPP TS 07.10 / 27.010): frames,
// multiplexer commands on DLCI 0, and a per-link Session that follows DLCs, credits and the byte
// stream of every (DLCI, direction). docs/MIWEAR.md §11 says which facts this rests on.
//
// The input is one L2CAP SDU of the PSM 3 channel (one RFCOMM frame, RFCOMM spec §5.1); the
// output is typed values: a parsed Frame, decoded multiplexer commands, events and problems.
// Nothing is printed; nothing is kept but a fixed table of 62 DLCs and counters.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "fe95/bytes.h"
#include "fe95/capture/capture.h"

namespace fe95::rfcomm {

inline constexpr std::uint16_t kPsm = 0x0003;
// DLCI 0 is the control channel; 62 and 63 are reserved (RFCOMM spec §5.4: server channels 1-30,
// direction bit): 0-61 are followed.
inline constexpr std::uint8_t kMaxDlci = 61;
// N1 when no PN set it (TS 07.10 §5.7.2 default for the basic option, RFCOMM spec §5.5.3).
inline constexpr std::uint16_t kDefaultMaxFrame = 127;

// The frame check sequence: CRC-8, x^8 + x^2 + x + 1, bits reflected, preset 0xff, ones'
// complement (TS 07.10 §5.2.1.6). It covers the address and control octets of a UIH frame and
// address, control and length octets of every other frame (RFCOMM spec §5.1.1).
std::uint8_t fcs(ByteView covered);

enum class FrameType : std::uint8_t { sabm, ua, dm, disc, uih, unknown };
const char* frame_type_name(FrameType t);  // "SABM", "UA", "DM", "DISC", "UIH", "unknown"
// The control octet without P/F (TS 07.10 §5.2.1.3): 0x2f SABM, 0x63 UA, 0x0f DM, 0x43 DISC, 0xef UIH.
FrameType frame_type_of(std::uint8_t control);

enum class FrameError : std::uint8_t {
  none,
  too_short,         // fewer bytes than address, control, length and FCS
  address_extended,  // EA = 0 in the address octet: RFCOMM addresses are one octet
  length_mismatch,   // the length indicator (plus credit and FCS) disagrees with the SDU size
};
const char* frame_error_name(FrameError e);

struct Frame {
  std::uint8_t address = 0;
  std::uint8_t control = 0;
  std::uint8_t dlci = 0;  // 6 bits: server channel << 1 | direction bit
  bool cr = false;        // C/R bit of the address
  bool pf = false;        // P/F bit of the control octet
  FrameType type = FrameType::unknown;
  std::uint16_t length = 0;             // the length indicator: octets of the information field
  std::uint8_t length_octets = 0;       // 1 or 2 (EA bit of the first length octet)
  std::optional<std::uint8_t> credits;  // the credit octet of a UIH with P/F on DLCI != 0 under CFC
  ByteView info;                        // the information field (valid as long as the input)
  std::uint8_t fcs = 0;                 // as received
  std::uint8_t fcs_expected = 0;        // as computed
  bool fcs_ok = false;
  std::size_t trailing = 0;  // bytes after the FCS (an SDU holds one frame)
  FrameError error = FrameError::none;
  [[nodiscard]] bool ok() const { return error == FrameError::none; }
  [[nodiscard]] std::uint8_t channel() const { return static_cast<std::uint8_t>(dlci >> 1); }
};

// Parses one SDU. `credit_octet`: whether a UIH frame with P/F set on a DLCI other than 0 carries
// a credit octet, which is so when credit-based flow control is in use (RFCOMM spec §6.5.2);
// Session decides it from the PN exchange.
Frame parse_frame(ByteView sdu, bool credit_octet);

// Builds a frame with its FCS (the capture writer, the tests). `info` above 32767 bytes is cut.
Bytes encode_frame(std::uint8_t dlci, bool cr, FrameType type, bool pf, ByteView info,
                   std::optional<std::uint8_t> credits = std::nullopt);

// ---- multiplexer commands (UIH on DLCI 0; TS 07.10 §5.4.6.3, RFCOMM spec §5.5) ----

// The type field's six bits (TS 07.10 §5.4.6.3 table 3, as Wireshark's btrfcomm numbers them).
enum class MuxType : std::uint8_t {
  pn = 0x20,
  psc = 0x10,
  cld = 0x30,
  test = 0x08,
  fcon = 0x28,
  fcoff = 0x18,
  msc = 0x38,
  nsc = 0x04,
  rpn = 0x24,
  rls = 0x14,
  snc = 0x34,
};
const char* mux_type_name(std::uint8_t type);  // "PN", "MSC", ... or "" when unknown

// PN, DLC parameter negotiation (TS 07.10 §5.4.6.3.1, RFCOMM spec §5.5.3): 8 value octets.
struct Pn {
  std::uint8_t dlci = 0;
  std::uint8_t frame_type = 0;  // I1-I4: 0 = UIH frames
  std::uint8_t cl = 0;          // CL1-CL4: 0xf = credit-based flow control asked (command), 0xe = agreed (response)
  std::uint8_t priority = 0;
  std::uint8_t t1 = 0;
  std::uint16_t max_frame = 0;  // N1
  std::uint8_t n2 = 0;
  std::uint8_t k = 0;  // low 3 bits: the initial credits given to the receiver of this PN
};
// MSC, modem status (§5.4.6.3.7): DLCI, V.24 signals, optional break octet.
struct Msc {
  std::uint8_t dlci = 0;
  std::uint8_t signals = 0;
  bool fc = false, rtc = false, rtr = false, ic = false, dv = false;
  std::optional<std::uint8_t> break_octet;
};
// RPN, remote port negotiation (§5.4.6.3.9): DLCI alone (a request) or with 7 value octets.
struct Rpn {
  std::uint8_t dlci = 0;
  bool request = false;  // one octet: asks for the current settings
  std::uint8_t baud = 0, line = 0, flow = 0, xon = 0, xoff = 0;
  std::uint16_t mask = 0;
};
// RLS, remote line status (§5.4.6.3.10).
struct Rls {
  std::uint8_t dlci = 0;
  std::uint8_t status = 0;
};
// NSC, non-supported command response (§5.4.6.3.8): the type octet of the command refused.
struct Nsc {
  std::uint8_t type = 0;
  bool command = false;
};

struct MuxCommand {
  std::uint8_t type = 0;  // the six type bits
  bool command = false;   // the type octet's C/R bit: 1 command, 0 response
  ByteView value;
  bool malformed = false;  // the value is too short (or long) for the type
  std::optional<Pn> pn;
  std::optional<Msc> msc;
  std::optional<Rpn> rpn;
  std::optional<Rls> rls;
  std::optional<Nsc> nsc;
};
struct MuxParse {
  std::vector<MuxCommand> commands;  // at most kMaxMuxCommands
  bool malformed = false;            // a type or length octet runs past the field, or too many
};
inline constexpr std::size_t kMaxMuxCommands = 8;
// The commands of one DLCI 0 information field (a frame may hold several, TS 07.10 §5.4.6.1).
MuxParse parse_mux(ByteView info);
// One command's octets (type with EA and C/R, length, value).
Bytes encode_mux(MuxType type, bool command, ByteView value);
Bytes encode_pn(const Pn& pn);     // the 8 value octets
Bytes encode_msc(const Msc& msc);  // 2 or 3 value octets

// ---- the per-link session ----

enum class DlcState : std::uint8_t {
  closed,         // nothing seen, or closed by DISC/UA or DM
  negotiated,     // a PN seen, no SABM yet
  connecting,     // SABM sent, no answer yet
  open,           // UA answered the SABM (or data seen on a DLC whose opening the capture missed)
  refused,        // DM answered the SABM
  disconnecting,  // DISC sent, no answer yet
};
const char* dlc_state_name(DlcState s);

enum class EventKind : std::uint8_t {
  mux_opened,      // UA to the SABM on DLCI 0
  mux_closed,      // UA to the DISC on DLCI 0 (every DLC closes with it), or DM on DLCI 0
  dlc_negotiated,  // PN response (parameters agreed)
  dlc_opened,      // UA to a SABM
  dlc_refused,     // DM to a SABM
  dlc_closed,      // UA to a DISC, or an unsolicited DM
  data,            // a UIH information field on DLCI != 0: the next bytes of a (DLCI, direction) stream
  credits,         // a UIH credit octet (no data, or with data)
};
const char* event_kind_name(EventKind k);

struct Event {
  EventKind kind = EventKind::data;
  std::uint8_t dlci = 0;
  Direction dir = Direction::unknown;  // the sender of the frame
  std::uint64_t frame = 0;
  ByteView data;                    // data: the bytes (valid as long as the input SDU)
  std::uint64_t stream_offset = 0;  // data: bytes this (DLCI, direction) stream carried before
  std::uint32_t credits = 0;        // credits: the octet's value
};

enum class ProblemKind : std::uint8_t {
  malformed_frame,     // too short, extended address, length mismatch
  fcs_bad,             // the FCS does not verify: the frame is dropped, as a receiver drops it
  unknown_frame_type,  // a control octet RFCOMM does not use
  reserved_dlci,       // DLCI 62 or 63
  mux_malformed,       // a DLCI 0 command that does not parse
  data_on_closed_dlc,  // UIH data on a DLC this capture saw closed, refused or never opened after the session's start
  credit_abuse,        // data sent with no credit left (credit-based flow control)
  credit_overflow,     // credits granted past 65535
  frame_too_long,      // an information field longer than the DLC's negotiated N1
  trailing_bytes,      // bytes after the FCS
};
const char* problem_name(ProblemKind k);  // "rfcomm.fcs_bad", ...

struct Problem {
  ProblemKind kind = ProblemKind::malformed_frame;
  std::uint64_t frame = 0;
  std::uint8_t dlci = 0;
  std::string detail;  // one line, no sentence start
};

struct Counters {
  std::uint64_t frames = 0, malformed = 0, fcs_bad = 0, data_frames = 0, data_bytes = 0;
  std::uint64_t credit_abuse = 0, credit_only = 0, mux_commands = 0, problems_dropped = 0;
};

// Credit-based flow control on the session (RFCOMM spec §6.5): unknown until a PN answer says.
enum class Cfc : std::uint8_t { unknown, on, off };

struct Dlc {
  DlcState state = DlcState::closed;
  bool seen_opening = false;  // SABM/UA seen in this capture
  std::uint16_t max_frame = kDefaultMaxFrame;
  bool negotiated = false;
  std::uint8_t priority = 0;
  // Credits each side holds (index: Direction sent 0, rcvd 1): the UIH frames with data it may
  // still send. Unknown until a PN gives the initial value (a capture that starts mid-link), and
  // never known for frames without a direction (pcap link type 187).
  std::array<std::optional<std::uint32_t>, 2> credits{};
  // Bytes each stream carried (index: Direction sent, rcvd, unknown).
  std::array<std::uint64_t, 3> stream_bytes{};
  std::uint64_t opened_frame = 0;
  std::optional<Direction> pending;  // the sender of an unanswered SABM or DISC
};

class Session {
 public:
  static constexpr std::size_t kMaxProblems = 64;
  static constexpr std::uint32_t kMaxCredits = 0xffff;

  struct Result {
    Frame frame;                    // what the SDU holds (its views valid as long as the SDU)
    std::vector<MuxCommand> mux;    // DLCI 0 UIH: the commands decoded
    std::vector<Event> events;      // state changes, credits and data, in order
    std::vector<Problem> problems;  // what this frame violates (none once kMaxProblems are out)
  };
  // One L2CAP SDU of the PSM 3 channel; dir: who sent it (HCI direction).
  Result feed(std::uint64_t frame, Direction dir, ByteView sdu);

  [[nodiscard]] const Dlc& dlc(std::uint8_t dlci) const { return dlcs_[dlci <= kMaxDlci ? dlci : 0]; }
  [[nodiscard]] bool mux_open() const { return mux_open_; }
  [[nodiscard]] std::optional<Direction> initiator() const { return initiator_; }
  [[nodiscard]] Cfc cfc() const { return cfc_; }
  [[nodiscard]] const Counters& counters() const { return counters_; }

 private:
  void problem(Result& r, ProblemKind k, std::uint8_t dlci, std::string detail);
  void on_mux(Result& r, std::uint64_t frame, Direction dir, const MuxCommand& c);
  void on_control(Result& r, std::uint64_t frame, Direction dir, const Frame& f);
  void on_uih(Result& r, std::uint64_t frame, Direction dir, const Frame& f);
  void close_all(Result& r, std::uint64_t frame, Direction dir);
  [[nodiscard]] bool credit_octet() const { return cfc_ != Cfc::off; }

  std::array<Dlc, kMaxDlci + 1> dlcs_{};
  bool mux_open_ = false;
  bool mux_seen_opening_ = false;
  std::optional<Direction> initiator_;
  std::optional<FrameType> mux_pending_;  // an unanswered SABM or DISC on DLCI 0
  Cfc cfc_ = Cfc::unknown;
  bool cfc_asked_ = false;
  Counters counters_;
  std::size_t problems_ = 0;
};

}  // namespace fe95::rfcomm
