// SPDX-License-Identifier: GPL-2.0-or-later
#include "fe95/bytes.h"

#include <algorithm>

#include "fe95/diag.h"

namespace fe95 {

namespace {
constexpr char kHexDigits[] = "0123456789abcdef";

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}
}  // namespace

char* write_hex(char* out, ByteView data) {
  for (const std::uint8_t b : data) {
    *out++ = kHexDigits[b >> 4];
    *out++ = kHexDigits[b & 0x0f];
  }
  return out;
}

std::string to_hex(ByteView data) {
  std::string out(data.size() * 2, '0');
  write_hex(out.data(), data);
  return out;
}

std::string hex16(std::uint16_t v) {
  std::string s = "0x0000";
  for (int i = 0; i < 4; ++i) s[static_cast<std::size_t>(5 - i)] = kHexDigits[(v >> (4 * i)) & 0xf];
  return s;
}

std::optional<Bytes> parse_hex(std::string_view text) {
  Bytes out;
  int hi = -1;
  for (char c : text) {
    if (c == ':' || c == '-' || c == ' ') {
      if (hi >= 0) return std::nullopt;  // separator inside a byte
      continue;
    }
    int v = hex_value(c);
    if (v < 0) return std::nullopt;
    if (hi < 0) {
      hi = v;
    } else {
      out.push_back(static_cast<std::uint8_t>(hi << 4 | v));
      hi = -1;
    }
  }
  if (hi >= 0) return std::nullopt;
  return out;
}

char* BdAddr::write(char* out) const {
  constexpr char kUpper[] = "0123456789ABCDEF";
  for (int i = 5; i >= 0; --i) {
    *out++ = kUpper[le[static_cast<std::size_t>(i)] >> 4];
    *out++ = kUpper[le[static_cast<std::size_t>(i)] & 0x0f];
    if (i) *out++ = ':';
  }
  return out;
}

std::string BdAddr::str() const {
  std::string s(kStrLen, ':');
  write(s.data());
  return s;
}

BdAddr BdAddr::from_le(ByteView six) {
  BdAddr a;
  std::copy_n(six.begin(), std::min<std::size_t>(6, six.size()), a.le.begin());
  return a;
}

std::optional<BdAddr> BdAddr::parse(std::string_view text) {
  // Exactly "XX:XX:XX:XX:XX:XX", "XX-XX-..." or 12 bare hex digits.
  if (!(text.size() == 17 || text.size() == 12)) return std::nullopt;
  if (text.size() == 17) {
    for (std::size_t i = 2; i < 17; i += 3)
      if (text[i] != ':' && text[i] != '-') return std::nullopt;
  }
  auto bytes = parse_hex(text);
  if (!bytes || bytes->size() != 6) return std::nullopt;
  BdAddr a;
  for (std::size_t i = 0; i < 6; ++i) a.le[i] = (*bytes)[5 - i];
  return a;
}

BdAddr BdAddr::reversed() const {
  BdAddr r;
  std::reverse_copy(le.begin(), le.end(), r.le.begin());
  return r;
}

}  // namespace fe95
