// SPDX-License-Identifier: GPL-2.0-or-later
#include "fe95/keys/keys.h"

#include <algorithm>
#include <charconv>

namespace fe95 {

namespace {

template <std::size_t N>
std::optional<std::array<std::uint8_t, N>> fixed_hex(std::string_view text) {
  if (text.size() != 2 * N) return std::nullopt;  // exactly N bytes, no separators
  auto b = parse_hex(text);
  if (!b || b->size() != N) return std::nullopt;
  std::array<std::uint8_t, N> out{};
  std::copy(b->begin(), b->end(), out.begin());
  return out;
}

// Splits one UAT line: fields are "quoted strings" (with \\, \" and \xNN escapes) or bare hex.
std::optional<std::string> split_uat(std::string_view line, std::vector<std::string>& fields) {
  fields.clear();
  std::size_t i = 0;
  for (;;) {
    while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
    std::string field;
    if (i < line.size() && line[i] == '"') {
      ++i;
      bool closed = false;
      while (i < line.size()) {
        char c = line[i++];
        if (c == '"') {
          closed = true;
          break;
        }
        if (c == '\\' && i < line.size()) {
          char e = line[i++];
          if (e == 'x' && i + 2 <= line.size()) {
            // Exactly two hex digits (parse_hex alone would accept separators and give no byte:
            // found by fuzz_keys).
            auto v = parse_hex(line.substr(i, 2));
            if (!v || v->size() != 1) return "bad \\x escape";
            field.push_back(static_cast<char>((*v)[0]));
            i += 2;
          } else {
            field.push_back(e);
          }
          continue;
        }
        field.push_back(c);
      }
      if (!closed) return "unterminated quoted field";
    } else {
      std::size_t start = i;
      while (i < line.size() && line[i] != ',') ++i;
      field = std::string(trim(line.substr(start, i - start)));
    }
    fields.push_back(std::move(field));
    while (i < line.size() && (line[i] == ' ' || line[i] == '\t' || line[i] == '\r')) ++i;
    if (i >= line.size()) return std::nullopt;
    if (line[i] != ',') return "expected ',' after field " + std::to_string(fields.size());
    ++i;
  }
}

}  // namespace

std::optional<Token> parse_token(std::string_view text) {
  return fixed_hex<12>(trim(text));
}

std::optional<BeaconKey> parse_beacon_key(std::string_view text) {
  text = trim(text);
  if (text.size() == 32) {
    std::string tail(text.substr(24));
    std::transform(tail.begin(), tail.end(), tail.begin(), [](char c) { return static_cast<char>(std::toupper(c)); });
    if (tail != "FFFFFFFF") return std::nullopt;
    text = text.substr(0, 24);
  }
  return fixed_hex<12>(text);
}

std::optional<BindKey> parse_bind_key(std::string_view text) {
  return fixed_hex<16>(trim(text));
}

std::optional<AuthKey> parse_auth_key(std::string_view text) {
  text = trim(text);
  if (text.size() > 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X')) text.remove_prefix(2);
  return fixed_hex<16>(text);
}

std::optional<std::uint16_t> parse_product_id(std::string_view text) {
  text = trim(text);
  int base = 10;
  if (text.size() > 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X')) {
    base = 16;
    text.remove_prefix(2);
  }
  if (text.empty()) return std::nullopt;
  unsigned long v = 0;
  auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), v, base);
  if (ec != std::errc() || p != text.data() + text.size() || v > 0xffff) return std::nullopt;
  return static_cast<std::uint16_t>(v);
}

