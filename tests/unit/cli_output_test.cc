// SPDX-License-Identifier: GPL-2.0-or-later
// The CLI's hand-rolled output primitives against the library calls they replace on the hot path
// (gmtime + snprintf, nlohmann's string escaping and number format): byte for byte, on sweeps
// that reach every branch, so that the JSON goldens cannot be kept only by the captures at hand.
#include <gtest/gtest.h>

#include <climits>
#include <cstdio>
#include <ctime>
#include <random>

#include "common.h"
#include "json_writer.h"

namespace fe95::cli {
namespace {

// What iso_time printed before it was hand-rolled.
std::string reference_time(std::int64_t ts_ns) {
  std::int64_t secs = ts_ns / 1000000000;
  std::int64_t us = (ts_ns % 1000000000) / 1000;
  if (us < 0) {
    us += 1000000;
    --secs;
  }
  const auto t = static_cast<std::time_t>(secs);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%06lldZ", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<long long>(us));
  return buf;
}

TEST(CliOutput, IsoTimeEqualsGmtimeOverTheWholeInt64Range) {
  std::vector<std::int64_t> ts = {0,
                                  1,
                                  -1,
                                  999,
                                  -999,
                                  1000,
                                  -1000,
                                  999999999,
                                  -999999999,
                                  1000000000,
                                  -1000000000,
                                  INT64_MAX,
                                  INT64_MIN,
                                  INT64_MIN + 1,
                                  951782400LL * 1000000000,    // 2000-02-29
                                  4107542400LL * 1000000000,   // 2100-03-01 (not a leap year)
                                  -2203891200LL * 1000000000,  // 1900-03-01
                                  1700000000123456789LL};
  // Every day boundary of four years around a leap day, and random times of the whole range.
  for (std::int64_t d = 0; d < 4 * 366; ++d) ts.push_back((946684800LL + d * 86400) * 1000000000 - 1);
  std::mt19937_64 rng(95);
  for (int i = 0; i < 200000; ++i) ts.push_back(static_cast<std::int64_t>(rng()));
  std::size_t mismatches = 0;
  std::string first;
  for (const auto t : ts) {
    const std::string got = iso_time(t), want = reference_time(t);
    if (got != want && mismatches++ == 0) first = std::to_string(t) + ": " + got + " != " + want;
    ASSERT_EQ(got.size(), kIsoTimeLen);
  }
  EXPECT_EQ(mismatches, 0u) << first;
}

// One JSON value through JsonWriter.
template <typename F>
std::string written(F&& f) {
  OutBuffer out;
  JsonWriter w(out);
  f(w);
  return std::string(out.view());
}

TEST(CliOutput, TextIsEscapedExactlyAsNlohmannDoes) {
  // Every byte alone and between printable text, then random strings (ASCII, controls, quotes,
  // backslashes, valid and broken UTF-8).
  std::vector<std::string> texts = {"",     "1.1.2_0001", "say \"hi\"", "a\\b",  "\x7f", "caf\xc3\xa9", "\xe2\x82\xac",
                                    "\xc3", "\xff\xfe",   "tab\there",  "nul\0x"};
  texts.back().assign("nul\0x", 5);
  for (int b = 0; b < 256; ++b) {
    texts.emplace_back(1, static_cast<char>(b));
    texts.push_back("ab" + std::string(1, static_cast<char>(b)) + "cd");
  }
  std::mt19937 rng(11);
  static const char kAlphabet[] = "azAZ09 \"\\/\x01\x1f\x7f\xc3\xa9\xe2\x82\xac\xff";
  const std::string alphabet(kAlphabet, sizeof kAlphabet - 1);
  for (int i = 0; i < 20000; ++i) {
    std::string t;
    for (auto n = rng() % 24; n > 0; --n) t.push_back(alphabet[rng() % alphabet.size()]);
    texts.push_back(t);
  }
  std::size_t mismatches = 0;
  for (const auto& t : texts) {
    const std::string want = nlohmann::json(t).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    mismatches += written([&](JsonWriter& w) { w.text(t); }) != want;
  }
  EXPECT_EQ(mismatches, 0u);
  EXPECT_GT(texts.size(), 20000u);
}

TEST(CliOutput, NumbersAndStructureEqualNlohmann) {
  std::mt19937_64 rng(3);
  std::vector<double> doubles = {0.0, -0.0, 1.0, -1.0, 0.5, 22.5, 1e-7, 1e21, 123456789.0, 3.14159, -273.15};
  for (int i = 0; i < 5000; ++i)
    doubles.push_back(static_cast<double>(static_cast<std::int64_t>(rng() % 200000) - 100000) / 10.0);
  for (const double d : doubles) {
    nlohmann::ordered_json j;
    j["v"] = d;
    j["u"] = std::uint64_t{rng()};
    j["i"] = -static_cast<std::int64_t>(rng() >> 1);
    j["b"] = true;
    j["n"] = nullptr;
    j["a"] = nlohmann::ordered_json::array({1, 2});
    j["o"] = nlohmann::ordered_json::object();
    const std::string got = written([&](JsonWriter& w) {
      w.begin_object().key("v").number(d).key("u").number(j["u"].get<std::uint64_t>());
      w.key("i").number(j["i"].get<std::int64_t>()).key("b").boolean(true).key("n").null();
      w.key("a").begin_array().number(std::uint64_t{1}).number(std::uint64_t{2}).end_array();
      w.key("o").begin_object().end_object().end_object();
    });
    ASSERT_EQ(got, j.dump()) << d;
  }
}

TEST(CliOutput, HexAndAddressesAreLowerAndUpperCaseAsDocumented) {
  const Bytes b = {0x00, 0x0f, 0xa5, 0xff};
  EXPECT_EQ(written([&](JsonWriter& w) { w.hex(b); }), "\"000fa5ff\"");
  EXPECT_EQ(written([&](JsonWriter& w) { w.address(*BdAddr::parse("c4:7c:8d:6a:12:34")); }), "\"C4:7C:8D:6A:12:34\"");
  EXPECT_EQ(written([&](JsonWriter& w) { w.time(0); }), "\"1970-01-01T00:00:00.000000Z\"");
}

TEST(CliOutput, OutBufferKeepsEverythingAcrossGrowth) {
  // Appends of every size from 0 to 5,000 bytes: the buffer doubles many times over.
  OutBuffer out;
  std::string want;
  std::mt19937 rng(5);
  for (std::size_t n = 0; n <= 5000; n += 7) {
    std::string piece(n, static_cast<char>('a' + n % 26));
    if (n) piece[0] = static_cast<char>(rng());
    out.append(piece);
    want += piece;
    out.push_back('\n');
    want.push_back('\n');
  }
  ASSERT_EQ(out.size(), want.size());
  EXPECT_EQ(out.view(), want);
  out.clear();
  EXPECT_TRUE(out.empty());
}

}  // namespace
}  // namespace fe95::cli
