// SPDX-License-Identifier: GPL-2.0-or-later
// The fe95 subcommands. Each returns a process exit code (common.h).
#pragma once

#include <string>
#include <vector>

namespace fe95::cli {

// The whole command line (`fe95 SUBCOMMAND ...`, argv[0] the program): parses it, runs the
// subcommand, returns the exit code. Writes to stdout and stderr as the program does.
int run_main(int argc, char** argv);

struct AttOptions {
  std::vector<std::string> inputs;
  bool diagnostics = false;  // also print diagnostics as {"type":"diagnostic"} lines
  bool quiet = false;
};
int run_att(const AttOptions& opt);

}  // namespace fe95::cli

namespace fe95::cli {

// What both analyze and verify accept about devices (checked in load_keys).
struct KeyOptions {
  std::vector<std::string> tokens;
  std::string mac, pid, keys_file;
  std::vector<std::string> token_files;  // --token-file: miauth's mi_token, tried for every device
  std::vector<std::string> auth_keys;    // --authkey MAC=HEX: a wearable's auth key (docs/MIWEAR.md §3)
};

struct AnalyzeOptions {
  std::vector<std::string> inputs;
  bool json = false;
  bool beacons = false;  // list every advert in the text report
  bool quiet = false;
  KeyOptions keys;
  std::string export_keys;
  std::vector<std::string> bind_keys;  // MAC=HEX
  std::string readings;                // --readings FILE: MiBeacon readings, CSV (JSON Lines with --json)
};
int run_analyze(const AnalyzeOptions& opt);

struct VerifyOptions {
  std::vector<std::string> inputs;
  KeyOptions keys;
  std::string junit;  // --junit FILE: the results as JUnit XML too
};
int run_verify(const VerifyOptions& opt);

}  // namespace fe95::cli
