// SPDX-License-Identifier: GPL-2.0-or-later
#include "common.h"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <ctime>
#include <filesystem>

#include "fe95/capture/archive.h"

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

Json cut_json(const CaptureOutcome& o) {
  Json c;
  c["records"] = o.cut.acl + o.cut.other;
  c["acl_records"] = o.cut.acl;
  c["att_pdus"] = o.cut.att;
  if (o.cut.att_value_kept >= 0) c["att_value_bytes"] = o.cut.att_value_kept;
  c["message"] = o.cut.message(o.format);
  return c;
}

void cut_note(const std::string& file, const CaptureOutcome& o) {
  if (o.cut.any()) std::fprintf(stderr, "fe95: %s: note: %s\n", file.c_str(), o.cut.message(o.format).c_str());
}

namespace {

char* digits(char* p, unsigned v, int n) {
  for (int i = n - 1; i >= 0; --i) {
    p[i] = static_cast<char>('0' + v % 10);
    v /= 10;
  }
  return p + n;
}

}  // namespace

char* write_iso_time(char* out, std::int64_t ts_ns) {
  // Microseconds truncated toward zero, then a negative remainder borrowed from the seconds (as
  // the gmtime version of this function did, so that output stays byte-identical).
  std::int64_t secs = ts_ns / 1000000000;
  std::int64_t us = (ts_ns % 1000000000) / 1000;
  if (us < 0) {
    us += 1000000;
    --secs;
  }
  std::int64_t days = secs / 86400;
  std::int64_t sod = secs % 86400;
  if (sod < 0) {
    sod += 86400;
    --days;
  }
  // Days since 1970-01-01 to a civil date (proleptic Gregorian; H. Hinnant's days_from_civil
  // inverse). int64 nanoseconds span the years 1677 to 2262: always four digits.
  days += 719468;
  const std::int64_t era = (days >= 0 ? days : days - 146096) / 146097;
  const auto doe = static_cast<unsigned>(days - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned day = doy - (153 * mp + 2) / 5 + 1;
  const unsigned month = mp < 10 ? mp + 3 : mp - 9;
  const auto year = static_cast<unsigned>(static_cast<std::int64_t>(yoe) + era * 400 + (month <= 2));
  char* p = digits(out, year, 4);
  *p++ = '-';
  p = digits(p, month, 2);
  *p++ = '-';
  p = digits(p, day, 2);
  *p++ = 'T';
  p = digits(p, static_cast<unsigned>(sod / 3600), 2);
  *p++ = ':';
  p = digits(p, static_cast<unsigned>(sod / 60 % 60), 2);
  *p++ = ':';
  p = digits(p, static_cast<unsigned>(sod % 60), 2);
  *p++ = '.';
  p = digits(p, static_cast<unsigned>(us), 6);
  *p++ = 'Z';
  return p;
}

std::string iso_time(std::int64_t ts_ns) {
  char buf[kIsoTimeLen];
  return {buf, static_cast<std::size_t>(write_iso_time(buf, ts_ns) - buf)};
}

namespace {

// The captures of a zip (an Android bugreport), as ZIP!MEMBER, in the order of their first
// record. A zip named on the command line with no capture (or a damaged one) stays in the list
// itself, so that it is reported as unreadable (exit 3); in a directory it is skipped.
void expand_zip(const std::string& zip, bool named, std::vector<std::string>& out) {
  ZipListing z = list_zip_captures(zip);
  for (const auto& [name, why] : z.skipped)
    std::fprintf(stderr, "fe95: %s: skipped (%s)\n", member_path(zip, name).c_str(), why.c_str());
  if (z.captures_not_read)
    std::fprintf(stderr, "fe95: %s: %zu more files of the log folders not read (at most %zu captures per zip)\n",
                 zip.c_str(), z.captures_not_read, kMaxZipCaptures);
  if (z.texts_not_scanned)
    std::fprintf(stderr, "fe95: %s: %zu more top-level text files not searched for a BTSNOOZ section (at most %zu)\n",
                 zip.c_str(), z.texts_not_scanned, kMaxZipTexts);
  std::stable_sort(z.members.begin(), z.members.end(),
                   [](const ZipMember& a, const ZipMember& b) { return a.first_ts_ns < b.first_ts_ns; });
  for (const auto& m : z.members) out.push_back(member_path(zip, m.name));
  // A member libarchive would not read is a damaged input: read like the others, it says why
  // and counts in the exit code (3), after the members that could be read.
  for (const auto& [name, why] : z.unreadable) out.push_back(member_path(zip, name));
  if (!z.error.empty() || (named && z.members.empty() && z.unreadable.empty()))
    out.push_back(zip);
  else if (z.members.empty())
    std::fprintf(stderr, "fe95: %s: skipped (a zip without Bluetooth capture)\n", zip.c_str());
}

}  // namespace

std::vector<std::string> expand_inputs(const std::vector<std::string>& inputs) {
  std::vector<std::string> out;
  for (const auto& in : inputs) {
    std::error_code ec;
    if (std::filesystem::is_directory(in, ec)) {
      std::vector<std::string> files;
      for (const auto& e : std::filesystem::directory_iterator(in, ec))
        if (e.is_regular_file(ec)) files.push_back(e.path().string());
      std::sort(files.begin(), files.end());
      // A directory holds captures and whatever sits beside them (notes, keys files): only files
      // fe95 can read as captures (by content) are read, and the captures inside zips. A file
      // named on the command line is always read.
      for (const auto& f : files) {
        if (is_zip(f))
          expand_zip(f, false, out);
        else if (has_capture_magic(f))
          out.push_back(f);
        else
          std::fprintf(stderr, "fe95: %s: skipped (not a capture fe95 reads)\n", f.c_str());
      }
    } else if (is_zip(in)) {
      expand_zip(in, true, out);
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
