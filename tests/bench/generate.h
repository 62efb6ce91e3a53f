// SPDX-License-Identifier: GPL-2.0-or-later
// Large synthetic btsnoop captures for the benchmark, written with the project's capture writer.
#pragma once

#include <cstdint>
#include <string>

namespace fe95::bench {

struct GenerateOptions {
  std::uint64_t bytes = 1ull << 30;       // stop once the file is at least this large
  unsigned devices = 200;                 // distinct device addresses
  unsigned handles = 3000;                // connection handles, reused over time
  unsigned app_min = 60, app_span = 120;  // application PDUs on the FE95 link: min + [0, span)
  // Plain links (no FE95 session) per FE95 link, each with extra_app application PDUs: raises
  // the number of connections without changing sessions or adverts per byte.
  unsigned extra_links = 0, extra_app = 9;
  // Realistic mix: an FE95 session on 1 link in fe95_every (the others carry application
  // traffic only), and 1 advert in mibeacon_every is a MiBeacon (the rest are other vendors').
  unsigned fe95_every = 1, mibeacon_every = 1;
  unsigned seed = 95;
};

struct GenerateResult {
  std::uint64_t bytes = 0, records = 0, connections = 0, registers = 0, logins = 0, adverts = 0;
};

GenerateResult generate(const std::string& path, const GenerateOptions& o);

}  // namespace fe95::bench
