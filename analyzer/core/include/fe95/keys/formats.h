// SPDX-License-Identifier: GPL-2.0-or-later
// The keys files users already hold, recognised by their content (docs/PHONE_LOGS.md §4):
//   fe95's own CSV (keys.h; what --export-keys writes and the Wireshark plugin reads)
//   Xiaomi-cloud-tokens-extractor: its text blocks (NAME:/ID:/BLE KEY:/MAC:/TOKEN:/MODEL:) and
//     its JSON (homes -> devices with mac, token and BLE_DATA.beaconkey)
//   Home Assistant's .storage/core.config_entries (xiaomi_ble entries: unique_id, data.bindkey)
//   ble_monitor's YAML (ble_monitor: devices: - mac: …, encryption_key: …), through yaml-cpp
// and miauth's mi_token, the 12 raw bytes of a token, for --token-file. JSON through
// nlohmann-json, YAML through yaml-cpp: nothing here parses either by hand.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "fe95/keys/keys.h"

namespace fe95 {

enum class KeysFormat : std::uint8_t { fe95_csv, cloud_text, cloud_json, home_assistant, ble_monitor };
// "fe95 CSV", "Xiaomi cloud tokens extractor (text)", ... as the messages name them.
const char* keys_format_name(KeysFormat f);
KeysFormat detect_keys_format(std::string_view text);

// Something worth saying about a file that parsed: a key the cloud does not have (all FF).
struct KeysNote {
  std::size_t line = 0;  // 1-based, or 0
  std::string field;     // JSON path, or ""
  std::string message;
};

struct KeysFile {
  KeysFormat format = KeysFormat::fe95_csv;
  std::vector<KeyEntry> entries;
  std::vector<KeysNote> notes;
};

// A keys file larger than this is not one (a cap before any parser runs).
inline constexpr std::size_t kMaxKeysFileBytes = 16u << 20;

// Recognises the format by content and parses the file. On a bad file returns the error, naming
// its line (KeysError::line) or its field (KeysError::field, a JSON path such as
// "homes[0].devices[2].mac"). Keys the cloud gives as all FF are left out and noted ("no key").
std::optional<KeysError> parse_keys_file(std::string_view text, KeysFile& out);

// A token file: miauth's mi_token (12 raw bytes) or 24 hex digits of text. Sets why when it is
// neither.
std::optional<Token> parse_token_file(std::string_view bytes, std::string& why);

}  // namespace fe95
