// SPDX-License-Identifier: GPL-2.0-or-later
// The writer's wearable captures read back with the core's layers alone (tests/support/wear_read.h):
// the L2CAP channel for PSM 3 and RFCOMM come out without a problem, credits balance, and the
// DLC streams, the BLE-V1 values and the BLE-V2 stream give back the §7 session: the watch's
// HMAC verifies under the auth key, the device info and every encrypted message open.
#include <gtest/gtest.h>

#include <string>

#include "fe95/miwear/auth.h"
#include "fe95/miwear/crypto.h"
#include "fe95/miwear/protobuf.h"
#include "fe95/miwear/sppv1.h"
#include "fe95/miwear/sppv2.h"
#include "fe95/miwear/v1.h"
#include "miwear_frames.h"
#include "scenarios.h"
#include "support.h"
#include "wear_read.h"

namespace fe95::test {
namespace {

using miwear::Dir;

std::string write_capture(const std::string& scenario) {
  const std::string path = temp_dir() + "/" + scenario + ".btsnoop";
  auto w = writer::open_writer(path, writer::Format::btsnoop_h4);
  writer::Scenario s(*w, writer::kScenarioEpochNs);
  const writer::NamedScenario* n = writer::find_scenario(scenario);
  EXPECT_NE(n, nullptr) << scenario;
  if (n) n->build(s);
  EXPECT_TRUE(w->close());
  return path;
}

Dir side(Direction d) {
  return d == Direction::sent ? Dir::to_watch : Dir::to_phone;
}

// What a family machine would make of the plaintexts: the auth checked, the rest opened.
struct Seen {
  std::vector<Bytes> plaintexts;  // in order, decrypted where encrypted
  std::size_t encrypted = 0, tags_ok = 0;
  bool watch_hmac_ok = false, phone_hmac_ok = false;
  std::optional<miwear::DeviceInfo> device_info;
};

void check_auth(Seen& seen, const writer::WearKeys& k) {
  Bytes phone_nonce, watch_nonce;
  for (const auto& p : seen.plaintexts) {
    auto e = miwear::decode_envelope(p);
    if (!e) continue;
    auto a = miwear::parse_auth(*e);
    if (!a) continue;
    if (a->step == miwear::AuthStep::phone_nonce) phone_nonce.assign(a->phone_nonce.begin(), a->phone_nonce.end());
    if (a->step == miwear::AuthStep::watch_nonce) {
      watch_nonce.assign(a->watch_nonce.begin(), a->watch_nonce.end());
      auto sk = miwear::session_keys(k.auth_key, phone_nonce, watch_nonce);
      ASSERT_TRUE(sk);
      seen.watch_hmac_ok = equal(miwear::watch_proof(*sk, phone_nonce, watch_nonce), a->watch_hmac);
    }
    if (a->step == miwear::AuthStep::phone_confirm) {
      auto sk = miwear::session_keys(k.auth_key, phone_nonce, watch_nonce);
      ASSERT_TRUE(sk);
      seen.phone_hmac_ok = equal(miwear::phone_proof(*sk, phone_nonce, watch_nonce), a->phone_hmac);
      const auto o = miwear::ccm_open(sk->enc_key, sk->enc_nonce, 0, a->device_info_sealed);
      EXPECT_TRUE(o.tag_ok);
      seen.device_info = miwear::parse_device_info(o.plaintext);
    }
  }
}

void expect_session(const Seen& seen, const writer::WearKeys& k) {
  const auto msgs = writer::wear_session(k, 0);
  ASSERT_EQ(seen.plaintexts.size(), msgs.size());
  for (std::size_t i = 0; i + 1 < msgs.size(); ++i) EXPECT_EQ(seen.plaintexts[i], msgs[i].plain) << "message " << i;
  // The last one: the long device-info reply, as long as the scenario made it.
  auto e = miwear::decode_envelope(seen.plaintexts.back());
  ASSERT_TRUE(e);
  EXPECT_TRUE(e->tree.complete);
  EXPECT_STREQ(e->name(), "device_info");
  EXPECT_TRUE(seen.watch_hmac_ok);
  EXPECT_TRUE(seen.phone_hmac_ok);
  ASSERT_TRUE(seen.device_info);
  EXPECT_EQ(seen.device_info->model, "Pixel");
  EXPECT_EQ(seen.encrypted, 5u);
  EXPECT_EQ(seen.tags_ok, seen.encrypted);
}

TEST(WearWriter, SppV2OverRfcomm) {
  const auto cap = read_rfcomm(write_capture("wear-spp-v2"));
  ASSERT_EQ(cap.error, "");
  EXPECT_TRUE(cap.problems.empty());
  EXPECT_EQ(cap.channels_opened, 1u);
  EXPECT_EQ(cap.channels_closed, 1u);
  EXPECT_EQ(cap.counters.fcs_bad, 0u);
  EXPECT_EQ(cap.counters.credit_abuse, 0u);
  EXPECT_GT(cap.counters.credit_only, 0u);  // more frames than the initial 7 credits
  std::size_t opened = 0, closed = 0, mux = 0;
  for (const auto& e : cap.events) {
    opened += e.kind == rfcomm::EventKind::dlc_opened;
    closed += e.kind == rfcomm::EventKind::dlc_closed;
    mux += e.kind == rfcomm::EventKind::mux_opened || e.kind == rfcomm::EventKind::mux_closed;
  }
  EXPECT_EQ(opened, 1u);
  EXPECT_EQ(closed, 1u);
  EXPECT_EQ(mux, 2u);

  const auto k = writer::wear_vectors();
  miwear::SppV2Link link;
  Seen seen;
  std::size_t long_frames = 0;
  for (Direction d : {Direction::sent, Direction::rcvd}) {
    const auto& pieces = cap.streams.at({2, d});
    ASSERT_GE(pieces.size(), 2u);
    // The first piece is the SPP-V1 probe (or its answer: version 3, so SPPv2 follows).
    miwear::SppV1Stream v1;
    std::vector<miwear::Problem> problems;
    const auto f = v1.feed(pieces[0].data, pieces[0].frame, problems);
    ASSERT_EQ(f.size(), 1u);
    if (d == Direction::rcvd) {
      EXPECT_EQ(f[0].body.at(0), 3);
    }
  }
  // Both directions' packets in capture order.
  std::vector<std::pair<Direction, const RfcommPiece*>> order;
  for (Direction d : {Direction::sent, Direction::rcvd})
    for (std::size_t i = 1; i < cap.streams.at({2, d}).size(); ++i) order.push_back({d, &cap.streams.at({2, d})[i]});
  std::sort(order.begin(), order.end(), [](const auto& a, const auto& b) { return a.second->frame < b.second->frame; });
  std::size_t acks = 0, configs = 0;
  for (const auto& [d, piece] : order) {
    auto r = link.feed(side(d), piece->data, piece->frame);
    EXPECT_TRUE(r.problems.empty());
    for (const auto& e : r.events) {
      acks += e.kind == miwear::SppV2Link::EventKind::ack;
      configs += e.kind == miwear::SppV2Link::EventKind::config;
      if (e.kind != miwear::SppV2Link::EventKind::data || e.channel != miwear::kV2ChannelPb) continue;  // not the files
      long_frames = std::max(long_frames, e.packet.frames.frames.size());
      const Bytes body(e.body().begin(), e.body().end());
      if (e.opcode == miwear::kV2EncryptedWrite) {
        ++seen.encrypted;
        ++seen.tags_ok;  // CTR has no tag: the plaintext must parse
        seen.plaintexts.push_back(miwear::ctr_crypt(k.session.key(e.dir), body));
        EXPECT_TRUE(miwear::decode_envelope(seen.plaintexts.back()));
      } else {
        seen.plaintexts.push_back(body);
      }
    }
  }
  EXPECT_EQ(configs, 2u);
  EXPECT_EQ(acks, seen.plaintexts.size() + 2 + 3);  // and the activity file's 2 parts, the upload's 3
  EXPECT_EQ(link.counters().seq_gaps, 0u);
  EXPECT_EQ(link.counters().retransmissions, 1u);  // the watch's battery reply, sent twice
  EXPECT_GT(long_frames, 1u);                      // the 2,000-byte reply spans RFCOMM frames
  EXPECT_TRUE(link.finish().problems.empty());
  check_auth(seen, k);
  expect_session(seen, k);
}

TEST(WearWriter, SppV1OverRfcomm) {
  const auto cap = read_rfcomm(write_capture("wear-spp-v1"));
  ASSERT_EQ(cap.error, "");
  EXPECT_TRUE(cap.problems.empty());
  const auto k = writer::wear_vectors();
  Seen seen;
  for (Direction d : {Direction::sent, Direction::rcvd}) {
    miwear::SppV1Stream s;
    std::vector<miwear::Problem> problems;
    std::vector<miwear::SppV1Frame> frames;
    for (const auto& p : cap.streams.at({2, d}))
      for (auto& f : s.feed(p.data, p.frame, problems)) frames.push_back(std::move(f));
    s.finish(problems);
    EXPECT_TRUE(problems.empty());
    ASSERT_GT(frames.size(), 1u);
    EXPECT_EQ(frames[0].channel, miwear::kSpp1Version);
    if (d == Direction::rcvd) {
      EXPECT_EQ(frames[0].body.at(0), 1);  // stays on SPP-V1
    }
  }
  // Replay in capture order to keep the session's order.
  std::vector<std::pair<Direction, const RfcommPiece*>> order;
  for (Direction d : {Direction::sent, Direction::rcvd})
    for (const auto& p : cap.streams.at({2, d})) order.push_back({d, &p});
  std::sort(order.begin(), order.end(), [](const auto& a, const auto& b) { return a.second->frame < b.second->frame; });
  miwear::SppV1Stream streams[2];
  std::vector<miwear::Problem> problems;
  std::uint32_t phone_counter = 0;
  for (const auto& [d, piece] : order)
    for (const auto& f : streams[miwear::index(side(d))].feed(piece->data, piece->frame, problems)) {
      if (f.channel != miwear::kSpp1ProtoToPhone && f.channel != miwear::kSpp1ProtoToWatch)
        continue;  // the probe, the files
      if (f.data_type != miwear::kSpp1Encrypted) {
        seen.plaintexts.push_back(f.body);
        continue;
      }
      const auto sealed = miwear::sppv1_sealed(f);
      const Dir from = side(d);
      if (from == Dir::to_watch) {
        EXPECT_TRUE(sealed.counter_on_wire);
        EXPECT_EQ(sealed.counter, ++phone_counter);  // the phone's counter, from 1
      } else {
        EXPECT_FALSE(sealed.counter_on_wire);  // the watch's: 0
      }
      const auto o = miwear::ccm_open(k.session.key(from), k.session.nonce(from), sealed.counter, sealed.body);
      ++seen.encrypted;
      seen.tags_ok += o.tag_ok;
      seen.plaintexts.push_back(o.plaintext);
    }
  check_auth(seen, k);
  expect_session(seen, k);
}

TEST(WearWriter, BleV1OverGatt) {
  const auto values = read_att_values(write_capture("wear-ble-v1"));
  const auto h = writer::wear_handles(writer::wear_service(0x0030));
  const auto k = writer::wear_vectors();
  miwear::V1Channel read, write;  // 0x0051 and 0x0052
  Seen seen;
  std::size_t chunked = 0;
  for (const auto& v : values) {
    if (v.handle != h.read && v.handle != h.write) continue;
    const std::uint16_t ch = v.handle == h.read ? miwear::kCharCommandRead : miwear::kCharCommandWrite;
    auto r = (v.handle == h.read ? read : write).feed(v.frame, side(v.dir), v.value);
    EXPECT_TRUE(r.problems.empty());
    if (!r.message) continue;
    chunked += !r.message->single;
    if (!r.message->encrypted) {
      seen.plaintexts.push_back(r.message->data);
      continue;
    }
    const auto s = miwear::v1_sealed(*r.message, ch);
    const auto o =
        miwear::ccm_open(k.session.key(r.message->from), k.session.nonce(r.message->from), s.counter, s.body);
    ++seen.encrypted;
    seen.tags_ok += o.tag_ok;
    seen.plaintexts.push_back(o.plaintext);
  }
  EXPECT_EQ(chunked, 1u);  // the 600-byte reply does not fit MTU 247
  EXPECT_TRUE(read.finish().empty());
  EXPECT_TRUE(write.finish().empty());
  check_auth(seen, k);
  expect_session(seen, k);
}

TEST(WearWriter, BleV2OverGatt) {
  const auto values = read_att_values(write_capture("wear-ble-v2"));
  const auto h = writer::wear_handles(writer::wear_service(0x0030));
  const auto k = writer::wear_vectors();
  miwear::SppV2Link link;
  Seen seen;
  std::size_t spanning = 0, shared = 0;
  for (const auto& v : values) {
    if (v.handle != h.v2_rx && v.handle != h.v2_tx) continue;
    auto r = link.feed(side(v.dir), v.value, v.frame);
    EXPECT_TRUE(r.problems.empty());
    std::size_t data_here = 0;
    for (const auto& e : r.events) {
      if (e.packet.frames.frames.size() > 1) ++spanning;
      ++data_here;
      if (e.kind != miwear::SppV2Link::EventKind::data || e.channel != miwear::kV2ChannelPb) continue;
      const Bytes body(e.body().begin(), e.body().end());
      if (e.opcode == miwear::kV2EncryptedWrite) {
        ++seen.encrypted;
        ++seen.tags_ok;
        seen.plaintexts.push_back(miwear::ctr_crypt(k.session.key(e.dir), body));
      } else {
        seen.plaintexts.push_back(body);
      }
    }
    shared += data_here > 1;
  }
  EXPECT_GT(spanning, 0u);  // a packet over several values
  EXPECT_GT(shared, 0u);    // a value with several packets
  check_auth(seen, k);
  expect_session(seen, k);
}

}  // namespace
}  // namespace fe95::test
