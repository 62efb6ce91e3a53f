// SPDX-License-Identifier: GPL-2.0-or-later
// The keys files of other tools (fe95/keys/formats.h; docs/PHONE_LOGS.md §4).
#include "fe95/keys/formats.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <nlohmann/json.hpp>

namespace fe95 {

namespace {

using Json = nlohmann::json;

bool all_f(std::string_view v) {
  return !v.empty() && std::all_of(v.begin(), v.end(), [](char c) { return c == 'f' || c == 'F'; });
}

std::size_t hex_digits(std::string_view v) {
  return std::all_of(v.begin(), v.end(), [](char c) { return std::isxdigit(static_cast<unsigned char>(c)); }) ? v.size()
                                                                                                              : 0;
}

// Where a value came from, for errors and notes: a line, or a JSON path.
struct Where {
  std::size_t line = 0;
  std::string field;
};

KeysError error_at(const Where& w, std::string message) {
  return KeysError{w.line, std::move(message), w.field};
}

// A MiBeacon key as the cloud and Home Assistant give it: 24 hex digits (the legacy beacon key,
// optionally followed by the FFFFFFFF cloud tools print) or 32 (a v4/v5 bind key). 24 + FFFFFFFF
// is also 32 digits: both readings are kept, and the advert's version picks (as --bindkey does).
// An all-FF key is the cloud's "no key" (Xiaomi-cloud-tokens-extractor #79): left out, noted.
std::optional<KeysError> mibeacon_key(std::string_view v, const Where& w, const char* name, const KeyEntry& e,
                                      KeyEntry& out, KeysFile& file) {
  v = trim(v);
  if (v.empty()) return std::nullopt;
  if (all_f(v) && (v.size() == 24 || v.size() == 32)) {
    file.notes.push_back({w.line, w.field,
                          std::string(name) + " of " + (e.mac ? e.mac->str() : std::string("a device without MAC")) +
                              " is all FF: the cloud has no key for it (\"no key\"); not tried"});
    return std::nullopt;
  }
  out.beacon_key = parse_beacon_key(v);
  out.bind_key = parse_bind_key(v);
  if (!out.beacon_key && !out.bind_key)
    return error_at(w, std::string(name) + " \"" + std::string(v) +
                           "\" is neither 24 hex digits (a beacon key) nor 32 (a bind key)");
  return std::nullopt;
}

// A device token as the cloud gives it: 24 hex digits for a BLE device (the 12-byte token); 32 is
// a Wi-Fi device's miio token, which has nothing to do with Bluetooth: skipped.
std::optional<KeysError> cloud_token(std::string_view v, const Where& w, const char* name, KeyEntry& out,
                                     KeysFile& file) {
  v = trim(v);
  if (v.empty() || (v.size() == 32 && hex_digits(v) == 32)) return std::nullopt;
  if (all_f(v) && v.size() == 24) {
    file.notes.push_back({w.line, w.field,
                          std::string(name) + " of " +
                              (out.mac ? out.mac->str() : std::string("a device without MAC")) +
                              " is all FF: the cloud has no token for it (\"no key\"); not tried"});
    return std::nullopt;
  }
  out.token = parse_token(v);
  if (!out.token)
    return error_at(w, std::string(name) + " \"" + std::string(v) +
                           "\" is neither 24 hex digits (a BLE token) nor 32 (a Wi-Fi device's token)");
  return std::nullopt;
}

bool has_key(const KeyEntry& e) {
  return e.token || e.beacon_key || e.bind_key;
}

// ---- Xiaomi-cloud-tokens-extractor, text: blocks between "---------" lines, each line a label
// padded to 10 characters and a value (token_extractor.py, print_entry).

constexpr std::string_view kCloudLabels[] = {"NAME:", "ID:", "BLE KEY:", "MAC:", "IP:", "TOKEN:", "MODEL:"};

std::optional<std::string_view> cloud_label(std::string_view line) {
  line = trim(line);
  for (auto l : kCloudLabels)
    if (line.substr(0, l.size()) == l) return l;
  return std::nullopt;
}

std::optional<KeysError> parse_cloud_text(std::string_view text, KeysFile& out) {
  struct Field {
    std::string value;
    std::size_t line = 0;
  };
  Field mac, token, key;
  auto flush = [&]() -> std::optional<KeysError> {
    KeyEntry e;
    if (mac.line) {
      e.mac = BdAddr::parse(mac.value);
      if (!e.mac) return KeysError{mac.line, "MAC \"" + mac.value + "\" is not AA:BB:CC:DD:EE:FF", ""};
    }
    if (token.line)
      if (auto err = cloud_token(token.value, Where{token.line, ""}, "TOKEN", e, out)) return err;
    if (key.line)
      if (auto err = mibeacon_key(key.value, Where{key.line, ""}, "BLE KEY", e, e, out)) return err;
    if (has_key(e)) out.entries.push_back(e);
    mac = token = key = Field{};
    return std::nullopt;
  };
  std::size_t n = 0;
  while (!text.empty()) {
    const std::size_t nl = text.find('\n');
    const std::string_view line = trim(text.substr(0, nl));
    text = nl == std::string_view::npos ? std::string_view{} : text.substr(nl + 1);
    ++n;
    if (line.size() >= 3 && line.find_first_not_of('-') == std::string_view::npos) {
      if (auto err = flush()) return err;
      continue;
    }
    const auto label = cloud_label(line);
    if (!label) continue;  // "Devices found for server …", prompts: not keys
    const std::string value(trim(line.substr(label->size())));
    if (*label == "MAC:")
      mac = {value, n};
    else if (*label == "TOKEN:")
      token = {value, n};
    else if (*label == "BLE KEY:")
      key = {value, n};
  }
  return flush();
}

// ---- JSON: the extractor's (homes -> devices) and Home Assistant's config entries.

std::optional<KeysError> json_device(const Json& d, const std::string& path, KeysFile& out) {
  KeyEntry e;
  const Json& mac = d["mac"];
  e.mac = BdAddr::parse(mac.get<std::string>());
  if (!e.mac) return KeysError{0, "\"" + mac.get<std::string>() + "\" is not AA:BB:CC:DD:EE:FF", path + ".mac"};
  if (auto t = d.find("token"); t != d.end()) {
    if (!t->is_string()) return KeysError{0, "not a string", path + ".token"};
    if (auto err = cloud_token(t->get<std::string>(), Where{0, path + ".token"}, "token", e, out)) return err;
  }
  const Json* key = nullptr;
  std::string key_path;
  if (auto b = d.find("BLE_DATA"); b != d.end() && b->is_object() && b->contains("beaconkey")) {
    key = &(*b)["beaconkey"];
    key_path = path + ".BLE_DATA.beaconkey";
  } else if (auto k = d.find("beaconkey"); k != d.end()) {
    key = &*k;
    key_path = path + ".beaconkey";
  }
  if (key) {
    if (!key->is_string()) return KeysError{0, "not a string", key_path};
    if (auto err = mibeacon_key(key->get<std::string>(), Where{0, key_path}, "beaconkey", e, e, out)) return err;
  }
  if (has_key(e)) out.entries.push_back(e);
  return std::nullopt;
}

// Every object with a string "mac" is a device, wherever it nests (homes -> devices today; the
// walk does not depend on the levels above). Iterative and depth-capped: a hostile nesting costs
// no stack.
std::optional<KeysError> parse_cloud_json(const Json& root, KeysFile& out) {
  constexpr std::size_t kMaxDepth = 32;
  struct Item {
    const Json* j;
    std::string path;
    std::size_t depth;
  };
  std::vector<Item> stack{{&root, "", 0}};
  std::size_t devices = 0;
  std::vector<Item> children;
  while (!stack.empty()) {
    const Item it = std::move(stack.back());
    stack.pop_back();
    if (it.j->is_object() && it.j->contains("mac") && (*it.j)["mac"].is_string()) {
      ++devices;
      if (auto err = json_device(*it.j, it.path.empty() ? "(root)" : it.path, out)) return err;
      continue;
    }
    if (it.depth >= kMaxDepth) continue;
    children.clear();
    if (it.j->is_object())
      for (auto c = it.j->begin(); c != it.j->end(); ++c)
        children.push_back({&c.value(), it.path.empty() ? c.key() : it.path + "." + c.key(), it.depth + 1});
    else if (it.j->is_array())
      for (std::size_t i = 0; i < it.j->size(); ++i)
        children.push_back({&(*it.j)[i], it.path + "[" + std::to_string(i) + "]", it.depth + 1});
    // Reversed onto the stack: devices come out in file order.
    stack.insert(stack.end(), std::make_move_iterator(children.rbegin()), std::make_move_iterator(children.rend()));
  }
  if (devices == 0)
    return KeysError{
        0, "no device object with a \"mac\" field (the token extractor's JSON lists homes and their devices)", ""};
  return std::nullopt;
}

bool is_home_assistant(const Json& root) {
  return root.is_object() && root.contains("data") && root["data"].is_object() && root["data"].contains("entries");
}

// Home Assistant's .storage/core.config_entries: entries of domain xiaomi_ble carry the device
// address as unique_id and the key as data.bindkey (24 hex: legacy beacon key, 32: bind key).
std::optional<KeysError> parse_home_assistant(const Json& root, KeysFile& out) {
  const Json& entries = root["data"]["entries"];
  if (!entries.is_array()) return KeysError{0, "not a list", "data.entries"};
  for (std::size_t i = 0; i < entries.size(); ++i) {
    const Json& en = entries[i];
    const std::string path = "data.entries[" + std::to_string(i) + "]";
    if (!en.is_object() || en.value("domain", Json()) != "xiaomi_ble") continue;
    KeyEntry e;
    const Json uid = en.value("unique_id", Json());
    if (!uid.is_string() || !(e.mac = BdAddr::parse(uid.get<std::string>())))
      return KeysError{0, "unique_id " + uid.dump() + " is not a device address AA:BB:CC:DD:EE:FF",
                       path + ".unique_id"};
    const Json data = en.value("data", Json::object());
    const Json key = data.is_object() ? data.value("bindkey", Json()) : Json();
    if (key.is_null()) continue;  // a device that sends its adverts in clear
    if (!key.is_string()) return KeysError{0, "not a string", path + ".data.bindkey"};
    if (auto err = mibeacon_key(key.get<std::string>(), Where{0, path + ".data.bindkey"}, "bindkey", e, e, out))
      return err;
    if (has_key(e)) out.entries.push_back(e);
  }
  return std::nullopt;
}

std::size_t line_of(std::string_view text, std::size_t byte) {
  byte = std::min(byte, text.size());
  return 1 + static_cast<std::size_t>(std::count(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(byte), '\n'));
}

std::optional<KeysError> parse_json(std::string_view text, KeysFile& out) {
  Json root;
  try {
    root = Json::parse(text);
  } catch (const Json::parse_error& e) {
    // nlohmann counts the byte after the one it stopped at.
    return KeysError{line_of(text, e.byte ? e.byte - 1 : 0), std::string("not valid JSON: ") + e.what(), ""};
  } catch (const Json::exception& e) {
    // The parser's other errors (a number past the range of a double: out_of_range 406).
    return KeysError{0, std::string("not valid JSON: ") + e.what(), ""};
  }
  if (is_home_assistant(root)) {
    out.format = KeysFormat::home_assistant;
    return parse_home_assistant(root, out);
  }
  out.format = KeysFormat::cloud_json;
  return parse_cloud_json(root, out);
}

// ---- ble_monitor's YAML (configuration.yaml): ble_monitor: devices: - mac, encryption_key.

std::optional<KeysError> parse_ble_monitor(std::string_view text, KeysFile& out) {
  try {
    const YAML::Node root = YAML::Load(std::string(text));
    if (!root.IsMap()) return KeysError{1, "expected a mapping with ble_monitor: or devices:", ""};
    YAML::Node devices;
    if (const YAML::Node bm = root["ble_monitor"]; bm && bm.IsMap())
      devices = bm["devices"];
    else
      devices = root["devices"];
    if (!devices || !devices.IsSequence())
      return KeysError{devices ? static_cast<std::size_t>(devices.Mark().line) + 1 : 1,
                       "expected a devices: list (ble_monitor: devices: - mac: …, encryption_key: …)", ""};
    for (const YAML::Node& d : devices) {
      const std::size_t line = static_cast<std::size_t>(d.Mark().line) + 1;
      if (!d.IsMap()) return KeysError{line, "a devices: entry that is not a mapping (mac:, encryption_key:)", ""};
      const YAML::Node key = d["encryption_key"];
      if (!key) continue;  // a device without encryption
      const YAML::Node mac = d["mac"];
      KeyEntry e;
      if (!mac || !mac.IsScalar() || !(e.mac = BdAddr::parse(mac.Scalar())))
        return KeysError{mac ? static_cast<std::size_t>(mac.Mark().line) + 1 : line,
                         "mac " + (mac && mac.IsScalar() ? "\"" + mac.Scalar() + "\"" : std::string("(missing)")) +
                             " is not AA:BB:CC:DD:EE:FF",
                         ""};
      const std::size_t key_line = static_cast<std::size_t>(key.Mark().line) + 1;
      if (!key.IsScalar()) return KeysError{key_line, "encryption_key is not a value", ""};
      if (key.Tag() == "!secret")
        return KeysError{key_line, "encryption_key is !secret " + key.Scalar() + ": give fe95 the key itself", ""};
      if (auto err = mibeacon_key(key.Scalar(), Where{key_line, ""}, "encryption_key", e, e, out)) return err;
      if (has_key(e)) out.entries.push_back(e);
    }
  } catch (const YAML::Exception& e) {
    return KeysError{static_cast<std::size_t>(e.mark.line) + 1, "not valid YAML: " + e.msg, ""};
  }
  return std::nullopt;
}

bool binary(std::string_view text) {
  return std::any_of(text.begin(), text.end(), [](char c) { return c == '\0'; }) ||
         (text.size() == 12 && std::any_of(text.begin(), text.end(), [](char c) {
            return static_cast<unsigned char>(c) < 0x09 ||
                   (static_cast<unsigned char>(c) > 0x0d && static_cast<unsigned char>(c) < 0x20);
          }));
}

}  // namespace

const char* keys_format_name(KeysFormat f) {
  switch (f) {
    case KeysFormat::fe95_csv:
      return "fe95 keys CSV";
    case KeysFormat::cloud_text:
      return "Xiaomi cloud tokens extractor text";
    case KeysFormat::cloud_json:
      return "Xiaomi cloud tokens extractor JSON";
    case KeysFormat::home_assistant:
      return "Home Assistant core.config_entries";
    case KeysFormat::ble_monitor:
      return "ble_monitor YAML";
  }
  return "?";
}

KeysFormat detect_keys_format(std::string_view text) {
  const std::size_t first = text.find_first_not_of(" \t\r\n\xef\xbb\xbf");
  if (first != std::string_view::npos && (text[first] == '{' || text[first] == '['))
    return text.find("\"core.config_entries\"") != std::string_view::npos ? KeysFormat::home_assistant
                                                                          : KeysFormat::cloud_json;
  bool yaml = false;
  for (std::string_view rest = text; !rest.empty();) {
    const std::size_t nl = rest.find('\n');
    const std::string_view line = trim(rest.substr(0, nl));
    rest = nl == std::string_view::npos ? std::string_view{} : rest.substr(nl + 1);
    if (!line.empty() && line[0] == '"') continue;  // a CSV line
    if (cloud_label(line)) return KeysFormat::cloud_text;
    yaml = yaml || line.rfind("ble_monitor:", 0) == 0 || line.rfind("devices:", 0) == 0;
  }
  return yaml ? KeysFormat::ble_monitor : KeysFormat::fe95_csv;
}

std::optional<KeysError> parse_keys_file(std::string_view text, KeysFile& out) {
  out = KeysFile{};
  if (text.size() > kMaxKeysFileBytes)
    return KeysError{0, "larger than " + std::to_string(kMaxKeysFileBytes >> 20) + " MiB: not a keys file", ""};
  if (binary(text))
    return KeysError{0,
                     "a binary file (" + std::to_string(text.size()) +
                         " bytes), not a keys file; miauth's 12-byte mi_token goes to --token-file",
                     ""};
  out.format = detect_keys_format(text);
  std::optional<KeysError> err;
  switch (out.format) {
    case KeysFormat::fe95_csv:
      return parse_keys(text, out.entries);
    case KeysFormat::cloud_text:
      err = parse_cloud_text(text, out);
      break;
    case KeysFormat::cloud_json:
    case KeysFormat::home_assistant:
      err = parse_json(text, out);
      break;
    case KeysFormat::ble_monitor:
      err = parse_ble_monitor(text, out);
      break;
  }
  if (err) return err;
  if (out.entries.empty() && out.notes.empty())
    return KeysError{0, std::string("no key in this ") + keys_format_name(out.format) + " file", ""};
  return std::nullopt;
}

std::optional<Token> parse_token_file(std::string_view bytes, std::string& why) {
  if (bytes.size() == 12) {
    Token t{};
    std::copy(bytes.begin(), bytes.end(), t.begin());
    return t;
  }
  std::string_view text = bytes;
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) text.remove_suffix(1);
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front()))) text.remove_prefix(1);
  if (auto t = parse_token(text)) return t;
  why = std::to_string(bytes.size()) + " bytes: a token file is miauth's mi_token (12 bytes) or 24 hex digits";
  return std::nullopt;
}

}  // namespace fe95
