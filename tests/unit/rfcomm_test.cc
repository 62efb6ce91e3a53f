// SPDX-License-Identifier: GPL-2.0-or-later
// RFCOMM frames, multiplexer commands and the per-link session on literal bytes, and the BR/EDR
// L2CAP signalling tracker that finds PSM 3 channels (docs/MIWEAR.md §11).
#include "fe95/rfcomm/rfcomm.h"

#include <gtest/gtest.h>

#include <string>

#include "fe95/l2cap/signaling.h"

namespace fe95::rfcomm {
namespace {

Bytes hex(std::string_view s) {
  std::string clean;
  for (char c : s)
    if (c != ' ') clean.push_back(c);
  auto b = parse_hex(clean);
  EXPECT_TRUE(b) << s;
  return b ? *b : Bytes{};
}

// ---- FCS ----

// FCS values as BlueZ's hcidump prints them for the frames every RFCOMM connection starts with
// ("SABM: cr 1 dlci 0 pf 1 ilen 0 fcs 0x1c", ...): the CRC-8 of TS 07.10 §5.2.1.6.
TEST(RfcommFcs, KnownFrames) {
  EXPECT_EQ(fcs(hex("03 3f 01")), 0x1c);  // SABM DLCI 0 (address, control, length)
  EXPECT_EQ(fcs(hex("03 73 01")), 0xd7);  // UA DLCI 0
  EXPECT_EQ(fcs(hex("0b 3f 01")), 0x59);  // SABM DLCI 2
  EXPECT_EQ(fcs(hex("0b 73 01")), 0x92);  // UA DLCI 2
  EXPECT_EQ(fcs(hex("03 ef")), 0x70);     // UIH DLCI 0 from the initiator (address, control only)
  EXPECT_EQ(fcs(hex("01 ef")), 0xaa);     // UIH DLCI 0 from the responder
  EXPECT_EQ(fcs(hex("0b ef")), 0x9a);     // UIH DLCI 2
  EXPECT_EQ(fcs(hex("0b ff")), 0x86);     // UIH DLCI 2 with P/F (credits)
}

// ---- frames ----

TEST(RfcommFrame, SabmAndUa) {
  const Bytes sabm = hex("03 3f 01 1c");
  const Frame f = parse_frame(sabm, true);
  ASSERT_TRUE(f.ok());
  EXPECT_EQ(f.type, FrameType::sabm);
  EXPECT_EQ(f.dlci, 0);
  EXPECT_TRUE(f.cr);
  EXPECT_TRUE(f.pf);
  EXPECT_EQ(f.length, 0);
  EXPECT_TRUE(f.fcs_ok);
  EXPECT_EQ(encode_frame(0, true, FrameType::sabm, true, {}), sabm);

  const Bytes ua = hex("0b 73 01 92");
  const Frame u = parse_frame(ua, true);
  ASSERT_TRUE(u.ok());
  EXPECT_EQ(u.type, FrameType::ua);
  EXPECT_EQ(u.dlci, 2);
  EXPECT_EQ(u.channel(), 1);
  EXPECT_TRUE(u.fcs_ok);
  EXPECT_EQ(encode_frame(2, true, FrameType::ua, true, {}), ua);
}

TEST(RfcommFrame, UihWithTwoLengthOctets) {
  // 200 bytes: length octets 0x90 (EA = 0, 200 << 1) and 0x01 (200 >> 7).
  Bytes f = hex("0b ef 90 01");
  for (int i = 0; i < 200; ++i) f.push_back(static_cast<std::uint8_t>(i));
  f.push_back(0x9a);
  const Frame p = parse_frame(f, true);
  ASSERT_TRUE(p.ok()) << frame_error_name(p.error);
  EXPECT_EQ(p.length_octets, 2);
  EXPECT_EQ(p.length, 200);
  EXPECT_EQ(p.info.size(), 200u);
  EXPECT_EQ(p.info[199], 199);
  EXPECT_TRUE(p.fcs_ok);
  EXPECT_EQ(p.trailing, 0u);
  EXPECT_EQ(encode_frame(2, true, FrameType::uih, false, p.info), f);
}

TEST(RfcommFrame, CreditOctetOnlyUnderCreditFlowControl) {
  const Bytes f = hex("0b ff 05 07 61 62 86");  // UIH P/F, 2 bytes "ab", 7 credits
  const Frame with = parse_frame(f, true);
  ASSERT_TRUE(with.ok());
  ASSERT_TRUE(with.credits);
  EXPECT_EQ(*with.credits, 7);
  EXPECT_EQ(to_hex(with.info), "6162");
  EXPECT_TRUE(with.fcs_ok);
  EXPECT_EQ(encode_frame(2, true, FrameType::uih, true, hex("6162"), 7), f);
  // Without CFC the octet is data: the information field ends one byte early, the FCS misreads.
  const Frame without = parse_frame(f, false);
  EXPECT_FALSE(without.credits);
  EXPECT_EQ(to_hex(without.info), "0761");
  EXPECT_FALSE(without.fcs_ok);
  // On DLCI 0 a UIH never carries credits.
  const Frame zero = parse_frame(hex("03 ff 01 00"), true);
  EXPECT_FALSE(zero.credits);
}

TEST(RfcommFrame, MalformedInputIsAValue) {
  EXPECT_EQ(parse_frame(hex(""), true).error, FrameError::too_short);
  EXPECT_EQ(parse_frame(hex("03 3f 01"), true).error, FrameError::too_short);
  EXPECT_EQ(parse_frame(hex("02 3f 01 1c"), true).error, FrameError::address_extended);
  EXPECT_EQ(parse_frame(hex("03 ef 0b 61 62 70"), true).error, FrameError::length_mismatch);  // 5 announced, 2 there
  EXPECT_EQ(parse_frame(hex("03 ef 90"), true).error, FrameError::too_short);  // second length octet missing
  EXPECT_EQ(parse_frame(hex("0b ff 01"), true).error, FrameError::too_short);  // credit octet missing
  const Frame bad = parse_frame(hex("03 3f 01 1d"), true);
  EXPECT_TRUE(bad.ok());
  EXPECT_FALSE(bad.fcs_ok);
  EXPECT_EQ(bad.fcs_expected, 0x1c);
  const Frame trailing = parse_frame(hex("03 3f 01 1c 00 00"), true);
  EXPECT_TRUE(trailing.fcs_ok);
  EXPECT_EQ(trailing.trailing, 2u);
  EXPECT_EQ(parse_frame(hex("03 3d 01 00"), true).type, FrameType::unknown);
}

// ---- multiplexer commands ----

TEST(RfcommMux, PnCommandAndResponse) {
  // BlueZ's PN for channel 1: DLCI 2, CL 0xf (credits asked), priority 7, N1 1013, k 7.
  const Bytes cmd = hex("83 11 02 f0 07 00 f5 03 00 07");
  MuxParse p = parse_mux(cmd);
  ASSERT_FALSE(p.malformed);
  ASSERT_EQ(p.commands.size(), 1u);
  const MuxCommand& m = p.commands[0];
  EXPECT_EQ(m.type, static_cast<std::uint8_t>(MuxType::pn));
  EXPECT_STREQ(mux_type_name(m.type), "PN");
  EXPECT_TRUE(m.command);
  ASSERT_TRUE(m.pn);
  EXPECT_EQ(m.pn->dlci, 2);
  EXPECT_EQ(m.pn->cl, 0xf);
  EXPECT_EQ(m.pn->frame_type, 0);
  EXPECT_EQ(m.pn->priority, 7);
  EXPECT_EQ(m.pn->max_frame, 1013);
  EXPECT_EQ(m.pn->k, 7);
  EXPECT_EQ(encode_mux(MuxType::pn, true, encode_pn(*m.pn)), cmd);

  p = parse_mux(hex("81 11 02 e0 07 00 f5 03 00 07"));
  ASSERT_EQ(p.commands.size(), 1u);
  EXPECT_FALSE(p.commands[0].command);
  ASSERT_TRUE(p.commands[0].pn);
  EXPECT_EQ(p.commands[0].pn->cl, 0xe);
}

TEST(RfcommMux, TheOtherCommands) {
  // MSC (DLCI 2: RTC, RTR, DV), MSC with break, RPN request, RPN with values, RLS, Test, FCon,
  // FCoff and an NSC naming a refused command, all in one field (TS 07.10 §5.4.6.1 allows it).
  const Bytes info =
      hex("e3 05 0b 8d  e1 07 0b 8d 31  93 03 0b  91 11 0b 07 03 00 11 13 7f 3f  53 05 0b 05"
          "  23 07 aa bb cc  a3 01  63 01");
  MuxParse p = parse_mux(info);
  EXPECT_FALSE(p.malformed);
  ASSERT_EQ(p.commands.size(), 8u);
  const auto& c = p.commands;
  ASSERT_TRUE(c[0].msc);
  EXPECT_EQ(c[0].msc->dlci, 2);
  EXPECT_TRUE(c[0].msc->rtc);
  EXPECT_TRUE(c[0].msc->rtr);
  EXPECT_TRUE(c[0].msc->dv);
  EXPECT_FALSE(c[0].msc->fc);
  EXPECT_FALSE(c[0].msc->break_octet);
  EXPECT_EQ(encode_mux(MuxType::msc, true, encode_msc(*c[0].msc)), hex("e3 05 0b 8d"));
  ASSERT_TRUE(c[1].msc);
  EXPECT_FALSE(c[1].command);
  EXPECT_EQ(c[1].msc->break_octet, 0x31);
  ASSERT_TRUE(c[2].rpn);
  EXPECT_TRUE(c[2].rpn->request);
  ASSERT_TRUE(c[3].rpn);
  EXPECT_FALSE(c[3].rpn->request);
  EXPECT_EQ(c[3].rpn->baud, 7);
  EXPECT_EQ(c[3].rpn->line, 3);
  EXPECT_EQ(c[3].rpn->xon, 0x11);
  EXPECT_EQ(c[3].rpn->mask, 0x3f7f);
  ASSERT_TRUE(c[4].rls);
  EXPECT_EQ(c[4].rls->status, 5);
  EXPECT_EQ(c[5].type, static_cast<std::uint8_t>(MuxType::test));
  EXPECT_EQ(to_hex(c[5].value), "aabbcc");
  EXPECT_STREQ(mux_type_name(c[6].type), "FCon");
  EXPECT_STREQ(mux_type_name(c[7].type), "FCoff");

  // A ninth command is more than fe95 decodes from one frame.
  p = parse_mux(hex("a3 01 a3 01 a3 01 a3 01 a3 01 a3 01 a3 01 a3 01 a3 01"));
  EXPECT_TRUE(p.malformed);
  EXPECT_EQ(p.commands.size(), kMaxMuxCommands);

  p = parse_mux(hex("11 03 47"));  // NSC: the command with type octet 0x47 is not supported
  ASSERT_EQ(p.commands.size(), 1u);
  ASSERT_TRUE(p.commands[0].nsc);
  EXPECT_EQ(p.commands[0].nsc->type, 0x11);
  EXPECT_TRUE(p.commands[0].nsc->command);
}

TEST(RfcommMux, MalformedCommands) {
  MuxParse p = parse_mux(hex("83 0f 02 f0 07 00 f5 03 00"));  // PN with 7 value octets
  ASSERT_EQ(p.commands.size(), 1u);
  EXPECT_TRUE(p.commands[0].malformed);
  EXPECT_FALSE(p.commands[0].pn);
  EXPECT_TRUE(parse_mux(hex("e3 09 0b")).malformed);              // length 4, one octet there
  EXPECT_TRUE(parse_mux(hex("e2 05 0b 8d")).malformed);           // type octet with EA = 0
  EXPECT_TRUE(parse_mux(hex("e3 04 04 04")).malformed);           // length with EA = 0 three times
  EXPECT_TRUE(parse_mux(hex("a3 03 00")).commands[0].malformed);  // FCon carries no value
  // Two length octets: 200 value bytes of Test.
  Bytes t = hex("23 90 03");
  t.resize(t.size() + 200, 0x55);
  p = parse_mux(t);
  ASSERT_EQ(p.commands.size(), 1u);
  EXPECT_FALSE(p.malformed);
  EXPECT_EQ(p.commands[0].value.size(), 200u);
  EXPECT_EQ(encode_mux(MuxType::test, true, p.commands[0].value), t);
}

// ---- session ----

// The frames of a BlueZ-style connection to channel 1 (DLCI 2) with credit-based flow control;
// the phone (sent) initiates.
struct Link {
  Session s;
  std::uint64_t n = 0;
  Bytes sdu;  // the results' views point into it
  Session::Result feed(Direction d, const Bytes& b) {
    sdu = b;
    return s.feed(++n, d, sdu);
  }
  Session::Result feed(Direction d, std::string_view h) { return feed(d, hex(h)); }
  void open(std::uint8_t initial_credits = 7) {
    feed(Direction::sent, "03 3f 01 1c");  // SABM 0
    feed(Direction::rcvd, "03 73 01 d7");  // UA 0
    Pn pn{2, 0, 0xf, 7, 0, 1013, 0, initial_credits};
    feed(Direction::sent, encode_frame(0, true, FrameType::uih, false, encode_mux(MuxType::pn, true, encode_pn(pn))));
    pn.cl = 0xe;
    pn.max_frame = 990;
    feed(Direction::rcvd, encode_frame(0, false, FrameType::uih, false, encode_mux(MuxType::pn, false, encode_pn(pn))));
    feed(Direction::sent, "0b 3f 01 59");  // SABM 2
    feed(Direction::rcvd, "0b 73 01 92");  // UA 2
  }
};

TEST(RfcommSession, OpensNegotiatesAndCarriesStreams) {
  Link l;
  auto r = l.feed(Direction::sent, "03 3f 01 1c");
  EXPECT_TRUE(r.events.empty());
  r = l.feed(Direction::rcvd, "03 73 01 d7");
  ASSERT_EQ(r.events.size(), 1u);
  EXPECT_EQ(r.events[0].kind, EventKind::mux_opened);
  EXPECT_TRUE(l.s.mux_open());
  EXPECT_EQ(l.s.initiator(), Direction::sent);

  r = l.feed(Direction::sent, "03 ef 15 83 11 02 f0 07 00 f5 03 00 07 70");  // PN command, k = 7
  ASSERT_EQ(r.mux.size(), 1u);
  EXPECT_TRUE(r.problems.empty());
  EXPECT_EQ(l.s.dlc(2).state, DlcState::negotiated);
  EXPECT_EQ(l.s.cfc(), Cfc::unknown);
  r = l.feed(Direction::rcvd, "01 ef 15 81 11 02 e0 07 00 e8 03 00 03 aa");  // PN response, N1 1000, k = 3
  ASSERT_EQ(r.events.size(), 1u);
  EXPECT_EQ(r.events[0].kind, EventKind::dlc_negotiated);
  EXPECT_EQ(l.s.cfc(), Cfc::on);
  EXPECT_EQ(l.s.dlc(2).max_frame, 1000);
  // The command's k is the responder's credit, the response's the initiator's.
  EXPECT_EQ(l.s.dlc(2).credits[0], 3u);
  EXPECT_EQ(l.s.dlc(2).credits[1], 7u);

  l.feed(Direction::sent, "0b 3f 01 59");
  r = l.feed(Direction::rcvd, "0b 73 01 92");
  ASSERT_EQ(r.events.size(), 1u);
  EXPECT_EQ(r.events[0].kind, EventKind::dlc_opened);
  EXPECT_EQ(r.events[0].dlci, 2);
  EXPECT_EQ(l.s.dlc(2).state, DlcState::open);

  // MSC both ways, then data: "ab" with 5 more credits for the watch, then "cde".
  r = l.feed(Direction::sent, encode_frame(0, true, FrameType::uih, false, hex("e3 05 0b 8d")));
  ASSERT_EQ(r.mux.size(), 1u);
  ASSERT_TRUE(r.mux[0].msc);
  r = l.feed(Direction::sent, "0b ff 05 05 61 62 86");
  ASSERT_EQ(r.events.size(), 2u);
  EXPECT_EQ(r.events[0].kind, EventKind::credits);
  EXPECT_EQ(r.events[0].credits, 5u);
  EXPECT_EQ(r.events[1].kind, EventKind::data);
  EXPECT_EQ(to_hex(r.events[1].data), "6162");
  EXPECT_EQ(r.events[1].stream_offset, 0u);
  EXPECT_EQ(r.events[1].frame, l.n);
  EXPECT_EQ(l.s.dlc(2).credits[0], 2u);   // 3 - 1
  EXPECT_EQ(l.s.dlc(2).credits[1], 12u);  // 7 + 5
  r = l.feed(Direction::sent, encode_frame(2, true, FrameType::uih, false, hex("636465")));
  ASSERT_EQ(r.events.size(), 1u);
  EXPECT_EQ(r.events[0].stream_offset, 2u);
  EXPECT_EQ(l.s.dlc(2).stream_bytes[0], 5u);
  // The watch's stream is separate; its frames carry C/R = 0.
  r = l.feed(Direction::rcvd, encode_frame(2, false, FrameType::uih, false, hex("78")));
  ASSERT_EQ(r.events.size(), 1u);
  EXPECT_EQ(r.events[0].dir, Direction::rcvd);
  EXPECT_EQ(r.events[0].stream_offset, 0u);
  EXPECT_EQ(l.s.counters().data_frames, 3u);
  EXPECT_EQ(l.s.counters().data_bytes, 6u);
  EXPECT_EQ(l.s.counters().credit_abuse, 0u);
}

TEST(RfcommSession, CreditAbuseIsCountedAndBounded) {
  Link l;
  l.open(2);  // the watch may send 2 frames
  // The watch (responder: C/R = 0) sends 1000 one-byte frames; 998 have no credit.
  std::size_t problems = 0, data = 0;
  for (int i = 0; i < 1000; ++i) {
    auto r = l.feed(Direction::rcvd, encode_frame(2, false, FrameType::uih, false, hex("00")));
    problems += r.problems.size();
    for (const auto& e : r.events) data += e.kind == EventKind::data;
  }
  EXPECT_EQ(data, 1000u);  // shown anyway: the analysis reports what was sent
  EXPECT_EQ(l.s.counters().credit_abuse, 998u);
  EXPECT_EQ(problems, Session::kMaxProblems);
  EXPECT_EQ(l.s.counters().problems_dropped, 998u - Session::kMaxProblems);
  EXPECT_EQ(l.s.dlc(2).credits[1], 0u);

  // Credits past 65535 saturate, once reported.
  Link g;
  g.open();
  std::size_t overflow = 0;
  for (int i = 0; i < 300; ++i)
    for (const auto& p : g.feed(Direction::sent, encode_frame(2, true, FrameType::uih, true, {}, 255)).problems)
      overflow += p.kind == ProblemKind::credit_overflow;
  EXPECT_EQ(g.s.dlc(2).credits[1], Session::kMaxCredits);
  EXPECT_GT(overflow, 0u);
  EXPECT_EQ(g.s.counters().credit_only, 300u);
}

TEST(RfcommSession, BadFcsIsDroppedAsAReceiverDropsIt) {
  Link l;
  l.open();
  auto r = l.feed(Direction::sent, "0b ef 05 61 62 9b");  // FCS 0x9b, should be 0x9a
  ASSERT_EQ(r.problems.size(), 1u);
  EXPECT_EQ(r.problems[0].kind, ProblemKind::fcs_bad);
  EXPECT_EQ(r.problems[0].frame, l.n);
  EXPECT_STREQ(problem_name(r.problems[0].kind), "rfcomm.fcs_bad");
  EXPECT_TRUE(r.events.empty());
  EXPECT_EQ(l.s.counters().fcs_bad, 1u);
  r = l.feed(Direction::sent, "0b ef 05 61 62 9a");
  ASSERT_EQ(r.events.size(), 1u);
  EXPECT_EQ(r.events[0].stream_offset, 0u);
}

TEST(RfcommSession, CloseRefuseAndReservedDlci) {
  Link l;
  l.open();
  l.feed(Direction::sent, "13 3f 01 00");  // SABM DLCI 4 with a bad FCS: nothing happens
  EXPECT_EQ(l.s.dlc(4).state, DlcState::closed);
  l.feed(Direction::sent, encode_frame(4, true, FrameType::sabm, true, {}));
  auto r = l.feed(Direction::rcvd, encode_frame(4, true, FrameType::dm, true, {}));
  ASSERT_EQ(r.events.size(), 1u);
  EXPECT_EQ(r.events[0].kind, EventKind::dlc_refused);
  EXPECT_EQ(l.s.dlc(4).state, DlcState::refused);
  r = l.feed(Direction::rcvd, encode_frame(4, false, FrameType::uih, false, hex("00")));
  ASSERT_EQ(r.problems.size(), 1u);
  EXPECT_EQ(r.problems[0].kind, ProblemKind::data_on_closed_dlc);

  r = l.feed(Direction::sent, encode_frame(62, true, FrameType::sabm, true, {}));
  ASSERT_EQ(r.problems.size(), 1u);
  EXPECT_EQ(r.problems[0].kind, ProblemKind::reserved_dlci);

  l.feed(Direction::sent, encode_frame(2, true, FrameType::disc, true, {}));
  EXPECT_EQ(l.s.dlc(2).state, DlcState::disconnecting);
  r = l.feed(Direction::rcvd, encode_frame(2, true, FrameType::ua, true, {}));
  ASSERT_EQ(r.events.size(), 1u);
  EXPECT_EQ(r.events[0].kind, EventKind::dlc_closed);
  EXPECT_EQ(l.s.dlc(2).state, DlcState::closed);
  EXPECT_EQ(l.s.dlc(2).stream_bytes[0], 0u);

  // A second DLC, then the multiplexer closes: it closes with it.
  l.feed(Direction::sent, encode_frame(6, true, FrameType::sabm, true, {}));
  l.feed(Direction::rcvd, encode_frame(6, true, FrameType::ua, true, {}));
  l.feed(Direction::sent, encode_frame(0, true, FrameType::disc, true, {}));
  r = l.feed(Direction::rcvd, encode_frame(0, true, FrameType::ua, true, {}));
  ASSERT_EQ(r.events.size(), 2u);
  EXPECT_EQ(r.events[0].kind, EventKind::dlc_closed);
  EXPECT_EQ(r.events[0].dlci, 6);
  EXPECT_EQ(r.events[1].kind, EventKind::mux_closed);
  EXPECT_FALSE(l.s.mux_open());
}

TEST(RfcommSession, CaptureStartingMidLink) {
  // No SABM, no PN: data on DLCI 2 with credits (assumed, as Wireshark assumes them) is a stream
  // of a DLC opened before the capture; the watch's C/R = 0 names the phone as initiator.
  Session s;
  const Bytes first = hex("09 ff 03 01 41 5c");
  auto r = s.feed(1, Direction::rcvd, first);  // DLCI 2, C/R 0, P/F, 1 credit, "A"
  EXPECT_TRUE(r.problems.empty());
  ASSERT_EQ(r.events.size(), 2u);
  EXPECT_EQ(r.events[1].kind, EventKind::data);
  EXPECT_EQ(to_hex(r.events[1].data), "41");
  EXPECT_EQ(s.initiator(), Direction::sent);
  EXPECT_EQ(s.dlc(2).state, DlcState::open);
  EXPECT_FALSE(s.dlc(2).seen_opening);
  EXPECT_FALSE(s.dlc(2).credits[0]);  // unknown: no PN seen
  // No direction (pcap link type 187): its own stream, no credit accounting.
  r = s.feed(2, Direction::unknown, encode_frame(2, true, FrameType::uih, false, hex("4243")));
  ASSERT_EQ(r.events.size(), 1u);
  EXPECT_EQ(s.dlc(2).stream_bytes[2], 2u);
}

TEST(RfcommSession, NoCreditOctetWhenThePnAnswerRefusesCredits) {
  Session s;
  s.feed(1, Direction::sent, hex("03 3f 01 1c"));
  s.feed(2, Direction::rcvd, hex("03 73 01 d7"));
  s.feed(3, Direction::sent,
         encode_frame(0, true, FrameType::uih, false,
                      encode_mux(MuxType::pn, true, encode_pn(Pn{2, 0, 0xf, 0, 0, 127, 0, 7}))));
  s.feed(4, Direction::rcvd,
         encode_frame(0, false, FrameType::uih, false,
                      encode_mux(MuxType::pn, false, encode_pn(Pn{2, 0, 0x0, 0, 0, 127, 0, 0}))));
  EXPECT_EQ(s.cfc(), Cfc::off);
  s.feed(5, Direction::sent, hex("0b 3f 01 59"));
  s.feed(6, Direction::rcvd, hex("0b 73 01 92"));
  // P/F on a UIH without CFC: no credit octet, "ab" is data.
  const Bytes pf = encode_frame(2, true, FrameType::uih, true, hex("6162"));
  auto r = s.feed(7, Direction::sent, pf);
  ASSERT_TRUE(r.frame.ok());
  EXPECT_FALSE(r.frame.credits);
  ASSERT_EQ(r.events.size(), 1u);
  EXPECT_EQ(to_hex(r.events[0].data), "6162");
  // And a frame longer than the negotiated N1 (127) is flagged.
  r = s.feed(8, Direction::sent, encode_frame(2, true, FrameType::uih, false, Bytes(128, 0)));
  ASSERT_EQ(r.problems.size(), 1u);
  EXPECT_EQ(r.problems[0].kind, ProblemKind::frame_too_long);
}

TEST(RfcommSession, MalformedSdusAreProblemsNotCrashes) {
  Session s;
  const char* bad[] = {"",
                       "03",
                       "03 3f 01",
                       "02 3f 01 1c",
                       "03 ef 0b 61 70",
                       "03 3d 01 00",
                       "03 ef 07 e3 09 0b 70"};  // the last: an MSC whose length runs past the field
  std::size_t problems = 0;
  std::uint64_t n = 0;
  for (const char* h : bad) problems += s.feed(++n, Direction::sent, hex(h)).problems.size();
  EXPECT_EQ(problems, std::size(bad));
  EXPECT_EQ(s.counters().malformed, 5u);
  EXPECT_EQ(s.counters().frames, std::size(bad));
}

}  // namespace
}  // namespace fe95::rfcomm

