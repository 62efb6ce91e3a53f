// SPDX-License-Identifier: GPL-2.0-or-later
// Keys: what fe95 knows about devices, from the keys file, the command line, and what a run
// learns (register sessions, MiBeacon adverts, beacon-key reads).
//
// Keys file: Wireshark's UAT format, shared with the plugin's key table. One device per line,
// quoted CSV in this column order: mac, product_id, token, beacon_key, bind_key, auth_key. Lines of
// the first five columns only (files written before the wearables' auth key) are read as well;
// fe95 writes all six. Empty fields are "". '#' starts a comment line. A beacon key is 24 hex
// digits, optionally followed by the "FFFFFFFF" that cloud tools print; an auth key 32 hex digits,
// optionally after "0x".
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "fe95/bytes.h"
#include "fe95/keys/types.h"
#include "fe95/lru.h"
#include "fe95/vocab.h"

namespace fe95 {

struct KeyEntry {
  std::optional<BdAddr> mac;
  std::optional<std::uint16_t> product_id;
  std::optional<Token> token;
  std::optional<BeaconKey> beacon_key;
  std::optional<BindKey> bind_key;
  std::optional<AuthKey> auth_key;  // a wearable's (docs/MIWEAR.md §3)
  bool operator==(const KeyEntry&) const = default;
};

struct KeysError {
  std::size_t line = 0;  // 1-based (0: the file as a whole, or a field below)
  std::string message;
  std::string field;  // where a structured file (JSON) is wrong: "data.entries[3].data.bindkey"
};

// Parses a keys file. On a bad line returns the error with its line number.
std::optional<KeysError> parse_keys(std::string_view text, std::vector<KeyEntry>& out);
// One line, quoted CSV, without the newline.
std::string format_key_line(const KeyEntry& e);
std::string format_keys(const std::vector<KeyEntry>& entries);
// Merges learned into existing without dropping anything: an entry for the same MAC fills its
// empty fields; a conflicting value is kept as an additional line.
std::vector<KeyEntry> merge_keys(const std::vector<KeyEntry>& existing, const std::vector<KeyEntry>& learned);

// Field parsers, shared with option parsing (return nullopt on bad input).
std::optional<Token> parse_token(std::string_view text);               // 24 hex digits
std::optional<BeaconKey> parse_beacon_key(std::string_view text);      // 24 hex, or 24 + FFFFFFFF
std::optional<BindKey> parse_bind_key(std::string_view text);          // 32 hex digits
std::optional<AuthKey> parse_auth_key(std::string_view text);          // 32 hex digits, "0x" accepted
std::optional<std::uint16_t> parse_product_id(std::string_view text);  // 0..65535, decimal or 0x hex

// Where a product id or token came from, as reported in the output.
// The given_as_* sources: a key given in another role that fits this one (a token given as a
// beacon or bind key, a beacon key given as a token): fe95 uses it and says so.
enum class Source : std::uint8_t {
  option,
  keys_file,
  register_session,
  read_0002,
  mibeacon,
  search,
  login,
  given_as_token,
  given_as_beacon_key,
  given_as_bind_key,
};
std::span<const Term> source_terms();  // in enum order (vocab.h)
inline const Term& term(Source s) {
  return source_terms()[static_cast<std::size_t>(s)];
}
inline const char* source_name(Source s) {
  return term(s).name;
}

// The one sentence for a key that fits another role than the one it was given in (diag.cc), for
// every front end: "the key given as the bind key of C4:7C:8D:6A:12:34 is its token: login
// verified with it". `given`: a given_as_* source; `fits`: the role it fits; `outcome`: what it did.
std::string key_in_other_role(Source given, const std::string& device, const char* fits, const std::string& outcome);

// What the run knows about devices. Two parts: what the user configured (keys file, options),
// kept whole, and what the run learned, capped at kMaxLearned devices (the least recently seen
// is forgotten: a capture with a million advertisers cannot grow it). Lookups are hashed.
class KeyStore {
 public:
  static constexpr std::size_t kMaxLearned = 16384;

