// SPDX-License-Identifier: GPL-2.0-or-later
#include "fe95/mibeacon/mibeacon.h"

#include <openssl/evp.h>

#include <cstdio>
#include <cstring>
#include <memory>

#include "fe95/hci/hci.h"

namespace fe95::mibeacon {

namespace {

struct CtxFree {
  void operator()(EVP_CIPHER_CTX* c) const { EVP_CIPHER_CTX_free(c); }
};
using Ctx = std::unique_ptr<EVP_CIPHER_CTX, CtxFree>;

// AES-CCM decryption with a 4-byte tag checked (v4/v5). OpenSSL's CCM mode: set the nonce
// length and expected tag before the key, give the total length, then AAD, then data.
bool ccm_decrypt(const std::uint8_t key[16], ByteView nonce, ByteView aad, ByteView ct, ByteView tag, Bytes& out) {
  Ctx ctx(EVP_CIPHER_CTX_new());
  if (!ctx) return false;
  int len = 0;
  out.assign(ct.size(), 0);
  if (EVP_DecryptInit_ex(ctx.get(), EVP_aes_128_ccm(), nullptr, nullptr, nullptr) != 1 ||
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_CCM_SET_IVLEN, static_cast<int>(nonce.size()), nullptr) != 1 ||
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_CCM_SET_TAG, static_cast<int>(tag.size()),
                          const_cast<std::uint8_t*>(tag.data())) != 1 ||
      EVP_DecryptInit_ex(ctx.get(), nullptr, nullptr, key, nonce.data()) != 1 ||
      EVP_DecryptUpdate(ctx.get(), nullptr, &len, nullptr, static_cast<int>(ct.size())) != 1 ||
      EVP_DecryptUpdate(ctx.get(), nullptr, &len, aad.data(), static_cast<int>(aad.size())) != 1)
    return false;
  // Returns 1 only when the tag verifies.
  return EVP_DecryptUpdate(ctx.get(), out.data(), &len, ct.data(), static_cast<int>(ct.size())) == 1;
}

// The CCM payload without checking the tag (v2/v3: the parsers in use do not check one, PROTOCOL
// §5). CCM encrypts with AES-CTR from counter block A1 = flags(L-1) | nonce | counter 1, so this
// is plain AES-CTR through OpenSSL.
bool ccm_payload_unchecked(const std::uint8_t key[16], ByteView nonce, ByteView ct, Bytes& out) {
  const std::size_t l = 15 - nonce.size();  // length-field size
  std::uint8_t a1[16] = {};
  a1[0] = static_cast<std::uint8_t>(l - 1);
  std::memcpy(a1 + 1, nonce.data(), nonce.size());
  a1[15] = 1;
  Ctx ctx(EVP_CIPHER_CTX_new());
  int len = 0;
  out.assign(ct.size(), 0);
  return ctx && EVP_DecryptInit_ex(ctx.get(), EVP_aes_128_ctr(), nullptr, key, a1) == 1 &&
         EVP_DecryptUpdate(ctx.get(), out.data(), &len, ct.data(), static_cast<int>(ct.size())) == 1;
}

}  // namespace

namespace {
constexpr Term kStatuses[] = {
    {"plain", "Not encrypted", "the objects are in clear"},
    {"decrypted", "Decrypted", "decrypted with the device's beacon or bind key"},
    {"encrypted_no_key", "Encrypted, no key", "encrypted, and no key for the device was given or learned"},
    {"wrong_key", "Encrypted, the key does not fit",
     "the MIC (v4/v5) or the objects (v2/v3) do not check out under the key"},
    {"malformed", "Malformed", "shorter than its header, or its parts do not add up"},
};
}  // namespace

std::span<const Term> status_terms() {
  static_assert(std::size(kStatuses) == static_cast<std::size_t>(Status::malformed) + 1, "one term per status");
  return kStatuses;
}

bool parse_objects(ByteView data, std::uint16_t product_id, std::vector<Object>& out, std::string& reason,
                   Bytes& trailing) {
  Cursor c(data);
  while (!c.empty()) {
    if (c.remaining() < 3) {
      // Shorter than an object header: not an object (a real MMC-W505 advert ends 0a00 02 750d 07).
      const ByteView rest = c.rest();
      trailing.assign(rest.begin(), rest.end());
      return true;
    }
    Object o;
    o.at = c.offset();
    std::uint8_t len = 0;
    ByteView d;
    (void)c.u16le(o.id);
    (void)c.u8(len);
    if (!c.bytes(len, d)) {
      char id[8];
      std::snprintf(id, sizeof id, "0x%04x", o.id);
      reason = std::string("object ") + id + " claims " + std::to_string(len) + " bytes, " +
               std::to_string(c.remaining()) + " left";
      return false;
    }
    o.data.assign(d.begin(), d.end());
    if (const ObjectType* t = find_object_type(o.id)) o.name = t->name;
    decode_object(o.id, d, product_id, o.values, o.note);
    out.push_back(std::move(o));
  }
  return true;
}

