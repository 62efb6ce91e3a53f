// SPDX-License-Identifier: GPL-2.0-or-later
#include "fe95/miwear/crypto.h"

#include <openssl/evp.h>

#include <cstring>
#include <memory>

#include "fe95/stdauth/crypto.h"

namespace fe95::miwear {

namespace {

struct CtxFree {
  void operator()(EVP_CIPHER_CTX* c) const { EVP_CIPHER_CTX_free(c); }
};
using CipherCtxPtr = std::unique_ptr<EVP_CIPHER_CTX, CtxFree>;

// AES-128-CTR from a given initial counter block.
Bytes ctr(const Key16& key, const std::uint8_t* iv16, ByteView data) {
  Bytes out(data.size());
  if (data.empty()) return out;
  CipherCtxPtr ctx(EVP_CIPHER_CTX_new());
  int len = 0;
  if (!ctx || EVP_EncryptInit_ex(ctx.get(), EVP_aes_128_ctr(), nullptr, key.data(), iv16) != 1 ||
      EVP_EncryptUpdate(ctx.get(), out.data(), &len, data.data(), static_cast<int>(data.size())) != 1)
    return {};
  return out;
}

Hash32 proof(const Key16& key, ByteView first, ByteView second) {
  std::uint8_t msg[2 * kNonceLen];
  std::memcpy(msg, first.data(), kNonceLen);
  std::memcpy(msg + kNonceLen, second.data(), kNonceLen);
  return stdauth::hmac_sha256(key, msg);
}

}  // namespace

std::optional<SessionKeys> session_keys(const Key16& auth_key, ByteView phone_nonce, ByteView watch_nonce) {
  if (phone_nonce.size() != kNonceLen || watch_nonce.size() != kNonceLen) return std::nullopt;
  std::uint8_t salt[2 * kNonceLen];
  std::memcpy(salt, phone_nonce.data(), kNonceLen);
  std::memcpy(salt + kNonceLen, watch_nonce.data(), kNonceLen);
  SessionKeys k;
  if (!stdauth::hkdf_sha256(auth_key, salt, kAuthInfo, k.okm)) return std::nullopt;
  std::memcpy(k.dec_key.data(), k.okm.data(), 16);
  std::memcpy(k.enc_key.data(), k.okm.data() + 16, 16);
  std::memcpy(k.dec_nonce.data(), k.okm.data() + 32, 4);
  std::memcpy(k.enc_nonce.data(), k.okm.data() + 36, 4);
  return k;
}

Hash32 watch_proof(const SessionKeys& k, ByteView phone_nonce, ByteView watch_nonce) {
  if (phone_nonce.size() != kNonceLen || watch_nonce.size() != kNonceLen) return {};
  return proof(k.dec_key, watch_nonce, phone_nonce);
}

Hash32 phone_proof(const SessionKeys& k, ByteView phone_nonce, ByteView watch_nonce) {
  if (phone_nonce.size() != kNonceLen || watch_nonce.size() != kNonceLen) return {};
  return proof(k.enc_key, phone_nonce, watch_nonce);
}

std::array<std::uint8_t, 12> ccm_nonce(const Nonce4& prefix, std::uint32_t counter) {
  // The same layout as standard auth's session nonce (docs/STANDARD_AUTH.md §5).
  return stdauth::session_nonce(prefix, counter);
}

Bytes ccm_seal(const Key16& key, const Nonce4& prefix, std::uint32_t counter, ByteView plaintext) {
  const auto n = ccm_nonce(prefix, counter);
  return stdauth::ccm_encrypt(key, n, {}, plaintext, kTagLen);
}

Opened ccm_open(const Key16& key, const Nonce4& prefix, std::uint32_t counter, ByteView sealed) {
  Opened o;
  if (sealed.size() < kTagLen) {
    o.too_short = true;
    return o;
  }
  const auto n = ccm_nonce(prefix, counter);
  if (auto p = stdauth::ccm_decrypt(key, n, {}, sealed, kTagLen)) {
    o.plaintext = std::move(*p);
    o.tag_ok = true;
    return o;
  }
  // OpenSSL withholds the plaintext of a failed tag. CCM encrypts the payload in CTR mode from
  // counter block A1 = flags (L - 1 = 2) || nonce || 00 00 01 (RFC 3610 §2.3; L = 15 - 12 = 3),
  // so CTR from A1 gives the same bytes the device would have decrypted.
  std::uint8_t a1[16] = {0x02};
  std::memcpy(a1 + 1, n.data(), n.size());
  a1[15] = 0x01;
  o.plaintext = ctr(key, a1, sealed.first(sealed.size() - kTagLen));
  return o;
}

Bytes ctr_crypt(const Key16& key, ByteView data) {
  return ctr(key, key.data(), data);
}

}  // namespace fe95::miwear
