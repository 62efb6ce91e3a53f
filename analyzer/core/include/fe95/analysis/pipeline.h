// SPDX-License-Identifier: GPL-2.0-or-later
// Drives one capture through a Stack: the loop every front end needs (CLI, fuzz targets,
// benchmark). Errors are values: a damaged capture still delivers every record before the damage.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "fe95/capture/capture.h"
#include "fe95/stack/stack.h"

namespace fe95 {

struct CaptureOutcome {
  enum class Status : std::uint8_t { ok, unreadable, damaged };
  Status status = Status::ok;
  std::string format;  // e.g. "btsnoop/1002 (H4)"
  std::string error;   // one line, empty when ok
  std::uint64_t error_offset = 0;
  std::uint64_t records = 0;
  std::uint64_t bytes = 0;
  std::int64_t first_ts_ns = 0, last_ts_ns = 0;
  CutTally cut;  // records the capture cut short (filtered or BTSNOOZ logs, a snap length)
};

// Called every so often with (bytes consumed, total bytes); may be empty.
using ProgressFn = std::function<void(std::uint64_t, std::uint64_t)>;

// Reads every record of the reader into the stack and closes live connections at the end.
CaptureOutcome run_capture(CaptureReader& reader, Stack& stack, const ProgressFn& progress = {});

// Opens path (by magic) and runs it; an open failure comes back as Status::unreadable.
CaptureOutcome run_capture_file(const std::string& path, Stack& stack, const ProgressFn& progress = {});

// The first record's timestamp, to order several captures of one run (0 when none).
std::int64_t first_timestamp(const std::string& path);

}  // namespace fe95
