// The fe95 subcommands. Each returns a process exit code (common.h).
#pragma once

#include <string>
#include <vector>

namespace fe95::cli {

struct AttOptions {
  std::vector<std::string> inputs;
  bool diagnostics = false;  // also print diagnostics as {"type":"diagnostic"} lines
  bool quiet = false;
};
int run_att(const AttOptions& opt);

}  // namespace fe95::cli
