// SPDX-License-Identifier: GPL-2.0-or-later
// Rendering of FE95 sessions: JSON objects (schema in README.md) and the text report.
#pragma once

#include <cstdio>
#include <string>
#include <vector>

#include "commands.h"
#include "common.h"
#include "fe95/analysis.h"
#include "fe95/keys.h"
#include "fe95/miauth/session.h"

namespace fe95::cli {

// One JSON Lines record (schema in README.md), streamed without a DOM: appends the line, with
// its newline, to out. file_json is the file name already escaped as a JSON string.
void write_session(std::string& out, const std::string& file_json, const miauth::Session& s);
void write_beacon(std::string& out, const std::string& file_json, const BeaconEvent& b);
// A layer or analysis diagnostic (fe95 att --diagnostics, fe95 analyze --json).
void write_diagnostic(std::string& out, const std::string& file_json, const Diagnostic& d);


// The text report lists at most this many advertisers one by one per file (the least recently
// seen past it join the "more devices" line) and shows the first kShownDiagnostics diagnostics.
inline constexpr std::size_t kMaxReportDevices = 4096;
inline constexpr std::size_t kShownDiagnostics = 5;

// Per-device advert summary for the text report.
struct BeaconSummary {
  BdAddr device;
  std::uint16_t product_id = 0;
  std::uint64_t frames = 0, encrypted = 0, decrypted = 0, no_key = 0, wrong_key = 0, malformed = 0,
                retransmissions = 0;
  std::uint64_t first_frame = 0, last_frame = 0;
  std::vector<unsigned> versions;
  std::string last_values;  // the latest decoded objects, as text
};

// Adverts of the devices the report no longer lists one by one (past its cap).
struct OtherBeacons {
  std::uint64_t devices = 0, frames = 0;
};

struct FileSessions {
  std::string file;
  CaptureOutcome outcome;
  std::vector<miauth::Session> sessions;
  std::vector<BeaconSummary> beacons;     // in order of first appearance
  OtherBeacons other_beacons;
  std::vector<std::string> beacon_lines;  // with --beacons
  std::uint64_t diagnostics = 0;          // layer and analysis diagnostics, all of them
  std::vector<Diagnostic> first_diagnostics;  // the first few, shown
};
void print_report(std::FILE* out, const std::vector<FileSessions>& files);
std::string objects_text(const mibeacon::Frame& f);
std::string beacon_line(const BeaconEvent& b);

// Reads --keys/--token/--mac/--pid into a KeyStore; on a bad value prints what was expected and
// returns false (exit code 2).
bool load_keys(KeyStore& keys, const KeyOptions& opt, std::vector<KeyEntry>* file_entries = nullptr);

// Inputs expanded and ordered by their first timestamp (then name): tokens learned from an earlier
// capture serve the later ones.
std::vector<std::string> ordered_inputs(const std::vector<std::string>& inputs);

}  // namespace fe95::cli
