// SPDX-License-Identifier: GPL-2.0-or-later
// Shared pieces of the fe95 command-line front end.
#pragma once

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "fe95/analysis/pipeline.h"

namespace fe95::cli {

// Non-empty and every byte printable ASCII: shown as text beside its hex.
inline bool printable(ByteView b) {
  return !b.empty() && std::all_of(b.begin(), b.end(), [](std::uint8_t c) { return c >= 0x20 && c < 0x7f; });
}

// Exit codes (documented in README.md, "Exit codes").
enum ExitCode : int {
  kExitOk = 0,
  kExitNotVerified = 1,  // verify: a session did not verify
  kExitUsage = 2,        // bad options or keys file; for verify also unusable input
  kExitInput = 3,        // a capture could not be read, or was damaged partway (results before the damage are reported)
};

using Json = nlohmann::ordered_json;  // fixed key order: output is deterministic

// One JSON object per line, flushed line by line: output written before an error is complete.
void write_line(std::FILE* out, const Json& j);

// "fe95: FILE: offset N: message" on stderr.
void error_line(const std::string& file, const CaptureOutcome& o);
void error_line(const std::string& file, const std::string& message);

// The capture-level account of cut ACL packets (CutTally), once per capture: the JSON `file`
// record's "cut" object, and a note on stderr for the commands without a report (att, verify).
Json cut_json(const CaptureOutcome& o);
void cut_note(const std::string& file, const CaptureOutcome& o);

// 2024-01-02T03:04:05.123456Z (UTC, microseconds), for every int64 nanosecond time.
std::string iso_time(std::int64_t ts_ns);
// The same into out (kIsoTimeLen characters, no terminator); returns the end.
inline constexpr std::size_t kIsoTimeLen = 27;
char* write_iso_time(char* out, std::int64_t ts_ns);

// Expands directories (their regular files, sorted by name) and zips (their captures as
// ZIP!MEMBER, in time order) into a list of capture paths.
std::vector<std::string> expand_inputs(const std::vector<std::string>& inputs);

// Progress bar on stderr: silent unless stderr is a terminal and not quiet.
class Progress {
 public:
  Progress(bool quiet, std::string label);
  ~Progress();
  Progress(const Progress&) = delete;
  Progress& operator=(const Progress&) = delete;
  ProgressFn fn();

 private:
  void draw(std::uint64_t done, std::uint64_t total);
  bool enabled_;
  std::string label_;
  std::int64_t start_ns_;
  std::int64_t last_draw_ns_ = 0;
  std::int64_t delay_ns_ = 500'000'000;
  bool drawn_ = false;
};

}  // namespace fe95::cli
