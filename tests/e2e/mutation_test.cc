// SPDX-License-Identifier: GPL-2.0-or-later
// Systematic mutation of every capture in captures/ (and, sampled, ../shared/captures/public):
// truncation at record boundaries and at random offsets, random byte flips, length fields zeroed
// and set to the maximum. The CLI must always exit with a documented code (0 or 3) and a message,
// never a signal or a hang, and what it printed before the damage must be complete JSON Lines.
// One test per capture, so that each stays far inside its ctest timeout and the two CI cores share
// the work. Each input is a call of the CLI's entry in the test process (call_fe95): the program
// without a process per input, held to the same results by TheCalledCliIsTheProgram. A crash is
// the test process's crash (ctest reports the test failed, the input is the file `m` of the test's
// temporary directory); a hang ends it at the hang guard, naming the call.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <algorithm>
#include <iterator>
#include <map>
#include <random>
#include <set>

#include "fe95/capture/capture.h"
#include "support.h"

namespace fe95::test {
namespace {

// How many inputs of each kind one capture yields. The normal build mutates every record boundary
// of the shipped captures (40 of each public one), 20 random cuts, 30 flip sets, 20 length-field
// records, all seeded by the file. Under the sanitizers (about 10x slower per input: a damaged
// register still runs the 65,536-id product search) every capture is still mutated with every kind
// of damage, but on a fixed, seeded sample: 8 boundary cuts, 6 random cuts, 8 flip sets, 3
// length-field records. The full set under ASan cost about 150 s more of CPU per CI run, which
// with both cores busy put CI past its 45 minutes (README, "CI time budget"); what the sample
// leaves out runs in the normal build of the same CI, and the fuzz targets run under ASan too.
struct Budget {
  std::size_t cuts;  // record boundaries cut at (and a few bytes after)
  int random_cuts, flips, length_fields;
};
constexpr std::size_t kAll = SIZE_MAX;
constexpr Budget kShipped = kSanitized ? Budget{8, 6, 8, 3} : Budget{kAll, 20, 30, 20};
constexpr Budget kPublic = kSanitized ? Budget{8, 6, 8, 3} : Budget{40, 20, 30, 20};

// A healthy run takes milliseconds (a second under the sanitizers); a run still going after this
// is a hang. Not a speed assertion: speed is the benchmark's business.
constexpr int kHangGuardS = 60;

struct Tally {
  std::map<int, int> by_exit;
  int runs = 0, bad_json = 0, aborts = 0;  // aborts: an exception out of the CLI's entry
};

// Offsets of each record header, read with fe95's own reader; of a zip, where each member's
// local and central header starts (its "records": a cut there ends the zip between members).
std::vector<std::uint64_t> record_offsets(const std::string& path) {
  std::vector<std::uint64_t> out;
  auto o = open_capture(path);
  if (!o.reader) {
    const std::string bytes = read_file(path);
    for (const char* sig : {"PK\x03\x04", "PK\x01\x02"})
      for (std::size_t at = 0; (at = bytes.find(sig, at, 4)) != std::string::npos; at += 4) out.push_back(at);
    std::sort(out.begin(), out.end());
    return out;
  }
  Record r;
  while (o.reader->next(r) == ReadStatus::ok) out.push_back(r.offset);
  return out;
}

void check(const std::string& bytes, const std::string& dir, Tally& t) {
  const std::string path = dir + "/m";
  write_file(path, bytes);
  auto r = call_fe95({"analyze", "--json", "-q", path}, kHangGuardS);
  ++t.runs;
  if (r.signal) {
    ++t.aborts;
    write_file(path + ".abort", bytes);
    ADD_FAILURE() << "input " << t.runs << " (kept as " << path << ".abort): " << r.err;
  }
  ++t.by_exit[r.exit_code];
  if (r.exit_code != 0 && r.err.find("fe95: ") == std::string::npos) ++t.by_exit[-100];  // no message
  try {
    (void)json_lines(r.out);
  } catch (const std::exception&) {
    ++t.bad_json;
  }
}

// `n` of `items`, chosen by `rng` and kept in order (all of them when n >= size).
template <typename T>
std::vector<T> sample(const std::vector<T>& items, std::size_t n, std::mt19937& rng) {
  if (n >= items.size()) return items;
  std::vector<T> out;
  std::sample(items.begin(), items.end(), std::back_inserter(out), n, rng);
  return out;
}

void mutate(const std::string& capture, const Budget& b, Tally& t) {
  const std::string orig = read_file(capture);
  ASSERT_FALSE(orig.empty()) << capture;
  const std::string dir = temp_dir();
  std::mt19937 rng(static_cast<unsigned>(orig.size()));  // seeded by the file: the same inputs every run
  const auto offsets = record_offsets(capture);
  // Truncate at record boundaries, and a few bytes into each.
  for (auto c : sample(offsets, b.cuts, rng)) {
    check(orig.substr(0, c), dir, t);
    check(orig.substr(0, std::min<std::size_t>(orig.size(), c + 1 + rng() % 24)), dir, t);
  }
  for (int i = 0; i < b.random_cuts; ++i) check(orig.substr(0, rng() % (orig.size() + 1)), dir, t);
  // Random byte flips.
  for (int i = 0; i < b.flips; ++i) {
    std::string m = orig;
    for (int k = 0; k < 1 + static_cast<int>(rng() % 8); ++k) m[rng() % m.size()] = static_cast<char>(rng());
    check(m, dir, t);
  }
  // Length fields of btsnoop records (original and included length) zeroed and maximised.
  if (orig.compare(0, 7, "btsnoop") == 0) {
    for (int i = 0; i < b.length_fields && !offsets.empty(); ++i) {
      const std::size_t at = offsets[rng() % offsets.size()];
      for (const char fill : {'\0', '\xff'}) {
        std::string m = orig;
        for (int k = 0; k < 8 && at + static_cast<std::size_t>(k) < m.size(); ++k)
          m[at + static_cast<std::size_t>(k)] = fill;
        check(m, dir, t);
      }
    }
  }
}

void expect_clean(const Tally& t, const std::string& what) {
  std::string outcomes;
  for (auto [code, n] : t.by_exit) outcomes += " exit " + std::to_string(code) + ": " + std::to_string(n) + ";";
  std::printf("[ mutation ] %s: %d inputs,%s aborted %d, incomplete JSON %d\n", what.c_str(), t.runs, outcomes.c_str(),
              t.aborts, t.bad_json);
  EXPECT_EQ(t.aborts, 0);
  EXPECT_EQ(t.bad_json, 0);
  for (auto [code, n] : t.by_exit) EXPECT_TRUE(code == 0 || code == 3) << "exit " << code << " x" << n;
}

class Mutation : public ::testing::TestWithParam<std::string> {};

TEST_P(Mutation, CleanExitOnEveryDamage) {
  const bool shipped = GetParam().rfind(shipped_captures(), 0) == 0;
  const Budget& b = shipped ? kShipped : kPublic;
  Tally t;
  mutate(GetParam(), b, t);
  expect_clean(t, GetParam());
  // At least the cuts, flips and random cuts ran: the test cannot pass on an empty plan.
  EXPECT_GE(t.runs, b.random_cuts + b.flips + 2);
}

INSTANTIATE_TEST_SUITE_P(Shipped, Mutation, ::testing::ValuesIn(shipped_hci()), capture_param);
INSTANTIATE_TEST_SUITE_P(Public, Mutation, ::testing::ValuesIn(public_hci()), capture_param);
// The phone forms (captures/phone/): PacketLogger, BTSNOOZ texts, compressed logs, the bugreport
// zip, damaged the same way (a zip or compressed file has no record boundaries of its own: its
// cuts fall at the decompressed records' offsets, which are as good as random there).
INSTANTIATE_TEST_SUITE_P(Phone, Mutation, ::testing::ValuesIn(shipped_phone()), capture_param);

TEST(MutationInputs, EveryShippedCaptureIsMutated) {
  // captures/ holds 28 HCI captures; a reader that stopped recognising them would empty the set.
  EXPECT_GE(shipped_hci().size(), 28u);
}

TEST(MutationInputs, EveryPhoneFormIsMutated) {
  EXPECT_EQ(shipped_phone().size(), 10u);
}

TEST(MutationInputs, PublicCapturesPresentOrSkipped) {
  if (shared_captures().empty()) GTEST_SKIP() << "../shared/captures/public is absent";
  EXPECT_GE(public_hci().size(), 10u);
}

// call_fe95 (the CLI's entry, called in the test process) and the fe95 program give the same exit
// code, stdout and stderr: on a whole capture, a damaged one, a zip, a bad option, a missing file.
// Each case is called twice, the cases first in order and then in reverse, so that nothing one
// call leaves behind (static state, stream flags, an unflushed buffer) reaches the next.
TEST(Mutation, TheCalledCliIsTheProgram) {
  const std::string dir = temp_dir();
  const std::string kettle = shipped_captures() + "/register-kettle.btsnoop";
  const std::string bytes = read_file(kettle);
  ASSERT_GT(bytes.size(), 200u);
  write_file(dir + "/cut.btsnoop", bytes.substr(0, bytes.size() - 7));
  const std::vector<std::vector<std::string>> cases = {
      {"analyze", "--json", "-q", kettle},
      {"analyze", "-q", dir + "/cut.btsnoop"},
      {"analyze", "--json", "-q", shipped_captures() + "/phone/bugreport-kettle.zip"},
      {"att", "-q", kettle},
      {"verify", "--token", "00112233445566778899aabb", kettle},
      {"analyze", "--no-such-option", kettle},
      {"analyze", "-q", dir + "/missing.btsnoop"},
  };
  std::vector<RunResult> programs;
  std::set<int> codes;
  for (const auto& args : cases) {
    std::vector<std::string> argv{FE95_BINARY};
    argv.insert(argv.end(), args.begin(), args.end());
    programs.push_back(run(argv, 60));
    EXPECT_EQ(programs.back().signal, 0);
    codes.insert(programs.back().exit_code);
  }
  std::vector<std::size_t> order(cases.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  for (int pass = 0; pass < 2; ++pass) {
    for (const std::size_t i : order) {
      const auto called = call_fe95(cases[i], 60);
      const std::string what = cases[i][0] + " " + cases[i].back() + (pass ? " (second call)" : "");
      EXPECT_EQ(called.exit_code, programs[i].exit_code) << what;
      EXPECT_EQ(called.out, programs[i].out) << what;
      EXPECT_EQ(called.err, programs[i].err) << what;
    }
    std::reverse(order.begin(), order.end());
  }
  // The cases reach several exit codes (0, a failed verify, damaged input, usage), not one.
  EXPECT_GE(codes.size(), 3u);
}

TEST(Mutation, InputsAreNeverWritten) {
  const std::string cap = shipped_captures() + "/register-kettle.btsnoop";
  const std::string before = read_file(cap);
  struct stat st0 {};
  ::stat(cap.c_str(), &st0);
  run({FE95_BINARY, "analyze", "-q", cap});
  run({FE95_BINARY, "att", "-q", cap});
  struct stat st1 {};
  ::stat(cap.c_str(), &st1);
  EXPECT_EQ(read_file(cap), before);
  EXPECT_EQ(st0.st_mtim.tv_sec, st1.st_mtim.tv_sec);
  EXPECT_EQ(st0.st_mtim.tv_nsec, st1.st_mtim.tv_nsec);
}

}  // namespace
}  // namespace fe95::test
