// SPDX-License-Identifier: GPL-2.0-or-later
// The wearables' framings on literal bytes (docs/MIWEAR.md §2, §5): BLE-V1 rxfer frames and
// reassembly, the SPPv2 packet stream with resync, CRC and retransmissions, SPP-V1 frames, and
// the bounded stream buffer they share; hostile sequences stay bounded.
#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "fe95/miwear/sppv1.h"
#include "fe95/miwear/sppv2.h"
#include "fe95/miwear/v1.h"

namespace fe95::miwear::wire_test {
namespace {

Bytes hex(std::string_view s) {
  std::string clean;
  for (char c : s)
    if (c != ' ') clean.push_back(c);
  auto b = parse_hex(clean);
  EXPECT_TRUE(b) << s;
  return b ? *b : Bytes{};
}
Bytes cat(std::initializer_list<Bytes> parts) {
  Bytes out;
  for (const auto& p : parts) out.insert(out.end(), p.begin(), p.end());
  return out;
}

const char* kStep1 = "0801101a1a15f201120a10000102030405060708090a0b0c0d0e0f";

// ---- BLE-V1 rxfer framing ----

TEST(MiwearV1, FrameKinds) {
  EXPECT_EQ(parse_v1(hex("000000010300")).kind, V1Kind::start);
  EXPECT_EQ(parse_v1(hex("000000010300")).count, 3);
  EXPECT_TRUE(parse_v1(hex("000000010300")).encrypted);
  EXPECT_EQ(parse_v1(hex("00000101")).kind, V1Kind::ready);
  EXPECT_EQ(parse_v1(hex("00000100")).kind, V1Kind::done);
  EXPECT_EQ(parse_v1(hex("00000102")).kind, V1Kind::nack);
  const V1Frame m = parse_v1(hex("00000105 0200 0500"));
  EXPECT_EQ(m.kind, V1Kind::missing);
  EXPECT_EQ(m.missing, (std::vector<std::uint16_t>{2, 5}));
  EXPECT_EQ(parse_v1(hex("00000105")).missing_total, 0u);  // empty: everything again
  EXPECT_EQ(parse_v1(hex("00000202aa")).kind, V1Kind::single);
  EXPECT_FALSE(parse_v1(hex("00000202aa")).encrypted);
  EXPECT_FALSE(parse_v1(hex("00000200aa")).encrypted);  // anything but 1 is plain
  EXPECT_EQ(parse_v1(hex("00000300")).kind, V1Kind::single_ack);
  EXPECT_EQ(parse_v1(hex("0300aabb")).kind, V1Kind::chunk);
  EXPECT_EQ(parse_v1(hex("0300aabb")).index, 3);
  EXPECT_EQ(parse_v1(hex("00")).kind, V1Kind::malformed);
  EXPECT_EQ(parse_v1(hex("000000")).kind, V1Kind::malformed);
  EXPECT_EQ(parse_v1(hex("00000001")).kind, V1Kind::malformed);  // a start without its count
  EXPECT_EQ(parse_v1(hex("00000700")).kind, V1Kind::malformed);
}

TEST(MiwearV1, ChunkedMessagesAndTheirCounters) {
  V1Channel ch;
  // The watch sends 3 chunks out of order, one twice; the phone acks.
  EXPECT_FALSE(ch.feed(1, Dir::to_phone, hex("000000010300")).message);
  ch.feed(2, Dir::to_watch, v1_control(V1Kind::ready));
  ch.feed(3, Dir::to_phone, hex("0100 aaaa"));
  auto r = ch.feed(4, Dir::to_phone, hex("0300 cc"));
  EXPECT_FALSE(r.message);
  r = ch.feed(5, Dir::to_phone, hex("0100 aaab"));
  EXPECT_TRUE(r.duplicate);
  r = ch.feed(6, Dir::to_phone, hex("0400 dd"));  // past the count: ignored (GB)
  ASSERT_EQ(r.problems.size(), 1u);
  EXPECT_EQ(r.problems[0].kind, ProblemKind::v1_chunk_out_of_range);
  EXPECT_EQ(r.problems[0].frames, (std::vector<std::uint64_t>{1, 6}));
  r = ch.feed(7, Dir::to_phone, hex("0200 bb"));
  ASSERT_TRUE(r.message);
  EXPECT_EQ(to_hex(r.message->data), "aaabbbcc");  // the duplicate overwrote chunk 1
  EXPECT_EQ(r.message->chunks, 3);
  EXPECT_TRUE(r.message->encrypted);
  EXPECT_EQ(r.message->frames.frames, (std::vector<std::uint64_t>{1, 3, 4, 5, 7}));
  EXPECT_FALSE(v1_sealed(*r.message, kCharCommandRead).counter_on_wire);
  ch.feed(8, Dir::to_watch, v1_control(V1Kind::done));
  EXPECT_EQ(ch.counters().duplicate_chunks, 1u);
  EXPECT_EQ(ch.counters().acks, 2u);

  // A phone's chunked encrypted message carries its counter first; on 0x0055 it does not.
  const Bytes body = cat({hex("0700"), Bytes(300, 0x11)});
  V1Channel w;
  std::optional<V1Message> got;
  for (const auto& f : v1_frames(body, true, 100)) {
    auto x = w.feed(9, Dir::to_watch, f);
    if (x.message) got = x.message;
  }
  ASSERT_TRUE(got);
  EXPECT_EQ(got->chunks, 4);
  Sealed s = v1_sealed(*got, kCharCommandWrite);
  EXPECT_TRUE(s.counter_on_wire);
  EXPECT_EQ(s.counter, 7u);
  EXPECT_EQ(s.body.size(), 300u);
  s = v1_sealed(*got, kCharUpload);
  EXPECT_FALSE(s.counter_on_wire);
  EXPECT_EQ(s.body.size(), 302u);
  // A single upload frame carries 00 00.
  auto single = w.feed(10, Dir::to_watch, v1_frames(cat({hex("0000"), Bytes(8, 1)}), true, 244)[0]);
  ASSERT_TRUE(single.message);
  s = v1_sealed(*single.message, kCharUpload);
  EXPECT_TRUE(s.counter_on_wire);
  EXPECT_EQ(s.counter, 0u);
  EXPECT_EQ(s.body.size(), 8u);
}

TEST(MiwearV1, HostileSequencesAreBounded) {
  V1Channel ch;
  // A chunk count of 65,535: ignored, and its chunks with it.
  auto r = ch.feed(1, Dir::to_phone, hex("00000001ffff"));
  ASSERT_EQ(r.problems.size(), 1u);
  EXPECT_EQ(r.problems[0].kind, ProblemKind::v1_too_many_chunks);
  EXPECT_TRUE(ch.feed(2, Dir::to_phone, hex("0100aa")).ignored);
  // A chunk flood without a start: 10,000 chunks, problems capped.
  V1Channel f;
  std::size_t problems = 0;
  for (int i = 0; i < 10000; ++i)
    problems += f.feed(static_cast<std::uint64_t>(i), Dir::to_phone, hex("0100aa")).problems.size();
  EXPECT_EQ(problems, V1Channel::kMaxProblems);
  EXPECT_EQ(f.counters().problems_dropped, 10000u - V1Channel::kMaxProblems);
  // A message longer than the cap: given up.
  V1Channel big;
  big.feed(1, Dir::to_phone, hex("000000000004"));  // 1024 chunks
  const Bytes chunk = cat({hex("0000"), Bytes(600, 0)});
  bool too_long = false;
  for (std::uint16_t i = 1; i <= 1024 && !too_long; ++i) {
    Bytes c = chunk;
    c[0] = static_cast<std::uint8_t>(i);
    c[1] = static_cast<std::uint8_t>(i >> 8);
    for (const auto& p : big.feed(i, Dir::to_phone, c).problems) too_long |= p.kind == ProblemKind::v1_message_too_long;
  }
  EXPECT_TRUE(too_long);
  // A new start mid-message, a nack, an unfinished message at the end.
  V1Channel n;
  n.feed(1, Dir::to_phone, hex("000000000200"));
  n.feed(2, Dir::to_phone, hex("0100aa"));
  r = n.feed(3, Dir::to_phone, hex("000000000200"));
  ASSERT_EQ(r.problems.size(), 1u);
  EXPECT_EQ(r.problems[0].kind, ProblemKind::v1_start_during_transfer);
  r = n.feed(4, Dir::to_watch, v1_control(V1Kind::nack));
  ASSERT_EQ(r.problems.size(), 1u);
  EXPECT_EQ(r.problems[0].kind, ProblemKind::v1_nack);
  EXPECT_TRUE(n.finish().empty());  // the nack dropped it
  n.feed(5, Dir::to_phone, hex("000000000200"));
  n.feed(6, Dir::to_phone, hex("0100aa"));
  const auto end = n.finish();
  ASSERT_EQ(end.size(), 1u);
  EXPECT_EQ(end[0].kind, ProblemKind::v1_unfinished_transfer);
  EXPECT_STREQ(problem_name(end[0].kind), "miwear.v1.unfinished_transfer");
}

// ---- SPPv2 stream ----

TEST(MiwearSppV2, PacketsSpanValuesAndValuesHoldPackets) {
  const Bytes a = encode_v2(3, 0, cat({hex("0101"), hex(kStep1)}));
  const Bytes b = encode_v2(1, 9, {});
  const Bytes c = encode_v2(3, 1, hex("0101 0802"));
  const Bytes all = cat({a, b, c});
  // Cut into 20-byte writes, as GB cuts at MTU - 3.
  SppV2Link link;
  std::vector<SppV2Link::Event> got;
  std::uint64_t frame = 100;
  for (std::size_t off = 0; off < all.size(); off += 20) {
    auto r = link.feed(Dir::to_watch, ByteView(all).subspan(off, std::min<std::size_t>(20, all.size() - off)), ++frame);
    EXPECT_TRUE(r.problems.empty());
    for (auto& e : r.events) got.push_back(std::move(e));
  }
  ASSERT_EQ(got.size(), 3u);
  EXPECT_EQ(got[0].packet.frames.frames, (std::vector<std::uint64_t>{101, 102}));  // 37 bytes
  EXPECT_EQ(got[1].kind, SppV2Link::EventKind::ack);
  EXPECT_EQ(got[1].packet.stream_offset, a.size());
  EXPECT_EQ(got[1].packet.frames.frames, (std::vector<std::uint64_t>{102, 103}));  // bytes 37-44
  EXPECT_EQ(got[2].packet.seq, 1);
  EXPECT_EQ(got[2].packet.frames.frames, (std::vector<std::uint64_t>{103}));
  // All in one value.
  SppV2Link one;
  EXPECT_EQ(one.feed(Dir::to_phone, all, 1).events.size(), 3u);
}

TEST(MiwearSppV2, GarbageCrcBadAndRetransmissions) {
  SppV2Link link;
  const Bytes good = encode_v2(3, 4, hex("0101 08021001"));
  Bytes bad = encode_v2(3, 5, hex("0101 08021002"));
  bad.back() ^= 0xff;  // payload damaged: the CRC no longer matches
  auto r = link.feed(Dir::to_phone, cat({hex("0001a5ff02"), bad, good}), 7);
  ASSERT_EQ(r.events.size(), 1u);
  EXPECT_EQ(r.events[0].packet.seq, 4);
  bool crc = false, garbage = false;
  for (const auto& p : r.problems) {
    crc |= p.kind == ProblemKind::sppv2_crc_bad;
    garbage |= p.kind == ProblemKind::sppv2_garbage;
  }
  EXPECT_TRUE(crc);
  EXPECT_TRUE(garbage);
  EXPECT_EQ(link.stream(Dir::to_phone).counters().crc_bad, 1u);
  // The same packet again: a retransmission, dropped from the data.
  r = link.feed(Dir::to_phone, good, 8);
  ASSERT_EQ(r.events.size(), 1u);
  EXPECT_EQ(r.events[0].kind, SppV2Link::EventKind::retransmission);
  EXPECT_EQ(link.counters().retransmissions, 1u);
  // The next sequence number is 5; 7 means a packet went missing.
  EXPECT_FALSE(link.feed(Dir::to_phone, encode_v2(3, 5, hex("0101 00")), 8).events[0].seq_gap);
  r = link.feed(Dir::to_phone, encode_v2(3, 7, hex("0101 00")), 8);
  ASSERT_EQ(r.events.size(), 1u);
  EXPECT_TRUE(r.events[0].seq_gap);
  EXPECT_EQ(link.counters().seq_gaps, 1u);
  // The same seq in the other direction is not one; nor is a fast-receive packet.
  EXPECT_EQ(link.feed(Dir::to_watch, good, 9).events[0].kind, SppV2Link::EventKind::data);
  const Bytes frx = encode_v2(0x13, 0, hex("0101 00"));
  link.feed(Dir::to_phone, frx, 10);
  r = link.feed(Dir::to_phone, frx, 11);
  ASSERT_EQ(r.events.size(), 1u);
  EXPECT_EQ(r.events[0].kind, SppV2Link::EventKind::data);
  EXPECT_TRUE(r.events[0].packet.frx);
  // A DATA packet without channel and opcode, and an unfinished packet at the end.
  r = link.feed(Dir::to_phone, encode_v2(3, 6, hex("01")), 12);
  ASSERT_EQ(r.problems.size(), 1u);
  EXPECT_EQ(r.problems[0].kind, ProblemKind::sppv2_malformed_payload);
  link.feed(Dir::to_phone, ByteView(good).first(10), 13);
  r = link.finish();
  ASSERT_EQ(r.problems.size(), 1u);
  EXPECT_EQ(r.problems[0].kind, ProblemKind::sppv2_unfinished);
  EXPECT_EQ(r.problems[0].frames, (std::vector<std::uint64_t>{13}));
}

TEST(MiwearSppV2, CrcBadGarbageFloodStaysBounded) {
  // 1 MiB of pseudo-random bytes rich in A5 A5 headers claiming long packets, then one packet.
  SppV2Link link;
  std::uint32_t x = 12345;
  Bytes junk(1 << 20);
  for (std::size_t i = 0; i < junk.size(); ++i) {
    x = x * 1103515245u + 12345u;
    junk[i] = static_cast<std::uint8_t>(x >> 16);
    if (i % 64 == 0) junk[i] = 0xa5;
    if (i % 64 == 1) junk[i] = 0xa5;
    if (i % 64 == 2) junk[i] = 0x03;
  }
  // A packet hidden in the junk, after a false header whose claimed length covers it.
  const Bytes hidden = encode_v2(3, 100, hex("0101 0801"));
  std::copy(hidden.begin(), hidden.end(), junk.begin() + 500000 + 5);
  const auto t0 = std::chrono::steady_clock::now();
  std::size_t data = 0;
  for (std::size_t off = 0; off < junk.size(); off += 4096)
    for (const auto& e : link.feed(Dir::to_phone, ByteView(junk).subspan(off, 4096), off).events)
      data += e.kind == SppV2Link::EventKind::data && e.packet.seq == 100;
  EXPECT_LE(link.stream(Dir::to_phone).buffered(), SppV2Stream::kMaxBuffered);
  EXPECT_EQ(data, 1u);
  // Every false header was dropped, by its CRC or, past the CRC budget, unchecked.
  const auto& c = link.stream(Dir::to_phone).counters();
  EXPECT_GT(c.crc_bad, 100u);
  EXPECT_GT(c.crc_bad + c.unchecked, 10000u);
  // Whatever the junk left unfinished, an end of stream and a packet after it.
  link.finish();
  const auto r = link.feed(Dir::to_phone, encode_v2(3, 200, hex("0101 0801")), 999);
  EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::seconds(2));
  ASSERT_EQ(r.events.size(), 1u);
  EXPECT_EQ(r.events[0].packet.seq, 200);
  EXPECT_GT(link.counters().problems_dropped, 0u);  // one problem each, past the cap counted
}

// ---- SPP-V1 ----

// The end of either stream (one implementation, finish_stream): bytes skipped since the last
// unit and an unfinished unit are each a problem with their frames and byte counts.
TEST(MiwearStreams, TheEndReportsSkippedBytesAndAnUnfinishedUnit) {
  SppV1Stream v1;
  std::vector<Problem> problems;
  const Bytes frame = encode_sppv1(kSpp1ProtoToWatch, 0, 2, 3, kSpp1Encrypted, hex("0100aabbccdd"));
  v1.feed(hex("0000"), 7, problems);  // no frame starts here: skipped
  v1.finish(problems);
  v1.feed(ByteView(frame).first(6), 8, problems);  // a frame's first bytes
  v1.finish(problems);
  ASSERT_EQ(problems.size(), 2u);
  EXPECT_EQ(problems[0].kind, ProblemKind::sppv1_garbage);
  EXPECT_EQ(problems[0].count, 2u);
  EXPECT_EQ(problems[0].frames, (std::vector<std::uint64_t>{7}));
  EXPECT_EQ(problems[1].kind, ProblemKind::sppv1_unfinished);
  EXPECT_EQ(problems[1].count, 6u);
  EXPECT_EQ(problems[1].frames, (std::vector<std::uint64_t>{8}));
  EXPECT_NE(problems[1].detail.find("6 bytes into a frame"), std::string::npos) << problems[1].detail;
  SppV2Stream v2;
  problems.clear();
  v2.feed(ByteView(encode_v2(3, 6, hex("01"))).first(5), 9, problems);
  v2.finish(problems);
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_EQ(problems[0].kind, ProblemKind::sppv2_unfinished);
  EXPECT_EQ(problems[0].count, 5u);
  EXPECT_NE(problems[0].detail.find("5 bytes into a packet"), std::string::npos) << problems[0].detail;
}

TEST(MiwearSppV1, ProbeReplyAndResync) {
  // GB's version probe and a Band 10 Pro's reply (B10P): its first body byte, 3, makes GB switch to V2.
  const Bytes probe = hex("BADCFE00C003000000 00EF");
  EXPECT_EQ(encode_sppv1(0, 0xc0, 0, 0, 0, {}), probe);
  const Bytes reply = hex("BADCFE0000060001020003 0131EF");
  SppV1Stream s;
  std::vector<Problem> problems;
  auto f = s.feed(cat({hex("00ba"), probe, Bytes(reply.begin(), reply.begin() + 5)}), 1, problems);
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].flags, 0xc0);
  EXPECT_EQ(f[0].length, 3);
  EXPECT_TRUE(f[0].body.empty());
  f = s.feed(ByteView(reply).subspan(5), 2, problems);
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].opcode, 1);
  EXPECT_EQ(f[0].serial, 2);
  EXPECT_EQ(f[0].data_type, kSpp1Plain);
  EXPECT_EQ(to_hex(f[0].body), "030131");
  EXPECT_EQ(f[0].frames.frames, (std::vector<std::uint64_t>{1, 2}));
  ASSERT_EQ(problems.size(), 1u);  // the two leading bytes
  EXPECT_EQ(problems[0].kind, ProblemKind::sppv1_garbage);
  // A frame whose last byte is not EF, then a good one.
  problems.clear();
  Bytes broken = encode_sppv1(kSpp1ProtoToWatch, 0, 2, 3, kSpp1Encrypted, hex("0100aabbccdd"));
  broken.back() = 0x00;
  f = s.feed(cat({broken, encode_sppv1(kSpp1ProtoToWatch, 0, 2, 4, kSpp1Encrypted, hex("0200aabbccdd"))}), 3, problems);
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].serial, 4);
  const Sealed sealed = sppv1_sealed(f[0]);
  EXPECT_TRUE(sealed.counter_on_wire);
  EXPECT_EQ(sealed.counter, 2u);
  EXPECT_EQ(to_hex(sealed.body), "aabbccdd");
  bool trailer = false;
  for (const auto& p : problems) trailer |= p.kind == ProblemKind::sppv1_bad_trailer;
  EXPECT_TRUE(trailer);
  SppV1Frame mass;
  mass.channel = kSpp1Mass;
  mass.body = hex("aabbccdd");
  EXPECT_FALSE(sppv1_sealed(mass).counter_on_wire);
}

