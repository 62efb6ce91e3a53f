// SPDX-License-Identifier: GPL-2.0-or-later
// fe95-bench: throughput and memory of `fe95 analyze` against the physical limit (a bare record
// walk over the memory-mapped file) and against tshark, side by side in one run. Not a test:
// it measures and prints; README.md records the figures.
//
//   fe95-bench [--size MiB] [--dir DIR] [--tshark-size MiB] [--repeat N]
#include <CLI/CLI.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fcntl.h>
#include <filesystem>
#include <string>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

#include "fe95/bytes.h"
#include "generate.h"

namespace {

using fe95::bench::GenerateOptions;
using Clock = std::chrono::steady_clock;

struct Run {
  double seconds = 0;
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

std::string ensure(const std::string& dir, const std::string& name, const GenerateOptions& o) {
  const std::string path = dir + "/" + name;
  struct stat st {};
  if (::stat(path.c_str(), &st) == 0 && static_cast<std::uint64_t>(st.st_size) >= o.bytes) return path;
  std::fprintf(stderr, "generating %s (%llu MiB)...\n", path.c_str(), static_cast<unsigned long long>(o.bytes >> 20));
  auto g = fe95::bench::generate(path, o);
  std::fprintf(stderr, "  %llu records, %llu connections, %llu registers, %llu logins, %llu adverts\n",
               static_cast<unsigned long long>(g.records), static_cast<unsigned long long>(g.connections),
               static_cast<unsigned long long>(g.registers), static_cast<unsigned long long>(g.logins),
               static_cast<unsigned long long>(g.adverts));
  return path;
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

Measured fe95_run(const std::string& fe95, const std::string& file, int repeat) {
  std::vector<double> t;
  long rss = 0;
  for (int i = 0; i < repeat; ++i) {
    Run r = spawn({fe95, "analyze", "--json", "-q", file});
    if (r.status != 0) std::fprintf(stderr, "fe95 exited %d on %s\n", r.status, file.c_str());
    t.push_back(r.seconds);
    rss = std::max(rss, r.max_rss_kib);
  }
  return {file_mb(file) / median(t), rss / 1024};
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"fe95-bench: fe95 analyze against a bare record walk and tshark"};
  std::uint64_t size_mib = 1024, tshark_mib = 32;
  int repeat = 3;
  std::string dir = "/tmp/fe95-bench", fe95 = FE95_BINARY;
  app.add_option("--size", size_mib, "Size of the main capture, MiB");
  app.add_option("--tshark-size", tshark_mib, "Size of the slice tshark reads, MiB");
  app.add_option("--dir", dir, "Where the generated captures are kept (reused between runs)");
  app.add_option("--repeat", repeat, "Runs per measurement (the median is reported)");
  app.add_option("--fe95", fe95, "The fe95 binary");
  CLI11_PARSE(app, argc, argv);
  std::filesystem::create_directories(dir);

  GenerateOptions big;
  big.bytes = size_mib << 20;
  GenerateOptions quarter = big;
  quarter.bytes = big.bytes / 4;
  GenerateOptions dense = big;  // 10x the connections, same sessions and adverts per byte
  dense.app_min = 6;
  dense.app_span = 12;
  dense.extra_links = 9;
  dense.extra_app = 9;
  GenerateOptions real = big;  // realistic mix: FE95 sessions and MiBeacons rare
  real.fe95_every = 100;
  real.mibeacon_every = 20;
  GenerateOptions slice = big;
  slice.bytes = tshark_mib << 20;
  const std::string f_big = ensure(dir, "bench-" + std::to_string(size_mib) + ".btsnoop", big);
  const std::string f_quarter = ensure(dir, "bench-" + std::to_string(size_mib / 4) + ".btsnoop", quarter);
  const std::string f_dense = ensure(dir, "bench-dense10-" + std::to_string(size_mib) + ".btsnoop", dense);
  const std::string f_slice = ensure(dir, "bench-" + std::to_string(tshark_mib) + ".btsnoop", slice);
  const std::string f_real = ensure(dir, "bench-real-" + std::to_string(size_mib) + ".btsnoop", real);

  // Warm the page cache, then measure (median of repeat walks).
  auto walk_of = [&](const std::string& f, std::uint64_t& recs) {
    bare_walk(f, recs);
    std::vector<double> w;
    for (int i = 0; i < repeat; ++i) w.push_back(bare_walk(f, recs));
    return file_mb(f) / median(w);
  };
  std::uint64_t records = 0, real_records = 0;
  const double walk_mbps = walk_of(f_big, records);
  const double walk_real_mbps = walk_of(f_real, real_records);
  const Measured m_big = fe95_run(fe95, f_big, repeat);
  const Measured m_quarter = fe95_run(fe95, f_quarter, repeat);
  const Measured m_dense = fe95_run(fe95, f_dense, repeat);
  const Measured m_slice = fe95_run(fe95, f_slice, repeat);
  const Measured m_real = fe95_run(fe95, f_real, repeat);
  std::vector<double> ts;
  for (int i = 0; i < repeat; ++i)
    ts.push_back(spawn({"tshark", "-r", f_slice, "-Y", "btatt", "-T", "fields", "-e", "frame.number", "-e",
                        "bthci_acl.chandle", "-e", "btatt.opcode", "-e", "btatt.handle", "-e", "btatt.value"})
                     .seconds);
  const double tshark_mbps = file_mb(f_slice) / median(ts);

  std::printf("\nfe95-bench: median of %d runs, page cache warm, %ld cores\n", repeat, sysconf(_SC_NPROCESSORS_ONLN));
  std::printf("%-44s %10s %10s %10s\n", "run", "MB/s", "ratio", "peak RSS");
  std::printf("%-44s %10.0f %10s %10s\n", ("bare record walk, " + std::to_string(size_mib) + " MiB (mmap)").c_str(),
              walk_mbps, "1.00", "-");
  std::printf("%-44s %10.0f %9.2fx %7ld MiB\n", ("fe95 analyze --json, " + std::to_string(size_mib) + " MiB").c_str(),
              m_big.mbps, m_big.mbps / walk_mbps, m_big.rss_mib);
  std::printf("%-44s %10.0f %9.2fx %7ld MiB\n",
              ("fe95 analyze --json, " + std::to_string(size_mib / 4) + " MiB").c_str(), m_quarter.mbps,
              m_quarter.mbps / walk_mbps, m_quarter.rss_mib);
  std::printf("%-44s %10.0f %9.2fx %7ld MiB\n",
              ("fe95, " + std::to_string(size_mib) + " MiB, ~10x more connections").c_str(), m_dense.mbps,
              m_dense.mbps / walk_mbps, m_dense.rss_mib);
  std::printf("%-44s %10.0f %10s %10s\n", ("bare record walk, realistic mix, " + std::to_string(size_mib) + " MiB").c_str(),
              walk_real_mbps, "1.00", "-");
  std::printf("%-44s %10.0f %9.2fx %7ld MiB\n", ("fe95, " + std::to_string(size_mib) + " MiB, realistic mix").c_str(),
              m_real.mbps, m_real.mbps / walk_real_mbps, m_real.rss_mib);
  std::printf("%-44s %10.0f %10s %7ld MiB\n", ("fe95 analyze --json, " + std::to_string(tshark_mib) + " MiB slice").c_str(),
              m_slice.mbps, "", m_slice.rss_mib);
  std::printf("%-44s %10.1f %10s %10s\n", ("tshark ATT fields, same " + std::to_string(tshark_mib) + " MiB slice").c_str(),
              tshark_mbps, "", "");
  std::printf("\nfe95 / bare walk: %.2f   fe95 / tshark (same slice): %.0fx   dense / normal: %.2f\n",
              m_big.mbps / walk_mbps, m_slice.mbps / tshark_mbps, m_dense.mbps / m_big.mbps);
  std::printf("records in the %llu MiB file: %llu\n", static_cast<unsigned long long>(size_mib),
              static_cast<unsigned long long>(records));
  return 0;
}