std::optional<KeysError> parse_keys(std::string_view text, std::vector<KeyEntry>& out) {
  std::size_t line_no = 0;
  std::vector<std::string> f;
  while (!text.empty()) {
    const std::size_t nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    text = nl == std::string_view::npos ? std::string_view{} : text.substr(nl + 1);
    ++line_no;
    line = trim(line);
    if (line.empty() || line[0] == '#') continue;
    auto err = [&](std::string m) { return KeysError{line_no, std::move(m), {}}; };
    if (auto e = split_uat(line, f)) return err(*e);
    // Five columns (files written before the wearables' auth key) or six.
    if (f.size() != 5 && f.size() != 6)
      return err("expected 6 fields (mac, product_id, token, beacon_key, bind_key, auth_key), or the first 5, found " +
                 std::to_string(f.size()));
    KeyEntry e;
    if (!f[0].empty() && !(e.mac = BdAddr::parse(f[0]))) return err("mac \"" + f[0] + "\" is not AA:BB:CC:DD:EE:FF");
    if (!f[1].empty() && !(e.product_id = parse_product_id(f[1])))
      return err("product_id \"" + f[1] + "\" is not a number from 0 to 65535");
    if (!f[2].empty() && !(e.token = parse_token(f[2]))) return err("token \"" + f[2] + "\" is not 24 hex digits");
    if (!f[3].empty() && !(e.beacon_key = parse_beacon_key(f[3])))
      return err("beacon_key \"" + f[3] + "\" is not 24 hex digits (optionally followed by FFFFFFFF)");
    if (!f[4].empty() && !(e.bind_key = parse_bind_key(f[4])))
      return err("bind_key \"" + f[4] + "\" is not 32 hex digits");
    if (f.size() > 5 && !f[5].empty() && !(e.auth_key = parse_auth_key(f[5])))
      return err("auth_key \"" + f[5] + "\" is not 32 hex digits");
    out.push_back(e);
  }
  return std::nullopt;
}

std::string format_key_line(const KeyEntry& e) {
  auto q = [](const std::string& s) { return "\"" + s + "\""; };
  return q(e.mac ? e.mac->str() : "") + "," + q(e.product_id ? std::to_string(*e.product_id) : "") + "," +
         q(e.token ? to_hex(*e.token) : "") + "," + q(e.beacon_key ? to_hex(*e.beacon_key) : "") + "," +
         q(e.bind_key ? to_hex(*e.bind_key) : "") + "," + q(e.auth_key ? to_hex(*e.auth_key) : "");
}

std::string format_keys(const std::vector<KeyEntry>& entries) {
  std::string out = "# fe95 keys: mac, product_id, token, beacon_key, bind_key, auth_key (Wireshark UAT format)\n";
  for (const auto& e : entries) out += format_key_line(e) + "\n";
  return out;
}

std::vector<KeyEntry> merge_keys(const std::vector<KeyEntry>& existing, const std::vector<KeyEntry>& learned) {
  std::vector<KeyEntry> out = existing;
  for (const auto& l : learned) {
    if (std::find(out.begin(), out.end(), l) != out.end()) continue;
    bool merged = false;
    for (auto& e : out) {
      if (!e.mac || !l.mac || *e.mac != *l.mac) continue;
      auto fits = [](const auto& have, const auto& add) { return !have || !add || *have == *add; };
      if (!fits(e.product_id, l.product_id) || !fits(e.token, l.token) || !fits(e.beacon_key, l.beacon_key) ||
          !fits(e.bind_key, l.bind_key) || !fits(e.auth_key, l.auth_key))
        continue;  // conflicts: keep both lines
      if (!e.product_id) e.product_id = l.product_id;
      if (!e.token) e.token = l.token;
      if (!e.beacon_key) e.beacon_key = l.beacon_key;
      if (!e.bind_key) e.bind_key = l.bind_key;
      if (!e.auth_key) e.auth_key = l.auth_key;
      merged = true;
      break;
    }
    if (!merged) out.push_back(l);
  }
  return out;
}

namespace {
constexpr Term kSources[] = {
    {"option", "an option (fe95 --token, --pid, --mac; Wireshark: the MiAuth token preference)",
     "given by the user for this run"},
    {"keys_file", "the keys file (Wireshark: the MiAuth key table)", "a line of the keys file"},
    {"register_session", "a register session in this capture", "recovered from a verified register's T1"},
    {"read_0002", "a read of characteristic 0x0002", "the device's product id, read in clear"},
    {"mibeacon", "the device's MiBeacon adverts", "the product id (or MAC) field of the device's adverts"},
    {"search", "a search of all 65,536 product ids", "the one product id under which T2 answers T1"},
    {"login", "a login in this capture", "a token a verified login proved"},
    {"given_as_token", "a key given as a token (fe95 --token, --token-file, the keys file's token column)",
     "given as a token, it fits this role instead: fe95 used it here"},
    {"given_as_beacon_key", "a key given as a beacon key (the keys file's beacon_key column)",
     "given as the device's beacon key, it fits this role instead: fe95 used it here"},
    {"given_as_bind_key", "a key given as a bind key (fe95 --bindkey; Wireshark: the key table)",
     "given as the device's bind key, it fits this role instead: fe95 used it here"},
};
}  // namespace

