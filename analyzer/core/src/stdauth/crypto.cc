// SPDX-License-Identifier: GPL-2.0-or-later
#include "fe95/stdauth/crypto.h"

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/kdf.h>
#include <openssl/obj_mac.h>

#include <cstring>
#include <memory>

namespace fe95::stdauth {

namespace {

template <auto Free>
struct Deleter {
  template <class T>
  void operator()(T* p) const {
    Free(p);
  }
};
using KdfPtr = std::unique_ptr<EVP_KDF, Deleter<EVP_KDF_free>>;
using KdfCtxPtr = std::unique_ptr<EVP_KDF_CTX, Deleter<EVP_KDF_CTX_free>>;
using CipherCtxPtr = std::unique_ptr<EVP_CIPHER_CTX, Deleter<EVP_CIPHER_CTX_free>>;
using GroupPtr = std::unique_ptr<EC_GROUP, Deleter<EC_GROUP_free>>;
using PointPtr = std::unique_ptr<EC_POINT, Deleter<EC_POINT_free>>;
using BnPtr = std::unique_ptr<BIGNUM, Deleter<BN_free>>;

// The P-256 group, built once per thread.
const EC_GROUP* p256() {
  thread_local GroupPtr group(EC_GROUP_new_by_curve_name(NID_X9_62_prime256v1));
  return group.get();
}

PointPtr point_from(ByteView xy) {
  if (xy.size() != 64) return nullptr;
  std::uint8_t octets[65];
  octets[0] = 0x04;  // uncompressed (SEC 1 §2.3.3)
  std::memcpy(octets + 1, xy.data(), 64);
  PointPtr p(EC_POINT_new(p256()));
  if (!p || EC_POINT_oct2point(p256(), p.get(), octets, sizeof octets, nullptr) != 1 ||
      EC_POINT_is_on_curve(p256(), p.get(), nullptr) != 1)
    return nullptr;
  return p;
}

// The scalar as a BIGNUM in [1, n-1], or null.
BnPtr scalar_from(ByteView d) {
  if (d.size() != 32) return nullptr;
  BnPtr bn(BN_bin2bn(d.data(), 32, nullptr));
  if (!bn || BN_is_zero(bn.get()) || BN_cmp(bn.get(), EC_GROUP_get0_order(p256())) >= 0) return nullptr;
  return bn;
}

bool coordinates(const EC_POINT* p, std::uint8_t* x32, std::uint8_t* y32) {
  BnPtr x(BN_new()), y(BN_new());
  if (!x || !y || EC_POINT_get_affine_coordinates(p256(), p, x.get(), y.get(), nullptr) != 1) return false;
  return BN_bn2binpad(x.get(), x32, 32) == 32 && (!y32 || BN_bn2binpad(y.get(), y32, 32) == 32);
}

}  // namespace

bool hkdf_sha256(ByteView ikm, ByteView salt, std::string_view info, std::span<std::uint8_t> out) {
  KdfPtr kdf(EVP_KDF_fetch(nullptr, "HKDF", nullptr));
  if (!kdf) return false;
  KdfCtxPtr ctx(EVP_KDF_CTX_new(kdf.get()));
  if (!ctx) return false;
  char digest[] = "SHA256";
  OSSL_PARAM params[5];
  std::size_t n = 0;
  params[n++] = OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST, digest, 0);
  params[n++] =
      OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_KEY, const_cast<std::uint8_t*>(ikm.data()), ikm.size());
  if (!salt.empty())
    params[n++] =
        OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SALT, const_cast<std::uint8_t*>(salt.data()), salt.size());
  params[n++] = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_INFO, const_cast<char*>(info.data()), info.size());
  params[n] = OSSL_PARAM_construct_end();
  return EVP_KDF_derive(ctx.get(), out.data(), out.size(), params) == 1;
}

Hash32 hmac_sha256(ByteView key, ByteView msg) {
  Hash32 out{};
  unsigned len = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()), msg.data(), msg.size(), out.data(), &len);
  return out;
}

