// SPDX-License-Identifier: GPL-2.0-or-later
// The wearables family (docs/MIWEAR.md): the files' checks against GB's published activity file
// ids and the standard CRC-32 check value, and the session machine fed the writer's §7 session on
// each transport (ATT values on the BLE-V1/BLE-V2 characteristics, RFCOMM data for SPP-V1/SPP-V2):
// the proofs checked with the auth key, the keys and the device info, every message opened, the
// statuses without a key, with another key and for an unbound watch, and a flood of bad chunks
// reported once.
#include <gtest/gtest.h>

#include <memory>

#include "fe95/analysis/analysis.h"
#include "fe95/analysis/pipeline.h"
#include "fe95/att/att.h"
#include "fe95/miwear/files.h"
#include "fe95/miwear/protobuf.h"
#include "fe95/miwear/sppv1.h"
#include "fe95/miwear/sppv2.h"
#include "fe95/miwear/tracker.h"
#include "fe95/miwear/v1.h"
#include "fe95/stack/stack.h"
#include "miwear_frames.h"
#include "scenarios.h"
#include "support.h"
#include "wear_read.h"

namespace fe95 {
namespace {

using miwear::Dir;
using session::Role;
using session::Status;

Bytes hex(const char* h) {
  return *parse_hex(h);
}

TEST(WearFiles, Crc32CheckValueAndChaining) {
  const std::string check = "123456789";
  const ByteView v(reinterpret_cast<const std::uint8_t*>(check.data()), check.size());
  EXPECT_EQ(miwear::crc32(v), 0xcbf43926u);
  EXPECT_EQ(miwear::crc32(v.subspan(4), miwear::crc32(v.first(4))), 0xcbf43926u);
  EXPECT_EQ(miwear::crc32({}), 0u);
}

// GB app/src/test/.../xiaomi/activity/XiaomiActivityFileIdTest.java (docs/MIWEAR.md §7, 4).
TEST(WearFiles, ActivityFileIdsOfGadgetbridgesTests) {
  const auto a = miwear::parse_activity_file_id(hex("21F3286504008C"));
  ASSERT_TRUE(a);
  EXPECT_EQ(a->timestamp, 0x6528f321u);
  EXPECT_EQ(a->timezone, 4);
  EXPECT_EQ(a->version, 0);
  EXPECT_EQ(a->type, 1);
  EXPECT_EQ(a->subtype, 3);
  EXPECT_EQ(a->detail, 0);
  EXPECT_STREQ(miwear::activity_type_name(a->type), "sports");
  EXPECT_STREQ(miwear::activity_subtype_name(a->type, a->subtype), "treadmill");
  EXPECT_STREQ(miwear::activity_detail_name(a->detail), "details");
  EXPECT_EQ(miwear::encode_activity_file_id(*a), hex("21F3286504008C"));
  const auto b = miwear::parse_activity_file_id(hex("21F328650403A0"));
  ASSERT_TRUE(b);
  EXPECT_EQ(b->version, 3);
  EXPECT_EQ(b->type, 1);
  EXPECT_EQ(b->subtype, 8);
  EXPECT_STREQ(miwear::activity_subtype_name(b->type, b->subtype), "freestyle");
  EXPECT_FALSE(miwear::parse_activity_file_id(hex("21F3286504")));
}

TEST(WearFiles, ActivityFileInPartsCrcCheckedAndAByteChanged) {
  const auto id = *miwear::parse_activity_file_id(hex("21F3286504008C"));
  const Bytes records(300, 0x5a);
  const Bytes whole = miwear::activity_file(id, records);
  ASSERT_EQ(whole.size(), 7u + 1u + 300u + 4u);
  const auto parts = miwear::file_parts(whole, 128);
  ASSERT_EQ(parts.size(), 3u);
  miwear::FileStream fs(miwear::FileKind::activity);
  std::optional<miwear::FileReport> done;
  for (std::size_t i = 0; i < parts.size(); ++i) {
    auto r = fs.feed(parts[i], 10 + i);
    EXPECT_EQ(r.trouble, miwear::FileStream::Trouble::none);
    if (i + 1 < parts.size())
      EXPECT_FALSE(r.file);
    else
      done = r.file;
  }
  ASSERT_TRUE(done);
  EXPECT_TRUE(done->crc_ok);
  EXPECT_EQ(done->parts, 3);
  EXPECT_EQ(done->size, whole.size());
  EXPECT_EQ(done->first_frame, 10u);
  EXPECT_EQ(done->last_frame, 12u);
  EXPECT_EQ(done->id, hex("21F3286504008C"));
  EXPECT_EQ(done->byte7, 0);
  // One byte changed: the CRC says so.
  auto bad = parts;
  bad[1][20] ^= 1;
  for (std::size_t i = 0; i < bad.size(); ++i) done = fs.feed(bad[i], i).file;
  ASSERT_TRUE(done);
  EXPECT_FALSE(done->crc_ok);
  EXPECT_EQ(done->crc, load_u32le(whole.data() + whole.size() - 4));
  // A part out of order drops the file; the next part 1 starts anew.
  EXPECT_EQ(fs.feed(parts[0], 1).trouble, miwear::FileStream::Trouble::none);
  const auto skipped = fs.feed(parts[2], 2);
  EXPECT_EQ(skipped.trouble, miwear::FileStream::Trouble::out_of_order);
  EXPECT_EQ(skipped.expected, 2);
  EXPECT_EQ(fs.feed(hex("0100"), 3).trouble, miwear::FileStream::Trouble::short_part);
}

TEST(WearFiles, UploadMd5CrcAndAClaimedSizeOf4GiB) {
  Bytes face(1000);
  for (std::size_t i = 0; i < face.size(); ++i) face[i] = static_cast<std::uint8_t>(i * 7);
  const Bytes whole = miwear::upload_file(16, face);
  miwear::FileStream fs(miwear::FileKind::upload);
  std::optional<miwear::FileReport> done;
  for (const auto& p : miwear::file_parts(whole, 300)) done = fs.feed(p, 1).file;
  ASSERT_TRUE(done);
  EXPECT_TRUE(done->crc_ok);
  EXPECT_TRUE(done->size_ok);
  EXPECT_EQ(done->md5_ok, true);
  EXPECT_EQ(done->upload_type, 16);
  EXPECT_STREQ(miwear::upload_type_name(16), "watchface");
  EXPECT_EQ(done->declared_size, 1000u);
  // The header claims 4 GiB - 1: nothing is allocated for it, the size check fails.
  Bytes lying = whole;
  lying[18] = lying[19] = lying[20] = lying[21] = 0xff;
  for (const auto& p : miwear::file_parts(lying, 300)) done = fs.feed(p, 1).file;
  ASSERT_TRUE(done);
  EXPECT_FALSE(done->size_ok);
  EXPECT_EQ(done->declared_size, 0xffffffffu);
  EXPECT_EQ(done->md5_ok, false);
}

// ---- the session machine ----

struct Collect final : session::Sink {
  std::vector<std::unique_ptr<session::Session>> sessions;
  std::vector<session::Finding> findings;
  std::vector<std::pair<std::uint8_t, std::size_t>> steps;  // step, messages completed
  std::size_t step_messages = 0;
  void on_step(const session::Session& s, const session::StepRecord& r) override {
    const auto* w = session::as<miwear::Session>(s);
    ASSERT_NE(w, nullptr);
    steps.emplace_back(r.step, w->step_messages.size());
    step_messages += w->step_messages.size();
  }
  void on_finding(const session::Session&, const session::Finding& f) override { findings.push_back(f); }
  void on_session(const session::Session& s) override { sessions.push_back(s.clone()); }
  [[nodiscard]] const miwear::Session& only() const {
    EXPECT_EQ(sessions.size(), 1u);
    return *session::as<miwear::Session>(*sessions.at(0));
  }
  [[nodiscard]] std::size_t count(Code c) const {
    return static_cast<std::size_t>(
        std::count_if(findings.begin(), findings.end(), [&](const auto& f) { return f.code == c; }));
  }
};

const BdAddr kWatch = *BdAddr::parse("D0:62:2C:F2:D7:80");

// Feeds the machine as the orchestrator does: one Input per ATT value or RFCOMM piece.
class Feeder {
 public:
  Feeder(const KeyStore& keys, Collect& sink) : tracker_(keys, sink) {}
  void att(Dir from, Role role, std::uint16_t handle, ByteView value) {
    session::Input in = base(from);
    in.opcode = from == Dir::to_watch ? att::kWriteCmd : att::kNotify;
    in.handle = handle;
    in.role = role;
    in.value = value;
    if (tracker_.wants(in)) tracker_.on_att(in);
  }
  void rfcomm(Dir from, std::uint8_t dlci, ByteView data) {
    session::Input in = base(from);
    in.handle = dlci;
    in.value = data;
    tracker_.on_rfcomm(in);
  }
  void end() { tracker_.on_link_end(++ts_, 1, session::EndReason::disconnect); }

