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

namespace fe95::cli {

struct AnalyzeOptions {
  std::vector<std::string> inputs;
  bool json = false;
  bool beacons = false;        // list every advert in the text report
  bool diagnostics = false;    // include stack diagnostics
  bool quiet = false;
  std::vector<std::string> tokens;
  std::string mac, pid, keys_file, export_keys;
  std::vector<std::string> bind_keys;  // MAC=HEX
};
int run_analyze(const AnalyzeOptions& opt);

struct VerifyOptions {
  std::vector<std::string> inputs;
  std::vector<std::string> tokens;
  std::string keys_file, mac, pid;
  bool quiet = false;
};
int run_verify(const VerifyOptions& opt);

}  // namespace fe95::cli
