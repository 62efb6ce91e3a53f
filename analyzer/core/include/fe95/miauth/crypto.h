// SPDX-License-Identifier: GPL-2.0-or-later
// The Mi auth primitives (docs/PROTOCOL.md §3): RC4, mixA, mixB, and the constants of §1/§4 as they
// are on the wire, plus the 2019 draft's byte order so that clients written from it are recognised.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <vector>

#include "fe95/bytes.h"
#include "fe95/keys/types.h"

namespace fe95::miauth {

using fe95::Token;
using Mix = std::array<std::uint8_t, 8>;
using Word = std::array<std::uint8_t, 4>;

// On the wire (u32 little-endian, docs/PROTOCOL.md §1).
inline constexpr Word kRegisterStart{0x90, 0xca, 0x85, 0xde};
inline constexpr Word kRegisterEnd{0x92, 0xab, 0x54, 0xfa};
inline constexpr Word kLoginStart{0x00, 0xbc, 0x43, 0xcd};
inline constexpr Word kLoginResponse{0x09, 0xac, 0xbf, 0x93};
inline constexpr Word kLoginConfirm{0xc9, 0x58, 0x9a, 0x36};
inline constexpr Word kBondOk{0x30, 0xb1, 0x61, 0xac};
inline constexpr Word kBondFailed{0x30, 0xbf, 0x41, 0xe9};
// The 2019 draft printed every constant big-endian; clients written from it send these.
inline constexpr Word kDraftRegisterStart{0xde, 0x85, 0xca, 0x90};
inline constexpr Word kDraftRegisterEnd{0xfa, 0x54, 0xab, 0x92};
inline constexpr Word kDraftLoginStart{0xcd, 0x43, 0xbc, 0x00};
inline constexpr Word kDraftLoginResponse{0x93, 0xbf, 0xac, 0x09};

// RC4 keystream generator: KSA over the key, then PRGA. The state restarts for every message.
//
// The key schedule (256 dependent steps) costs far more than the few bytes a Mi auth message
// needs, and a session uses the same three or four keys for every message (mixA, mixB, the token,
// the login key), and a device's mixA, mixB and token come back at every register and login.
// Rc4(key) therefore starts from a copy of a cached post-KSA state (kCachedSchedules keys per
// thread, the least recently used replaced) and runs the schedule only for a key it has not
// seen recently. The cache is invisible: the keystream is the same either way.
class Rc4 {
 public:
  static constexpr std::size_t kCachedSchedules = 256;
  explicit Rc4(ByteView key);
  // XORs the next keystream bytes into data.
  void apply(std::uint8_t* data, std::size_t n);
  // Key schedules run on this thread so far (cache misses): tests and benchmarks count them.
  static std::uint64_t schedules_run();

 private:
  struct Fresh {};
  Rc4(Fresh, ByteView key);
  std::uint8_t s_[256];
  std::uint8_t i_ = 0, j_ = 0;
};

Bytes rc4(ByteView key, ByteView data);
template <std::size_t N>
std::array<std::uint8_t, N> rc4(ByteView key, const std::array<std::uint8_t, N>& data) {
  std::array<std::uint8_t, N> out = data;
  Rc4(key).apply(out.data(), N);
  return out;
}

// mac is in over-the-air order (BdAddr::le): m0 is the last printed octet.
Mix mix_a(const BdAddr& mac, std::uint16_t pid);
Mix mix_b(const BdAddr& mac, std::uint16_t pid);

// Register: token = rc4(mixA, T1); T2 verifies when rc4(mixB, rc4(mixA, T2)) == token.
Token token_from_t1(const BdAddr& mac, std::uint16_t pid, ByteView t1);
bool t2_verifies(const BdAddr& mac, std::uint16_t pid, const Token& token, ByteView t2);
// The device's answer for a token: T2 = rc4(mixA, rc4(mixB, token)).
Token make_t2(const BdAddr& mac, std::uint16_t pid, const Token& token);

// Every product id under which T2 answers T1 for this MAC, ascending. Searches all 65,536 ids;
// T1 ^ T2 is the mixB keystream, so no token is needed to test an id.
std::vector<std::uint16_t> search_product_ids(const BdAddr& mac, ByteView t1, ByteView t2);

// Login (docs/PROTOCOL.md §4): tick = rc4(token, challenge); key = (token[0:4] ^ tick) || token[4:12].
Token login_key(const Token& token, const Word& tick);

}  // namespace fe95::miauth
