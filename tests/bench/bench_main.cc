// SPDX-License-Identifier: GPL-2.0-or-later
// fe95-bench: throughput and memory of `fe95 analyze` against the physical limit (a bare record
// walk over the memory-mapped file) and against tshark, side by side in one run. Not a test:
// it measures and prints; README.md records the figures.
//
//   fe95-bench [--size MiB]... [--mix NAME]... [--dir DIR] [--tshark-size MiB] [--repeat N]
//              [--fe95 BIN] [--baseline BIN] [--small FILE] [--startup-runs N] [--startup-only]
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "fe95/bytes.h"
#include "generate.h"

namespace {

using fe95::bench::GenerateOptions;
using Clock = std::chrono::steady_clock;

struct Run {
  double seconds = 0;
  double cpu_seconds = 0;  // user + system, the kernel's account of the child
  long max_rss_kib = 0;
  int status = 0;
};

// Runs argv with stdout to /dev/null; wall time and the child's peak RSS.
Run spawn(const std::vector<std::string>& argv) {
  Run r;
  const auto t0 = Clock::now();
  const pid_t pid = fork();
  if (pid == 0) {
    const int null = ::open("/dev/null", O_WRONLY);
    dup2(null, 1);
    dup2(null, 2);
    std::vector<char*> a;
    for (const auto& s : argv) a.push_back(const_cast<char*>(s.c_str()));
    a.push_back(nullptr);
    execvp(a[0], a.data());
    _exit(127);
  }
  int status = 0;
  rusage ru{};
  wait4(pid, &status, 0, &ru);
  r.seconds = std::chrono::duration<double>(Clock::now() - t0).count();
  r.max_rss_kib = ru.ru_maxrss;
  r.cpu_seconds = static_cast<double>(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
                  static_cast<double>(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
  r.status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return r;
}

// The physical limit: map the file, visit every record header and every byte of every record.
double bare_walk(const std::string& path, std::uint64_t& records) {
  const int fd = ::open(path.c_str(), O_RDONLY);
  struct stat st {};
  fstat(fd, &st);
  const auto size = static_cast<std::size_t>(st.st_size);
  auto* p = static_cast<const std::uint8_t*>(mmap(nullptr, size, PROT_READ, MAP_PRIVATE, fd, 0));
  const auto t0 = Clock::now();
  std::uint64_t sum = 0;
  records = 0;
  for (std::size_t off = 16; off + 24 <= size;) {
    const std::uint32_t len = fe95::load_u32be(p + off + 4);
    const std::uint8_t* d = p + off + 24;
    if (off + 24 + len > size) break;
    for (std::uint32_t i = 0; i < len; ++i) sum += d[i];
    off += 24 + len;
    ++records;
  }
  const double s = std::chrono::duration<double>(Clock::now() - t0).count();
  munmap(const_cast<std::uint8_t*>(p), size);
  ::close(fd);
  if (sum == 42) std::puts("");  // keep the loop
  return s;
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

// Generates the capture unless a large enough one is already there (with its ".sessions" note:
// the number of FE95 sessions the generator wrote).
std::string ensure(const std::string& dir, const std::string& name, const GenerateOptions& o) {
  const std::string path = dir + "/" + name;
  struct stat st {};
  if (::stat(path.c_str(), &st) == 0 && static_cast<std::uint64_t>(st.st_size) >= o.bytes &&
      ::stat((path + ".sessions").c_str(), &st) == 0)
    return path;
  std::fprintf(stderr, "generating %s (%llu MiB)...\n", path.c_str(), static_cast<unsigned long long>(o.bytes >> 20));
  auto g = fe95::bench::generate(path, o);
  std::fprintf(stderr, "  %llu records, %llu connections, %llu registers, %llu logins, %llu adverts\n",
               static_cast<unsigned long long>(g.records), static_cast<unsigned long long>(g.connections),
               static_cast<unsigned long long>(g.registers), static_cast<unsigned long long>(g.logins),
               static_cast<unsigned long long>(g.adverts));
  if (std::FILE* f = std::fopen((path + ".sessions").c_str(), "w")) {
    std::fprintf(f, "%llu\n", static_cast<unsigned long long>(g.registers + g.logins));
    std::fclose(f);
  }
  return path;
}

std::string session_count(const std::string& file) {
  char buf[32] = "?";
  if (std::FILE* f = std::fopen((file + ".sessions").c_str(), "r")) {
    if (!std::fgets(buf, sizeof buf, f)) buf[0] = 0;
    std::fclose(f);
  }
  std::string s = buf;
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r')) s.pop_back();
  return s;
}

double file_mb(const std::string& path) {
  struct stat st {};
  ::stat(path.c_str(), &st);
  return static_cast<double>(st.st_size) / 1e6;
}

struct Measured {
  double mbps = 0;
  long rss_mib = 0;
};

Measured fe95_run(const std::string& fe95, const std::string& file, int repeat, bool json) {
  std::vector<double> t;
  long rss = 0;
  for (int i = 0; i < repeat; ++i) {
    std::vector<std::string> argv{fe95, "analyze", "-q", file};
    if (json) argv.insert(argv.begin() + 2, "--json");
    Run r = spawn(argv);
    if (r.status != 0) std::fprintf(stderr, "%s exited %d on %s\n", fe95.c_str(), r.status, file.c_str());
    t.push_back(r.seconds);
    rss = std::max(rss, r.max_rss_kib);
  }
  return {file_mb(file) / median(t), rss / 1024};
}

// Start-up (README "Start-up"): whole processes, the commands taking turns (so a drift of the
// machine's speed hits them alike), the median CPU time (user + system) of each over `runs`:
// `true` (the cost of any process), `fe95 --version`, `fe95 analyze` of a small capture, and the
// baseline's two when given.
void startup(const std::string& fe95, const std::string& baseline, const std::string& small, int runs) {
  std::vector<std::pair<std::string, std::vector<std::string>>> cmds{
      {"true", {"true"}}, {"fe95 --version", {fe95, "--version"}}, {"fe95 analyze SMALL", {fe95, "analyze", small}}};
  if (!baseline.empty()) {
    cmds.push_back({"baseline --version", {baseline, "--version"}});
    cmds.push_back({"baseline analyze SMALL", {baseline, "analyze", small}});
  }
  std::vector<std::vector<double>> cpu(cmds.size()), wall(cmds.size());
  for (int i = 0; i < runs; ++i)
    for (std::size_t c = 0; c < cmds.size(); ++c) {
      const Run r = spawn(cmds[c].second);
      cpu[c].push_back(r.cpu_seconds);
      wall[c].push_back(r.seconds);
    }
  std::printf("\nstart-up: SMALL = %s; median of %d runs each, in turns\n", small.c_str(), runs);
  std::printf("%-24s %8s %8s %12s\n", "command", "cpu ms", "wall ms", "cpu - true");
  const double floor = median(cpu[0]);
  for (std::size_t c = 0; c < cmds.size(); ++c)
    std::printf("%-24s %8.2f %8.2f %12.2f\n", cmds[c].first.c_str(), median(cpu[c]) * 1e3, median(wall[c]) * 1e3,
                (median(cpu[c]) - floor) * 1e3);
  std::fflush(stdout);
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"fe95-bench: fe95 analyze against a bare record walk and tshark"};
  std::vector<std::uint64_t> sizes{1024};
  std::uint64_t tshark_mib = 32;
  int repeat = 3;
  std::string dir = "/tmp/fe95-bench", fe95 = FE95_BINARY, baseline;
  std::vector<std::string> mixes{"stress", "connections", "sessions", "realistic"};
  app.add_option("--size", sizes, "Sizes of the captures, MiB (repeat for several)");
  app.add_option("--mix", mixes, "Mixes to run: stress, connections, sessions, realistic (repeat for several)");
  app.add_option("--tshark-size", tshark_mib, "Size of the slice tshark reads, MiB (0: skip tshark)");
  app.add_option("--dir", dir, "Where the generated captures are kept (reused between runs)");
  app.add_option("--repeat", repeat, "Runs per measurement (the median is reported)");
  app.add_option("--fe95", fe95, "The fe95 binary");
  app.add_option("--baseline", baseline, "Another fe95 binary (an older build) measured in the same run");
  std::string small = FE95_SMALL_CAPTURE;
  int startup_runs = 50;
  bool startup_only = false;
  app.add_option("--small", small, "The small capture of the start-up figures");
  app.add_option("--startup-runs", startup_runs, "Runs of each start-up command (0: skip)");
  app.add_flag("--startup-only", startup_only, "Only the start-up figures");
  CLI11_PARSE(app, argc, argv);
  std::filesystem::create_directories(dir);
  if (startup_runs > 0) startup(fe95, baseline, small, startup_runs);
  if (startup_only) return 0;

  // The mixes (README "Performance"). Sizes and sessions per byte are what the generator writes.
  auto options_of = [](const std::string& mix, std::uint64_t mib) {
    GenerateOptions o;
    o.bytes = mib << 20;
    if (mix == "connections") {  // 10x the connections of stress, same sessions and adverts per byte
      o.app_min = 6;
      o.app_span = 12;
      o.extra_links = 9;
      o.extra_app = 9;
    } else if (mix == "sessions") {  // a register or login every ~40 records
      o.app_min = 4;
      o.app_span = 16;
    } else if (mix == "realistic") {  // FE95 sessions and MiBeacons rare
      o.fe95_every = 100;
      o.mibeacon_every = 20;
    }
    return o;
  };
  auto file_of = [&](const std::string& mix, std::uint64_t mib) {
    return dir + "/bench-" + mix + "-" + std::to_string(mib) + ".btsnoop";
  };
  // Warm the page cache, then measure (median of repeat walks).
  auto walk_of = [&](const std::string& f, std::uint64_t& recs) {
    bare_walk(f, recs);
    std::vector<double> w;
    for (int i = 0; i < repeat; ++i) w.push_back(bare_walk(f, recs));
    return file_mb(f) / median(w);
  };

  std::printf(
      "fe95-bench: median of %d runs, page cache warm, %ld cores; ratios against the bare walk of the same file\n",
      repeat, sysconf(_SC_NPROCESSORS_ONLN));
  std::printf("%-12s %6s %10s %8s %9s | %-8s %8s %6s %8s | %8s %6s %8s | %9s\n", "mix", "MiB", "records", "sessions",
              "walk MB/s", "binary", "json MB/s", "ratio", "json RSS", "text MB/s", "ratio", "text RSS", "text/json");
  for (const auto mib : sizes) {
    for (const auto& mix : mixes) {
      const std::string f = file_of(mix, mib);
      ensure(dir, f.substr(dir.size() + 1), options_of(mix, mib));
      std::uint64_t records = 0;
      const double walk = walk_of(f, records);
      const std::string sessions = session_count(f);
      std::vector<std::pair<std::string, std::string>> bins{{"fe95", fe95}};
      if (!baseline.empty()) bins.emplace_back("baseline", baseline);
      for (const auto& [label, bin] : bins) {
        const Measured j = fe95_run(bin, f, repeat, true);
        const Measured t = fe95_run(bin, f, repeat, false);
        std::printf("%-12s %6llu %10llu %8s %9.0f | %-8s %8.0f %6.3f %5ld MiB | %8.0f %6.3f %5ld MiB | %9.2f\n",
                    mix.c_str(), static_cast<unsigned long long>(mib), static_cast<unsigned long long>(records),
                    sessions.c_str(), walk, label.c_str(), j.mbps, j.mbps / walk, j.rss_mib, t.mbps, t.mbps / walk,
                    t.rss_mib, j.mbps / t.mbps);
        std::fflush(stdout);
      }
    }
  }
  if (tshark_mib > 0) {
    const std::string f_slice = file_of("stress", tshark_mib);
    ensure(dir, f_slice.substr(dir.size() + 1), options_of("stress", tshark_mib));
    std::vector<double> ts;
    for (int i = 0; i < repeat; ++i)
      ts.push_back(spawn({"tshark", "-r", f_slice, "-Y", "btatt", "-T", "fields", "-e", "frame.number", "-e",
                          "bthci_acl.chandle", "-e", "btatt.opcode", "-e", "btatt.handle", "-e", "btatt.value"})
                       .seconds);
    const double tshark_mbps = file_mb(f_slice) / median(ts);
    const Measured m = fe95_run(fe95, f_slice, repeat, true);
    std::printf(
        "\nstress mix, %llu MiB slice: fe95 analyze --json %.0f MB/s, tshark ATT fields %.1f MB/s: fe95 / tshark "
        "%.0fx\n",
        static_cast<unsigned long long>(tshark_mib), m.mbps, tshark_mbps, m.mbps / tshark_mbps);
  }
  return 0;
}
