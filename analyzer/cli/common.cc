// SPDX-License-Identifier: GPL-2.0-or-later
#include "common.h"

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <unistd.h>

namespace fe95::cli {

void write_line(std::FILE* out, const Json& j) {
  std::string s = j.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
  s.push_back('\n');
  std::fwrite(s.data(), 1, s.size(), out);
}

void error_line(const std::string& file, const CaptureOutcome& o) {
  if (o.status == CaptureOutcome::Status::damaged)
    std::fprintf(stderr, "fe95: %s: offset %llu: %s (after %llu records)\n", file.c_str(),
                 static_cast<unsigned long long>(o.error_offset), o.error.c_str(),
                 static_cast<unsigned long long>(o.records));
  else
    std::fprintf(stderr, "fe95: %s: offset %llu: %s\n", file.c_str(), static_cast<unsigned long long>(o.error_offset),
                 o.error.c_str());
}

void error_line(const std::string& file, const std::string& message) {
  std::fprintf(stderr, "fe95: %s: %s\n", file.c_str(), message.c_str());
}

std::string iso_time(std::int64_t ts_ns) {
  std::int64_t secs = ts_ns / 1000000000;
  std::int64_t us = (ts_ns % 1000000000) / 1000;
  if (us < 0) {
    us += 1000000;
    --secs;
  }
  std::time_t t = static_cast<std::time_t>(secs);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%06lldZ", tm.tm_year + 1900, tm.tm_mon + 1,
                tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<long long>(us));
  return buf;
}

std::vector<std::string> expand_inputs(const std::vector<std::string>& inputs) {
  std::vector<std::string> out;
  for (const auto& in : inputs) {
    std::error_code ec;
    if (std::filesystem::is_directory(in, ec)) {
      std::vector<std::string> files;
      for (const auto& e : std::filesystem::directory_iterator(in, ec))
        if (e.is_regular_file(ec)) files.push_back(e.path().string());
      std::sort(files.begin(), files.end());
      out.insert(out.end(), files.begin(), files.end());
    } else {
      out.push_back(in);
    }
  }
  return out;
}

namespace {
std::int64_t now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}
}  // namespace

Progress::Progress(bool quiet, std::string label)
    : enabled_(!quiet && ::isatty(STDERR_FILENO)), label_(std::move(label)), start_ns_(now_ns()) {
  // How long a run must last before the bar appears (default 0.5 s: short runs stay quiet).
  if (const char* d = std::getenv("FE95_PROGRESS_DELAY_MS")) delay_ns_ = std::atoll(d) * 1000000LL;
}

Progress::~Progress() {
  if (drawn_) std::fputs("\r\033[K", stderr);
}

ProgressFn Progress::fn() {
  if (!enabled_) return {};
  return [this](std::uint64_t done, std::uint64_t total) { draw(done, total); };
}

void Progress::draw(std::uint64_t done, std::uint64_t total) {
  const std::int64_t now = now_ns();
  const bool final = total && done >= total;
  if (!final && now - last_draw_ns_ < 200'000'000) return;  // 5 Hz
  if (now - start_ns_ < delay_ns_) return;
  last_draw_ns_ = now;
  const double secs = static_cast<double>(now - start_ns_) / 1e9;
  const double mb = static_cast<double>(done) / 1e6;
  const double rate = secs > 0 ? mb / secs : 0;
  const double pct = total ? 100.0 * static_cast<double>(done) / static_cast<double>(total) : 0;
  const double eta = rate > 0 && total ? (static_cast<double>(total - std::min(done, total)) / 1e6) / rate : 0;
  std::fprintf(stderr, "\r\033[K%s %.1f MB %5.1f%% %.1f MB/s ETA %.0fs", label_.c_str(), mb, pct, rate, eta);
  drawn_ = true;
}

}  // namespace fe95::cli
