// SPDX-License-Identifier: GPL-2.0-or-later
// The wearable parsers alone, fed records decoded from the input: [kind][dir][len u16 LE][bytes].
// Kind 0/1: an ATT value on 0x0052/0x0051 (BLE-V1 rxfer); 2: bytes of the SPPv2 stream; 3: bytes
// of the SPP-V1 stream; 4: a protobuf (envelope, auth fields, device info). dir bit 0: 0 phone to
// watch, 1 watch to phone. Every message and packet is then opened with the docs/MIWEAR.md §7
// session keys (CCM or CTR) and decoded as an envelope, as the family machine will.
#include "fe95/miwear/auth.h"
#include "fe95/miwear/crypto.h"
#include "fe95/miwear/protobuf.h"
#include "fe95/miwear/sppv1.h"
#include "fe95/miwear/sppv2.h"
#include "fe95/miwear/v1.h"

namespace {

using namespace fe95;
using namespace fe95::miwear;

const SessionKeys& keys() {
  static const SessionKeys k = [] {
    const Key16 key{0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff};
    Bytes pn, wn;
    for (std::uint8_t i = 0; i < 16; ++i) {
      pn.push_back(i);
      wn.push_back(static_cast<std::uint8_t>(0x10 + i));
    }
    return *session_keys(key, pn, wn);
  }();
  return k;
}

std::uint64_t message(ByteView plain) {
  std::uint64_t t = 0;
  if (auto e = decode_envelope(plain)) {
    t += e->tree.field_count + std::string(e->name()).size();
    if (auto a = parse_auth(*e)) {
      t += a->phone_nonce.size() + a->watch_hmac.size();
      if (!a->device_info_sealed.empty()) {
        const Opened o = ccm_open(keys().enc_key, keys().enc_nonce, 0, a->device_info_sealed);
        if (auto d = parse_device_info(o.plaintext)) t += d->model ? d->model->size() : 0;
      }
      if (a->phone_nonce.size() == 16 && a->watch_nonce.size() == 16)
        (void)session_keys({}, a->phone_nonce, a->watch_nonce);
    }
  }
  return t;
}

std::uint64_t sealed(const Sealed& s, Dir from) {
  if (s.short_) return 0;
  const Opened o = ccm_open(keys().key(from), keys().nonce(from), s.counter, s.body);
  return message(o.plaintext) + o.tag_ok;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  Cursor c(ByteView(data, size));
  V1Channel v1[2];
  SppV2Link v2;
  SppV1Stream spp1[2];
  std::vector<Problem> problems;
  std::uint8_t kind = 0, d = 0;
  std::uint16_t len = 0;
  ByteView bytes;
  std::uint64_t frame = 0, touched = 0;
  while (c.u8(kind) && c.u8(d) && c.u16le(len) && c.bytes(len, bytes)) {
    ++frame;
    const Dir from = (d & 1) ? Dir::to_phone : Dir::to_watch;
    switch (kind % 5) {
      case 0:
      case 1: {
        auto r = v1[kind % 5].feed(frame, from, bytes);
        if (r.message && r.message->encrypted)
          touched += sealed(v1_sealed(*r.message, kind % 5 ? kCharCommandRead : kCharCommandWrite), r.message->from);
        else if (r.message)
          touched += message(r.message->data);
        break;
      }
      case 2: {
        auto r = v2.feed(from, bytes, frame);
        for (const auto& e : r.events) {
          if (e.kind != SppV2Link::EventKind::data) continue;
          touched +=
              e.opcode == kV2EncryptedWrite ? message(ctr_crypt(keys().key(e.dir), e.body())) : message(e.body());
        }
        touched += r.problems.size();
        break;
      }
      case 3:
        for (const auto& f : spp1[index(from)].feed(bytes, frame, problems))
          touched += f.data_type == kSpp1Encrypted ? sealed(sppv1_sealed(f), from) : message(f.body);
        problems.clear();
        break;
      case 4:
        touched += message(bytes);
        break;
    }
  }
  for (auto& ch : v1) touched += ch.finish().size();
  touched += v2.finish().problems.size();
  for (auto& s : spp1) s.finish(problems);
  return touched == 0xdeadbeef ? 1 : 0;
}
