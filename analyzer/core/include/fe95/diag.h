// Diagnostics: malformed or suspicious input is data, not a crash (Wireshark expert info).
#pragma once

#include <cstdint>
#include <string>

#include "fe95/bytes.h"

namespace fe95 {

enum class Severity : std::uint8_t { note, warning, error };

struct Diagnostic {
  std::uint64_t frame = 0;    // 1-based frame number, 0 when it concerns the file as a whole
  std::uint64_t offset = 0;   // byte offset in the file where known, else 0
  Severity severity = Severity::warning;
  std::string code;           // stable identifier, e.g. "l2cap.continuation_without_start"
  std::string message;        // one line a person understands
  std::string raw_hex;        // the bytes concerned (possibly truncated), lower-case hex
};

const char* severity_name(Severity s);

}  // namespace fe95
