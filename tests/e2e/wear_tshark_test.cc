// SPDX-License-Identifier: GPL-2.0-or-later
// The writer's wearable captures (issue 24; not shipped in captures/ yet): tshark decodes each of
// them without a malformed packet or an expert warning, in the HCI formats fe95 writes, and on the
// RFCOMM ones tshark's btrfcomm and fe95's RFCOMM layer (read alone, tests/support/wear_read.h)
// agree on every frame: DLCI, C/R, frame type, P/F, length, credits, FCS and the DLCI 0 commands.
#include <gtest/gtest.h>

#include <cctype>
#include <sstream>

#include "scenarios.h"
#include "support.h"
#include "wear_read.h"

namespace fe95::test {
namespace {

struct WearCase {
  std::string scenario;
  writer::Format format;
};

std::string write_capture(const WearCase& c) {
  const std::string path = temp_dir() + "/" + c.scenario + "." + writer::format_extension(c.format);
  auto w = writer::open_writer(path, c.format);
  writer::Scenario s(*w, writer::kScenarioEpochNs);
  const writer::NamedScenario* n = writer::find_scenario(c.scenario);
  EXPECT_NE(n, nullptr) << c.scenario;
  if (n) n->build(s);
  EXPECT_TRUE(w->close());
  return path;
}

class WearTsharkClean : public ::testing::TestWithParam<WearCase> {};

TEST_P(WearTsharkClean, NoMalformedNoExpertWarnings) {
  if (!have_program("tshark")) GTEST_SKIP() << "tshark not installed";
  const std::string path = write_capture(GetParam());
  const auto v = tshark_view(path);
  ASSERT_EQ(v.exit_code, 0) << v.err;
  EXPECT_EQ(v.expert.find("Malformed"), std::string::npos) << v.expert;
  for (const auto& line : v.expert_rows) ADD_FAILURE() << "tshark expert info: " << line;
  // Every frame is HCI, and the RFCOMM captures hold RFCOMM (the L2CAP channel was recognised as PSM 3).
  ASSERT_FALSE(v.protocols.empty()) << "tshark printed no frame";
  long rfcomm = 0;
  for (std::size_t i = 0; i < v.protocols.size(); ++i) {
    EXPECT_TRUE(has_protocol(v.protocols[i], {"hci_h4", "hci_mon", "bthci_cmd", "bthci_evt", "bthci_acl"}))
        << "frame " << i + 1 << " is not HCI to tshark: " << v.protocols[i];
    EXPECT_FALSE(has_protocol(v.protocols[i], {"_ws.malformed"})) << "frame " << i + 1 << ": " << v.protocols[i];
    rfcomm += has_protocol(v.protocols[i], {"btrfcomm"});
  }
  if (GetParam().scenario.find("spp") != std::string::npos) {
    EXPECT_GT(rfcomm, 20) << "too few RFCOMM frames";
  }
}

// Each scenario as Android writes it; the RFCOMM one with long packets also as pcapng and btmon
// (BR/EDR ACL in the monitor format), about 2 s of tshark each.
std::vector<WearCase> cases() {
  std::vector<WearCase> out;
  for (const char* s : {"wear-ble-v1", "wear-ble-v2", "wear-spp-v1", "wear-spp-v2"})
    out.push_back({s, writer::Format::btsnoop_h4});
  out.push_back({"wear-spp-v2", writer::Format::pcapng_phdr});
  out.push_back({"wear-spp-v2", writer::Format::btsnoop_monitor});
  return out;
}
std::string case_name(const ::testing::TestParamInfo<WearCase>& info) {
  std::string n = info.param.scenario + "_" + writer::format_name(info.param.format);
  for (char& ch : n)
    if (!std::isalnum(static_cast<unsigned char>(ch))) ch = '_';
  return n;
}

INSTANTIATE_TEST_SUITE_P(Writer, WearTsharkClean, ::testing::ValuesIn(cases()), case_name);

// tshark prints hex fields as 0x.., decimal ones as digits, absent ones as "". Its one-bit
// fields print as 0x00/0x01 up to 4.2 and as False/True from 4.4 on: both read as 0x00/0x01.
std::vector<std::vector<std::string>> flags_as_hex(std::vector<std::vector<std::string>> rows) {
  for (auto& row : rows)
    for (auto& cell : row) {
      if (cell == "True") cell = "0x01";
      if (cell == "False") cell = "0x00";
    }
  return rows;
}

// tshark prints hex fields as 0x.., decimal ones as digits, absent ones as "".
std::string hex2(unsigned v) {
  static const char* d = "0123456789abcdef";
  return std::string("0x") + d[v >> 4 & 0xf] + d[v & 0xf];
}

class WearRfcommAgreement : public ::testing::TestWithParam<std::string> {};

TEST_P(WearRfcommAgreement, EveryFrameAsTsharkSeesIt) {
  if (!have_program("tshark")) GTEST_SKIP() << "tshark not installed";
  const std::string path = write_capture({GetParam(), writer::Format::btsnoop_h4});
  const RfcommCapture ours = read_rfcomm(path);
  ASSERT_EQ(ours.error, "");
  EXPECT_TRUE(ours.problems.empty());
  auto t = run({"tshark",
                "-r",
                path,
                "-Y",
                "btrfcomm",
                "-T",
                "fields",
                "-e",
                "frame.number",
                "-e",
                "btrfcomm.dlci",
                "-e",
                "btrfcomm.cr",
                "-e",
                "btrfcomm.frame_type",
                "-e",
                "btrfcomm.pf",
                "-e",
                "btrfcomm.len",
                "-e",
                "btrfcomm.credits",
                "-e",
                "btrfcomm.fcs",
                "-e",
                "btrfcomm.mcc.cmd",
                "-e",
                "btrfcomm.mcc.cr",
                "-e",
                "btrfcomm.max_frame_size",
                "-e",
                "btrfcomm.pn.cl"});
  ASSERT_EQ(t.exit_code, 0) << t.err;
  const auto rows = flags_as_hex(tsv(t.out, 12));
  ASSERT_EQ(rows.size(), ours.rows.size());
  ASSERT_GT(rows.size(), 20u);
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const auto& want = rows[i];
    const RfcommRow& got = ours.rows[i];
    const rfcomm::Frame& f = got.parsed;
    SCOPED_TRACE("frame " + want[0]);
    EXPECT_EQ(want[0], std::to_string(got.frame));
    EXPECT_EQ(want[1], hex2(f.dlci));
    EXPECT_EQ(want[2], hex2(f.cr));
    EXPECT_EQ(want[3], hex2(f.control & 0xef));
    EXPECT_EQ(want[4], hex2(f.pf));
    EXPECT_EQ(want[5], std::to_string(f.length));
    EXPECT_EQ(want[6], f.credits ? std::to_string(*f.credits) : "");
    EXPECT_EQ(want[7], hex2(f.fcs));
    EXPECT_TRUE(f.fcs_ok);
    EXPECT_EQ(want[8], got.mux_types.empty() ? "" : hex2(got.mux_types[0]));
    EXPECT_EQ(want[9], got.mux_commands.empty() ? "" : hex2(got.mux_commands[0]));
    EXPECT_EQ(want[10], got.pn ? std::to_string(got.pn->max_frame) : "");
    EXPECT_EQ(want[11], got.pn ? hex2(got.pn->cl) : "");
  }
}

INSTANTIATE_TEST_SUITE_P(Writer, WearRfcommAgreement, ::testing::Values("wear-spp-v1", "wear-spp-v2"),
                         [](const ::testing::TestParamInfo<std::string>& i) {
                           std::string n = i.param;
                           for (char& ch : n)
                             if (ch == '-') ch = '_';
                           return n;
                         });

}  // namespace
}  // namespace fe95::test