 private:
  session::Input base(Dir from) {
    session::Input in;
    in.frame = ++frame_;
    in.ts_ns = ++ts_;
    in.link = 1;
    in.conn = 0x40;
    in.peer = &kWatch;
    in.dir = from == Dir::to_watch ? Direction::sent : Direction::rcvd;
    return in;
  }
  miwear::Tracker tracker_;
  std::uint64_t frame_ = 0;
  std::int64_t ts_ = 0;
};

KeyStore keys_with(const char* auth_key) {
  KeyStore k;
  if (auth_key) {
    KeyEntry e;
    e.mac = kWatch;
    e.auth_key = parse_auth_key(auth_key);
    k.add_entry(e, Source::option);
  }
  return k;
}
constexpr const char* kKey = "00112233445566778899aabbccddeeff";  // docs/MIWEAR.md §7

void expect_vectors(const miwear::Session& s, miwear::Transport t) {
  const miwear::Data& d = s.data;
  EXPECT_EQ(s.status, Status::verified);
  EXPECT_EQ(s.kind, session::Kind::login_session);
  EXPECT_EQ(d.transport, t);
  ASSERT_TRUE(d.keys);
  EXPECT_EQ(to_hex(d.keys->dec_key), "a2cf6c33c13b444edf33b4d1a3b3a4c1");
  EXPECT_EQ(to_hex(d.keys->enc_key), "644de586a875a5817a40ba4a92361a46");
  EXPECT_EQ(to_hex(d.keys->dec_nonce), "4f584e38");
  EXPECT_EQ(to_hex(d.keys->enc_nonce), "f35dd40a");
  EXPECT_EQ(to_hex(d.watch_hmac), "1e256c28d3cf6309487c499ff2b7381f3f67298718a8336dbddaa486e4f9333e");
  EXPECT_EQ(to_hex(d.phone_hmac), "a42538060b853135c3366dbc790a777cff061c5475f2c7cb08e42da2b6f95b4b");
  EXPECT_EQ(d.watch_proof_ok, true);
  EXPECT_EQ(d.phone_proof_ok, true);
  EXPECT_EQ(d.auth_key_source, Source::option);
  ASSERT_TRUE(d.device_info);
  EXPECT_EQ(d.device_info->model, "Pixel");
  EXPECT_EQ(d.device_info->region, "EN");
  EXPECT_EQ(d.device_info->system_version, 34.0f);
  EXPECT_EQ(d.device_info_tag_ok, true);
  EXPECT_EQ(d.result, 1u);
  EXPECT_EQ(d.capability, 32575u);
  // Every message of the session, decrypted to what the writer sealed.
  const writer::WearKeys k = writer::wear_vectors();
  const auto sent = writer::wear_session(k, t == miwear::Transport::spp_v2 ? 2000 : 600);
  std::vector<Bytes> got;
  for (const auto& m : d.messages)
    if (m.content == miwear::Content::protobuf) got.push_back(m.plaintext);
  ASSERT_EQ(got.size(), sent.size());
  for (std::size_t i = 0; i < sent.size(); ++i) EXPECT_EQ(got[i], sent[i].plain) << "message " << i;
  EXPECT_EQ(d.decrypted, 5u);
  EXPECT_EQ(d.tag_failed, 0u);
  EXPECT_EQ(d.undecrypted, 0u);
  EXPECT_TRUE(s.findings.empty()) << code_name(s.findings.front().code);
}

void feed_ble_v1(Feeder& f) {
  const writer::WearKeys k = writer::wear_vectors();
  for (const auto& v : writer::ble_v1_values(writer::wear_session(k), k, 247))
    f.att(v.from, v.characteristic == miwear::kCharCommandWrite ? Role::wear_write : Role::wear_read,
          v.characteristic == miwear::kCharCommandWrite ? 0x37 : 0x34, v.value);
}

TEST(WearTracker, BleV1VerifiesAndOpensEveryMessage) {
  const KeyStore keys = keys_with(kKey);
  Collect c;
  Feeder f(keys, c);
  feed_ble_v1(f);
  f.end();
  const auto& s = c.only();
  expect_vectors(s, miwear::Transport::ble_v1);
  EXPECT_EQ(s.data.write_handle, 0x37);
  EXPECT_EQ(s.data.read_handle, 0x34);
  EXPECT_TRUE(s.data.from_discovery);
  // One step per value; the steps that completed a message say which.
  EXPECT_EQ(c.steps.size(), s.steps.size());
  EXPECT_EQ(c.step_messages, s.data.messages.size());
  EXPECT_EQ(
      std::count_if(c.steps.begin(), c.steps.end(),
                    [](const auto& x) { return x.first == static_cast<std::uint8_t>(miwear::Step::watch_nonce); }),
      1);
}

TEST(WearTracker, BleV1WithoutDiscoveryFoundByTheAuth) {
  const KeyStore keys = keys_with(kKey);
  Collect c;
  Feeder f(keys, c);
  const writer::WearKeys k = writer::wear_vectors();
  for (const auto& v : writer::ble_v1_values(writer::wear_session(k), k, 247))
    f.att(v.from, Role::unknown, v.characteristic == miwear::kCharCommandWrite ? 0x37 : 0x34, v.value);
  f.end();
  const auto& s = c.only();
  expect_vectors(s, miwear::Transport::ble_v1);
  EXPECT_FALSE(s.data.from_discovery);
}

TEST(WearTracker, BleV2VerifiesAndOpensEveryMessage) {
  const KeyStore keys = keys_with(kKey);
  Collect c;
  Feeder f(keys, c);
  const writer::WearKeys k = writer::wear_vectors();
  // Two packets per value, as a stream may: packets span and share values.
  Bytes pending;
  Dir last = Dir::to_watch;
  auto flush = [&] {
    for (std::size_t off = 0; off < pending.size(); off += 61)
      f.att(last, last == Dir::to_watch ? Role::wear_v2_tx : Role::wear_v2_rx, last == Dir::to_watch ? 0x43 : 0x40,
            ByteView(pending).subspan(off, std::min<std::size_t>(61, pending.size() - off)));
    pending.clear();
  };
  for (const auto& p : writer::sppv2_packets(writer::wear_session(k), k)) {
    if (p.from != last) flush();
    last = p.from;
    pending.insert(pending.end(), p.bytes.begin(), p.bytes.end());
  }
  flush();
  f.end();
  const auto& s = c.only();
  expect_vectors(s, miwear::Transport::ble_v2);
  EXPECT_EQ(s.data.sppv2_version, "3.1.49");
  EXPECT_EQ(s.data.sppv2_max_packet, 0x8000);
}

TEST(WearTracker, SppV1AndSppV2OverRfcomm) {
  for (const std::uint8_t version : {std::uint8_t{1}, std::uint8_t{3}}) {
    SCOPED_TRACE(static_cast<int>(version));
    const KeyStore keys = keys_with(kKey);
    Collect c;
    Feeder f(keys, c);
    const writer::WearKeys k = writer::wear_vectors();
    std::vector<writer::WearBytes> units = writer::sppv1_frames(writer::wear_session(k), k, version);
    if (version >= 2)
      for (auto& p : writer::sppv2_packets(writer::wear_session(k, 2000), k)) units.push_back(std::move(p));
    for (const auto& u : units) f.rfcomm(u.from, 2, u.bytes);
    f.rfcomm(Dir::to_watch, 4, hex("41540d"));  // another DLC (AT commands): not the wearables'
    f.end();
    const auto& s = c.only();
    expect_vectors(s, version == 1 ? miwear::Transport::spp_v1 : miwear::Transport::spp_v2);
    EXPECT_EQ(s.data.dlci, 2);
    EXPECT_EQ(s.data.spp_version, version);
  }
}

TEST(WearTracker, NoKeyOtherKeyAndThePhonesOtherKey) {
  {
    const KeyStore keys = keys_with(nullptr);
    Collect c;
    Feeder f(keys, c);
    feed_ble_v1(f);
    f.end();
    EXPECT_EQ(c.only().status, Status::no_key);
    EXPECT_EQ(c.only().data.undecrypted, 5u);
    EXPECT_TRUE(c.findings.empty());
  }
  {
    const KeyStore keys = keys_with("ffeeddccbbaa99887766554433221100");
    Collect c;
    Feeder f(keys, c);
    feed_ble_v1(f);
    f.end();
    EXPECT_EQ(c.only().status, Status::failed);
    EXPECT_EQ(c.count(Code::miwear_watch_holds_other_key), 1u);
    EXPECT_FALSE(c.only().data.keys);
  }
  {
    // The phone proves another key at step 3: its proof is corrupted on the wire.
    const KeyStore keys = keys_with(kKey);
    Collect c;
    Feeder f(keys, c);
    const writer::WearKeys k = writer::wear_vectors();
    auto msgs = writer::wear_session(k);
    msgs[2].plain[12] ^= 0xff;  // inside encryptedNonces
    for (const auto& v : writer::ble_v1_values(msgs, k, 247))
      f.att(v.from, v.characteristic == miwear::kCharCommandWrite ? Role::wear_write : Role::wear_read, 0x30, v.value);
    f.end();
    EXPECT_EQ(c.only().status, Status::failed);
    EXPECT_EQ(c.count(Code::miwear_phone_used_other_key), 1u);
    EXPECT_EQ(c.only().data.watch_proof_ok, true);
  }
}

TEST(WearTracker, UnboundWatchAndTheUserIdAuthOfOlderWatches) {
  {
    // B10P: the watch answers step 1 with Account.error_code 4 (NO_BOUND), §3.
    const KeyStore keys = keys_with(kKey);
    Collect c;
    Feeder f(keys, c);
    const writer::WearKeys k = writer::wear_vectors();
    for (const auto& v : miwear::v1_frames(miwear::encode_auth_step1(k.phone_nonce), false, 244))
      f.att(Dir::to_watch, Role::wear_write, 0x37, v);
    f.att(Dir::to_phone, Role::wear_read, 0x34, hex("000002020801101a1a021804"));
    f.end();
    EXPECT_EQ(c.only().status, Status::failed);
    ASSERT_EQ(c.count(Code::miwear_watch_error), 1u);
    EXPECT_EQ(c.only().data.error_code, 4u);
    EXPECT_NE(miwear::describe(c.findings.front()).find("no_bound"), std::string::npos);
  }
  {
    // 1/5 with userId (7), answered with status (8) 1.
    const KeyStore keys = keys_with(nullptr);
    Collect c;
    Feeder f(keys, c);
    // Auth fields userId (7, varint: tag 38) and status (8: tag 40), GB xiaomi.proto Auth.
    f.att(Dir::to_watch, Role::wear_write, 0x37,
          hex("0000020208011005"
              "1a023802"));
    f.att(Dir::to_phone, Role::wear_read, 0x34,
          hex("0000020208011005"
              "1a024001"));
    f.end();
    const auto& s = c.only();
    EXPECT_TRUE(s.data.user_id_auth);
    EXPECT_EQ(s.data.user_id, 2u);
    EXPECT_EQ(s.data.user_id_status, 1u);
    EXPECT_EQ(s.status, Status::verified);
  }
}

TEST(WearTracker, AFloodOfBadChunksIsOneFindingAndTheSessionBeforeItStands) {
  const KeyStore keys = keys_with(kKey);
  Collect c;
  Feeder f(keys, c);
  feed_ble_v1(f);
  for (int i = 0; i < 5000; ++i) f.att(Dir::to_phone, Role::wear_read, 0x34, hex("07000102030405"));
  f.att(Dir::to_watch, Role::wear_write, 0x37, hex("00000001ffff"));  // a start of 65,535 chunks
  f.end();
  const auto& s = c.only();
  EXPECT_EQ(s.status, Status::verified);
  EXPECT_EQ(c.count(Code::miwear_v1_chunk_without_start), 1u);
  EXPECT_EQ(c.count(Code::miwear_v1_too_many_chunks), 1u);
  // The layer stops reporting at its cap; the machine counts the repeats it was told of.
  ASSERT_TRUE(s.data.repeated.count(Code::miwear_v1_chunk_without_start));
  EXPECT_GE(s.data.repeated.at(Code::miwear_v1_chunk_without_start), 20u);
  EXPECT_LE(s.steps.size(), miwear::Tracker::kMaxSteps);
}

// ---- wired: the Stack's BR/EDR channels and RFCOMM, the Analysis' narrow inputs ----

std::string write_scenario(const std::string& name) {
  const std::string path = test::temp_dir() + "/" + name + ".btsnoop";
  auto w = writer::open_writer(path, writer::Format::btsnoop_h4);
  writer::Scenario sc(*w, writer::kScenarioEpochNs);
  const writer::NamedScenario* n = writer::find_scenario(name);
  EXPECT_NE(n, nullptr) << name;
  if (n) n->build(sc);
  EXPECT_TRUE(w->close());
  return path;
}

// The Stack hands up the same RFCOMM frames and DLC streams as the reference loop of
// tests/support/wear_read.cc (docs/MIWEAR.md §12 step 1).
TEST(WearStack, RfcommAsTheReferenceLoopReadsIt) {
  for (const char* name : {"wear-spp-v1", "wear-spp-v2"}) {
    SCOPED_TRACE(name);
    const std::string path = write_scenario(name);
    const test::RfcommCapture ref = test::read_rfcomm(path);
    ASSERT_EQ(ref.error, "");
    struct L final : Listener {
      std::vector<std::pair<std::uint64_t, std::uint8_t>> frames;  // frame, DLCI
      std::map<std::pair<std::uint8_t, Direction>, Bytes> streams;
      std::vector<Diagnostic> diags;
      void on_rfcomm_frame(const Record& rec, const Connection&, const rfcomm::Session::Result& r) override {
        frames.emplace_back(rec.frame, r.frame.dlci);
      }
      void on_rfcomm(const Record& rec, const Connection&, std::uint8_t dlci, ByteView data) override {
        auto& s = streams[{dlci, rec.dir}];
        s.insert(s.end(), data.begin(), data.end());
      }
      void on_diagnostic(const Diagnostic& d) override { diags.push_back(d); }
    } l;
    Stack stack(l);
    ASSERT_EQ(run_capture_file(path, stack).status, CaptureOutcome::Status::ok);
    ASSERT_EQ(l.frames.size(), ref.rows.size());
    ASSERT_GT(l.frames.size(), 20u);
    for (std::size_t i = 0; i < ref.rows.size(); ++i) {
      EXPECT_EQ(l.frames[i].first, ref.rows[i].frame);
      EXPECT_EQ(l.frames[i].second, ref.rows[i].parsed.dlci);
    }
    ASSERT_EQ(l.streams.size(), ref.streams.size());
    for (const auto& [key, pieces] : ref.streams) {
      Bytes joined;
      for (const auto& p : pieces) joined.insert(joined.end(), p.data.begin(), p.data.end());
      EXPECT_EQ(l.streams[key], joined);
    }
    EXPECT_TRUE(l.diags.empty());
  }
}

// A capture through the Stack and the Analysis, as the CLI runs it: one verified session per
// transport, the device from the connection event.
TEST(WearStack, EachTransportVerifiesThroughTheAnalysis) {
  for (const char* name : {"wear-ble-v1", "wear-ble-v2", "wear-spp-v1", "wear-spp-v2"}) {
    SCOPED_TRACE(name);
    const std::string path = write_scenario(name);
    KeyStore keys = keys_with(kKey);
    struct S final : AnalysisSink {
      std::vector<std::unique_ptr<session::Session>> sessions;
      void on_session(const session::Session& s) override { sessions.push_back(s.clone()); }
    } sink;
    Analysis analysis(keys, sink);
    Stack stack(analysis);
    ASSERT_EQ(run_capture_file(path, stack).status, CaptureOutcome::Status::ok);
    ASSERT_EQ(sink.sessions.size(), 1u);
    const auto* s = session::as<miwear::Session>(*sink.sessions[0]);
    ASSERT_NE(s, nullptr);
    EXPECT_EQ(s->status, Status::verified);
    EXPECT_EQ(s->device, kWatch);
    EXPECT_EQ(s->end_reason, session::EndReason::disconnect);
    EXPECT_EQ(s->data.undecrypted, 0u);
    EXPECT_EQ(s->data.tag_failed, 0u);
    EXPECT_TRUE(s->findings.empty());
    // The scenario's files (miwear_frames.h): both checked, with their type.
    ASSERT_EQ(s->data.files.size(), 2u);
    EXPECT_EQ(s->data.files[0].kind, miwear::FileKind::activity);
    EXPECT_TRUE(s->data.files[0].crc_ok);
    EXPECT_EQ(s->data.files[0].parts, 2);
    EXPECT_EQ(s->data.files[0].id, hex("21F3286504008C"));
    EXPECT_EQ(s->data.files[1].kind, miwear::FileKind::upload);
    EXPECT_TRUE(s->data.files[1].crc_ok);
    EXPECT_EQ(s->data.files[1].md5_ok, true);
    EXPECT_EQ(s->data.files[1].upload_type, 16);
    EXPECT_EQ(s->data.files[1].parts, 3);
    // A resent SPPv2 packet is dropped, not read twice; BLE-V1's resent chunk completes its message.
    const bool v2 = s->data.transport == miwear::Transport::ble_v2 || s->data.transport == miwear::Transport::spp_v2;
    EXPECT_EQ(s->data.retransmissions, v2 ? 1u : 0u);
    // 9 messages and 5 file parts; over RFCOMM the SPP-V1 version probe and its answer too.
    EXPECT_EQ(s->data.messages_total, miwear::over_rfcomm(s->data.transport) ? 16u : 14u);
  }
}

// The README's schema names what the CLI can print for a wearable session: every step of the
// family's table and every transport, in the paragraph "A wearable session (...", and no_key in
// the status row (the vocabularies' own test, on main, does the same for the other families).
TEST(WearVocabulary, TheReadmeSchemaListsEveryName) {
  const std::string readme = test::read_file(std::string(FE95_SOURCE_DIR) + "/README.md");
  const auto at = readme.find("A wearable session (");
  ASSERT_NE(at, std::string::npos);
  const std::string para = readme.substr(at, readme.find("\n\n", at) - at);
  for (const auto& t : miwear::Session::kFamily.steps)
    EXPECT_NE(para.find(std::string("`") + t.name + "`"), std::string::npos) << t.name;
  for (auto tr :
       {miwear::Transport::ble_v1, miwear::Transport::ble_v2, miwear::Transport::spp_v1, miwear::Transport::spp_v2})
    EXPECT_NE(para.find(std::string("`") + miwear::transport_name(tr) + "`"), std::string::npos)
        << miwear::transport_name(tr);
  const auto row = readme.find("| `status` | string |");
  ASSERT_NE(row, std::string::npos);
  EXPECT_NE(readme.substr(row, readme.find('\n', row) - row).find("`no_key`"), std::string::npos);
}

}  // namespace
}  // namespace fe95
