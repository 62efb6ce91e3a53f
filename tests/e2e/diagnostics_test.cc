// SPDX-License-Identifier: GPL-2.0-or-later
// fe95 analyze reports what the layers below the sessions found: an orphan ACL fragment, a record
// cut by the snap length. Each as a {"type":"diagnostic"} line with --json, counted (and the first
// few shown) in the text report.
#include <gtest/gtest.h>

#include "scenario.h"
#include "support.h"

namespace fe95::test {
namespace {

using namespace fe95::writer;
using nlohmann::json;

std::vector<json> of_type(const std::vector<json>& lines, const std::string& type) {
  std::vector<json> out;
  for (const auto& j : lines)
    if (j["type"] == type) out.push_back(j);
  return out;
}

TEST(AnalyzeDiagnostics, OrphanContinuationFragment) {
  const std::string path = temp_dir() + "/orphan.btsnoop";
  {
    auto w = open_writer(path, Format::btsnoop_h4);
    Scenario s(*w, 1700000000LL * 1000000000LL);
    s.connect(0x0040, *BdAddr::parse("C4:7C:8D:6A:12:34"));
    // A continuation fragment (packet boundary 01) with no start before it on the link.
    s.acl(Direction::rcvd, {0x40, 0x10, 0x04, 0x00, 0xde, 0xad, 0xbe, 0xef});
    s.disconnect(0x0040);
    ASSERT_TRUE(w->close());
  }
  auto r = run({FE95_BINARY, "analyze", "--json", "-q", path});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto lines = json_lines(r.out);
  const auto diags = of_type(lines, "diagnostic");
  ASSERT_EQ(diags.size(), 1u) << r.out;
  EXPECT_EQ(diags[0]["code"], "l2cap.continuation_without_start");
  EXPECT_EQ(diags[0]["severity"], "warning");
  EXPECT_EQ(diags[0]["frame"], 4);  // LE Create Connection, Command Status, Connection Complete, the fragment
  EXPECT_EQ(diags[0]["raw"], "deadbeef");
  const auto files = of_type(lines, "file");
  ASSERT_EQ(files.size(), 1u);
  EXPECT_EQ(files[0]["diagnostics"], 1);
  // The text report counts it and shows it.
  auto text = run({FE95_BINARY, "analyze", "-q", path});
  EXPECT_NE(text.out.find("  1 diagnostic\n"), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("! l2cap.continuation_without_start [frame 4]"), std::string::npos) << text.out;
}

TEST(AnalyzeDiagnostics, RecordsCutBySnapLength) {
  if (!have_program("editcap")) GTEST_SKIP() << "editcap (Wireshark) not installed";
  const std::string dir = temp_dir();
  for (const char* fmt : {"btsnoop", "pcap"}) {
    SCOPED_TRACE(fmt);
    const std::string src = shipped_captures() + (std::string(fmt) == "pcap" ? "/register-nodiscovery-pcap.pcap"
                                                                             : "/register-kettle.btsnoop");
    const std::string cut = dir + "/cut." + fmt;
    // 12 bytes per record: every ACL packet longer than that is cut, short events are whole.
    ASSERT_EQ(run({"editcap", "-F", fmt, "-s", "12", src, cut}).exit_code, 0);
    auto r = run({FE95_BINARY, "analyze", "--json", "-q", cut});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    std::size_t truncated = 0, acl_length = 0, att_malformed = 0;
    for (const auto& d : of_type(json_lines(r.out), "diagnostic")) {
      truncated += d["code"] == "capture.truncated_record";
      acl_length += d["code"] == "hci.acl_length";
      att_malformed += d["code"] == "att.malformed";
    }
    // The cut events are not dissected; the cut ATT PDUs go up as cut (fe95 att shows them) where
    // their L2CAP header survived (btsnoop; pcap's 4-byte pseudo-header leaves too little).
    EXPECT_GE(truncated, 1u) << r.out.substr(0, 2000);
    EXPECT_EQ(acl_length, 0u);     // the snap length, not the ACL header, is to blame
    EXPECT_EQ(att_malformed, 0u);  // nor the ATT PDU
    auto att = run({FE95_BINARY, "att", "-q", cut});
    if (std::string(fmt) == "btsnoop") {
      EXPECT_NE(att.out.find("\"cut\":"), std::string::npos) << att.out.substr(0, 2000);
    }
    // The same file uncut has no such diagnostic.
    auto whole = run({FE95_BINARY, "analyze", "--json", "-q", src});
    EXPECT_EQ(whole.out.find("capture.truncated_record"), std::string::npos);
  }
  // 14 bytes a record keep two bytes of each ATT value: the register's steps, and its status says
  // the capture cut it (not `failed`: nothing cut is checked against a token).
  if (!have_program("editcap")) return;
  const std::string cut = dir + "/cut14.btsnoop";
  ASSERT_EQ(
      run({"editcap", "-F", "btsnoop", "-s", "14", shipped_captures() + "/register-kettle.btsnoop", cut}).exit_code, 0);
  auto r = run({FE95_BINARY, "analyze", "--json", "-q", cut});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto sessions = of_type(json_lines(r.out), "session");
  ASSERT_EQ(sessions.size(), 1u) << r.out;
  EXPECT_EQ(sessions[0]["kind"], "register");
  EXPECT_EQ(sessions[0]["status"], "truncated");
  EXPECT_TRUE(sessions[0]["diagnostics"].empty());
  std::vector<std::string> steps;
  for (const auto& st : sessions[0]["steps"]) steps.push_back(st["step"]);
  EXPECT_EQ(steps, (std::vector<std::string>{"register_start", "t1", "t2", "register_end", "bond_result"})) << r.out;
}

}  // namespace
}  // namespace fe95::test