Bytes ccm_encrypt(const Key16& key, ByteView nonce, ByteView aad, ByteView plaintext, std::size_t tag_len) {
  CipherCtxPtr ctx(EVP_CIPHER_CTX_new());
  Bytes out(plaintext.size() + tag_len);
  int len = 0;
  if (!ctx || EVP_EncryptInit_ex(ctx.get(), EVP_aes_128_ccm(), nullptr, nullptr, nullptr) != 1 ||
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_CCM_SET_IVLEN, static_cast<int>(nonce.size()), nullptr) != 1 ||
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_CCM_SET_TAG, static_cast<int>(tag_len), nullptr) != 1 ||
      EVP_EncryptInit_ex(ctx.get(), nullptr, nullptr, key.data(), nonce.data()) != 1 ||
      EVP_EncryptUpdate(ctx.get(), nullptr, &len, nullptr, static_cast<int>(plaintext.size())) != 1 ||
      (!aad.empty() && EVP_EncryptUpdate(ctx.get(), nullptr, &len, aad.data(), static_cast<int>(aad.size())) != 1) ||
      EVP_EncryptUpdate(ctx.get(), out.data(), &len, plaintext.data(), static_cast<int>(plaintext.size())) != 1 ||
      EVP_EncryptFinal_ex(ctx.get(), out.data() + len, &len) != 1 ||
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_CCM_GET_TAG, static_cast<int>(tag_len), out.data() + plaintext.size()) !=
          1)
    return {};
  return out;
}

std::optional<Bytes> ccm_decrypt(const Key16& key, ByteView nonce, ByteView aad, ByteView ct, std::size_t tag_len) {
  if (ct.size() < tag_len || nonce.size() < 7 || nonce.size() > 13) return std::nullopt;
  const std::size_t n = ct.size() - tag_len;
  CipherCtxPtr ctx(EVP_CIPHER_CTX_new());
  Bytes out(n);
  int len = 0;
  if (!ctx || EVP_DecryptInit_ex(ctx.get(), EVP_aes_128_ccm(), nullptr, nullptr, nullptr) != 1 ||
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_CCM_SET_IVLEN, static_cast<int>(nonce.size()), nullptr) != 1 ||
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_CCM_SET_TAG, static_cast<int>(tag_len),
                          const_cast<std::uint8_t*>(ct.data() + n)) != 1 ||
      EVP_DecryptInit_ex(ctx.get(), nullptr, nullptr, key.data(), nonce.data()) != 1 ||
      EVP_DecryptUpdate(ctx.get(), nullptr, &len, nullptr, static_cast<int>(n)) != 1 ||
      (!aad.empty() && EVP_DecryptUpdate(ctx.get(), nullptr, &len, aad.data(), static_cast<int>(aad.size())) != 1))
    return std::nullopt;
  // CCM checks the tag in this call (no Final): it fails when the MIC does not verify.
  std::uint8_t dummy = 0;
  if (EVP_DecryptUpdate(ctx.get(), n ? out.data() : &dummy, &len, ct.data(), static_cast<int>(n)) != 1)
    return std::nullopt;
  return out;
}

bool on_p256(ByteView xy) {
  return point_from(xy) != nullptr;
}

std::optional<PublicKey> p256_public(ByteView d) {
  BnPtr k = scalar_from(d);
  PointPtr p(EC_POINT_new(p256()));
  PublicKey out{};
  if (!k || !p || EC_POINT_mul(p256(), p.get(), k.get(), nullptr, nullptr, nullptr) != 1 ||
      !coordinates(p.get(), out.data(), out.data() + 32))
    return std::nullopt;
  return out;
}

std::optional<Hash32> p256_ecdh(ByteView d, ByteView peer_xy) {
  BnPtr k = scalar_from(d);
  PointPtr peer = point_from(peer_xy);
  PointPtr r(EC_POINT_new(p256()));
  Hash32 out{};
  if (!k || !peer || !r || EC_POINT_mul(p256(), r.get(), nullptr, peer.get(), k.get(), nullptr) != 1 ||
      !coordinates(r.get(), out.data(), nullptr))
    return std::nullopt;
  return out;
}

RegisterKeys register_keys(const Hash32& shared) {
  std::array<std::uint8_t, 64> okm{};
  hkdf_sha256(shared, {}, kSetupInfo, okm);
  RegisterKeys k;
  std::memcpy(k.token.data(), okm.data(), 12);
  std::memcpy(k.bind_key.data(), okm.data() + 12, 16);
  std::memcpy(k.did_key.data(), okm.data() + 28, 16);
  return k;
}

