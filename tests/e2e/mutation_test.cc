// Systematic mutation of every capture in captures/ (and, sampled, ../shared/captures/public):
// truncation at every record boundary and at random offsets, random byte flips, length fields
// zeroed and set to the maximum. The CLI must always exit with a documented code (0 or 3) and a
// message, never a signal, within a bound proportional to the file size, and what it printed
// before the damage must be complete JSON Lines.
#include <gtest/gtest.h>

#include <chrono>
#include <map>
#include <random>
#include <sys/stat.h>

#include "fe95/capture.h"
#include "support.h"

namespace fe95::test {
namespace {

struct Tally {
  std::map<int, int> by_exit;
  int signals = 0, runs = 0, bad_json = 0, slow = 0;
};

// Offsets of each record header, read with fe95's own reader.
std::vector<std::uint64_t> record_offsets(const std::string& path) {
  std::vector<std::uint64_t> out;
  auto o = open_capture(path);
  if (!o.reader) return out;
  Record r;
  while (o.reader->next(r) == ReadStatus::ok) out.push_back(r.offset);
  return out;
}

void check(const std::string& bytes, const std::string& dir, Tally& t) {
  const std::string path = dir + "/m";
  write_file(path, bytes);
  const auto t0 = std::chrono::steady_clock::now();
  // Bound: 10 s plus 1 s per MB, far above the time a healthy run takes; a hang would exceed it.
  const int limit = 10 + static_cast<int>(bytes.size() / 1000000);
  auto r = run({FE95_BINARY, "analyze", "--json", "-q", path}, limit);
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  ++t.runs;
  if (r.signal) ++t.signals;
  if (secs >= limit) ++t.slow;
  ++t.by_exit[r.exit_code];
  if (r.exit_code != 0 && r.err.find("fe95: ") == std::string::npos) ++t.by_exit[-100];  // no message
  try {
    (void)json_lines(r.out);
  } catch (const std::exception&) {
    ++t.bad_json;
  }
}

void mutate(const std::string& capture, bool sample, Tally& t) {
  const std::string orig = read_file(capture);
  const std::string dir = temp_dir();
  std::mt19937 rng(static_cast<unsigned>(orig.size()));
  auto offsets = record_offsets(capture);
  // Truncate at record boundaries (all of them, or a sample of 40 for large public files), and a
  // few bytes into each.
  std::vector<std::uint64_t> cuts;
  for (std::size_t i = 0; i < offsets.size(); ++i)
    if (!sample || offsets.size() <= 40 || rng() % (offsets.size() / 40 + 1) == 0) cuts.push_back(offsets[i]);
  for (auto c : cuts) {
    check(orig.substr(0, c), dir, t);
    check(orig.substr(0, std::min<std::size_t>(orig.size(), c + 1 + rng() % 24)), dir, t);
  }
  for (int i = 0; i < 20; ++i) check(orig.substr(0, rng() % (orig.size() + 1)), dir, t);
  // Random byte flips.
  for (int i = 0; i < 30; ++i) {
    std::string m = orig;
    for (int k = 0; k < 1 + static_cast<int>(rng() % 8); ++k) m[rng() % m.size()] = static_cast<char>(rng());
    check(m, dir, t);
  }
  // Length fields of btsnoop records (original and included length) zeroed and maximised.
  if (orig.compare(0, 7, "btsnoop") == 0) {
    for (int i = 0; i < 20 && !offsets.empty(); ++i) {
      const std::size_t at = offsets[rng() % offsets.size()];
      for (const char fill : {'\0', '\xff'}) {
        std::string m = orig;
        for (int k = 0; k < 8 && at + static_cast<std::size_t>(k) < m.size(); ++k) m[at + static_cast<std::size_t>(k)] = fill;
        check(m, dir, t);
      }
    }
  }
}

void expect_clean(const Tally& t, const std::string& what) {
  std::string outcomes;
  for (auto [code, n] : t.by_exit) outcomes += " exit " + std::to_string(code) + ": " + std::to_string(n) + ";";
  std::printf("[ mutation ] %s: %d inputs,%s signals %d, incomplete JSON %d, over time %d\n", what.c_str(), t.runs,
              outcomes.c_str(), t.signals, t.bad_json, t.slow);
  EXPECT_EQ(t.signals, 0);
  EXPECT_EQ(t.bad_json, 0);
  EXPECT_EQ(t.slow, 0);
  for (auto [code, n] : t.by_exit) EXPECT_TRUE(code == 0 || code == 3) << "exit " << code << " x" << n;
}

TEST(Mutation, ShippedCaptures) {
  Tally t;
  for (const auto& f : hci_captures(files_under(shipped_captures()))) mutate(f, false, t);
  expect_clean(t, "captures/");
  EXPECT_GT(t.runs, 1000);
}

TEST(Mutation, PublicCaptures) {
  if (shared_captures().empty()) GTEST_SKIP() << "../shared/captures/public is absent";
  Tally t;
  for (const auto& f : hci_captures(files_under(shared_captures()))) mutate(f, true, t);
  expect_clean(t, "../shared/captures/public");
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
