// SPDX-License-Identifier: GPL-2.0-or-later
// Bad input end to end: every case gets one error line naming the file and offset, a documented
// exit code, never a signal; results before a truncation are still printed.
#include <gtest/gtest.h>

#include <algorithm>
#include <random>

#include "support.h"

namespace fe95::test {
namespace {

constexpr int kExitUsage = 2, kExitInput = 3;

std::string shipped_btsnoop() {
  return read_file(shipped_captures() + "/gatt-tour.btsnoop");
}

RunResult att_on(const std::string& bytes, const std::string& name = "input") {
  const std::string path = temp_dir() + "/" + name;
  write_file(path, bytes);
  return run({FE95_BINARY, "att", "-q", path}, 60);
}

void expect_one_error_line(const RunResult& r, const std::string& needle) {
  EXPECT_EQ(r.signal, 0);
  EXPECT_NE(r.err.find("fe95: "), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("offset "), std::string::npos) << r.err;
  EXPECT_NE(r.err.find(needle), std::string::npos) << r.err;
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
}

TEST(CliInput, EmptyFile) {
  auto r = att_on("");
  EXPECT_EQ(r.exit_code, kExitInput);
  expect_one_error_line(r, "empty file");
}

TEST(CliInput, UnknownFormat) {
  auto r = att_on(std::string("\x7f\x00\x01\x02 not a capture at all\n", 26));
  EXPECT_EQ(r.exit_code, kExitInput);
  expect_one_error_line(r, "unknown capture format");
}

TEST(CliInput, TextWithoutSnoozSection) {
  // Text is read as a bugreport's (docs/PHONE_LOGS.md §1): without the section it is no capture.
  auto r = att_on("this is not a capture at all\n");
  EXPECT_EQ(r.exit_code, kExitInput);
  expect_one_error_line(r, "a text file without a BTSNOOP_LOG_SUMMARY section");
}

TEST(CliInput, TruncatedFileHeader) {
  auto r = att_on(std::string("btsnoop\0\0\0", 10));
  EXPECT_EQ(r.exit_code, kExitInput);
  expect_one_error_line(r, "truncated btsnoop file header");
}

TEST(CliInput, RecordCutShortKeepsEarlierResults) {
  const std::string full = shipped_btsnoop();
  const auto complete = json_lines(att_on(full).out);
  ASSERT_GT(complete.size(), 10u);
  auto r = att_on(full.substr(0, full.size() - 5), "cut.btsnoop");
  EXPECT_EQ(r.exit_code, kExitInput);
  expect_one_error_line(r, "truncated record");
  const auto partial = json_lines(r.out);
  // Everything up to the damaged last record is still reported.
  EXPECT_GE(partial.size() + 2, complete.size());
  EXPECT_GT(partial.size(), 10u);
}

TEST(CliInput, HugeLengthFieldIsRefusedNotAllocated) {
  std::string bytes = shipped_btsnoop().substr(0, 16);
  std::string rec(24, '\0');
  rec[4] = rec[5] = rec[6] = rec[7] = '\xff';  // included length 4 GiB - 1
  bytes += rec;
  auto r = att_on(bytes);
  EXPECT_EQ(r.exit_code, kExitInput);
  expect_one_error_line(r, "record claims 4294967295 bytes");
  EXPECT_NE(r.err.find("offset 16"), std::string::npos) << r.err;
}

TEST(CliInput, RandomBytes) {
  std::mt19937 rng(95);
  for (int i = 0; i < 20; ++i) {
    std::string bytes(static_cast<std::size_t>(rng() % 4096), '\0');
    for (auto& c : bytes) c = static_cast<char>(rng());
    auto r = att_on(bytes);
    EXPECT_EQ(r.signal, 0);
    EXPECT_TRUE(r.exit_code == 0 || r.exit_code == kExitInput) << r.exit_code;
  }
}

TEST(CliInput, RandomRecordsAfterAValidHeader) {
  std::mt19937 rng(1002);
  const std::string header = shipped_btsnoop().substr(0, 16);
  for (int i = 0; i < 20; ++i) {
    std::string bytes(static_cast<std::size_t>(rng() % 8192), '\0');
    for (auto& c : bytes) c = static_cast<char>(rng());
    auto r = att_on(header + bytes);
    EXPECT_EQ(r.signal, 0);
    EXPECT_TRUE(r.exit_code == 0 || r.exit_code == kExitInput) << r.exit_code;
  }
}

TEST(CliInput, MissingFileIsAUsageError) {
  auto r = run({FE95_BINARY, "att", "/nonexistent/capture.log"});
  EXPECT_EQ(r.exit_code, kExitUsage);
}

TEST(CliInput, NonHciLinkTypeSaysWhy) {
  // pcap, little-endian, link type 1 (Ethernet): a readable file fe95 does not decode.
  std::string pcap("\xd4\xc3\xb2\xa1\x02\x00\x04\x00\0\0\0\0\0\0\0\0\xff\xff\x00\x00\x01\x00\x00\x00", 24);
  auto r = att_on(pcap);
  EXPECT_EQ(r.exit_code, kExitInput);
  expect_one_error_line(r, "link type 1 (Ethernet) is neither HCI nor an LE sniffer's");
  // Link type 256 (LE link layer with pseudo-header) is read: an empty one is no error.
  pcap[20] = '\x00';
  pcap[21] = '\x01';
  auto ll = att_on(pcap);
  EXPECT_EQ(ll.exit_code, 0) << ll.err;
  EXPECT_TRUE(ll.err.empty()) << ll.err;
}

TEST(CliInput, OneBadFileDoesNotStopTheOthers) {
  // A damaged capture in a directory (it has the btsnoop magic, then stops) gets its error and
  // exit 3; the good one beside it is still read.
  const std::string dir = temp_dir();
  write_file(dir + "/a-bad.btsnoop", std::string("btsnoop\0\0\0", 10));
  write_file(dir + "/b-good.btsnoop", shipped_btsnoop());
  auto r = run({FE95_BINARY, "att", "-q", dir});
  EXPECT_EQ(r.exit_code, kExitInput);
  EXPECT_NE(r.err.find("a-bad.btsnoop"), std::string::npos);
  EXPECT_GT(json_lines(r.out).size(), 10u);
}

TEST(CliInput, ADirectorySkipsFilesThatAreNotCaptures) {
  // Notes and keys beside the captures: one note line each on stderr, the exit code unchanged.
  const std::string dir = temp_dir();
  write_file(dir + "/NOTES.txt", "recorded with Mi Home 9.1 on a Pixel 6\n");
  write_file(dir + "/keys.csv", "\"C4:7C:8D:6A:12:34\",\"275\",\"\",\"\",\"\"\n");
  write_file(dir + "/empty", "");
  write_file(dir + "/register.btsnoop", read_file(shipped_captures() + "/register-kettle.btsnoop"));
  for (const char* cmd : {"att", "analyze", "verify"}) {
    std::vector<std::string> argv{FE95_BINARY, cmd, dir};
    if (std::string(cmd) == "verify") argv.insert(argv.begin() + 2, {"--token", "015ccba8800abdc12eb8ed82"});
    auto r = run(argv, 60);
    EXPECT_EQ(r.exit_code, 0) << cmd << ": " << r.err;
    for (const char* f : {"NOTES.txt", "keys.csv", "empty"})
      EXPECT_NE(r.err.find(std::string(f) + ": skipped (not a capture fe95 reads)"), std::string::npos)
          << cmd << ": " << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 3) << cmd << ": " << r.err;
    EXPECT_EQ(r.out.find("NOTES.txt"), std::string::npos) << cmd;
  }
  // The same file named on the command line is an input: its error, exit 3.
  auto named = run({FE95_BINARY, "analyze", dir + "/NOTES.txt"}, 60);
  EXPECT_EQ(named.exit_code, kExitInput);
  EXPECT_NE(named.err.find("without a BTSNOOP_LOG_SUMMARY section"), std::string::npos) << named.err;
}

TEST(CliInput, OptionsAndCapturesComeInAnyOrder) {
  // --token and --bindkey take one value each: a capture after them is a capture.
  const std::string dir = temp_dir();
  const std::string keys = dir + "/learned.csv";
  auto r = run({FE95_BINARY, "analyze", "--token", "015ccba8800abdc12eb8ed82",
                shipped_captures() + "/register-then-login.btsnoop", "--export-keys", keys},
               60);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(read_file(keys).find("015ccba8800abdc12eb8ed82"), std::string::npos);
  auto b = run({FE95_BINARY, "analyze", "--bindkey", "C4:7C:8D:6B:00:01=00112233445566778899aabbccddeeff",
                shipped_captures() + "/mibeacon-tour.btsnoop", "--token", "015ccba8800abdc12eb8ed82",
                shipped_captures() + "/login-kettle.btsnoop", "--json"},
               60);
  EXPECT_EQ(b.exit_code, 0) << b.err;
  std::size_t files = 0, verified = 0;
  for (const auto& j : json_lines(b.out)) {
    files += j["type"] == "file";
    verified += j["type"] == "session" && j["status"] == "verified";
  }
  EXPECT_EQ(files, 2u);
  EXPECT_EQ(verified, 1u);
  // Two values after one --token: the second is a capture that does not exist.
  auto two = run({FE95_BINARY, "analyze", "--token", "015ccba8800abdc12eb8ed82", "015ccba8800abdc12eb8ed82"}, 60);
  EXPECT_EQ(two.exit_code, kExitUsage);
}

// The progress bar: on stderr, only with a terminal attached and without --quiet. `script` gives
// fe95 a pseudo-terminal; FE95_PROGRESS_DELAY_MS=0 lets a short run draw it.
TEST(CliInput, ProgressBarOnlyOnATerminal) {
  if (!have_program("script")) GTEST_SKIP() << "script (util-linux) not installed";
  const std::string cap = shipped_captures() + "/register-kettle.btsnoop";
  const std::string cmd = std::string("FE95_PROGRESS_DELAY_MS=0 ") + FE95_BINARY + " analyze " + cap;
  auto tty = run({"script", "-qec", cmd, "/dev/null"});
  EXPECT_NE(tty.out.find("100.0%"), std::string::npos) << tty.out;
  EXPECT_NE(tty.out.find("MB/s"), std::string::npos);
  auto quiet = run({"script", "-qec", cmd + " --quiet", "/dev/null"});
  EXPECT_EQ(quiet.out.find("MB/s"), std::string::npos) << quiet.out;
  auto pipe = run({"env", "FE95_PROGRESS_DELAY_MS=0", FE95_BINARY, "analyze", cap});
  EXPECT_EQ(pipe.err.find("MB/s"), std::string::npos) << pipe.err;
}

}  // namespace
}  // namespace fe95::test