Frame parse(ByteView sd) {
  Frame f;
  Cursor c(sd);
  auto bad = [&](std::string why) {
    f.status = Status::malformed;
    f.reason = std::move(why);
    return f;
  };
  if (!c.u16le(f.fc.raw) || !c.u16le(f.product_id) || !c.u8(f.counter))
    return bad("shorter than frame control, product id and frame counter (5 bytes)");
  if (f.fc.mac_included()) {
    f.mac_at = c.offset();
    ByteView m;
    if (!c.bytes(6, m)) return bad("frame control says a MAC follows, but the frame ends");
    f.mac = BdAddr::from_le(m);
  }
  if (f.fc.capability_included()) {
    f.capability_at = c.offset();
    std::uint8_t cap = 0;
    if (!c.u8(cap)) return bad("frame control says a capability byte follows, but the frame ends");
    f.capability = cap;
    // Capability bit 5: an I/O capability field follows. Xiaomi's spec (miio_open ble/02) gives
    // it 2 bytes; the Home Assistant parsers skip 1. We follow the spec.
    if (cap & 0x20) {
      f.io_capability_at = c.offset();
      std::uint16_t io = 0;
      if (!c.u16le(io)) return bad("capability says an I/O capability (2 bytes) follows, but the frame ends");
      f.io_capability = io;
    }
  }
  f.payload_at = c.offset();
  ByteView rest = c.rest();
  if (!f.fc.encrypted()) {
    f.payload.assign(rest.begin(), rest.end());
    if (f.fc.object_included() && !parse_objects(rest, f.product_id, f.objects, f.reason, f.trailing))
      f.status = Status::malformed;
    return f;
  }
  // Encrypted: v2/v3 end in 3-byte counter + 1 byte; v4/v5 in 3-byte counter + 4-byte MIC.
  const bool legacy = f.fc.version() <= 3;
  const std::size_t trailer = legacy ? 4 : 7;
  if (rest.size() < trailer + 1) return bad("encrypted frame too short for its counter and MIC");
  const ByteView ct = rest.first(rest.size() - trailer);
  const ByteView ext = rest.subspan(rest.size() - trailer, 3);
  f.payload.assign(ct.begin(), ct.end());
  f.ext_counter = static_cast<std::uint32_t>(ext[0] | ext[1] << 8 | ext[2] << 16);
  f.mic.assign(rest.end() - (legacy ? 1 : 4), rest.end());
  f.status = Status::encrypted_no_key;
  f.reason = "encrypted, no key for this device";
  return f;
}

void decrypt(Frame& f, const BdAddr& mac, const std::optional<BeaconKey>& beacon_key,
             const std::optional<BindKey>& bind_key) {
  if (f.status != Status::encrypted_no_key) return;
  const std::uint8_t aad[1] = {0x11};
  const std::uint8_t ext[3] = {static_cast<std::uint8_t>(*f.ext_counter),
                               static_cast<std::uint8_t>(*f.ext_counter >> 8),
                               static_cast<std::uint8_t>(*f.ext_counter >> 16)};
  Bytes plain;
  if (f.fc.version() <= 3) {
    if (!beacon_key) return;
    // key16 = key[0:6] | 8D 3D 3C 97 | key[6:12]; nonce = fc, pid, counter (5) | ext counter (3) |
    // first 5 bytes of the MAC field (docs/PROTOCOL.md §5).
    std::uint8_t key[16];
    std::memcpy(key, beacon_key->data(), 6);
    const std::uint8_t mid[4] = {0x8d, 0x3d, 0x3c, 0x97};
    std::memcpy(key + 6, mid, 4);
    std::memcpy(key + 10, beacon_key->data() + 6, 6);
    std::uint8_t nonce[13] = {static_cast<std::uint8_t>(f.fc.raw),
                              static_cast<std::uint8_t>(f.fc.raw >> 8),
                              static_cast<std::uint8_t>(f.product_id),
                              static_cast<std::uint8_t>(f.product_id >> 8),
                              f.counter,
                              ext[0],
                              ext[1],
                              ext[2]};
    std::memcpy(nonce + 8, mac.le.data(), 5);
    if (!ccm_payload_unchecked(key, ByteView(nonce, 13), f.payload, plain)) return;
    f.plaintext = plain;
    f.objects.clear();
    f.trailing.clear();
    std::string why;
    if (!parse_objects(plain, f.product_id, f.objects, why, f.trailing) || f.objects.empty()) {
      // No tag to check: objects that do not parse are how a wrong key shows.
      if (why.empty()) why = "no object";
      f.status = Status::wrong_key;
      f.reason = "decrypted objects do not parse (" + why + "): wrong beacon key?";
      f.objects.clear();
      f.trailing.clear();
      return;
    }
  } else {
    if (!bind_key) return;
    // nonce = MAC (6, as in the frame) | product id (2) | counter (1) | ext counter (3).
    std::uint8_t nonce[12];
    std::memcpy(nonce, mac.le.data(), 6);
    nonce[6] = static_cast<std::uint8_t>(f.product_id);
    nonce[7] = static_cast<std::uint8_t>(f.product_id >> 8);
    nonce[8] = f.counter;
    std::memcpy(nonce + 9, ext, 3);
    if (!ccm_decrypt(bind_key->data(), ByteView(nonce, 12), ByteView(aad, 1), f.payload, f.mic, plain)) {
      f.status = Status::wrong_key;
      f.reason = "MIC does not verify: wrong bind key";
      return;
    }
    f.plaintext = plain;
    f.objects.clear();
    f.trailing.clear();
    std::string why;
    if (!parse_objects(plain, f.product_id, f.objects, why, f.trailing)) {
      f.status = Status::malformed;
      f.reason = why;
      return;
    }
  }
  f.status = Status::decrypted;
  f.reason.clear();
}

std::optional<ByteView> find_service_data(ByteView ad) {
  std::optional<ByteView> found;
  hci::for_each_ad(ad, [&](std::uint8_t type, ByteView d) {
    if (!found && type == 0x16 && d.size() >= 2 && load_u16le(d.data()) == kUuid) found = d.subspan(2);
  });
  return found;
}

}  // namespace fe95::mibeacon
