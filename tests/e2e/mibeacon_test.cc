// SPDX-License-Identifier: GPL-2.0-or-later
// MiBeacon end to end: synthetic v2-v5 frames, keys from options and from a register in the same
// capture, and the public captures' advert counts against tshark's count of FE95 service data.
#include <gtest/gtest.h>

#include <map>
#include <sstream>

#include "support.h"

namespace fe95::test {
namespace {

using nlohmann::json;

std::vector<json> beacons(const std::string& capture, std::vector<std::string> args = {}) {
  std::vector<std::string> argv{FE95_BINARY, "analyze", "--json", "-q", capture};
  argv.insert(argv.end(), args.begin(), args.end());
  auto r = run(argv);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  std::vector<json> out;
  for (auto& j : json_lines(r.out))
    if (j["type"] == "beacon") out.push_back(j);
  return out;
}

const std::string kTour = shipped_captures() + "/mibeacon-tour.btsnoop";

TEST(MiBeaconE2E, EveryVersionPlainAndEncrypted) {
  auto b = beacons(kTour, {"--bindkey", "C4:7C:8D:6B:00:01=000102030405060708090a0b0c0d0e0f", "--bindkey",
                           "C4:7C:8D:6A:12:34=112233445566778899aabbccFFFFFFFF"});
  ASSERT_EQ(b.size(), 8u);
  EXPECT_EQ(b[0]["io_capability"], 1);  // 2-byte I/O capability, as the spec says
  EXPECT_EQ(b[1]["status"], "plain");
  EXPECT_EQ(b[1]["objects"][0]["temperature"]["value"], 90);
  EXPECT_EQ(b[2]["version"], 3);
  EXPECT_EQ(b[2]["status"], "decrypted");
  EXPECT_EQ(b[2]["plaintext"], "011003000000");
  EXPECT_EQ(b[3]["version"], 4);
  EXPECT_EQ(b[3]["extended"], true);
  EXPECT_EQ(b[3]["status"], "decrypted");
  EXPECT_EQ(b[3]["objects"][1]["conductivity"]["value"], 300);
  EXPECT_EQ(b[4]["version"], 5);
  EXPECT_EQ(b[4]["frame_control"]["mac_included"], false);
  EXPECT_EQ(b[4]["objects"][0]["illuminance"]["unit"], "lx");
  EXPECT_EQ(b[6]["status"], "malformed");
  EXPECT_EQ(b[7]["status"], "malformed");
}

TEST(MiBeaconE2E, NoKeyIsNotAnErrorAndAWrongKeyIsSaid) {
  auto none = beacons(kTour);
  EXPECT_EQ(none[2]["status"], "encrypted_no_key");
  EXPECT_EQ(none[3]["status"], "encrypted_no_key");
  auto wrong = beacons(kTour, {"--bindkey", "C4:7C:8D:6B:00:01=ff0102030405060708090a0b0c0d0e0f"});
  EXPECT_EQ(wrong[3]["status"], "wrong_key");
  EXPECT_NE(wrong[3]["reason"].get<std::string>().find("MIC"), std::string::npos);
}

TEST(MiBeaconE2E, RegisterFeedsAndIsFedByAdverts) {
  auto r = run({FE95_BINARY, "analyze", "--json", "-q", shipped_captures() + "/register-mibeacon.btsnoop"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::vector<json> b;
  json session;
  for (auto& j : json_lines(r.out)) {
    if (j["type"] == "session") session = j;
    if (j["type"] == "beacon") b.push_back(j);
  }
  // MAC and product id of a link without connection event come from the adverts...
  EXPECT_EQ(session["status"], "verified");
  EXPECT_EQ(session["device"], "58:2D:34:10:20:30");
  EXPECT_EQ(session["device_source"], "mibeacon");
  EXPECT_EQ(session["product_id_source"], "mibeacon");
  // ... and the beacon key it read decrypts the later adverts with no option.
  ASSERT_EQ(b.size(), 9u);
  EXPECT_EQ(b[1]["retransmission"], true);
  EXPECT_EQ(b[2]["retransmission"], false);
  for (std::size_t i = 6; i < 9; ++i) EXPECT_EQ(b[i]["status"], "decrypted") << i;
  EXPECT_EQ(b[8]["objects"][1]["battery"]["value"], 87);
}

TEST(MiBeaconE2E, ReportSummarisesPerDevice) {
  auto r = run({FE95_BINARY, "analyze", "-q", kTour});
  EXPECT_NE(r.out.find("adverts C4:7C:8D:6B:00:01: product id 152 (hhcc.plantmonitor.v1), 3 MiBeacon frames"),
            std::string::npos)
      << r.out;
}

// Public captures: fe95's adverts per device equal tshark's FE95 service data per address.
class PublicAdverts : public ::testing::TestWithParam<std::string> {};

TEST_P(PublicAdverts, CountsMatchTshark) {
  if (!have_program("tshark")) GTEST_SKIP() << "tshark not installed";
  auto t = run({"tshark", "-r", GetParam(), "-Y", "btcommon.eir_ad.entry.uuid_16 == 0xfe95 && btcommon.eir_ad.entry.service_data",
                "-T", "fields", "-e", "bthci_evt.bd_addr"});
  std::map<std::string, int> tshark_counts;
  std::istringstream in(t.out);
  std::string line;
  while (std::getline(in, line)) {
    for (auto& c : line) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    ++tshark_counts[line];
  }
  std::map<std::string, int> fe95_counts;
  for (const auto& b : beacons(GetParam())) {
    ++fe95_counts[b["address"].get<std::string>()];
    EXPECT_NE(b["status"], "malformed") << b.dump();
  }
  EXPECT_FALSE(fe95_counts.empty());
  EXPECT_EQ(fe95_counts, tshark_counts);
}

std::vector<std::string> public_mibeacon() {
  std::vector<std::string> out;
  const std::string d = shared_captures();
  if (d.empty()) return out;
  for (const char* f : {"ix7trackerpro-mibeacon/btsnoop_hci.log", "fossibot-lywsd03mmc-mibeacon/btsnoop_hci.log",
                        "lightcontrol-mibeacon-fragments/btsnoop_hci.log"})
    out.push_back(d + "/" + f);
  return out;
}
INSTANTIATE_TEST_SUITE_P(Public, PublicAdverts, ::testing::ValuesIn(public_mibeacon()),
                         [](const auto& p) { return "capture" + std::to_string(p.index); });
GTEST_ALLOW_UNINSTANTIATED_PARAMETERIZED_TEST(PublicAdverts);

TEST(MiBeaconE2E, PublicV5EncryptedFramesAreNoKeyNotErrors) {
  if (shared_captures().empty()) GTEST_SKIP() << "../shared/captures/public is absent";
  int no_key = 0;
  for (const auto& b : beacons(shared_captures() + "/fossibot-lywsd03mmc-mibeacon/btsnoop_hci.log"))
    no_key += b["status"] == "encrypted_no_key";
  EXPECT_EQ(no_key, 3);  // frames 7716, 7764, 7783 (SOURCES.md)
}

}  // namespace
}  // namespace fe95::test