#include "scenario.h"

namespace fe95::test {
namespace {

// fe95 att --diagnostics: malformed input becomes a diagnostic line with its frame and bytes.
TEST(CliInput, AttDiagnosticsOnlyWhenAsked) {
  const std::string path = temp_dir() + "/orphan.btsnoop";
  auto w = writer::open_writer(path, writer::Format::btsnoop_h4);
  writer::Scenario s(*w, 1700000000LL * 1000000000LL);
  s.acl(Direction::rcvd, {0x40, 0x10, 0x02, 0x00, 0xaa, 0xbb});  // continuation, no start
  s.notify(0x0040, 0x0012, {0x01});
  ASSERT_TRUE(w->close());
  auto r = run({FE95_BINARY, "att", "-q", "--diagnostics", path});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  const auto lines = json_lines(r.out);
  ASSERT_EQ(lines.size(), 2u) << r.out;
  EXPECT_EQ(lines[0]["type"], "diagnostic");
  EXPECT_EQ(lines[0]["frame"], 1);
  EXPECT_EQ(lines[0]["code"], "l2cap.continuation_without_start");
  EXPECT_EQ(lines[0]["raw"], "aabb");
  EXPECT_EQ(lines[1]["type"], "att");
  EXPECT_EQ(lines[1]["frame"], 2);
  const auto quiet = json_lines(run({FE95_BINARY, "att", "-q", path}).out);
  ASSERT_EQ(quiet.size(), 1u);
  EXPECT_EQ(quiet[0]["type"], "att");
}

}  // namespace
}  // namespace fe95::test
