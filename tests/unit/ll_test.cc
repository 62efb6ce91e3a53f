// SPDX-License-Identifier: GPL-2.0-or-later
// Over-the-air captures: the sniffer headers of docs/LL_CAPTURES.md §1 byte by byte, the
// CRC, and the link-layer tracker's rules on literal packets (direction, retransmissions,
// encryption, CRC-bad packets, captures that start mid-connection, adverts on three channels,
// extended advertising chains).
#include "fe95/ll/ll.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "capture/internal.h"
#include "fe95/stack/stack.h"

namespace fe95 {
namespace {

Bytes hex(std::string_view s) {
  std::string clean;
  for (char c : s)
    if (c != ' ') clean.push_back(c);
  return *parse_hex(clean);
}

// ---- headers ----

// A real CONNECT_IND (bsniffhub-ll/connection-update.pcap frame 7, link type 256, flags 0x0c03:
// CRC checked and valid).
const char* kConnectInd256 =
    "00c3000000000000030c d6be898e 2522 2f8a4a03ee04 388b4a03ee04 99669ebd 8e40e1 01 4d00 5000 0000 d007 ffffffff1f af "
    "7aa92a";

TEST(LlHeader, PseudoHeader256) {
  const Bytes b = hex(kConnectInd256);
  Record r;
  ll_to_record(256, b, r);
  EXPECT_EQ(r.type, PacketType::ll);
  EXPECT_EQ(r.ll.error, LlHeaderError::none);
  EXPECT_EQ(r.ll.channel, 37);  // RF channel 0
  EXPECT_EQ(r.ll.crc, LlCrc::ok);
  EXPECT_FALSE(r.ll.dir_from_header);  // PDU type 0: advertising, no direction
  EXPECT_EQ(r.data.size(), b.size() - 10);
  // Data PDU, central to peripheral (type 2), CRC checked and bad, MIC checked not valid.
  Bytes d =
      hex("0a00000000000000"
          "0000"
          "99669ebd 0100 000000");
  const std::uint16_t flags = 0x0001 | 2 << 7 | 0x0400 | 0x1000;
  d[8] = static_cast<std::uint8_t>(flags);
  d[9] = static_cast<std::uint8_t>(flags >> 8);
  ll_to_record(256, d, r);
  EXPECT_EQ(r.dir, Direction::sent);
  EXPECT_TRUE(r.ll.dir_from_header);
  EXPECT_EQ(r.ll.crc, LlCrc::bad);
  EXPECT_EQ(r.ll.cipher, LlCipher::encrypted);
  EXPECT_EQ(r.ll.channel, 9);  // RF channel 10 is data channel 9
  ll_to_record(256, ByteView(d).first(9), r);
  EXPECT_EQ(r.ll.error, LlHeaderError::short_header);
}

// nRF Sniffer: the same event header and LE packet at byte 17 in every version (§1.3).
Bytes nordic(int version, std::uint8_t flags, std::uint8_t channel, const Bytes& le, std::uint8_t packet_id = 0x06) {
  Bytes b;
  if (version == 0) {
    b = {0xbe, 0xef, packet_id, 0x01, 0x00, 0x00, 0x00, static_cast<std::uint8_t>(9 + le.size())};
  } else if (version == 1) {
    b = {0x00, 0x06, static_cast<std::uint8_t>(10 + le.size()), 0x01, 0x00, 0x00, packet_id, 10};
  } else {
    const auto plen = static_cast<std::uint16_t>(10 + le.size());
    b = {0x00,
         static_cast<std::uint8_t>(plen),
         static_cast<std::uint8_t>(plen >> 8),
         static_cast<std::uint8_t>(version),
         0x00,
         0x00,
         packet_id,
         10};
  }
  b.insert(b.end(), {flags, channel, 60, 0x05, 0x00, 0x10, 0x27, 0x00, 0x00});
  b.insert(b.end(), le.begin(), le.end());
  return b;
}

TEST(LlHeader, NordicVersions0To3) {
  const Bytes data_pdu = hex("99669ebd 0e03 020100 aabbcc");  // LLID 2, 3 bytes, CRC
  for (int v = 0; v <= 3; ++v) {
    SCOPED_TRACE("version " + std::to_string(v));
    Bytes b = nordic(v, 0x01 | 0x02 | 0x04 | 0x08, 12, data_pdu);
    if (v == 0) b[7] = static_cast<std::uint8_t>(b.size() - 8);  // v0: 8 + payload length
    Record r;
    ll_to_record(272, b, r);
    ASSERT_EQ(r.ll.error, LlHeaderError::none);
    EXPECT_EQ(r.ll.crc, LlCrc::ok);
    EXPECT_EQ(r.dir, Direction::sent);            // bit 1: central to peripheral
    EXPECT_EQ(r.ll.cipher, LlCipher::decrypted);  // encrypted and MIC OK
    EXPECT_EQ(r.ll.channel, 12);
    EXPECT_EQ(r.ll.rssi, -60);
    EXPECT_EQ(to_hex(r.data), to_hex(data_pdu));
    EXPECT_EQ(r.ll.air_us >= 0, v == 3);  // v3 carries the firmware timestamp
    Record u;
    ll_to_record(157, b, u);  // DLT_USER 10: the same payload
    EXPECT_EQ(to_hex(u.data), to_hex(data_pdu));
    // A length that does not add up: not decoded.
    Bytes bad = b;
    bad.push_back(0);
    ll_to_record(272, bad, r);
    EXPECT_EQ(r.ll.error, LlHeaderError::length_mismatch);
  }
  // Direction bit clear: peripheral to central; encrypted, MIC failed: ciphertext.
  Record r;
  ll_to_record(272, nordic(2, 0x01 | 0x04, 3, data_pdu), r);
  EXPECT_EQ(r.dir, Direction::rcvd);
  EXPECT_EQ(r.ll.cipher, LlCipher::encrypted);
  ll_to_record(272, nordic(2, 0x00, 3, data_pdu), r);
  EXPECT_EQ(r.ll.crc, LlCrc::bad);
  EXPECT_EQ(r.ll.cipher, LlCipher::plain);
  Bytes v4 = nordic(3, 0x01, 3, data_pdu);
  v4[3] = 4;
  ll_to_record(272, v4, r);
  EXPECT_EQ(r.ll.error, LlHeaderError::bad_version);
  ll_to_record(272, ByteView(v4).first(16), r);
  EXPECT_EQ(r.ll.error, LlHeaderError::short_header);
}

TEST(LlHeader, PpiWithABtleField) {
  const Bytes le = hex("d6be898e 0006 112233445566 aabbcc");
  // PPI header (8) + field 30006 of 12 bytes (4 + 12): pph_len 24, DLT 147.
  Bytes b = hex("00 00 1800 93000000 3675 0c00 00 7a09 00 00000000 c4 c4 c4 01");
  b.insert(b.end(), le.begin(), le.end());
  Record r;
  ll_to_record(192, b, r);
  ASSERT_EQ(r.ll.error, LlHeaderError::none);
  EXPECT_EQ(r.ll.channel, 38);  // 2426 MHz: RF 12
  EXPECT_EQ(r.ll.rssi, -60);
  EXPECT_EQ(to_hex(r.data), to_hex(le));
  b[4] = 1;  // DLT 1: not an LE packet
  ll_to_record(192, b, r);
  EXPECT_EQ(r.ll.error, LlHeaderError::no_btle_field);
  b[4] = 0xfb;  // 251
  b[8] = 0x01;  // another field type: no BTLE field at all
  ll_to_record(192, b, r);
  EXPECT_EQ(r.ll.error, LlHeaderError::no_btle_field);
  b[2] = 0xff;  // pph_len past the packet
  ll_to_record(192, b, r);
  EXPECT_EQ(r.ll.error, LlHeaderError::length_mismatch);
}

TEST(LlCrc, MatchesARealPacket) {
  const Bytes b = hex(kConnectInd256);
  const ByteView le = ByteView(b).subspan(10);
  const ByteView pdu = le.subspan(4, le.size() - 7);
  const std::uint32_t crc = load_u24le(le.data() + le.size() - 3);
  EXPECT_EQ(ll::air_crc(ll::kAdvCrcInit, pdu), crc);
  EXPECT_NE(ll::air_crc(ll::kAdvCrcInit ^ 1, pdu), crc);
  for (unsigned rf = 0; rf < 40; ++rf) EXPECT_EQ(ll::index_to_rf(ll::rf_to_index(rf)), rf);
}

// ---- the tracker ----

class Events final : public Listener {
 public:
  void on_att(const Record& rec, std::uint64_t, const Connection& c, ByteView pdu) override {
    att::Pdu p;
    att::parse(pdu, p);
    att.push_back(to_hex(p.value) + (rec.dir == Direction::sent ? ">" : "<"));
    links.insert(c.link.label);
    if (c.link.known) peers.push_back(c.link.peer.str());
  }
  void on_advert(const Record&, const hci::AdvReport& r) override {
    adverts.push_back(r.addr.str() + (r.extended ? " ext " : " ") + to_hex(r.data));
  }
  void on_disconnect(const Record&, const Connection& c, std::uint8_t) override {
    if (c.ll) {
      ended.push_back(*c.ll);
      labels.push_back(c.link.label);
    }
  }
  void on_diagnostic(const Diagnostic& d) override { codes.push_back(code_name(d.code)); }
  std::vector<std::string> att, adverts, codes, peers, labels;
  std::set<std::string> links;
  std::vector<ll::Link> ended;
};

// Builds LE packets with a correct CRC, as records of a header-less capture (251) unless told.
struct Air {
  Events ev;
  Stack stack{ev};
  std::uint64_t frame = 0;
  std::int64_t us = 1000000;
  Bytes buf;
  void packet(std::uint32_t aa, std::uint32_t crc_init, const Bytes& pdu, std::int64_t advance_us,
              std::optional<Direction> dir = std::nullopt, LlCipher cipher = LlCipher::unknown, bool crc_ok = true,
              std::uint8_t channel = 0xff) {
    us += advance_us;
    buf.clear();
    for (int i = 0; i < 4; ++i) buf.push_back(static_cast<std::uint8_t>(aa >> (8 * i)));
    buf.insert(buf.end(), pdu.begin(), pdu.end());
    std::uint32_t crc = ll::air_crc(crc_init, pdu);
    if (!crc_ok) crc ^= 1;
    for (int i = 0; i < 3; ++i) buf.push_back(static_cast<std::uint8_t>(crc >> (8 * i)));
    Record r;
    r.frame = ++frame;
    r.ts_ns = us * 1000;
    r.type = PacketType::ll;
    r.data = buf;
    if (dir) {
      r.dir = *dir;
      r.ll.dir_from_header = true;
    }
    r.ll.cipher = cipher;
    r.ll.channel = channel;
    stack.feed(r);
  }
  // An advertising-channel PDU on a given channel (secondary ones: 0-36).
  void adv(const Bytes& pdu, std::uint8_t channel) {
    packet(ll::kAdvAccessAddress, ll::kAdvCrcInit, pdu, 1000, std::nullopt, LlCipher::unknown, true, channel);
  }
  static Bytes connect_ind(std::uint32_t aa, std::uint32_t crc_init, const std::string& peer) {
    Bytes p = hex("0522 665544332211");
    const BdAddr a = *BdAddr::parse(peer);
    p.insert(p.end(), a.le.begin(), a.le.end());
    for (int i = 0; i < 4; ++i) p.push_back(static_cast<std::uint8_t>(aa >> (8 * i)));
    for (int i = 0; i < 3; ++i) p.push_back(static_cast<std::uint8_t>(crc_init >> (8 * i)));
    const Bytes rest = hex("02 0000 0600 0000 4800 ffffffff1f 07");
    p.insert(p.end(), rest.begin(), rest.end());
    return p;
  }
  // A data PDU: LLID, SN, NESN, payload.
  static Bytes data(std::uint8_t llid, int sn, int nesn, const Bytes& payload) {
    Bytes p{static_cast<std::uint8_t>(llid | nesn << 2 | sn << 3), static_cast<std::uint8_t>(payload.size())};
    p.insert(p.end(), payload.begin(), payload.end());
    return p;
  }
  void finish() {
    Record r;
    r.frame = ++frame;
    stack.finish(r);
  }
};

constexpr std::uint32_t kAa = 0x50654a27, kInit = 0x123456;
const Bytes kWriteReq = hex("0700 0400 12 1000 90ca85de");  // L2CAP + ATT Write Request
const Bytes kWriteRsp = hex("0100 0400 13");

TEST(LlTracker, DirectionsInferredFromConnectionEvents) {
  Air a;
  a.packet(ll::kAdvAccessAddress, ll::kAdvCrcInit, Air::connect_ind(kAa, kInit, "C4:7C:8D:6A:12:34"), 0);
  // Event 1: central's request, peripheral's empty PDU; event 2: central empty, peripheral response.
  a.packet(kAa, kInit, Air::data(2, 0, 0, kWriteReq), 7500);
  a.packet(kAa, kInit, Air::data(1, 0, 1, {}), 300);
  a.packet(kAa, kInit, Air::data(1, 1, 1, {}), 7500);
  a.packet(kAa, kInit, Air::data(2, 1, 0, kWriteRsp), 300);
  a.finish();
  EXPECT_EQ(a.ev.att, (std::vector<std::string>{"90ca85de>", "<"}));
  ASSERT_EQ(a.ev.ended.size(), 1u);
  EXPECT_EQ(a.ev.ended[0].dir_inferred, 4u);
  EXPECT_EQ(a.ev.ended[0].empty, 2u);
  EXPECT_EQ(a.ev.peers, (std::vector<std::string>{"C4:7C:8D:6A:12:34", "C4:7C:8D:6A:12:34"}));
  EXPECT_EQ(*a.ev.links.begin(), "LL 0x50654a27");
}

TEST(LlTracker, ARetransmissionIsSameSnSameBytesUnacknowledged) {
  Air a;
  a.packet(ll::kAdvAccessAddress, ll::kAdvCrcInit, Air::connect_ind(kAa, kInit, "C4:7C:8D:6A:12:34"), 0);
  const auto C = Direction::sent, P = Direction::rcvd;
  a.packet(kAa, kInit, Air::data(2, 0, 0, kWriteReq), 7500, C);
  a.packet(kAa, kInit, Air::data(1, 0, 0, {}), 300, P);          // NESN 0: not received
  a.packet(kAa, kInit, Air::data(2, 0, 1, kWriteReq), 7500, C);  // sent again: dropped
  a.packet(kAa, kInit, Air::data(1, 1, 1, {}), 300, P);          // acked
  a.packet(kAa, kInit, Air::data(2, 1, 0, kWriteReq), 7500, C);  // a new request, same bytes: kept
  a.packet(kAa, kInit, Air::data(1, 0, 0, {}), 300, P);          // acked
  // A packet the sniffer missed between two equal PDUs of the central: acknowledged, so new.
  a.packet(kAa, kInit, Air::data(2, 0, 1, kWriteReq), 15000, C);
  // Tool-written captures log every PDU with SN 0: different bytes are never a retransmission.
  a.packet(kAa, kInit, Air::data(2, 0, 1, kWriteRsp), 300, P);
  a.packet(kAa, kInit, Air::data(2, 0, 1, hex("0100 0400 1e")), 7500, P);
  a.finish();
  EXPECT_EQ(a.ev.att.size(), 5u);
  ASSERT_EQ(a.ev.ended.size(), 1u);
  EXPECT_EQ(a.ev.ended[0].duplicates, 1u);
  EXPECT_EQ(a.ev.ended[0].dir_header, 9u);
  // The last PDU opens an event (7.5 ms after the one before) but the header gives it to the
  // peripheral: one disagreement, the header kept.
  EXPECT_EQ(a.ev.ended[0].dir_disagreements, 1u);
}

TEST(LlTracker, CiphertextIsNeverDecoded) {
  Air a;
  a.packet(ll::kAdvAccessAddress, ll::kAdvCrcInit, Air::connect_ind(kAa, kInit, "C4:7C:8D:6A:12:34"), 0);
  a.packet(kAa, kInit, Air::data(3, 0, 0, hex("03 0000000000000000 0000 0000000000000000 00000000")),
           7500);                                             // LL_ENC_REQ
  a.packet(kAa, kInit, Air::data(3, 0, 1, hex("05")), 300);   // LL_START_ENC_REQ, from the peripheral, in clear
  a.packet(kAa, kInit, Air::data(2, 1, 1, kWriteReq), 7500);  // encrypted from here: not ATT
  a.packet(kAa, kInit, Air::data(2, 1, 0, kWriteRsp), 300);
  // A sniffer that decrypted says so: then it is plaintext.
  a.packet(kAa, kInit, Air::data(2, 0, 0, kWriteReq), 7500, Direction::sent, LlCipher::decrypted);
  a.finish();
  EXPECT_EQ(a.ev.att, (std::vector<std::string>{"90ca85de>"}));
  ASSERT_EQ(a.ev.ended.size(), 1u);
  EXPECT_EQ(a.ev.ended[0].encrypted, 2u);
  EXPECT_EQ(a.ev.ended[0].enc_request_frame, 2u);
  EXPECT_EQ(a.ev.ended[0].enc_start_frame, 3u);
  EXPECT_EQ(std::count(a.ev.codes.begin(), a.ev.codes.end(), "ll.encrypted"), 1);
}

TEST(LlTracker, CrcBadPacketsMakeNothing) {
  Air a;
  // A CONNECT_IND and a MiBeacon advert with bad CRCs: no connection, no advert.
  a.packet(ll::kAdvAccessAddress, ll::kAdvCrcInit, Air::connect_ind(kAa, kInit, "C4:7C:8D:6A:12:34"), 0, {},
           LlCipher::unknown, false);
  a.packet(ll::kAdvAccessAddress, ll::kAdvCrcInit, hex("0212 3412 6a8d 7cc4 0201 06 0816 95fe 3020 5b05 01"), 1000, {},
           LlCipher::unknown, false);
  a.packet(ll::kAdvAccessAddress, ll::kAdvCrcInit, Air::connect_ind(kAa, kInit, "C4:7C:8D:6A:12:34"), 1000);
  a.packet(kAa, kInit, Air::data(2, 0, 0, kWriteReq), 7500, {}, LlCipher::unknown, false);  // bad: skipped
  a.packet(kAa, kInit, Air::data(2, 0, 0, kWriteReq), 7500);
  a.finish();
  EXPECT_TRUE(a.ev.adverts.empty());
  EXPECT_EQ(a.ev.att.size(), 1u);
  ASSERT_EQ(a.ev.ended.size(), 1u);
  EXPECT_EQ(a.ev.ended[0].crc_bad, 1u);
  EXPECT_EQ(a.ev.ended[0].instance, 1u);
  EXPECT_EQ(std::count(a.ev.codes.begin(), a.ev.codes.end(), "ll.crc_bad"), 1);
}

TEST(LlTracker, MidConnectionCaptureIsKeyedByAccessAddress) {
  Air a;
  // No CONNECT_IND: the start of a fragmented write, then its continuation.
  a.packet(kAa, kInit, Air::data(2, 0, 0, hex("0b00 0400 12 1000 0102030405")), 7500);
  a.packet(kAa, kInit, Air::data(1, 0, 1, {}), 300);
  a.packet(kAa, kInit, Air::data(1, 1, 1, hex("060708")), 7500);
  a.finish();
  EXPECT_EQ(a.ev.att, (std::vector<std::string>{"0102030405060708>"}));
  EXPECT_TRUE(a.ev.peers.empty());
  ASSERT_EQ(a.ev.ended.size(), 1u);
  EXPECT_FALSE(a.ev.ended[0].from_connect_ind);
  EXPECT_EQ(std::count(a.ev.codes.begin(), a.ev.codes.end(), "ll.lost"), 1);
}

TEST(LlTracker, AddressReuseAndTermination) {
  Air a;
  a.packet(ll::kAdvAccessAddress, ll::kAdvCrcInit, Air::connect_ind(kAa, kInit, "C4:7C:8D:6A:12:34"), 0);
  a.packet(kAa, kInit, Air::data(3, 0, 0, hex("02 13")), 7500);  // LL_TERMINATE_IND
  a.packet(kAa, kInit, Air::data(1, 0, 1, {}), 300);             // its ack: not a new link
  a.packet(ll::kAdvAccessAddress, ll::kAdvCrcInit, Air::connect_ind(kAa, kInit, "C4:7C:8D:6A:56:78"), 100000);
  a.packet(kAa, kInit, Air::data(2, 0, 0, kWriteReq), 7500);
  a.finish();
  ASSERT_EQ(a.ev.ended.size(), 2u);
  EXPECT_TRUE(a.ev.ended[0].terminated);
  EXPECT_EQ(a.ev.labels[1], "LL 0x50654a27 #2");
  EXPECT_EQ(a.ev.peers, (std::vector<std::string>{"C4:7C:8D:6A:56:78"}));
  // A CONNECT_IND of 28 bytes (cc2540, docs/LL_CAPTURES.md §3): no connection from it.
  Air b;
  Bytes short_ind = Air::connect_ind(kAa, kInit, "C4:7C:8D:6A:12:34");
  short_ind.resize(2 + 28);
  short_ind[1] = 28;
  b.packet(ll::kAdvAccessAddress, ll::kAdvCrcInit, short_ind, 0);
  b.finish();
  EXPECT_EQ(b.ev.codes, (std::vector<std::string>{"ll.connect_ind"}));
}

TEST(LlTracker, AnAdvertOnThreeChannelsCountsOnceAndChainsAreRebuilt) {
  Air a;
  const Bytes adv = hex("0212 3412 6a8d 7cc4 0201 06 0816 95fe 3020 5b05 01");
  a.packet(ll::kAdvAccessAddress, ll::kAdvCrcInit, adv, 0);
  a.packet(ll::kAdvAccessAddress, ll::kAdvCrcInit, adv, 500);
  a.packet(ll::kAdvAccessAddress, ll::kAdvCrcInit, adv, 500);
  a.packet(ll::kAdvAccessAddress, ll::kAdvCrcInit, adv, 100000);  // the next advertising event
  EXPECT_EQ(a.ev.adverts.size(), 2u);
  EXPECT_EQ(a.ev.adverts[0],
            "C4:7C:8D:6A:12:34 0201060816"
            "95fe30205b0501");
  // An extended advert in three pieces: AUX_ADV_IND (AdvA, ADI, AuxPtr), AUX_CHAIN_IND (ADI,
  // AuxPtr), AUX_CHAIN_IND (ADI): one report with the data joined. On a secondary channel.
  auto aux = [&](const Bytes& payload, std::uint8_t channel) {
    Bytes pdu{0x07, static_cast<std::uint8_t>(payload.size())};
    pdu.insert(pdu.end(), payload.begin(), payload.end());
    a.adv(pdu, channel);
  };
  aux(hex("0c 19 785634127cc4 3210 092c00 0201"), 9);  // AdvA C4:7C:12:34:56:78, ADI 0x1032, AuxPtr
  aux(hex("06 18 3210 0a2c00 06 0816"), 10);           // chain piece: ADI, AuxPtr
  aux(hex("03 08 3210 95fe 3020"), 11);                // last piece
  aux(hex("03 08 9999 aabb"), 12);                     // a piece of a chain never started: nothing
  ASSERT_EQ(a.ev.adverts.size(), 3u);
  EXPECT_EQ(a.ev.adverts[2],
            "C4:7C:12:34:56:78 ext 02010608"
            "1695fe3020");
}

TEST(LlTracker, AuxConnectReqMakesAConnection) {
  Air a;
  Bytes req = Air::connect_ind(kAa, kInit, "C4:7C:8D:6A:12:34");
  req[0] = 0x03;  // AUX_CONNECT_REQ: the type of SCAN_REQ, CONNECT_IND's 34 bytes
  a.adv(req, 20);
  a.packet(kAa, kInit, Air::data(2, 0, 0, kWriteReq), 7500);
  a.finish();
  EXPECT_EQ(a.ev.peers, (std::vector<std::string>{"C4:7C:8D:6A:12:34"}));
}

}  // namespace
}  // namespace fe95
