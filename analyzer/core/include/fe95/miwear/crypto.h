// SPDX-License-Identifier: GPL-2.0-or-later
// The wearables' cryptography (docs/MIWEAR.md §3, §4), all of it through OpenSSL's libcrypto (the
// HKDF, HMAC and AES-CCM helpers of fe95/stdauth/crypto.h, AES-128-CTR here): the session keys of
// the nonce exchange, the two HMAC proofs, AES-128-CCM with a 4-byte tag (BLE-V1, SPP-V1, the
// encrypted device info) and AES-128-CTR with the key as its IV (BLE-V2, SPP-V2). Only the
// protocol's arrangements (the split, the nonce, which key for which direction) are written here.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>

#include "fe95/bytes.h"
#include "fe95/miwear/common.h"

namespace fe95::miwear {

using Key16 = std::array<std::uint8_t, 16>;
using Nonce4 = std::array<std::uint8_t, 4>;
using Hash32 = std::array<std::uint8_t, 32>;

inline constexpr std::string_view kAuthInfo = "miwear-auth";
inline constexpr std::size_t kTagLen = 4;
inline constexpr std::size_t kNonceLen = 16;  // phone and watch nonces

// HKDF-SHA256 (RFC 5869) of the auth key with salt phoneNonce || watchNonce and info "miwear-auth",
// 64 bytes, split (§3): [0,16) decKey (watch->phone), [16,32) encKey (phone->watch),
// [32,36) decNonce, [36,40) encNonce; the last 24 bytes are unused.
struct SessionKeys {
  Key16 dec_key{}, enc_key{};
  Nonce4 dec_nonce{}, enc_nonce{};
  std::array<std::uint8_t, 64> okm{};
  // The key and nonce prefix of a direction.
  [[nodiscard]] const Key16& key(Dir d) const { return d == Dir::to_phone ? dec_key : enc_key; }
  [[nodiscard]] const Nonce4& nonce(Dir d) const { return d == Dir::to_phone ? dec_nonce : enc_nonce; }
};
// nullopt when a nonce is not 16 bytes.
std::optional<SessionKeys> session_keys(const Key16& auth_key, ByteView phone_nonce, ByteView watch_nonce);

// The watch's proof at step 2: HMAC-SHA256(decKey, watchNonce || phoneNonce); it tests the key
// before anything is encrypted.
Hash32 watch_proof(const SessionKeys& k, ByteView phone_nonce, ByteView watch_nonce);
// The phone's proof at step 3 (the field GB calls encryptedNonces, not encrypted):
// HMAC-SHA256(encKey, phoneNonce || watchNonce).
Hash32 phone_proof(const SessionKeys& k, ByteView phone_nonce, ByteView watch_nonce);

// AES-128-CCM, 12-byte nonce prefix4 || 00000000 || counter (u32 LE), no AAD, 4-byte tag (§4.1).
std::array<std::uint8_t, 12> ccm_nonce(const Nonce4& prefix, std::uint32_t counter);
Bytes ccm_seal(const Key16& key, const Nonce4& prefix, std::uint32_t counter, ByteView plaintext);
struct Opened {
  Bytes plaintext;  // shown even when the tag fails (a Redmi Smart Band Pro's do, §4.1)
  bool tag_ok = false;
  bool too_short = false;  // fewer bytes than a tag: nothing to open
};
Opened ccm_open(const Key16& key, const Nonce4& prefix, std::uint32_t counter, ByteView sealed);

// AES-128-CTR with the key itself as the initial counter block, restarted for every packet, the
// standard 128-bit big-endian increment, no tag (§4.2). Its own inverse.
Bytes ctr_crypt(const Key16& key, ByteView data);

}  // namespace fe95::miwear
