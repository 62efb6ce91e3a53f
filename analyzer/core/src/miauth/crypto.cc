// SPDX-License-Identifier: GPL-2.0-or-later
#include "fe95/miauth/crypto.h"

#include <cstring>
#include <numeric>

namespace fe95::miauth {

namespace {

struct Identity {
  std::uint8_t s[256];
  constexpr Identity() : s() {
    for (int i = 0; i < 256; ++i) s[i] = static_cast<std::uint8_t>(i);
  }
};
constexpr Identity kIdentity;

// KSA for a key of any length; the search below inlines the 8-byte case.
inline void ksa(std::uint8_t* s, const std::uint8_t* key, std::size_t len) {
  std::memcpy(s, kIdentity.s, 256);
  std::uint8_t j = 0;
  std::size_t k = 0;
  for (int i = 0; i < 256; ++i) {
    j = static_cast<std::uint8_t>(j + s[i] + key[k]);
    if (++k == len) k = 0;
    std::swap(s[i], s[j]);
  }
}

// Four KSAs at once. Each KSA is one long dependency chain through j and the state; four
// independent chains in one loop let the CPU overlap them (about 2.5x faster than one at a time).
// Returns a bit per lane whose first n keystream bytes equal want.
inline unsigned keystream8_equals_x4(const std::uint8_t* const key[4], const std::uint8_t* want, std::size_t n) {
  alignas(64) std::uint8_t s[4][256];
  for (auto& lane : s) std::memcpy(lane, kIdentity.s, 256);
  std::uint8_t j0 = 0, j1 = 0, j2 = 0, j3 = 0;
  for (int i = 0; i < 256; ++i) {
    const int k = i & 7;
    j0 = static_cast<std::uint8_t>(j0 + s[0][i] + key[0][k]);
    j1 = static_cast<std::uint8_t>(j1 + s[1][i] + key[1][k]);
    j2 = static_cast<std::uint8_t>(j2 + s[2][i] + key[2][k]);
    j3 = static_cast<std::uint8_t>(j3 + s[3][i] + key[3][k]);
    std::swap(s[0][i], s[0][j0]);
    std::swap(s[1][i], s[1][j1]);
    std::swap(s[2][i], s[2][j2]);
    std::swap(s[3][i], s[3][j3]);
  }
  unsigned match = 0;
  for (int lane = 0; lane < 4; ++lane) {
    std::uint8_t* st = s[lane];
    std::uint8_t a = 0, b = 0;
    bool ok = true;
    for (std::size_t q = 0; q < n && ok; ++q) {
      a = static_cast<std::uint8_t>(a + 1);
      b = static_cast<std::uint8_t>(b + st[a]);
      std::swap(st[a], st[b]);
      ok = st[static_cast<std::uint8_t>(st[a] + st[b])] == want[q];
    }
    if (ok) match |= 1u << lane;
  }
  return match;
}

}  // namespace

namespace {

// The post-KSA states of recently used keys (up to 16 bytes: Mi auth keys are 4, 8 and 12):
// 64 sets of 4 ways, least recently used way replaced. 256 states, 64 KiB per thread: enough for
// the mixA, mixB and token of a few dozen devices that a gateway or a test bench talks to in turn.
struct ScheduleCache {
  static constexpr std::size_t kMaxKey = 16, kSets = Rc4::kCachedSchedules / 4, kWays = 4;
  struct Way {
    std::uint8_t len = 0;  // key length + 1; 0: empty
    std::uint8_t key[kMaxKey] = {};
    std::uint64_t used = 0;
  };
  Way ways[kSets][kWays];
  std::uint8_t states[kSets][kWays][256];
  std::uint64_t clock = 0, misses = 0;
};

thread_local ScheduleCache t_cache;

std::size_t set_of(ByteView key) {
  std::uint32_t h = 2166136261u;  // FNV-1a
  for (const std::uint8_t b : key) h = (h ^ b) * 16777619u;
  return (h ^ (h >> 16)) % ScheduleCache::kSets;
}

}  // namespace

std::uint64_t Rc4::schedules_run() {
  return t_cache.misses;
}

Rc4::Rc4(Fresh, ByteView key) {
  ++t_cache.misses;
  if (key.empty()) {
    std::memcpy(s_, kIdentity.s, 256);
    return;
  }
  ksa(s_, key.data(), key.size());
}

Rc4::Rc4(ByteView key) {
  ScheduleCache& c = t_cache;
  if (key.size() > ScheduleCache::kMaxKey) {
    *this = Rc4(Fresh{}, key);
    return;
  }
  const std::size_t set = set_of(key);
  auto& ways = c.ways[set];
  std::size_t victim = 0;
  for (std::size_t w = 0; w < ScheduleCache::kWays; ++w) {
    if (ways[w].len == key.size() + 1 && (key.empty() || std::memcmp(ways[w].key, key.data(), key.size()) == 0)) {
      ways[w].used = ++c.clock;
      std::memcpy(s_, c.states[set][w], 256);
      return;
    }
    if (ways[w].used < ways[victim].used) victim = w;
  }
  *this = Rc4(Fresh{}, key);
  ways[victim].len = static_cast<std::uint8_t>(key.size() + 1);
  if (!key.empty()) std::memcpy(ways[victim].key, key.data(), key.size());
  ways[victim].used = ++c.clock;
  std::memcpy(c.states[set][victim], s_, 256);
}

void Rc4::apply(std::uint8_t* data, std::size_t n) {
  for (std::size_t k = 0; k < n; ++k) {
    i_ = static_cast<std::uint8_t>(i_ + 1);
    j_ = static_cast<std::uint8_t>(j_ + s_[i_]);
    std::swap(s_[i_], s_[j_]);
    data[k] ^= s_[static_cast<std::uint8_t>(s_[i_] + s_[j_])];
  }
}

Bytes rc4(ByteView key, ByteView data) {
  Bytes out(data.begin(), data.end());
  Rc4(key).apply(out.data(), out.size());
  return out;
}

Mix mix_a(const BdAddr& mac, std::uint16_t pid) {
  const auto& m = mac.le;
  const auto lo = static_cast<std::uint8_t>(pid & 0xff);
  return {m[0], m[2], m[5], lo, lo, m[4], m[5], m[1]};
}

Mix mix_b(const BdAddr& mac, std::uint16_t pid) {
  const auto& m = mac.le;
  return {m[0], m[2], m[5], static_cast<std::uint8_t>(pid >> 8),
          m[4], m[0], m[5], static_cast<std::uint8_t>(pid & 0xff)};
}

Token token_from_t1(const BdAddr& mac, std::uint16_t pid, ByteView t1) {
  Token t{};
  std::memcpy(t.data(), t1.data(), std::min<std::size_t>(t1.size(), 12));
  Rc4(mix_a(mac, pid)).apply(t.data(), 12);
  return t;
}

bool t2_verifies(const BdAddr& mac, std::uint16_t pid, const Token& token, ByteView t2) {
  if (t2.size() < 12) return false;
  Token x{};
  std::memcpy(x.data(), t2.data(), 12);
  Rc4(mix_a(mac, pid)).apply(x.data(), 12);
  Rc4(mix_b(mac, pid)).apply(x.data(), 12);
  return x == token;
}

Token make_t2(const BdAddr& mac, std::uint16_t pid, const Token& token) {
  Token x = token;
  Rc4(mix_b(mac, pid)).apply(x.data(), 12);
  Rc4(mix_a(mac, pid)).apply(x.data(), 12);
  return x;
}

std::vector<std::uint16_t> search_product_ids(const BdAddr& mac, ByteView t1, ByteView t2) {
  std::vector<std::uint16_t> found;
  if (t1.size() < 12 || t2.size() < 12) return found;
  // T1 = token ^ ksA and T2 = token ^ ksB ^ ksA, so T1 ^ T2 is the mixB keystream itself:
  // mixA and the token cancel, and each candidate costs one KSA plus an early-exit compare.
  std::uint8_t want[12];
  for (int i = 0; i < 12; ++i)
    want[i] = static_cast<std::uint8_t>(t1[static_cast<std::size_t>(i)] ^ t2[static_cast<std::size_t>(i)]);
  for (unsigned pid = 0; pid < 65536; pid += 4) {
    Mix k[4];
    const std::uint8_t* keys[4];
    for (unsigned l = 0; l < 4; ++l) {
      k[l] = mix_b(mac, static_cast<std::uint16_t>(pid + l));
      keys[l] = k[l].data();
    }
    const unsigned m = keystream8_equals_x4(keys, want, 12);
    for (unsigned l = 0; l < 4; ++l)
      if (m & (1u << l)) found.push_back(static_cast<std::uint16_t>(pid + l));
  }
  return found;
}

Token login_key(const Token& token, const Word& tick) {
  Token k = token;
  for (int i = 0; i < 4; ++i) k[static_cast<std::size_t>(i)] ^= tick[static_cast<std::size_t>(i)];
  return k;
}

}  // namespace fe95::miauth
