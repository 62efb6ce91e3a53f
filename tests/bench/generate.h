// Large synthetic btsnoop captures for the benchmark, written with the project's capture writer.
#pragma once

#include <cstdint>
#include <string>

namespace fe95::bench {

struct GenerateOptions {
  std::uint64_t bytes = 1ull << 30;  // stop once the file is at least this large
  unsigned devices = 200;            // distinct device addresses
  unsigned handles = 3000;           // connection handles, reused over time
  unsigned app_min = 60, app_span = 120;  // application PDUs per link: min + [0, span)
  unsigned seed = 95;
};

struct GenerateResult {
  std::uint64_t bytes = 0, records = 0, connections = 0, registers = 0, logins = 0, adverts = 0;
};

GenerateResult generate(const std::string& path, const GenerateOptions& o);

}  // namespace fe95::bench