  void add_entry(const KeyEntry& e, Source src);
  void add_option_token(const Token& t) { option_tokens_.push_back(t); }
  void set_option_mac(const BdAddr& m) { option_mac_ = m; }
  void set_option_pid(std::uint16_t p) { option_pid_ = p; }

  [[nodiscard]] const std::optional<BdAddr>& option_mac() const { return option_mac_; }
  // The product id for a device, with its source: --pid, the keys file, or what the run learned.
  [[nodiscard]] std::optional<std::pair<std::uint16_t, Source>> product_id(const std::optional<BdAddr>& mac) const;
  struct Candidate {
    Token token;
    Source source;
  };
  // Tokens to try for a device: its own first (keys file, learned), then --token values.
  [[nodiscard]] std::vector<Candidate> tokens(const std::optional<BdAddr>& mac) const;
  // The device's 12-byte keys given in another role, to try as its token when none of tokens()
  // fits: its beacon key (given_as_beacon_key from the keys file, given_as_bind_key from the bind
  // key option), unless it is one of tokens() already.
  [[nodiscard]] std::vector<Candidate> tokens_in_other_roles(const BdAddr& mac) const;
  // Tokens to try as the device's legacy beacon key when it has none that decrypts: the device's
  // own and every device's (given_as_token).
  [[nodiscard]] std::vector<BeaconKey> beacon_keys_in_other_roles(const BdAddr& mac) const;
  [[nodiscard]] std::optional<BeaconKey> beacon_key(const BdAddr& mac) const;
  // Devices whose product id the run saw in MiBeacon adverts (candidates for a link whose
  // connection event is not in the capture).
  [[nodiscard]] std::vector<std::pair<BdAddr, std::uint16_t>> advertised() const;
  [[nodiscard]] std::optional<BindKey> bind_key(const BdAddr& mac) const;
  // Auth keys to try for a wearable (configured only: the key never travels). With its address
  // known: that device's keys; unknown (no connection event): every configured auth key, the
  // watch's proof telling which fits.
  struct AuthCandidate {
    AuthKey key;
    Source source;
    std::optional<BdAddr> mac;  // the device the key was given for
  };
  [[nodiscard]] std::vector<AuthCandidate> auth_keys(const std::optional<BdAddr>& mac) const;

  // What the run learned. Only the run's orchestrator (fe95::Analysis, or the plugin) calls these:
  // the layers emit what they learn and never write configuration.
  void learn_token(const BdAddr& mac, const Token& t, std::optional<std::uint16_t> pid);
  void learn_product_id(const BdAddr& mac, std::uint16_t pid, Source src);
  void learn_beacon_key(const BdAddr& mac, const BeaconKey& k);
  // For --export-keys (deterministic order: by MAC): what the run learned, and the auth keys
  // given as options.
  [[nodiscard]] std::vector<KeyEntry> learned() const;
  // Learned devices forgotten at the cap so far.
  [[nodiscard]] std::uint64_t learned_evictions() const { return learned_.evictions(); }

 private:
  struct Device {
    BdAddr mac;
    std::optional<std::pair<std::uint16_t, Source>> pid;
    std::vector<Candidate> tokens;  // learned: newest first
    std::optional<BeaconKey> beacon_key;
    Source beacon_key_source = Source::keys_file;  // option: given with the bind key option
    std::optional<BindKey> bind_key;
    std::vector<std::pair<AuthKey, Source>> auth_keys;  // configured only
  };
  Device& learned_device(const BdAddr& mac);
  static std::optional<AuthKey> given_auth_key(const Device& d);  // one given as an option
  [[nodiscard]] const Device* configured(const BdAddr& mac) const;
  [[nodiscard]] const Device* learned(const BdAddr& mac) const { return learned_.peek(mac.key()); }

  std::unordered_map<std::uint64_t, Device> devices_;  // configured, by BdAddr::key()
  LruMap<Device> learned_{kMaxLearned};
  std::vector<Token> option_tokens_;
  std::optional<BdAddr> option_mac_;
  std::optional<std::uint16_t> option_pid_;
  std::vector<KeyEntry> unnamed_;  // keys-file lines without a MAC
};

}  // namespace fe95