// ---- the shared stream buffer ----

TEST(MiwearByteStream, FramesAndCap) {
  ByteStream s(8);
  s.append(hex("0102"), 1);
  s.append(hex("03"), 1);
  s.append(hex("0405"), 2);
  EXPECT_EQ(s.frames(3).frames, (std::vector<std::uint64_t>{1}));
  EXPECT_EQ(s.frames(4).frames, (std::vector<std::uint64_t>{1, 2}));
  EXPECT_TRUE(s.frames(0).frames.empty());
  s.consume(3);
  EXPECT_EQ(s.offset(), 3u);
  EXPECT_EQ(s.frames(1).frames, (std::vector<std::uint64_t>{2}));
  EXPECT_EQ(s.append(hex("060708090a0b0c"), 3), 1u);  // 9 bytes: the oldest dropped
  EXPECT_EQ(s.size(), 8u);
  EXPECT_EQ(to_hex(s.view()), "05060708090a0b0c");
  EXPECT_EQ(s.frames(2).frames, (std::vector<std::uint64_t>{2, 3}));
  FrameList many;
  for (std::uint64_t i = 0; i < 100; ++i) many.add(i);
  EXPECT_EQ(many.frames.size(), FrameList::kMaxFrames);
  EXPECT_EQ(many.more, 100u - FrameList::kMaxFrames);
}

}  // namespace
}  // namespace fe95::miwear::wire_test
