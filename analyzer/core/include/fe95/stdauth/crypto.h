// SPDX-License-Identifier: GPL-2.0-or-later
// Standard auth cryptography (docs/STANDARD_AUTH.md §3, §4, §5), all of it through OpenSSL's
// libcrypto: HKDF-SHA256, HMAC-SHA256, AES-128-CCM with a 4-byte MIC, P-256 points and ECDH. Only
// the protocol's own arrangements (the splits of the HKDF output, the nonces, the scooter's 55 AB
// frame) are written here.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>

#include "fe95/bytes.h"
#include "fe95/keys/types.h"

namespace fe95::stdauth {

using Key16 = std::array<std::uint8_t, 16>;
using Iv4 = std::array<std::uint8_t, 4>;
using Hash32 = std::array<std::uint8_t, 32>;
using Random16 = std::array<std::uint8_t, 16>;
using PublicKey = std::array<std::uint8_t, 64>;  // X || Y, big-endian, no 04 prefix (§4.3)

inline constexpr std::string_view kLoginInfo = "mible-login-info";
inline constexpr std::string_view kSetupInfo = "mible-setup-info";

// HKDF-SHA256 (RFC 5869); an empty salt is no salt. `out` is filled completely or false returned.
bool hkdf_sha256(ByteView ikm, ByteView salt, std::string_view info, std::span<std::uint8_t> out);
Hash32 hmac_sha256(ByteView key, ByteView msg);

// AES-128-CCM with a tag of tag_len bytes. Decryption returns nothing when the tag does not verify.
Bytes ccm_encrypt(const Key16& key, ByteView nonce, ByteView aad, ByteView plaintext, std::size_t tag_len);
std::optional<Bytes> ccm_decrypt(const Key16& key, ByteView nonce, ByteView aad, ByteView ciphertext_and_tag,
                                 std::size_t tag_len);

// P-256 (§4.3): whether X||Y is a point of the curve; the public key of a private scalar; the
// shared secret (X of d*P) of a private scalar and a public key. Test vectors and the capture
// writer use the last two; a passive observer has no private key.
bool on_p256(ByteView xy);
std::optional<PublicKey> p256_public(ByteView private_scalar32);
std::optional<Hash32> p256_ecdh(ByteView private_scalar32, ByteView peer_xy);

// Register (§4.3): HKDF(shared secret, no salt, "mible-setup-info", 64) split.
struct RegisterKeys {
  Token token{};
  Key16 bind_key{};
  Key16 did_key{};
};
RegisterKeys register_keys(const Hash32& shared_secret);
// The encrypted DID: AES-CCM(did_key, 10..1b, AAD "devID", tag 4) over the 20-byte padded DID.
Bytes encrypt_did(const Key16& did_key, ByteView did20);

// Login (§5.2): HKDF(token, app_random || dev_random, "mible-login-info", 64) split, and the two
// confirmations.
struct SessionKeys {
  Key16 dev_key{}, app_key{};
  Iv4 dev_iv{}, app_iv{};
};
SessionKeys login_keys(const Token& token, const Random16& app_random, const Random16& dev_random);
Hash32 device_confirmation(const SessionKeys& k, const Random16& app_random, const Random16& dev_random);
Hash32 app_confirmation(const SessionKeys& k, const Random16& app_random, const Random16& dev_random);

// Session encryption (§6.1): nonce = iv || 00000000 || counter (u32 LE), AES-128-CCM, MIC 4, no AAD.
std::array<std::uint8_t, 12> session_nonce(const Iv4& iv, std::uint32_t counter);
// A mi_session blob (§6.1): ctr_lo ctr_hi || ciphertext || MIC.
Bytes seal_blob(const Key16& key, const Iv4& iv, std::uint32_t counter, ByteView plaintext);

// The scooter's encrypted UART frame (§6.3): 55 AB L ctr(2) ct(L+5) MIC(4) checksum(2), L + 16 bytes.
// `command` is D T c data[L-2] (a 55 AA frame without 55 AA, L and checksum); the plaintext sealed
// is command || tail.
Bytes uart_seal(const Key16& key, const Iv4& iv, std::uint32_t counter, ByteView command, const Iv4& tail);
// The checksum of a 55 AA / 55 AB frame: ~sum(bytes from L to the byte before the checksum), LE.
std::uint16_t uart_checksum(ByteView from_len_to_end);

// Rebuilds a 32-bit counter from the 16 bits on air, given the last one accepted (§6.1: the newest
// SDK's rule, a wrap when the last low half was above 0x7fff and the new one is below 0x8000).
std::uint32_t extend_counter(std::optional<std::uint32_t> last, std::uint16_t low);

}  // namespace fe95::stdauth
