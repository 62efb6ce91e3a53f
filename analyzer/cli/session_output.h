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

struct FileSessions {
  std::string file;
  CaptureOutcome outcome;
  std::vector<miauth::Session> sessions;
  std::vector<BeaconSummary> beacons;
  std::vector<std::string> beacon_lines;  // with --beacons
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
