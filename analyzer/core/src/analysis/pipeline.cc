// SPDX-License-Identifier: GPL-2.0-or-later
#include "fe95/analysis/pipeline.h"

namespace fe95 {

CaptureOutcome run_capture(CaptureReader& reader, Stack& stack, const ProgressFn& progress) {
  CaptureOutcome out;
  out.format = reader.format();
  Record rec;
  Record last;
  constexpr std::uint64_t kProgressEvery = 1u << 14;  // records
  for (;;) {
    const ReadStatus st = reader.next(rec);
    if (st == ReadStatus::end) break;
    if (st == ReadStatus::error) {
      out.status = CaptureOutcome::Status::damaged;
      out.error = reader.error();
      out.error_offset = reader.error_offset();
      break;
    }
    if (out.records == 0) out.first_ts_ns = rec.ts_ns;
    ++out.records;
    out.last_ts_ns = rec.ts_ns;
    if (rec.cut) [[unlikely]]
      out.cut.add(rec);
    stack.feed(rec);
    last.frame = rec.frame;
    last.ts_ns = rec.ts_ns;
    last.offset = rec.offset;
    if (progress && out.records % kProgressEvery == 0) progress(reader.position(), reader.size());
  }
  stack.finish(last);
  out.bytes = reader.position();
  if (progress) progress(reader.position(), reader.size());
  return out;
}

CaptureOutcome run_capture_file(const std::string& path, Stack& stack, const ProgressFn& progress) {
  OpenResult opened = open_capture(path);
  if (!opened.reader) {
    CaptureOutcome out;
    out.status = CaptureOutcome::Status::unreadable;
    out.error = opened.error;
    out.error_offset = opened.error_offset;
    return out;
  }
  return run_capture(*opened.reader, stack, progress);
}

std::int64_t first_timestamp(const std::string& path) {
  OpenResult opened = open_capture(path);
  if (!opened.reader) return 0;
  Record rec;
  return opened.reader->next(rec) == ReadStatus::ok ? rec.ts_ns : 0;
}

}  // namespace fe95
