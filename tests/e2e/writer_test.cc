// SPDX-License-Identifier: GPL-2.0-or-later
// The capture writer: the shipped sample captures are exactly what fe95-mkcap writes today, and
// tshark decodes every one of them without a single malformed packet or expert warning/error (the
// HCI captures in TsharkDiff, on the same tshark run as their ATT comparison; the sniffer
// captures here).
#include <gtest/gtest.h>

#include <cctype>
#include <sstream>

#include "support.h"

namespace fe95::test {
namespace {

TEST(Writer, ShippedCapturesAreReproducible) {
  const std::string dir = temp_dir();
  auto r = run({FE95_MKCAP, "--all", dir});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto made = files_under(dir);
  ASSERT_FALSE(made.empty());
  for (const auto& f : made) {
    const std::string name = f.substr(dir.size() + 1);  // phone forms: phone/NAME
    const std::string shipped = shipped_captures() + "/" + name;
    if (is_packed(f)) {
      // Compressed forms: what they hold, not the compressor's bytes (those vary by its version).
      const auto got = unpacked(f);
      ASSERT_FALSE(got.empty()) << name;
      EXPECT_EQ(got, unpacked(shipped)) << name << " holds other files or bytes than captures/" << name
                                        << ": run `fe95-mkcap --all captures` and review";
      continue;
    }
    EXPECT_EQ(read_file(f), read_file(shipped))
        << name << " differs from captures/" << name << ": run `fe95-mkcap --all captures` and review";
  }
}

// tshark's clean decode of the shipped HCI captures is checked on the run that compares their ATT
// views (TsharkDiff.AttViewEqualsTshark, tests/e2e/tshark_diff_test.cc): one decode for both.

// The writer's sniffer captures: tshark decodes every frame as btle, with no malformed packet and
// no expert info but the CRC errors the writer puts in on purpose (one damaged empty PDU per link,
// one damaged advert), as many as fe95 counted and skipped.
class LlTsharkClean : public ::testing::TestWithParam<std::string> {};

TEST_P(LlTsharkClean, OnlyTheIntendedCrcErrors) {
  if (!have_program("tshark")) GTEST_SKIP() << "tshark not installed";
  const auto v = tshark_view(GetParam());
  ASSERT_EQ(v.exit_code, 0) << v.err;
  EXPECT_EQ(v.expert.find("Malformed"), std::string::npos) << v.expert;
  long crc_errors = -1;
  for (const auto& line : v.expert_rows) {
    const bool ll_crc = line.find("BT LE LL") != std::string::npos && line.find("Incorrect CRC") != std::string::npos;
    const bool nordic_crc =
        line.find("NORDIC_BLE") != std::string::npos && line.find("CRC is bad") != std::string::npos;
    EXPECT_TRUE(ll_crc || nordic_crc) << "tshark expert info: " << line;
    if (ll_crc) crc_errors = std::atol(line.c_str());
  }
  auto m = run({FE95_BINARY, "analyze", "--json", "-q", GetParam()});
  ASSERT_EQ(m.exit_code, 0) << m.err;
  long skipped = 0;
  for (const auto& j : json_lines(m.out))
    if (j["type"] == "diagnostic" && j["code"] == "ll.crc_bad")
      skipped = std::atol(j["message"].get<std::string>().c_str());
  EXPECT_GT(skipped, 0);
  EXPECT_EQ(crc_errors, skipped);
  ASSERT_FALSE(v.protocols.empty()) << "tshark printed no frame of " << GetParam();
  for (std::size_t i = 0; i < v.protocols.size(); ++i)
    EXPECT_TRUE(has_protocol(v.protocols[i], {"btle"}))
        << "frame " << i + 1 << " is not Bluetooth LE link layer to tshark: " << v.protocols[i];
}

INSTANTIATE_TEST_SUITE_P(Shipped, LlTsharkClean, ::testing::ValuesIn(shipped_ll()), capture_param);

}  // namespace
}  // namespace fe95::test