Bytes encrypt_did(const Key16& did_key, ByteView did20) {
  static constexpr std::uint8_t kNonce[12] = {0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17, 0x18, 0x19, 0x1a, 0x1b};
  static constexpr std::uint8_t kAad[5] = {'d', 'e', 'v', 'I', 'D'};
  return ccm_encrypt(did_key, kNonce, kAad, did20, 4);
}

SessionKeys login_keys(const Token& token, const Random16& app_random, const Random16& dev_random) {
  std::uint8_t salt[32];
  std::memcpy(salt, app_random.data(), 16);
  std::memcpy(salt + 16, dev_random.data(), 16);
  std::array<std::uint8_t, 64> okm{};
  hkdf_sha256(token, salt, kLoginInfo, okm);
  SessionKeys k;
  std::memcpy(k.dev_key.data(), okm.data(), 16);
  std::memcpy(k.app_key.data(), okm.data() + 16, 16);
  std::memcpy(k.dev_iv.data(), okm.data() + 32, 4);
  std::memcpy(k.app_iv.data(), okm.data() + 36, 4);
  return k;
}

namespace {
Hash32 confirmation(const Key16& key, const Random16& first, const Random16& second) {
  std::uint8_t msg[32];
  std::memcpy(msg, first.data(), 16);
  std::memcpy(msg + 16, second.data(), 16);
  return hmac_sha256(key, msg);
}
}  // namespace

Hash32 device_confirmation(const SessionKeys& k, const Random16& app_random, const Random16& dev_random) {
  return confirmation(k.dev_key, dev_random, app_random);
}
Hash32 app_confirmation(const SessionKeys& k, const Random16& app_random, const Random16& dev_random) {
  return confirmation(k.app_key, app_random, dev_random);
}

std::array<std::uint8_t, 12> session_nonce(const Iv4& iv, std::uint32_t counter) {
  std::array<std::uint8_t, 12> n{};
  std::memcpy(n.data(), iv.data(), 4);
  for (std::size_t i = 0; i < 4; ++i) n[8 + i] = static_cast<std::uint8_t>(counter >> (8 * i));
  return n;
}

Bytes seal_blob(const Key16& key, const Iv4& iv, std::uint32_t counter, ByteView plaintext) {
  const auto nonce = session_nonce(iv, counter);
  Bytes out = ccm_encrypt(key, nonce, {}, plaintext, 4);
  const std::uint8_t ctr[2] = {static_cast<std::uint8_t>(counter), static_cast<std::uint8_t>(counter >> 8)};
  out.insert(out.begin(), ctr, ctr + 2);
  return out;
}

std::uint16_t uart_checksum(ByteView bytes) {
  std::uint32_t sum = 0;
  for (const std::uint8_t b : bytes) sum += b;
  return static_cast<std::uint16_t>(~sum);
}

Bytes uart_seal(const Key16& key, const Iv4& iv, std::uint32_t counter, ByteView command, const Iv4& tail) {
  Bytes pt(command.begin(), command.end());
  pt.insert(pt.end(), tail.begin(), tail.end());
  const auto nonce = session_nonce(iv, counter);
  Bytes out = ccm_encrypt(key, nonce, {}, pt, 4);
  const std::uint8_t head[5] = {0x55, 0xab, static_cast<std::uint8_t>(command.size() - 1),
                                static_cast<std::uint8_t>(counter), static_cast<std::uint8_t>(counter >> 8)};
  out.insert(out.begin(), head, head + 5);
  const std::uint16_t ck = uart_checksum(ByteView(out).subspan(2));
  out.push_back(static_cast<std::uint8_t>(ck));
  out.push_back(static_cast<std::uint8_t>(ck >> 8));
  return out;
}

std::uint32_t extend_counter(std::optional<std::uint32_t> last, std::uint16_t low) {
  if (!last) return low;
  std::uint32_t high = *last & 0xffff0000u;
  if ((*last & 0xffffu) > 0x7fff && low < 0x8000) high += 0x10000;
  return high | low;
}

}  // namespace fe95::stdauth
