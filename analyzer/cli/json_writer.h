// SPDX-License-Identifier: GPL-2.0-or-later
// Streaming JSON for the hot records (sessions, beacons): no DOM, no allocation, no printf; each
// token is one append to the reused output buffer. Same key order and number formatting as the
// nlohmann dumps it replaces, so the output is byte-identical (the goldens check it). Free text
// that needs escaping is escaped by nlohmann.
#pragma once

#include <charconv>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "common.h"
#include "fe95/bytes.h"

namespace fe95::cli {

// memcpy for possibly empty ranges (memcpy with a null pointer is undefined even for 0 bytes).
inline char* copy_out(char* to, const char* from, std::size_t n) {
  if (n) std::memcpy(to, from, n);
  return to + n;
}

// The reused output buffer of the JSON Lines writers: an append is a bounds check and a copy
// (std::string would zero what it grows and re-check its size for every character).
class OutBuffer {
 public:
  // Room for n more characters; write them, then commit() the end.
  char* reserve(std::size_t n) {
    if (cap_ - size_ < n) grow(n);
    return data_.get() + size_;
  }
  void commit(const char* end) { size_ = static_cast<std::size_t>(end - data_.get()); }
  void append(std::string_view s) {
    if (s.empty()) return;
    char* p = reserve(s.size());
    commit(copy_out(p, s.data(), s.size()));
  }
  void push_back(char c) { *reserve(1) = c, ++size_; }
  [[nodiscard]] std::size_t size() const { return size_; }
  [[nodiscard]] bool empty() const { return size_ == 0; }
  [[nodiscard]] std::string_view view() const { return {data_.get(), size_}; }
  void clear() { size_ = 0; }
  // Writes the contents to out and empties the buffer.
  void flush_to(std::FILE* out) {
    if (size_) std::fwrite(data_.get(), 1, size_, out);
    size_ = 0;
  }

 private:
  void grow(std::size_t n) {
    std::size_t cap = cap_ ? cap_ * 2 : 4096;
    while (cap - size_ < n) cap *= 2;
    auto bigger = std::make_unique_for_overwrite<char[]>(cap);
    if (size_) std::memcpy(bigger.get(), data_.get(), size_);
    data_ = std::move(bigger);
    cap_ = cap;
  }
  std::unique_ptr<char[]> data_;
  std::size_t size_ = 0, cap_ = 0;
};

class JsonWriter {
 public:
  explicit JsonWriter(OutBuffer& out) : out_(out) {}

  JsonWriter& begin_object() { return open('{'); }
  JsonWriter& end_object() { return close('}'); }
  JsonWriter& begin_array() { return open('['); }
  JsonWriter& end_array() { return close(']'); }
  // Keys are our own identifiers: never need escaping. A literal's length is known at compile
  // time, so its copy is a few moves (the hot records have dozens of keys each).
  template <std::size_t N>
  JsonWriter& key(const char (&k)[N]) {
    return key(std::string_view(k, N - 1));
  }
  JsonWriter& key(std::string_view k) {
    quoted(k.size() + 1, [&](char* p) { return copy_out(p, k.data(), k.size()); });
    out_.push_back(':');  // room was reserved by quoted()
    after_key_ = true;
    return *this;
  }
  JsonWriter& number(std::uint64_t v) { return raw_number(v); }
  JsonWriter& number(std::int64_t v) { return raw_number(v); }
  JsonWriter& number(double v) {
    char buf[32];
    auto [p, ec] = std::to_chars(buf, buf + sizeof buf, v);
    std::string_view s(buf, static_cast<std::size_t>(p - buf));
    // nlohmann prints integral doubles with ".0"
    return put(s, s.find_first_of(".en") == std::string_view::npos ? ".0" : "");
  }
  JsonWriter& boolean(bool b) {
    char* p = grow(5);
    std::memcpy(p, b ? "true" : "false", 5);
    shrink(p + (b ? 4 : 5));
    return *this;
  }
  JsonWriter& null() { return put("null"); }
  // A string fe95 itself defines (enum names, units, model names): contains no quote, backslash
  // or control character, so it needs no escaping.
  JsonWriter& plain(std::string_view s) {
    return quoted(s.size(), [&](char* p) { return copy_out(p, s.data(), s.size()); });
  }
  JsonWriter& hex(ByteView b) {
    return quoted(2 * b.size(), [&](char* p) { return write_hex(p, b); });
  }
  // "AA:BB:CC:DD:EE:FF"
  JsonWriter& address(const BdAddr& a) {
    return quoted(BdAddr::kStrLen, [&](char* p) { return a.write(p); });
  }
  // "2024-01-02T03:04:05.123456Z"
  JsonWriter& time(std::int64_t ts_ns) {
    return quoted(kIsoTimeLen, [&](char* p) { return write_iso_time(p, ts_ns); });
  }
  // Any text (file names, firmware strings, messages): printable ASCII without quote or
  // backslash goes out as is; anything else is escaped by nlohmann (invalid UTF-8 replaced).
  JsonWriter& text(std::string_view s) {
    bool simple = true;
    for (const char c : s) {
      const auto u = static_cast<unsigned char>(c);
      if (u < 0x20 || u >= 0x7f || c == '"' || c == '\\') {
        simple = false;
        break;
      }
    }
    return simple ? plain(s) : escaped(s);
  }
  // Pre-escaped text (the file name, escaped once per file).
  JsonWriter& raw(std::string_view s) { return put(s); }

 private:
  // A value in double quotes: `write` fills at most n characters at p and returns the end.
  template <typename Write>
  JsonWriter& quoted(std::size_t n, Write&& write) {
    char* p = grow(n + 2);
    *p++ = '"';
    p = write(p);
    *p++ = '"';
    shrink(p);
    return *this;
  }
  // The rare path of text(), kept out of line.
  [[gnu::noinline]] JsonWriter& escaped(std::string_view s) {
    const std::string e = nlohmann::json(std::string(s)).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    char* p = grow(e.size());
    shrink(copy_out(p, e.data(), e.size()));
    return *this;
  }
  // Room for the separator and n more characters; returns where to write them.
  char* grow(std::size_t n) {
    char* p = out_.reserve(n + 1);
    if (after_key_) {
      after_key_ = false;
    } else if (need_comma_) {
      *p++ = ',';
    }
    need_comma_ = true;
    return p;
  }
  // Keeps what was written of what grow() reserved.
  void shrink(const char* end) { out_.commit(end); }
  JsonWriter& put(std::string_view a, std::string_view b = {}) {
    char* p = grow(a.size() + b.size());
    p = copy_out(p, a.data(), a.size());
    shrink(copy_out(p, b.data(), b.size()));
    return *this;
  }
  template <typename T>
  JsonWriter& raw_number(T v) {
    char buf[24];
    auto [p, ec] = std::to_chars(buf, buf + sizeof buf, v);
    return put(std::string_view(buf, static_cast<std::size_t>(p - buf)));
  }
  JsonWriter& open(char c) {
    char* p = grow(1);
    *p++ = c;
    shrink(p);
    need_comma_ = false;
    return *this;
  }
  JsonWriter& close(char c) {
    out_.push_back(c);
    need_comma_ = true;
    return *this;
  }
  OutBuffer& out_;
  bool need_comma_ = false;
  bool after_key_ = false;
};

}  // namespace fe95::cli
