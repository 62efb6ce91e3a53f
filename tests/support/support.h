// SPDX-License-Identifier: GPL-2.0-or-later
// Test helpers: run a command, list captures, parse JSON Lines.
#pragma once

#include <gtest/gtest.h>

#include <initializer_list>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace fe95::test {

// True in the asan preset (CMake defines FE95_SANITIZED for the tests of a FE95_SANITIZE build).
// The heaviest suites then run a fixed, seeded sample of their inputs (mutation) or inputs a
// tenth the size (hostile) (README, "CI time budget"); each says in a comment what that leaves out.
#ifdef FE95_SANITIZED
inline constexpr bool kSanitized = true;
#else
inline constexpr bool kSanitized = false;
#endif

struct RunResult {
  int exit_code = -1;  // -1 when killed by a signal
  int signal = 0;
  long max_rss_kib = 0;  // the child's peak resident set
  double seconds = 0;
  std::string out, err;
};

// Runs argv (no shell) with a wall-clock limit, capturing stdout (unless keep_stdout is false:
// then it goes to /dev/null, for outputs too large to hold) and stderr.
RunResult run(const std::vector<std::string>& argv, int timeout_s = 300, bool keep_stdout = true);
// `fe95 ARGS...` without starting the program: this test process calls the CLI's entry
// (fe95::cli::run_main, all that main() does) with stdout and stderr sent to temporary files, and
// returns its exit code and both streams as run() does. For the suites that run fe95 thousands of
// times (Mutation): a run costs what the analysis costs, not a process (fork or exec of the test
// binary, and under the sanitizers LeakSanitizer's exit-time scan of it: a leak is still found,
// once, when the test process exits). A crash of the CLI is a crash of the test, which ctest
// reports as the test's failure; an exception out of run_main (the program would abort) returns
// as signal SIGABRT with its message on err; a call still running after hang_guard_s seconds ends
// the test process with exit 125 after naming the call on stderr. `Mutation.TheCalledCliIsTheProgram`
// holds the call to the program's results, called twice and in both orders.
RunResult call_fe95(const std::vector<std::string>& args, int hang_guard_s = 300);

bool have_program(const std::string& name);
// One tshark run over a capture for the checks of a decode (README, "CI time budget"): every
// frame's protocols (frame.protocols, in frame order), the values of `fields` in each frame (one
// cell per field, "" where the frame has none), and the -z expert,warn summary, which tshark prints
// after the frames.
struct TsharkView {
  std::vector<std::uint64_t> frames;  // frame.number of each row
  std::vector<std::string> protocols;
  std::vector<std::vector<std::string>> fields;
  std::string expert;
  // The summary's rows, each an expert item's count then its severity, group, protocol and
  // summary ("   13   Warning   Protocol   HCI_ACL   ..."): what a clean decode has none of.
  std::vector<std::string> expert_rows;
  int exit_code = -1;
  std::string err;
};
TsharkView tshark_view(const std::string& capture, const std::vector<std::string>& fields = {});
// Whether a frame.protocols value ("bluetooth:hci_h4:bthci_acl:...") names one of `any`.
bool has_protocol(const std::string& protocols, std::initializer_list<const char*> any);
// Files below dir (recursively), sorted; empty if dir does not exist.
std::vector<std::string> files_under(const std::string& dir);
// The HCI-level captures (those fe95 can open) among files.
std::vector<std::string> hci_captures(const std::vector<std::string>& files);  // HCI link types only
std::vector<std::string> ll_captures(const std::vector<std::string>& files);   // LE sniffer link types
bool is_ll_format(const std::string& reader_format);
std::vector<nlohmann::json> json_lines(const std::string& text);
// tshark -T fields output: one row per line, cells split at tabs, padded to `columns`.
std::vector<std::vector<std::string>> tsv(const std::string& text, std::size_t columns);
std::string temp_dir();         // a fresh directory under $TMPDIR
std::string shared_captures();  // ../shared/captures/public, or "" when absent
// A GoogleTest parameter name for a capture path: its file name and index, [A-Za-z0-9_] only.
std::string capture_param_name(const std::string& path, std::size_t index);
std::string shipped_captures();          // captures/ in the source tree
std::vector<std::string> shipped_hci();  // the HCI captures in captures/
std::vector<std::string> public_hci();   // the HCI captures in ../shared/captures/public (or none)
std::vector<std::string> shipped_ll();   // the LE sniffer captures in captures/
// The phone forms in captures/phone/ (PacketLogger, BTSNOOZ texts, filtered and compressed logs,
// the bugreport zip: captures/README.md); shipped_hci() and shipped_ll() leave them out.
std::vector<std::string> shipped_phone();
std::vector<std::string> public_ll();  // the LE sniffer captures in ../shared/captures/public (or none)
// GoogleTest's name generator for a parameter that is a capture path.
inline std::string capture_param(const ::testing::TestParamInfo<std::string>& info) {
  return capture_param_name(info.param, info.index);
}
void write_file(const std::string& path, const std::string& bytes);
std::string read_file(const std::string& path);
// What a compressed capture (.gz, .zst, .lz4, .xz) or a zip holds, read through libarchive: each
// member's name and bytes, in order ("data" for a bare compressed stream). Compressors' output
// differs between their versions (Debian 12, 13 and unstable), what they hold must not. Read block
// by block as fe95 reads them; a member libarchive stops reading ends with "<read error>".
std::vector<std::pair<std::string, std::string>> unpacked(const std::string& path);
// Whether the name ends like one of those.
bool is_packed(const std::string& path);

}  // namespace fe95::test
