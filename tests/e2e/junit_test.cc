// SPDX-License-Identifier: GPL-2.0-or-later
// `fe95 verify --junit FILE` (README "fe95 verify"): JUnit XML as CI systems read it.
#include <gtest/gtest.h>

#include "support.h"

namespace fe95::test::junit {
namespace {

using nlohmann::json;
constexpr int kExitUsage = 2;
constexpr const char* kToken = "015ccba8800abdc12eb8ed82";

std::string phone(const std::string& name) {
  return shipped_captures() + "/phone/" + name;
}
std::string kettle_zip() {
  return phone("bugreport-kettle.zip");
}

TEST(Junit, ATestCasePerSessionFailuresCarryStatusAndCodes) {
  const std::string dir = temp_dir();
  const std::string xml_path = dir + "/fe95.xml";
  const std::string notes = dir + "/empty.btsnoop";
  write_file(notes, read_file(shipped_captures() + "/gatt-tour.btsnoop").substr(0, 16));  // a capture with no session
  auto r = run({FE95_BINARY, "verify", "--token", kToken, "--junit", xml_path,
                shipped_captures() + "/register-then-wrong-login.btsnoop", shipped_captures() + "/login-kettle.btsnoop",
                notes, shipped_captures() + "/std-register-mihome.btsnoop"});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  const std::string xml = read_file(xml_path);
  ASSERT_FALSE(xml.empty());
  EXPECT_EQ(xml.rfind("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"fe95 verify\" tests=\"5\" "
                      "failures=\"2\" errors=\"0\" skipped=\"1\">\n",
                      0),
            0u)
      << xml;
  auto count = [&](const std::string& s) {
    std::size_t n = 0;
    for (std::size_t at = 0; (at = xml.find(s, at)) != std::string::npos; at += s.size()) ++n;
    return n;
  };
  EXPECT_EQ(count("<testsuite "), 4u);  // one per capture
  EXPECT_EQ(count("</testsuite>"), 4u);
  EXPECT_EQ(count("<testcase "), 5u);  // register + login, login, the empty capture, the standard register
  // The wrong login: its status and finding code.
  EXPECT_NE(xml.find("<testcase name=\"login C4:7C:8D:6A:12:34 frames"), std::string::npos) << xml;
  EXPECT_NE(xml.find("<failure message=\"status failed: token_mismatch\" type=\"fe95.verify\">status: failed\n"
                     "token_mismatch [frames"),
            std::string::npos)
      << xml;
  // A capture with no session is a failing test case of its own; a standard register is skipped.
  EXPECT_NE(xml.find("<failure message=\"no FE95 session in this capture\" type=\"fe95.verify\"/>"), std::string::npos)
      << xml;
  EXPECT_NE(xml.find("<skipped message=\"standard register registered: its token is agreed by ECDH, not in the "
                     "capture\"/>"),
            std::string::npos)
      << xml;
  EXPECT_EQ(xml.substr(xml.size() - 14), "</testsuites>\n") << xml;
  // No times: the same captures give the same file.
  auto again =
      run({FE95_BINARY, "verify", "--token", kToken, "--junit", xml_path,
           shipped_captures() + "/register-then-wrong-login.btsnoop", shipped_captures() + "/login-kettle.btsnoop",
           notes, shipped_captures() + "/std-register-mihome.btsnoop"});
  EXPECT_EQ(read_file(xml_path), xml);
  // A file that cannot be written is a usage error.
  auto unwritable = run({FE95_BINARY, "verify", "--token", kToken, "--junit", dir + "/no/such/dir/fe95.xml",
                         shipped_captures() + "/login-kettle.btsnoop"});
  EXPECT_EQ(unwritable.exit_code, kExitUsage);
  EXPECT_NE(unwritable.err.find("cannot write the JUnit report"), std::string::npos) << unwritable.err;
  if (have_program("python3")) {  // well-formed XML, as a CI's parser reads it
    auto p = run({"python3", "-c",
                  "import sys, xml.etree.ElementTree as E; r = E.parse(sys.argv[1]).getroot(); "
                  "print(r.tag, len(r), sum(len(s) for s in r))",
                  xml_path});
    EXPECT_EQ(p.out, "testsuites 4 5\n") << p.err;
  }
}

TEST(Junit, UnreadableCapturesAreErrorsAndCutLogsAreNoted) {
  const std::string dir = temp_dir();
  const std::string xml_path = dir + "/fe95.xml";
  const std::string bad = dir + "/bad.bin";
  write_file(bad, std::string("\x01\x02\x03\x04not a capture", 17));
  auto r = run({FE95_BINARY, "verify", "--token", kToken, "--junit", xml_path, kettle_zip(), bad});
  EXPECT_EQ(r.exit_code, kExitUsage);
  const std::string xml = read_file(xml_path);
  EXPECT_NE(xml.find("<error message=\"not read: unknown capture format"), std::string::npos) << xml;
  EXPECT_NE(xml.find("<system-out>ATT values cut to 3 bytes (19 records): a BTSNOOZ summary"), std::string::npos)
      << xml;
  EXPECT_NE(xml.find("errors=\"1\""), std::string::npos);
}

}  // namespace
}  // namespace fe95::test::junit