std::span<const Term> source_terms() {
  static_assert(std::size(kSources) == static_cast<std::size_t>(Source::given_as_bind_key) + 1, "one word per source");
  return kSources;
}

const KeyStore::Device* KeyStore::configured(const BdAddr& mac) const {
  auto it = devices_.find(mac.key());
  return it == devices_.end() ? nullptr : &it->second;
}

KeyStore::Device& KeyStore::learned_device(const BdAddr& mac) {
  Device& d = learned_.get(mac.key());
  d.mac = mac;
  return d;
}

void KeyStore::add_entry(const KeyEntry& e, Source src) {
  if (!e.mac) {
    unnamed_.push_back(e);
    return;
  }
  auto [it, inserted] = devices_.try_emplace(e.mac->key());
  Device& d = it->second;
  if (inserted) d.mac = *e.mac;
  if (e.product_id && !d.pid) d.pid = std::make_pair(*e.product_id, src);
  if (e.token) d.tokens.push_back({*e.token, src});
  if (e.beacon_key) {
    d.beacon_key = e.beacon_key;
    d.beacon_key_source = src;
  }
  if (e.bind_key) d.bind_key = e.bind_key;
  if (e.auth_key &&
      std::none_of(d.auth_keys.begin(), d.auth_keys.end(), [&](const auto& k) { return k.first == *e.auth_key; }))
    d.auth_keys.emplace_back(*e.auth_key, src);
}

std::optional<std::pair<std::uint16_t, Source>> KeyStore::product_id(const std::optional<BdAddr>& mac) const {
  if (option_pid_) return std::make_pair(*option_pid_, Source::option);
  if (!mac) return std::nullopt;
  if (const Device* d = configured(*mac); d && d->pid) return d->pid;
  if (const Device* d = learned(*mac); d && d->pid) return d->pid;
  return std::nullopt;
}

std::vector<KeyStore::Candidate> KeyStore::tokens(const std::optional<BdAddr>& mac) const {
  std::vector<Candidate> out;
  auto add = [&](const Token& t, Source s) {
    for (const auto& c : out)
      if (c.token == t) return;
    out.push_back({t, s});
  };
  if (mac) {
    // What the run proved first (a fresh register replaces what the device held), then the
    // device's configured tokens.
    if (const Device* d = learned(*mac))
      for (const auto& c : d->tokens) add(c.token, c.source);
    if (const Device* d = configured(*mac))
      for (const auto& c : d->tokens) add(c.token, c.source);
  }
  for (const auto& t : option_tokens_) add(t, Source::option);
  for (const auto& e : unnamed_)
    if (e.token) add(*e.token, Source::keys_file);
  return out;
}

std::vector<KeyStore::Candidate> KeyStore::tokens_in_other_roles(const BdAddr& mac) const {
  std::vector<Candidate> out;
  const Device* d = configured(mac);
  if (!d || !d->beacon_key) return out;
  for (const auto& c : tokens(mac))
    if (c.token == *d->beacon_key) return out;
  out.push_back({*d->beacon_key,
                 d->beacon_key_source == Source::option ? Source::given_as_bind_key : Source::given_as_beacon_key});
  return out;
}

std::vector<BeaconKey> KeyStore::beacon_keys_in_other_roles(const BdAddr& mac) const {
  std::vector<BeaconKey> out;
  const std::optional<BeaconKey> own = beacon_key(mac);
  for (const auto& c : tokens(mac))
    if (c.source != Source::register_session && c.source != Source::login && (!own || c.token != *own))
      out.push_back(c.token);
  return out;
}

std::optional<BeaconKey> KeyStore::beacon_key(const BdAddr& mac) const {
  if (const Device* d = learned(mac); d && d->beacon_key) return d->beacon_key;
  if (const Device* d = configured(mac)) return d->beacon_key;
  return std::nullopt;
}

