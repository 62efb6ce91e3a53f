// SPDX-License-Identifier: GPL-2.0-or-later
// Bounds-checked byte access. Every parser in the core reads through Cursor: it checks before
// it reads (Wireshark's tvb accessors), so a short or hostile buffer can only make a read fail,
// never run past the end (BlueZ att_packet() reads the opcode before checking the size).
#pragma once

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace fe95 {

using Bytes = std::vector<std::uint8_t>;
using ByteView = std::span<const std::uint8_t>;

class Cursor {
 public:
  explicit Cursor(ByteView data) : data_(data) {}

  [[nodiscard]] std::size_t offset() const { return pos_; }
  [[nodiscard]] std::size_t remaining() const { return data_.size() - pos_; }
  [[nodiscard]] bool empty() const { return pos_ >= data_.size(); }
  [[nodiscard]] bool has(std::size_t n) const { return remaining() >= n; }

  bool u8(std::uint8_t& out) {
    if (!has(1)) return false;
    out = data_[pos_++];
    return true;
  }
  bool u16le(std::uint16_t& out) {
    if (!has(2)) return false;
    out = static_cast<std::uint16_t>(data_[pos_] | (data_[pos_ + 1] << 8));
    pos_ += 2;
    return true;
  }
  bool u16be(std::uint16_t& out) {
    if (!has(2)) return false;
    out = static_cast<std::uint16_t>((data_[pos_] << 8) | data_[pos_ + 1]);
    pos_ += 2;
    return true;
  }
  bool u32le(std::uint32_t& out) {
    if (!has(4)) return false;
    out = static_cast<std::uint32_t>(data_[pos_]) | static_cast<std::uint32_t>(data_[pos_ + 1]) << 8 |
          static_cast<std::uint32_t>(data_[pos_ + 2]) << 16 | static_cast<std::uint32_t>(data_[pos_ + 3]) << 24;
    pos_ += 4;
    return true;
  }
  bool u32be(std::uint32_t& out) {
    if (!has(4)) return false;
    out = static_cast<std::uint32_t>(data_[pos_]) << 24 | static_cast<std::uint32_t>(data_[pos_ + 1]) << 16 |
          static_cast<std::uint32_t>(data_[pos_ + 2]) << 8 | static_cast<std::uint32_t>(data_[pos_ + 3]);
    pos_ += 4;
    return true;
  }
  bool bytes(std::size_t n, ByteView& out) {
    if (!has(n)) return false;
    out = data_.subspan(pos_, n);
    pos_ += n;
    return true;
  }
  bool skip(std::size_t n) {
    if (!has(n)) return false;
    pos_ += n;
    return true;
  }
  // Everything not read yet (may be empty).
  ByteView rest() {
    ByteView r = data_.subspan(pos_);
    pos_ = data_.size();
    return r;
  }

 private:
  ByteView data_;
  std::size_t pos_ = 0;
};

inline std::uint16_t load_u16le(const std::uint8_t* p) {
  return static_cast<std::uint16_t>(p[0] | (p[1] << 8));
}
inline std::uint32_t load_u24le(const std::uint8_t* p) {
  return static_cast<std::uint32_t>(p[0]) | static_cast<std::uint32_t>(p[1]) << 8 |
         static_cast<std::uint32_t>(p[2]) << 16;
}
inline std::uint32_t load_u32le(const std::uint8_t* p) {
  return static_cast<std::uint32_t>(p[0]) | static_cast<std::uint32_t>(p[1]) << 8 |
         static_cast<std::uint32_t>(p[2]) << 16 | static_cast<std::uint32_t>(p[3]) << 24;
}
inline std::uint32_t load_u32be(const std::uint8_t* p) {
  return static_cast<std::uint32_t>(p[0]) << 24 | static_cast<std::uint32_t>(p[1]) << 16 |
         static_cast<std::uint32_t>(p[2]) << 8 | static_cast<std::uint32_t>(p[3]);
}

// "0x002a": a 16-bit value as Wireshark prints handles.
std::string hex16(std::uint16_t v);

// Lower-case hex, no separators.
std::string to_hex(ByteView data);
// The same into out (2 * data.size() characters, no terminator); returns the end.
char* write_hex(char* out, ByteView data);
// Accepts hex digits with optional ':', '-' or ' ' separators; nullopt on anything else or an odd count.
std::optional<Bytes> parse_hex(std::string_view text);

// Appends v little-endian (HCI and L2CAP byte order).
inline void append_le16(Bytes& b, std::uint16_t v) {
  b.push_back(static_cast<std::uint8_t>(v));
  b.push_back(static_cast<std::uint8_t>(v >> 8));
}

// Spaces, tabs and carriage returns removed from both ends (the lines of keys files).
inline std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

inline bool equal(ByteView a, ByteView b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin());
}

// A Bluetooth device address, stored as on the air (little-endian: octet 0 is the last printed one).
struct BdAddr {
  std::array<std::uint8_t, 6> le{};
  bool operator==(const BdAddr&) const = default;
  auto operator<=>(const BdAddr&) const = default;
  [[nodiscard]] bool is_zero() const {
    for (auto b : le)
      if (b) return false;
    return true;
  }
  // "AA:BB:CC:DD:EE:FF" (upper case, printed order).
  [[nodiscard]] std::string str() const;
  // The same into out (kStrLen characters, no terminator); returns the end.
  static constexpr std::size_t kStrLen = 17;
  char* write(char* out) const;
  static BdAddr from_le(ByteView six);
  // Parses "AA:BB:CC:DD:EE:FF" (or '-' separated, or 12 hex digits), printed order.
  static std::optional<BdAddr> parse(std::string_view text);
  // The same six octets in the opposite order: what a client that fed the printed order got.
  [[nodiscard]] BdAddr reversed() const;
  // The address as a number whose order is the printed order (a map key).
  [[nodiscard]] std::uint64_t key() const {
    std::uint64_t k = 0;
    for (int i = 5; i >= 0; --i) k = k << 8 | le[static_cast<std::size_t>(i)];
    return k;
  }
};

}  // namespace fe95
