// SPDX-License-Identifier: GPL-2.0-or-later
#include "protected.h"

#include <algorithm>

namespace fe95::miauth {

namespace {

bool printable(ByteView v) {
  if (v.empty()) return false;
  for (auto c : v)
    if (c < 0x20 || c > 0x7e) return false;
  return true;
}

ByteView bytes_of(const std::string& t) {
  return {reinterpret_cast<const std::uint8_t*>(t.data()), t.size()};
}

bool looks_like_device_id(ByteView v) {
  const std::string t = text_of(v);
  return t.find("blt.") != std::string::npos && printable(bytes_of(t));
}

const char* wifi_type_name(std::uint8_t t) {
  static const char* const names[] = {"user_id", "ssid",      "password",    "retry",    "restore",     "utc",
                                      "domain",  "time_zone", "config_type", "bind_key", "country_code"};
  return t < 11 ? names[t] : nullptr;
}

}  // namespace

Protected protected_of(Role r) {
  switch (r) {
    case Role::version:
      return Protected::firmware;
    case Role::device_id:
      return Protected::device_id;
    case Role::beacon_key:
      return Protected::beacon_key;
    case Role::wifi:
      return Protected::wifi;
    default:
      return Protected::none;
  }
}

Protected recognise(bool written, ByteView plain, std::uint64_t frame) {
  if (!written && session::looks_like_version(plain)) return Protected::firmware;
  if (looks_like_device_id(plain)) return Protected::device_id;
  if (!written && plain.size() == 12) return Protected::beacon_key;
  if (written && parse_wifi(plain, frame)) return Protected::wifi;
  return Protected::none;
}

std::string text_of(ByteView v) {
  return session::text_of(v);
}

std::optional<WifiRecord> parse_wifi(ByteView p, std::uint64_t frame) {
  if (p.size() < 2 || !wifi_type_name(p[1])) return std::nullopt;
  const std::size_t len = p[0];
  if (len == 0) return std::nullopt;
  WifiRecord r;
  r.frame = frame;
  r.type = p[1];
  r.type_name = wifi_type_name(p[1]);
  r.text = r.type == 0 || r.type == 1 || r.type == 2 || r.type == 6 || r.type == 10;
  // The length counts the type and data that remain, possibly continued in later writes.
  const std::size_t here = p.size() - 1;
  r.continues = len > here;
  const std::size_t n = std::min(len, here) - 1;
  r.data.assign(p.begin() + 2, p.begin() + 2 + static_cast<std::ptrdiff_t>(n));
  return r;
}

}  // namespace fe95::miauth