std::vector<std::pair<BdAddr, std::uint16_t>> KeyStore::advertised() const {
  std::vector<std::pair<BdAddr, std::uint16_t>> out;
  learned_.for_each([&](std::uint64_t, const Device& d) {
    if (d.pid && d.pid->second == Source::mibeacon) out.emplace_back(d.mac, d.pid->first);
  });
  return out;
}

std::optional<BindKey> KeyStore::bind_key(const BdAddr& mac) const {
  const Device* d = configured(mac);
  return d ? d->bind_key : std::nullopt;
}

std::vector<KeyStore::AuthCandidate> KeyStore::auth_keys(const std::optional<BdAddr>& mac) const {
  std::vector<AuthCandidate> out;
  auto add = [&](const AuthKey& k, Source s, std::optional<BdAddr> m) {
    for (const auto& c : out)
      if (c.key == k) return;
    out.push_back({k, s, m});
  };
  if (mac) {
    if (const Device* d = configured(*mac))
      for (const auto& [k, s] : d->auth_keys) add(k, s, d->mac);
  } else {
    // No address: every device's keys, in address order (the map's order is not deterministic).
    std::vector<const Device*> devices;
    for (const auto& [key, d] : devices_)
      if (!d.auth_keys.empty()) devices.push_back(&d);
    std::sort(devices.begin(), devices.end(),
              [](const Device* a, const Device* b) { return a->mac.key() < b->mac.key(); });
    for (const Device* d : devices)
      for (const auto& [k, s] : d->auth_keys) add(k, s, d->mac);
  }
  for (const auto& e : unnamed_)
    if (e.auth_key) add(*e.auth_key, Source::keys_file, std::nullopt);
  return out;
}

void KeyStore::learn_token(const BdAddr& mac, const Token& t, std::optional<std::uint16_t> pid) {
  Device& d = learned_device(mac);
  bool have = false;
  for (const auto& c : d.tokens) have |= c.token == t;
  // Newest first: a fresh register replaces what the device held before.
  if (!have) d.tokens.insert(d.tokens.begin(), {t, Source::register_session});
  if (pid && !d.pid && !(configured(mac) && configured(mac)->pid))
    d.pid = std::make_pair(*pid, Source::register_session);
}

void KeyStore::learn_product_id(const BdAddr& mac, std::uint16_t pid, Source src) {
  Device& d = learned_device(mac);
  if (!d.pid && !(configured(mac) && configured(mac)->pid)) d.pid = std::make_pair(pid, src);
}

void KeyStore::learn_beacon_key(const BdAddr& mac, const BeaconKey& k) {
  learned_device(mac).beacon_key = k;
}

std::optional<AuthKey> KeyStore::given_auth_key(const Device& d) {
  for (const auto& [k, s] : d.auth_keys)
    if (s == Source::option) return k;
  return std::nullopt;
}

std::vector<KeyEntry> KeyStore::learned() const {
  std::vector<std::pair<std::uint64_t, KeyEntry>> rows;
  learned_.for_each([&](std::uint64_t key, const Device& d) {
    const Device* c = configured(d.mac);
    KeyEntry e;
    e.mac = d.mac;
    if (c && c->pid)
      e.product_id = c->pid->first;
    else if (d.pid)
      e.product_id = d.pid->first;
    for (const auto& t : d.tokens)
      if (t.source == Source::register_session) {
        e.token = t.token;
        break;
      }
    e.beacon_key = d.beacon_key ? d.beacon_key : c ? c->beacon_key : std::nullopt;
    if (c) e.bind_key = c->bind_key;
    if (c) e.auth_key = given_auth_key(*c);
    // A product id seen in adverts alone is no key: every Xiaomi device nearby would be listed.
    if (e.token || e.beacon_key || e.bind_key || e.auth_key) rows.emplace_back(key, e);
  });
  // Auth keys given with --authkey are exported too (learned nothing, docs/MIWEAR.md §3): they are
  // what the user had to dig out of the phone, worth keeping beside the rest.
  for (const auto& [key, d] : devices_) {
    const auto k = given_auth_key(d);
    if (!k || learned_.peek(key)) continue;
    KeyEntry e;
    e.mac = d.mac;
    e.auth_key = k;
    rows.emplace_back(key, e);
  }
  std::sort(rows.begin(), rows.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  std::vector<KeyEntry> out;
  for (auto& r : rows) out.push_back(std::move(r.second));
  return out;
}

}  // namespace fe95
