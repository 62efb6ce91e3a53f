// SPDX-License-Identifier: GPL-2.0-or-later
// Streaming JSON for the hot records (sessions, beacons): no DOM, no per-key allocation. Same
// key order and number formatting as the nlohmann dumps it replaces, so the output is
// byte-identical (the goldens check it). Free text is escaped by nlohmann.
#pragma once

#include <charconv>
#include <cstdint>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "fe95/bytes.h"

namespace fe95::cli {

class JsonWriter {
public:
  explicit JsonWriter(std::string& out) : out_(out) {}

  JsonWriter& begin_object() { return open('{'); }
  JsonWriter& end_object() { return close('}'); }
  JsonWriter& begin_array() { return open('['); }
  JsonWriter& end_array() { return close(']'); }
  // Keys are our own identifiers: never need escaping.
  JsonWriter& key(std::string_view k) {
    comma();
    out_.push_back('"');
    out_.append(k);
    out_.append("\":");
    after_key_ = true;
    return *this;
  }
  JsonWriter& number(std::uint64_t v) { return raw_number(v); }
  JsonWriter& number(std::int64_t v) { return raw_number(v); }
  JsonWriter& number(double v) {
    comma();
    char buf[32];
    auto [p, ec] = std::to_chars(buf, buf + sizeof buf, v);
    std::string_view s(buf, static_cast<std::size_t>(p - buf));
    out_.append(s);
    // nlohmann prints integral doubles with ".0"
    if (s.find_first_of(".en") == std::string_view::npos) out_.append(".0");
    return *this;
  }
  JsonWriter& boolean(bool b) {
    comma();
    out_.append(b ? "true" : "false");
    return *this;
  }
  JsonWriter& null() {
    comma();
    out_.append("null");
    return *this;
  }
  // A string fe95 itself defines (enum names, addresses, hex, units, model names): contains no
  // quote, backslash or control character, so it needs no escaping.
  JsonWriter& plain(std::string_view s) {
    comma();
    out_.push_back('"');
    out_.append(s);
    out_.push_back('"');
    return *this;
  }
  JsonWriter& hex(ByteView b) {
    comma();
    out_.push_back('"');
    out_.append(to_hex(b));
    out_.push_back('"');
    return *this;
  }
  // Any text (file names, firmware strings, messages): escaped by nlohmann.
  JsonWriter& text(std::string_view s) {
    comma();
    out_.append(nlohmann::json(std::string(s)).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
    return *this;
  }
  // Pre-escaped text (the file name, escaped once per file).
  JsonWriter& raw(std::string_view s) {
    comma();
    out_.append(s);
    return *this;
  }

private:
  template <typename T>
  JsonWriter& raw_number(T v) {
    comma();
    char buf[24];
    auto [p, ec] = std::to_chars(buf, buf + sizeof buf, v);
    out_.append(buf, static_cast<std::size_t>(p - buf));
    return *this;
  }
  void comma() {
    if (after_key_) {
      after_key_ = false;
      return;
    }
    if (need_comma_) out_.push_back(',');
    need_comma_ = true;
  }
  JsonWriter& open(char c) {
    comma();
    out_.push_back(c);
    need_comma_ = false;
    return *this;
  }
  JsonWriter& close(char c) {
    out_.push_back(c);
    need_comma_ = true;
    return *this;
  }
  std::string& out_;
  bool need_comma_ = false;
  bool after_key_ = false;
};

}  // namespace fe95::cli
