// SPDX-License-Identifier: GPL-2.0-or-later
// `fe95 analyze --readings FILE`: every value a MiBeacon advert carries, one row per reading, so
// that a sensor's history can be plotted from a phone's log (README, "Readings"). CSV, or JSON
// Lines with --json; written as the adverts come, so its memory stays flat.
#pragma once

#include <cstdint>
#include <cstdio>
#include <string>

#include "fe95/analysis/analysis.h"
#include "json_writer.h"

namespace fe95::cli {

// The CSV header, the columns in order (the JSON Lines records have the same keys).
inline constexpr const char* kReadingsHeader = "time,device,model,quantity,value,unit,frame,text,file";

class ReadingsWriter {
 public:
  ReadingsWriter() = default;
  ReadingsWriter(const ReadingsWriter&) = delete;
  ReadingsWriter& operator=(const ReadingsWriter&) = delete;
  ~ReadingsWriter();
  // Creates (or empties) path; false with the reason when it cannot be written.
  bool open(const std::string& path, bool json, std::string& error);
  // The readings of one advert from file (retransmissions repeat a reading and are skipped).
  void add(const std::string& file, const BeaconEvent& b);
  // Writes what is left and closes; false when a write failed.
  bool close();
  [[nodiscard]] std::uint64_t rows() const { return rows_; }

 private:
  void flush();
  std::FILE* out_ = nullptr;
  bool json_ = false, failed_ = false;
  OutBuffer buf_;
  std::string file_, file_cell_;  // the file of the last advert, and it as a CSV cell or JSON string
  std::uint64_t rows_ = 0;
};

// A CSV cell: as it is, or quoted (doubling quotes) when it holds a comma, quote or line break.
std::string csv_cell(std::string_view s);

}  // namespace fe95::cli
