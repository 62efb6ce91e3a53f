// SPDX-License-Identifier: GPL-2.0-or-later
#include "fe95/miauth/solve.h"

#include <algorithm>
#include <cstring>

namespace fe95::miauth {

namespace {

// T1 ^ T2 is the mixB keystream of (MAC, product id): a chance match is a 2^-96 event.
std::optional<BdAddr> advertiser_of(ByteView t1, ByteView t2, const KeyStore& keys) {
  std::uint8_t x[12];
  for (std::size_t i = 0; i < 12; ++i) x[i] = static_cast<std::uint8_t>(t1[i] ^ t2[i]);
  for (const auto& [mac, pid] : keys.advertised()) {  // at most KeyStore::kMaxLearned
    std::uint8_t ks[12] = {};
    Rc4(mix_b(mac, pid)).apply(ks, 12);
    if (std::equal(ks, ks + 12, x)) return mac;
  }
  return std::nullopt;
}

}  // namespace

RegisterSolution solve_register(const RegisterSolution& before, const RegisterMessages& m, const KeyStore& keys) {
  RegisterSolution s = before;
  s.refuted.reset();
  if (m.t1.size() != 12) return s;
  if (!m.device && !s.device && m.t2.size() == 12) {
    // No connection event: try the devices seen advertising.
    if (auto mac = advertiser_of(m.t1, m.t2, keys)) {
      s.device = mac;
      s.device_source = Source::mibeacon;
    }
  }
  const std::optional<BdAddr> device = m.device ? m.device : s.device;
  if (!device) return s;
  const BdAddr& mac = *device;
  // 1. The product id: --pid or the keys file, then a read of 0x0002 on this link, then what the
  // run learned (MiBeacon adverts), then -- once T2 is there -- a search of all 65,536 ids.
  if (!s.product_id) {
    auto kp = keys.product_id(mac);
    if (kp && (kp->second == Source::option || kp->second == Source::keys_file)) {
      s.product_id = kp->first;
      s.product_id_source = kp->second;
    } else if (m.pid_read) {
      s.product_id = m.pid_read;
      s.product_id_source = Source::read_0002;
    } else if (kp) {
      s.product_id = kp->first;
      s.product_id_source = kp->second;
    }
  }
  // 2. T2 confirms the product id.
  if (m.t2.size() == 12 && !s.t2_verified) {
    const std::optional<std::uint16_t> claimed = s.product_id;
    const std::optional<Source> claimed_source = s.product_id_source;
    bool ok = claimed && t2_verifies(mac, *claimed, token_from_t1(mac, *claimed, m.t1), m.t2);
    if (!ok) {
      s.matches = search_product_ids(mac, m.t1, m.t2);
      if (!s.matches.empty()) {
        // Several ids can share a keystream only by chance; the lowest is taken.
        s.product_id = s.matches.front();
        s.product_id_source = Source::search;
        ok = true;
        if (claimed) s.refuted = std::make_pair(*claimed, *claimed_source);
      }
    }
    s.t2_verified = ok;
  }
  if (s.product_id) s.token = token_from_t1(mac, *s.product_id, m.t1);
  // 3. The client's final write: rc4(token, 92 ab 54 fa), or the plain constant.
  if (s.token && m.end.size() == 4 && s.end_form == EndForm::none) {
    if (equal(m.end, rc4<4>(*s.token, kRegisterEnd)))
      s.end_form = EndForm::encrypted;
    else if (equal(m.end, kRegisterEnd))
      s.end_form = EndForm::plain;
    else
      s.end_form = EndForm::mismatch;
  }
  return s;
}

LoginSolution solve_login(ByteView challenge, ByteView response, const std::vector<KeyStore::Candidate>& candidates) {
  LoginSolution out;
  if (challenge.size() < 4) return out;
  Word c{};
  std::memcpy(c.data(), challenge.data(), 4);
  for (const auto& cand : candidates) {
    const Word tick = rc4<4>(cand.token, c);
    const Token key = login_key(cand.token, tick);
    if (response.size() == 4 && !equal(rc4(key, response), kLoginResponse)) continue;
    if (response.size() != 4 && candidates.size() > 1) continue;  // cannot tell them apart yet
    out.token = cand.token;
    out.source = cand.source;
    out.tick = tick;
    out.session_key = key;
    break;
  }
  return out;
}

}  // namespace fe95::miauth
