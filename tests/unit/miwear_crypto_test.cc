// SPDX-License-Identifier: GPL-2.0-or-later
// The wearables' crypto and message layers on literal bytes: every self-computed vector of
// docs/MIWEAR.md §7 and the published AES-CCM vector, the published Mi Band 8 auth bodies as
// parser fixtures, the protobuf tree and its bounds.
#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "fe95/miwear/auth.h"
#include "fe95/miwear/crypto.h"
#include "fe95/miwear/protobuf.h"
#include "fe95/miwear/sppv2.h"
#include "fe95/miwear/v1.h"

namespace fe95::miwear::crypto_test {
namespace {

Bytes hex(std::string_view s) {
  std::string clean;
  for (char c : s)
    if (c != ' ') clean.push_back(c);
  auto b = parse_hex(clean);
  EXPECT_TRUE(b) << s;
  return b ? *b : Bytes{};
}
template <std::size_t N>
std::array<std::uint8_t, N> arr(std::string_view s) {
  const Bytes b = hex(s);
  std::array<std::uint8_t, N> a{};
  EXPECT_EQ(b.size(), N) << s;
  std::copy_n(b.begin(), std::min(N, b.size()), a.begin());
  return a;
}
Bytes cat(std::initializer_list<Bytes> parts) {
  Bytes out;
  for (const auto& p : parts) out.insert(out.end(), p.begin(), p.end());
  return out;
}

// ---- §7 self-computed vectors: authKey 00..ff, phoneNonce 00..0f, watchNonce 10..1f ----

const Key16 kAuthKey = arr<16>("00112233445566778899aabbccddeeff");
const Bytes kPhoneNonce = hex("000102030405060708090a0b0c0d0e0f");
const Bytes kWatchNonce = hex("101112131415161718191a1b1c1d1e1f");
const char* kWatchHmac = "1e256c28d3cf6309487c499ff2b7381f3f67298718a8336dbddaa486e4f9333e";
const char* kPhoneHmac = "a42538060b853135c3366dbc790a777cff061c5475f2c7cb08e42da2b6f95b4b";
const char* kDeviceInfo = "080015000008421a05506978656c20e0012a02454e";
const char* kDeviceInfoCcm = "67803e0ef91cdecc9b975917d84963136981005aa35a71ed5c";
const char* kStep1 = "0801101a1a15f201120a10000102030405060708090a0b0c0d0e0f";

SessionKeys keys() {
  auto k = session_keys(kAuthKey, kPhoneNonce, kWatchNonce);
  EXPECT_TRUE(k);
  return k ? *k : SessionKeys{};
}

TEST(MiwearVectors, KeyDerivation) {
  const SessionKeys k = keys();
  EXPECT_EQ(to_hex(k.okm),
            "a2cf6c33c13b444edf33b4d1a3b3a4c1644de586a875a5817a40ba4a92361a464f584e38f35dd40a077d0e5ce19184b9"
            "29e3e1c203c66d760e920b4daad6f9d2");
  EXPECT_EQ(to_hex(k.dec_key), "a2cf6c33c13b444edf33b4d1a3b3a4c1");
  EXPECT_EQ(to_hex(k.enc_key), "644de586a875a5817a40ba4a92361a46");
  EXPECT_EQ(to_hex(k.dec_nonce), "4f584e38");
  EXPECT_EQ(to_hex(k.enc_nonce), "f35dd40a");
  EXPECT_EQ(&k.key(Dir::to_phone), &k.dec_key);
  EXPECT_EQ(&k.nonce(Dir::to_watch), &k.enc_nonce);
  EXPECT_FALSE(session_keys(kAuthKey, hex("0001"), kWatchNonce));
}

TEST(MiwearVectors, WatchAndPhoneHmac) {
  const SessionKeys k = keys();
  EXPECT_EQ(to_hex(watch_proof(k, kPhoneNonce, kWatchNonce)), kWatchHmac);
  EXPECT_EQ(to_hex(phone_proof(k, kPhoneNonce, kWatchNonce)), kPhoneHmac);
  // Another key: the watch's proof no longer matches (the key is wrong at step 2).
  Key16 other = kAuthKey;
  other[0] ^= 1;
  EXPECT_NE(to_hex(watch_proof(*session_keys(other, kPhoneNonce, kWatchNonce), kPhoneNonce, kWatchNonce)), kWatchHmac);
}

TEST(MiwearVectors, EncryptedDeviceInfo) {
  DeviceInfo d;
  d.device_type = 0;
  d.system_version = 34.0f;
  d.model = "Pixel";
  d.app_capability = 224;
  d.region = "EN";
  const Bytes plain = encode_device_info(d);
  EXPECT_EQ(to_hex(plain), kDeviceInfo);
  const SessionKeys k = keys();
  EXPECT_EQ(to_hex(ccm_seal(k.enc_key, k.enc_nonce, 0, plain)), kDeviceInfoCcm);
  const Opened o = ccm_open(k.enc_key, k.enc_nonce, 0, hex(kDeviceInfoCcm));
  EXPECT_TRUE(o.tag_ok);
  EXPECT_EQ(to_hex(o.plaintext), kDeviceInfo);
  auto back = parse_device_info(o.plaintext);
  ASSERT_TRUE(back);
  EXPECT_EQ(back->device_type, 0u);
  EXPECT_EQ(back->system_version, 34.0f);
  EXPECT_EQ(back->model, "Pixel");
  EXPECT_EQ(back->app_capability, 224u);
  EXPECT_EQ(back->region, "EN");
}

TEST(MiwearVectors, PublishedAesCcm) {
  // MB9A standalone/test/CryptoTest.java: key 20..2f, nonce aabbccdd || 8 x 00, 4-byte tag.
  const Key16 key = arr<16>("202122232425262728292a2b2c2d2e2f");
  const Nonce4 prefix = arr<4>("aabbccdd");
  const std::string text = "devinfo-test-payload";
  const Bytes plain(text.begin(), text.end());
  EXPECT_EQ(to_hex(ccm_seal(key, prefix, 0, plain)), "8f8654da856fadb3375eb11f3d2e8fed70cbf909b147630c");
  const Opened o = ccm_open(key, prefix, 0, hex("8f8654da856fadb3375eb11f3d2e8fed70cbf909b147630c"));
  EXPECT_TRUE(o.tag_ok);
  EXPECT_EQ(o.plaintext, plain);
}

TEST(MiwearVectors, FailedTagStillShowsThePlaintext) {
  const SessionKeys k = keys();
  Bytes sealed = hex(kDeviceInfoCcm);
  sealed.back() ^= 0x01;  // the tag
  Opened o = ccm_open(k.enc_key, k.enc_nonce, 0, sealed);
  EXPECT_FALSE(o.tag_ok);
  EXPECT_EQ(to_hex(o.plaintext), kDeviceInfo);
  sealed = hex(kDeviceInfoCcm);
  sealed[3] ^= 0x40;  // a ciphertext byte: CTR flips the same plaintext bit
  o = ccm_open(k.enc_key, k.enc_nonce, 0, sealed);
  EXPECT_FALSE(o.tag_ok);
  Bytes expect = hex(kDeviceInfo);
  expect[3] ^= 0x40;
  EXPECT_EQ(o.plaintext, expect);
  // The wrong counter: the tag fails.
  EXPECT_FALSE(ccm_open(k.enc_key, k.enc_nonce, 1, hex(kDeviceInfoCcm)).tag_ok);
  EXPECT_TRUE(ccm_open(k.enc_key, k.enc_nonce, 0, hex("0102")).too_short);
  EXPECT_EQ(to_hex(ccm_nonce(k.enc_nonce, 0x01020304)), "f35dd40a0000000004030201");
}

TEST(MiwearVectors, AuthBodies) {
  EXPECT_EQ(to_hex(encode_auth_step1(kPhoneNonce)), kStep1);
  // Step 1 on BLE-V1 (0x0052): a plain single frame.
  const auto frames = v1_frames(hex(kStep1), false, 244);
  ASSERT_EQ(frames.size(), 1u);
  EXPECT_EQ(to_hex(frames[0]), std::string("00000202") + kStep1);
  EXPECT_EQ(to_hex(encode_auth_step2(kWatchNonce, hex(kWatchHmac))),
            std::string("0801101a1a37fa01340a10101112131415161718191a1b1c1d1e1f1220") + kWatchHmac);
  EXPECT_EQ(to_hex(encode_auth_step3(hex(kPhoneHmac), hex(kDeviceInfoCcm))),
            std::string("0801101b1a4082023d0a20") + kPhoneHmac + "1219" + kDeviceInfoCcm);
}

TEST(MiwearVectors, BleV1BatteryRequestAndReply) {
  const SessionKeys k = keys();
  // Phone -> watch on 0x0052, counter 1.
  V1Channel write;
  auto r = write.feed(1, Dir::to_watch, hex("000002010100629dee77e952cd97"));
  ASSERT_TRUE(r.message);
  EXPECT_TRUE(r.message->encrypted);
  EXPECT_TRUE(r.message->single);
  Sealed s = v1_sealed(*r.message, kCharCommandWrite);
  EXPECT_TRUE(s.counter_on_wire);
  EXPECT_EQ(s.counter, 1u);
  Opened o = ccm_open(k.key(Dir::to_watch), k.nonce(Dir::to_watch), s.counter, s.body);
  EXPECT_TRUE(o.tag_ok);
  EXPECT_EQ(to_hex(o.plaintext), "08021001");
  auto env = decode_envelope(o.plaintext);
  ASSERT_TRUE(env);
  EXPECT_EQ(env->type, 2u);
  EXPECT_EQ(env->subtype, 1u);
  EXPECT_STREQ(env->name(), "battery");
  EXPECT_EQ(to_hex(ByteView(write.feed(2, Dir::to_watch, v1_frames(hex("08021001"), false, 244)[0]).message->data)),
            "08021001");
  // Watch -> phone on 0x0051: no counter on the wire, counter 0.
  V1Channel read;
  r = read.feed(3, Dir::to_phone, hex("00000201425c83bebdcca821c64502decda0e0e4"));
  ASSERT_TRUE(r.message);
  s = v1_sealed(*r.message, kCharCommandRead);
  EXPECT_FALSE(s.counter_on_wire);
  EXPECT_EQ(s.counter, 0u);
  o = ccm_open(k.key(Dir::to_phone), k.nonce(Dir::to_phone), 0, s.body);
  EXPECT_TRUE(o.tag_ok);
  EXPECT_EQ(to_hex(o.plaintext), "08021001220612040a020850");
  env = decode_envelope(o.plaintext);
  ASSERT_TRUE(env);
  ASSERT_NE(env->payload(), nullptr);
  EXPECT_EQ(env->payload()->number, 4u);  // type 2 + 2: system
  // system.power(2).battery(1).level(1) = 80
  const pb::Field* power = pb::find(env->payload()->children, 2);
  ASSERT_TRUE(power && power->message);
  const pb::Field* battery = pb::find(power->children, 1);
  ASSERT_TRUE(battery && battery->message);
  ASSERT_NE(pb::find(battery->children, 1), nullptr);
  EXPECT_EQ(pb::find(battery->children, 1)->value, 80u);
}

TEST(MiwearVectors, SppV2Packets) {
  EXPECT_EQ(crc16_arc(ByteView(reinterpret_cast<const std::uint8_t*>("123456789"), 9)), 0xbb3d);
  const SessionKeys k = keys();
  SppV2Link link;
  // Session start request, phone -> watch (GB's values).
  auto r = link.feed(Dir::to_watch, hex("a5a5020016001d4d0101030001000002020000fc03020020000402001027"), 1);
  ASSERT_EQ(r.events.size(), 1u);
  ASSERT_TRUE(r.events[0].config);
  const V2Config& c = *r.events[0].config;
  EXPECT_STREQ(v2_config_opcode_name(c.opcode), "start_request");
  EXPECT_EQ(c.version, "1.0.0");
  EXPECT_EQ(c.max_packet, 0xfc00);
  EXPECT_EQ(c.tx_window, 32);
  EXPECT_EQ(c.timeout_ms, 10000);
  EXPECT_FALSE(c.malformed);
  EXPECT_EQ(to_hex(encode_v2(2, 0, encode_v2_config(1, c.tlvs))),
            "a5a5020016001d4d0101030001000002020000fc03020020000402001027");
  // The ACK of seq 5.
  EXPECT_EQ(to_hex(encode_v2(1, 5, {})), "a5a5010500000000");
  r = link.feed(Dir::to_phone, hex("a5a5010500000000"), 2);
  ASSERT_EQ(r.events.size(), 1u);
  EXPECT_EQ(r.events[0].kind, SppV2Link::EventKind::ack);
  EXPECT_EQ(r.events[0].packet.seq, 5);
  // Step 1 in DATA seq 0, channel 1 (pb), opcode 1 (plain).
  r = link.feed(Dir::to_watch, cat({hex("a5a503001d00d7f70101"), hex(kStep1)}), 3);
  ASSERT_EQ(r.events.size(), 1u);
  EXPECT_EQ(r.events[0].kind, SppV2Link::EventKind::data);
  EXPECT_EQ(r.events[0].channel, kV2ChannelPb);
  EXPECT_EQ(r.events[0].opcode, kV2PlainWrite);
  EXPECT_EQ(to_hex(r.events[0].body()), kStep1);
  // The encrypted battery request, seq 2: AES-CTR under encKey with the key as IV.
  r = link.feed(Dir::to_watch, hex("a5a503020600581f0102d0c51c44"), 4);
  ASSERT_EQ(r.events.size(), 1u);
  EXPECT_EQ(r.events[0].opcode, kV2EncryptedWrite);
  EXPECT_EQ(to_hex(ctr_crypt(k.enc_key, r.events[0].body())), "08021001");
  EXPECT_EQ(to_hex(ctr_crypt(k.enc_key, hex("08021001"))), "d0c51c44");
  EXPECT_TRUE(r.problems.empty());
  // B10P's session response from a Band 10 Pro.
  const V2Config rsp = parse_v2_config(hex("02 01 03 00 03 01 31 02 02 00 00 80 03 02 00 03 00 04 02 00 70 17"));
  EXPECT_STREQ(v2_config_opcode_name(rsp.opcode), "start_response");
  EXPECT_EQ(rsp.version, "3.1.49");
  EXPECT_EQ(rsp.max_packet, 32768);
  EXPECT_EQ(rsp.tx_window, 3);
  EXPECT_EQ(rsp.timeout_ms, 6000);
}

// ---- published Mi Band 8 bodies (MB8RS src/main.rs @81bece6; the key is redacted) ----

TEST(MiwearFixtures, MiBand8AuthBodies) {
  const Bytes s1 = hex("0801101A1A15F201120A108CD252032D55D695E9C3EB8C7F2EBAB4");
  auto e = decode_envelope(s1);
  ASSERT_TRUE(e);
  EXPECT_TRUE(e->tree.complete);
  EXPECT_STREQ(e->name(), "auth_nonce");
  auto a = parse_auth(*e);
  ASSERT_TRUE(a);
  EXPECT_EQ(a->step, AuthStep::phone_nonce);
  EXPECT_EQ(to_hex(a->phone_nonce), "8cd252032d55d695e9c3eb8c7f2ebab4");

  const Bytes s2 =
      hex("0801101A1A37FA01340A1002FAAC759395FB5F265110E137F967431220EF1A6C2F6756ED69DA3BA1EB23A05CBD6975E4D37E1C4F5437"
          "11C6B16A0418CB");
  e = decode_envelope(s2);
  ASSERT_TRUE(e);
  a = parse_auth(*e);
  ASSERT_TRUE(a);
  EXPECT_EQ(a->step, AuthStep::watch_nonce);
  EXPECT_EQ(to_hex(a->watch_nonce), "02faac759395fb5f265110e137f96743");
  EXPECT_EQ(to_hex(a->watch_hmac), "ef1a6c2f6756ed69da3ba1eb23a05cbd6975e4d37e1c4f543711c6b16a0418cb");

  const Bytes s3 = hex(
      "0801101B1A4282023F0A204C590B85E2D8D8A24A3D2FF64F63899F10E40E0D1E6EC1265D106300813C5CC4121B5B8712F82727ED9CC6E0"
      "4F4D3BCFBCEE884C004DE9479B56CF7B44");
  e = decode_envelope(s3);
  ASSERT_TRUE(e);
  EXPECT_STREQ(e->name(), "auth_confirm");
  a = parse_auth(*e);
  ASSERT_TRUE(a);
  EXPECT_EQ(a->step, AuthStep::phone_confirm);
  EXPECT_EQ(to_hex(a->phone_hmac), "4c590b85e2d8d8a24a3d2ff64f63899f10e40e0d1e6ec1265d106300813c5cc4");
  EXPECT_EQ(a->device_info_sealed.size(), 27u);  // "Pixel 7" device info (23 bytes) + tag

  // The envelope's fields are views into the bytes decoded: they are kept alive in named vectors.
  const Bytes r4 = hex("0801101B1A098A0206080110BFFE01");
  e = decode_envelope(r4);
  ASSERT_TRUE(e);
  a = parse_auth(*e);
  ASSERT_TRUE(a);
  EXPECT_EQ(a->step, AuthStep::watch_result);
  EXPECT_EQ(a->result, 1u);
  EXPECT_EQ(a->capability, 32575u);

  // A 2/3 set-clock body with the time zone "Europe/Warsaw".
  const Bytes clock_body =
      hex("08021003222D222B0A0708E80F1005181E120908121019182A20CD021A13080810081A0D4575726F70652F5761727361772000");
  e = decode_envelope(clock_body);
  ASSERT_TRUE(e);
  EXPECT_TRUE(e->tree.complete);
  EXPECT_STREQ(e->name(), "set_clock");
  ASSERT_NE(e->payload(), nullptr);
  const pb::Field* clock = pb::find(e->payload()->children, 4);
  ASSERT_TRUE(clock && clock->message);
  const pb::Field* tz = pb::find(clock->children, 3);
  ASSERT_TRUE(tz && tz->message);
  const pb::Field* name = pb::find(tz->children, 3);
  ASSERT_NE(name, nullptr);
  EXPECT_FALSE(name->message);  // a string, not a message
  EXPECT_EQ(std::string(name->bytes.begin(), name->bytes.end()), "Europe/Warsaw");
  // Offsets: zig-zag sint32 in units of 15 minutes (GB xiaomi.proto TimeZone): 8 -> +4, i.e. 1 h.
  EXPECT_EQ(pb::find(tz->children, 1)->sint(), 4);

  // An unbound watch answers step 1 with Account.error_code 4 (B10P).
  const Bytes unbound = hex("08 01 10 1a 1a 02 18 04");
  e = decode_envelope(unbound);
  ASSERT_TRUE(e);
  a = parse_auth(*e);
  ASSERT_TRUE(a);
  EXPECT_EQ(a->step, AuthStep::error);
  EXPECT_EQ(a->error_code, 4u);
  EXPECT_STREQ(auth_error_name(*a->error_code), "no_bound");
  // The plaintext user-id auth of older watches.
  Bytes uid;
  pb::put_uint(uid, 7, 1234567890);
  a = parse_auth(*decode_envelope(encode_envelope(1, 5, uid)));
  ASSERT_TRUE(a);
  EXPECT_EQ(a->step, AuthStep::user_id);
  EXPECT_EQ(a->user_id, 1234567890u);
  EXPECT_FALSE(parse_auth(*decode_envelope(hex("08021001"))));
}

// ---- protobuf tree and its bounds ----

TEST(MiwearProtobuf, WireTypesAndEnvelope) {
  Bytes b;
  pb::put_uint(b, 1, 8);
  pb::put_uint(b, 2, 45);
  pb::put_tag(b, 3, pb::WireType::i64);
  for (int i = 0; i < 8; ++i) b.push_back(static_cast<std::uint8_t>(i));
  pb::put_float(b, 4, 1.5f);
  pb::put_bytes(b, 10, hex("0801"));  // type 8 + 2
  pb::put_uint(b, 100, 7);
  pb::put_tag(b, 11, pb::WireType::sgroup);
  pb::put_uint(b, 1, 3);
  pb::put_tag(b, 11, pb::WireType::egroup);
  const pb::Tree t = pb::decode(b);
  ASSERT_TRUE(t.complete) << t.error;
  ASSERT_EQ(t.fields.size(), 7u);
  EXPECT_EQ(t.fields[2].wire, pb::WireType::i64);
  EXPECT_EQ(t.fields[2].value, 0x0706050403020100u);
  EXPECT_EQ(t.fields[3].f32(), 1.5f);
  EXPECT_TRUE(t.fields[4].message);
  EXPECT_EQ(t.fields[6].wire, pb::WireType::sgroup);
  ASSERT_EQ(t.fields[6].children.size(), 1u);
  EXPECT_EQ(t.fields[6].children[0].value, 3u);
  auto e = decode_envelope(b);
  ASSERT_TRUE(e);
  EXPECT_EQ(e->type, 8u);
  EXPECT_EQ(e->error, 7u);
  EXPECT_STREQ(e->name(), "realtime_stats");
  ASSERT_NE(e->payload(), nullptr);
  EXPECT_EQ(e->payload()->number, 10u);
  EXPECT_STREQ(type_name(8), "health");
  EXPECT_FALSE(decode_envelope(hex("1001")));    // no type
  EXPECT_FALSE(decode_envelope(hex("0a0100")));  // field 1 is no varint
}

TEST(MiwearProtobuf, OneNamePerPair) {
  const auto names = command_names();
  ASSERT_GT(names.size(), 100u);
  for (std::size_t i = 0; i < names.size(); ++i) {
    EXPECT_NE(std::string(type_name(names[i].type)), "") << names[i].name;
    for (std::size_t j = i + 1; j < names.size(); ++j)
      EXPECT_FALSE(names[i].type == names[j].type && names[i].subtype == names[j].subtype) << names[i].name;
  }
}

TEST(MiwearProtobuf, MalformedInputKeepsWhatCameBefore) {
  pb::Tree t = pb::decode(hex("0801 1002 0a05 6162"));  // a length past the end
  EXPECT_FALSE(t.complete);
  EXPECT_EQ(t.fields.size(), 2u);
  EXPECT_EQ(t.error_offset, 4u);
  t = pb::decode(hex("0801 00"));  // field number 0
  EXPECT_FALSE(t.complete);
  EXPECT_EQ(t.fields.size(), 1u);
  t = pb::decode(hex("0801 0f01"));  // wire type 7
  EXPECT_FALSE(t.complete);
  t = pb::decode(hex("0801 0c"));  // an end-group tag with no group
  EXPECT_FALSE(t.complete);
  t = pb::decode(hex("0801 0b 0801"));  // a group without its end
  EXPECT_FALSE(t.complete);
  EXPECT_EQ(t.fields.size(), 1u);
  t = pb::decode(hex("08ffffffffffffffffffff01"));  // an 11-byte varint
  EXPECT_FALSE(t.complete);
  // "Pixel" is a string: it does not parse as a message.
  Bytes s;
  pb::put_bytes(s, 3, hex("506978656c"));
  t = pb::decode(s);
  ASSERT_TRUE(t.complete);
  EXPECT_FALSE(t.fields[0].message);
}

TEST(MiwearProtobuf, LengthOf4GiBDoesNotAllocate) {
  // Field 2, length 0xffffffff (4 GiB), then 3 bytes.
  const Bytes b = hex("0801 12ffffffff0f 616263");
  const auto t0 = std::chrono::steady_clock::now();
  const pb::Tree t = pb::decode(b);
  EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::seconds(1));
  EXPECT_FALSE(t.complete);
  EXPECT_EQ(t.fields.size(), 1u);
  EXPECT_EQ(t.error, "a length past the end of the bytes");
  // 2^64 - 1 likewise.
  EXPECT_FALSE(pb::decode(hex("12ffffffffffffffffff01 00")).complete);
}

TEST(MiwearProtobuf, NestingTenThousandDeepIsBounded) {
  // A message nested 10,000 deep: field 1 of field 1 of ... of a varint.
  Bytes b = hex("0801");
  for (int i = 0; i < 10000; ++i) {
    Bytes outer;
    pb::put_bytes(outer, 1, b);
    b.swap(outer);
  }
  const auto t0 = std::chrono::steady_clock::now();
  const pb::Tree t = pb::decode(b);
  EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::seconds(5));
  EXPECT_TRUE(t.complete);
  EXPECT_TRUE(t.depth_limited);
  std::size_t depth = 0;
  for (const pb::Field* f = &t.fields[0]; f->message; f = &f->children[0]) ++depth;
  EXPECT_EQ(depth, pb::Limits{}.max_depth);
  // Groups nested 10,000 deep cannot be skipped without following them: an error at the cap.
  Bytes g(10000, 0x0b);
  g.insert(g.end(), 10000, 0x0c);
  const pb::Tree gt = pb::decode(g);
  EXPECT_FALSE(gt.complete);
  EXPECT_EQ(gt.error, "groups nested deeper than the cap");
  EXPECT_EQ(gt.error_offset, pb::Limits{}.max_depth);
}

TEST(MiwearProtobuf, FieldCountIsCapped) {
  Bytes b;
  for (int i = 0; i < 20000; ++i) pb::put_uint(b, 1, 1);
  const pb::Tree t = pb::decode(b);
  EXPECT_FALSE(t.complete);
  EXPECT_TRUE(t.fields_capped);
  EXPECT_EQ(t.fields.size(), pb::Limits{}.max_fields);
  EXPECT_EQ(t.field_count, pb::Limits{}.max_fields);
}

}  // namespace
}  // namespace fe95::miwear::crypto_test