namespace fe95::l2cap {
namespace {

Bytes hex(std::string_view s) {
  std::string clean;
  for (char c : s)
    if (c != ' ') clean.push_back(c);
  return *parse_hex(clean);
}

TEST(L2capSignaling, FollowsAPsm3ChannelFromRequestToDisconnection) {
  ChannelTracker t;
  // The phone asks for PSM 3 from its CID 0x0040; the watch answers pending, then success with 0x0041.
  auto e = t.feed(10, Direction::sent, hex("02 01 04 00 03 00 40 00"));
  EXPECT_TRUE(e.empty());
  e = t.feed(11, Direction::rcvd, hex("03 01 08 00 00 00 40 00 01 00 02 00"));
  EXPECT_TRUE(e.empty());
  e = t.feed(12, Direction::rcvd, hex("03 01 08 00 41 00 40 00 00 00 00 00"));
  ASSERT_EQ(e.size(), 1u);
  EXPECT_EQ(e[0].kind, ChannelTracker::EventKind::opened);
  EXPECT_EQ(e[0].channel.psm, 3);
  EXPECT_EQ(e[0].channel.requester, Direction::sent);
  EXPECT_EQ(e[0].channel.requester_cid, 0x40);
  EXPECT_EQ(e[0].channel.responder_cid, 0x41);
  EXPECT_EQ(e[0].channel.opened_frame, 12u);
  // B-frames carry the receiver's CID.
  ASSERT_NE(t.find(Direction::sent, 0x41), nullptr);
  ASSERT_NE(t.find(Direction::rcvd, 0x40), nullptr);
  EXPECT_EQ(t.find(Direction::sent, 0x40), nullptr);
  EXPECT_EQ(t.find(Direction::rcvd, 0x41), nullptr);

  // Configuration requests in both directions, two commands in one C-frame on the watch's side.
  t.feed(13, Direction::sent, hex("04 02 08 00 41 00 00 00 01 02 f5 03"));
  t.feed(14, Direction::rcvd, hex("04 07 08 00 40 00 00 00 01 02 00 04  05 02 06 00 41 00 00 00 00 00"));
  const DynamicChannel* ch = t.find(Direction::sent, 0x41);
  ASSERT_NE(ch, nullptr);
  EXPECT_EQ(ch->mtu[0], 1013);
  EXPECT_EQ(ch->mtu[1], 1024);
  EXPECT_EQ(ch->mode, 0);

  e = t.feed(20, Direction::sent, hex("06 03 04 00 41 00 40 00"));
  EXPECT_TRUE(e.empty());
  EXPECT_NE(t.find(Direction::sent, 0x41), nullptr);
  e = t.feed(21, Direction::rcvd, hex("07 03 04 00 41 00 40 00"));
  ASSERT_EQ(e.size(), 1u);
  EXPECT_EQ(e[0].kind, ChannelTracker::EventKind::closed);
  EXPECT_EQ(t.find(Direction::sent, 0x41), nullptr);
  EXPECT_EQ(t.open_channels(), 0u);
}

TEST(L2capSignaling, RefusedOtherPsmsAndTheWatchAsRequester) {
  ChannelTracker t;
  t.feed(1, Direction::sent, hex("02 01 04 00 01 00 40 00"));  // SDP: not followed
  EXPECT_TRUE(t.feed(2, Direction::rcvd, hex("03 01 08 00 41 00 40 00 00 00 00 00")).empty());
  EXPECT_EQ(t.counters().unmatched_responses, 1u);
  t.feed(3, Direction::sent, hex("02 02 04 00 03 00 42 00"));
  auto e = t.feed(4, Direction::rcvd, hex("03 02 08 00 00 00 42 00 02 00 00 00"));  // PSM not supported
  ASSERT_EQ(e.size(), 1u);
  EXPECT_EQ(e[0].kind, ChannelTracker::EventKind::refused);
  EXPECT_EQ(e[0].result, 2);
  EXPECT_EQ(t.open_channels(), 0u);
  // The watch connects to the phone's RFCOMM.
  t.feed(5, Direction::rcvd, hex("02 09 04 00 03 00 70 00"));
  e = t.feed(6, Direction::sent, hex("03 09 08 00 43 00 70 00 00 00 00 00"));
  ASSERT_EQ(e.size(), 1u);
  EXPECT_EQ(e[0].channel.requester, Direction::rcvd);
  EXPECT_NE(t.find(Direction::rcvd, 0x43), nullptr);
  EXPECT_NE(t.find(Direction::sent, 0x70), nullptr);
  // Every PSM when asked for none.
  ChannelTracker all(std::vector<std::uint16_t>{});
  all.feed(1, Direction::sent, hex("02 01 04 00 01 00 40 00"));
  EXPECT_EQ(all.feed(2, Direction::rcvd, hex("03 01 08 00 41 00 40 00 00 00 00 00")).size(), 1u);
}

TEST(L2capSignaling, BoundedWhateverTheLinkSends) {
  ChannelTracker t;
  // 100 requests never answered: 16 kept.
  for (int i = 0; i < 100; ++i) {
    Bytes req = hex("02 00 04 00 03 00 00 00");
    req[1] = static_cast<std::uint8_t>(i);
    req[6] = static_cast<std::uint8_t>(0x40 + i);
    t.feed(static_cast<std::uint64_t>(i), Direction::sent, req);
  }
  EXPECT_EQ(t.counters().pending_dropped, 100u - ChannelTracker::kMaxPending);
  // 40 channels opened, never closed: 32 kept, the oldest evicted.
  ChannelTracker c;
  std::size_t evicted = 0;
  for (int i = 0; i < 40; ++i) {
    Bytes req = hex("02 00 04 00 03 00 00 01");
    req[1] = static_cast<std::uint8_t>(i);
    req[6] = static_cast<std::uint8_t>(i);
    c.feed(1, Direction::sent, req);
    Bytes rsp = hex("03 00 08 00 00 02 00 01 00 00 00 00");
    rsp[1] = static_cast<std::uint8_t>(i);
    rsp[4] = static_cast<std::uint8_t>(i);
    rsp[6] = static_cast<std::uint8_t>(i);
    for (const auto& e : c.feed(2, Direction::rcvd, rsp)) evicted += e.kind == ChannelTracker::EventKind::evicted;
  }
  EXPECT_EQ(c.open_channels(), ChannelTracker::kMaxChannels);
  EXPECT_EQ(evicted, 40u - ChannelTracker::kMaxChannels);
  // Malformed C-frames.
  EXPECT_TRUE(parse_signaling(hex("02 01 08 00 03 00")).malformed);
  EXPECT_TRUE(parse_signaling(hex("02")).malformed);
  const SigParse two = parse_signaling(hex("08 01 00 00  09 01 01 00 aa"));
  EXPECT_FALSE(two.malformed);
  ASSERT_EQ(two.commands.size(), 2u);
  EXPECT_STREQ(sig_code_name(two.commands[1].code), "echo_response");
  ChannelTracker m;
  m.feed(1, Direction::sent, hex("02 01 02 00 03 00"));  // a request without its source CID
  EXPECT_EQ(m.counters().malformed, 1u);
  // A reused CID replaces the channel whose close the capture missed.
  ChannelTracker r;
  r.feed(1, Direction::sent, hex("02 01 04 00 03 00 40 00"));
  r.feed(2, Direction::rcvd, hex("03 01 08 00 41 00 40 00 00 00 00 00"));
  r.feed(3, Direction::sent, hex("02 02 04 00 03 00 40 00"));
  auto e = r.feed(4, Direction::rcvd, hex("03 02 08 00 45 00 40 00 00 00 00 00"));
  ASSERT_EQ(e.size(), 2u);
  EXPECT_EQ(e[0].kind, ChannelTracker::EventKind::closed);
  EXPECT_EQ(r.open_channels(), 1u);
  EXPECT_NE(r.find(Direction::sent, 0x45), nullptr);
}

}  // namespace
}  // namespace fe95::l2cap
