// SPDX-License-Identifier: GPL-2.0-or-later
#include "mibeacon_frames.h"

#include <openssl/evp.h>

#include <cstring>
#include <memory>
#include <stdexcept>

namespace fe95::writer {

namespace {

// AES-128-CCM encryption with a 4-byte tag (OpenSSL EVP). Returns ciphertext, tag in tag.
Bytes ccm_encrypt(const std::uint8_t key[16], ByteView nonce, ByteView plain, Bytes& tag) {
  std::unique_ptr<EVP_CIPHER_CTX, decltype(&EVP_CIPHER_CTX_free)> ctx(EVP_CIPHER_CTX_new(), EVP_CIPHER_CTX_free);
  const std::uint8_t aad[1] = {0x11};
  Bytes out(plain.size());
  tag.assign(4, 0);
  int len = 0;
  if (!ctx || EVP_EncryptInit_ex(ctx.get(), EVP_aes_128_ccm(), nullptr, nullptr, nullptr) != 1 ||
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_CCM_SET_IVLEN, static_cast<int>(nonce.size()), nullptr) != 1 ||
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_CCM_SET_TAG, 4, nullptr) != 1 ||
      EVP_EncryptInit_ex(ctx.get(), nullptr, nullptr, key, nonce.data()) != 1 ||
      EVP_EncryptUpdate(ctx.get(), nullptr, &len, nullptr, static_cast<int>(plain.size())) != 1 ||
      EVP_EncryptUpdate(ctx.get(), nullptr, &len, aad, 1) != 1 ||
      EVP_EncryptUpdate(ctx.get(), out.data(), &len, plain.data(), static_cast<int>(plain.size())) != 1 ||
      EVP_EncryptFinal_ex(ctx.get(), out.data() + len, &len) != 1 ||
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_CCM_GET_TAG, 4, tag.data()) != 1)
    throw std::runtime_error("AES-CCM encryption failed");
  return out;
}

}  // namespace

Bytes mibeacon_object(std::uint16_t id, const Bytes& data) {
  Bytes o{static_cast<std::uint8_t>(id), static_cast<std::uint8_t>(id >> 8), static_cast<std::uint8_t>(data.size())};
  o.insert(o.end(), data.begin(), data.end());
  return o;
}

Bytes mibeacon_frame(const BeaconSpec& s) {
  const bool enc = s.beacon_key || s.bind_key;
  std::uint16_t fc = static_cast<std::uint16_t>(s.version << 12);
  if (enc) fc |= 1u << 3;
  if (s.include_mac) fc |= 1u << 4;
  if (s.capability) fc |= 1u << 5;
  if (!s.objects.empty()) fc |= 1u << 6;
  if (s.bind_key) fc |= 2u << 10;  // standard auth
  Bytes f{static_cast<std::uint8_t>(fc), static_cast<std::uint8_t>(fc >> 8), static_cast<std::uint8_t>(s.product_id),
          static_cast<std::uint8_t>(s.product_id >> 8), s.counter};
  if (s.include_mac) f.insert(f.end(), s.mac.le.begin(), s.mac.le.end());
  if (s.capability) {
    f.push_back(*s.capability);
    if (s.io_capability) {
      f.push_back(static_cast<std::uint8_t>(*s.io_capability));
      f.push_back(static_cast<std::uint8_t>(*s.io_capability >> 8));
    }
  }
  if (!enc) {
    f.insert(f.end(), s.objects.begin(), s.objects.end());
    return f;
  }
  const std::uint8_t ext[3] = {static_cast<std::uint8_t>(s.ext_counter), static_cast<std::uint8_t>(s.ext_counter >> 8),
                               static_cast<std::uint8_t>(s.ext_counter >> 16)};
  Bytes tag;
  if (s.beacon_key) {
    std::uint8_t key[16];
    std::memcpy(key, s.beacon_key->data(), 6);
    const std::uint8_t mid[4] = {0x8d, 0x3d, 0x3c, 0x97};
    std::memcpy(key + 6, mid, 4);
    std::memcpy(key + 10, s.beacon_key->data() + 6, 6);
    std::uint8_t nonce[13];
    std::memcpy(nonce, f.data(), 5);
    std::memcpy(nonce + 5, ext, 3);
    std::memcpy(nonce + 8, s.mac.le.data(), 5);
    Bytes ct = ccm_encrypt(key, ByteView(nonce, 13), s.objects, tag);
    f.insert(f.end(), ct.begin(), ct.end());
    f.insert(f.end(), ext, ext + 3);
    f.push_back(tag[0]);  // legacy frames carry one byte after the counter
  } else {
    std::uint8_t nonce[12];
    std::memcpy(nonce, s.mac.le.data(), 6);
    nonce[6] = static_cast<std::uint8_t>(s.product_id);
    nonce[7] = static_cast<std::uint8_t>(s.product_id >> 8);
    nonce[8] = s.counter;
    std::memcpy(nonce + 9, ext, 3);
    Bytes ct = ccm_encrypt(s.bind_key->data(), ByteView(nonce, 12), s.objects, tag);
    f.insert(f.end(), ct.begin(), ct.end());
    f.insert(f.end(), ext, ext + 3);
    f.insert(f.end(), tag.begin(), tag.end());
  }
  return f;
}

}  // namespace fe95::writer
