// SPDX-License-Identifier: GPL-2.0-or-later
// Rendering of FE95 sessions: JSON objects (schema in README.md) and the text report.
#pragma once

#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "commands.h"
#include "common.h"
#include "fe95/analysis/analysis.h"
#include "fe95/keys/keys.h"
#include "fe95/miauth/session.h"
#include "fe95/miwear/session.h"
#include "fe95/session/session.h"
#include "fe95/stdauth/session.h"
#include "json_writer.h"

namespace fe95::cli {

// One JSON Lines record (schema in README.md), streamed without a DOM: appends the line, with
// its newline, to out. file_json is the file name already escaped as a JSON string.
void write_session(OutBuffer& out, const std::string& file_json, const session::Session& s);
// Where a `{"type":"message"}` record's session is (every family's): `device`, `conn` or `link`,
// `adapter`, `session` ([first, last] frames).
void write_message_place(JsonWriter& w, const session::Session& s);
void write_beacon(OutBuffer& out, const std::string& file_json, const BeaconEvent& b);
// A layer or analysis diagnostic (fe95 att --diagnostics, fe95 analyze --json).
void write_diagnostic(OutBuffer& out, const std::string& file_json, const Diagnostic& d);
// An over-the-air connection's link-layer summary (`{"type":"link"}`), and its text-report line.
void write_link(OutBuffer& out, const std::string& file_json, const Record& rec, const Connection& c,
                std::uint8_t reason);
std::string link_line(const Connection& c, std::uint8_t reason);

// The text report, printed as the analysis goes, so that its memory stays flat whatever the
// capture holds (README "Output"):
//   FILE: FORMAT                         as soon as the capture is open
//     device … / sessions …              in batches of up to kSessionBatch sessions, grouped by
//                                        device within a batch, as the sessions end
//     frame … (--beacons)                one line per advert as it comes
//     adverts …, N diagnostics, counts   at the end of the capture
// It lists at most kMaxReportDevices advertisers one by one per file (the least recently seen
// past it join the "more devices" line) and shows the first kShownDiagnostics diagnostics.
inline constexpr std::size_t kSessionBatch = 256;
inline constexpr std::size_t kMaxReportDevices = 4096;
inline constexpr std::size_t kShownDiagnostics = 5;

// Per-device advert summary for the text report.
struct BeaconSummary {
  BdAddr device;
  std::uint16_t product_id = 0;
  std::uint64_t frames = 0, encrypted = 0, decrypted = 0, no_key = 0, wrong_key = 0, malformed = 0, retransmissions = 0;
  std::uint64_t first_frame = 0, last_frame = 0;
  std::vector<unsigned> versions;
  std::vector<mibeacon::Object> last_objects;  // the latest decoded objects
};

// Adverts of the devices the report no longer lists one by one (past its cap).
struct OtherBeacons {
  std::uint64_t devices = 0, frames = 0;
};

// What the end of a file's report says.
struct FileSummary {
  CaptureOutcome outcome;
  std::uint64_t sessions = 0, verified = 0, adverts = 0;
  std::vector<BeaconSummary> beacons;  // in order of first appearance
  OtherBeacons other_beacons;
  std::uint64_t diagnostics = 0;              // layer and analysis diagnostics, all of them
  std::vector<Diagnostic> first_diagnostics;  // the first few, shown
  std::vector<std::string> links;             // over-the-air connections, the first kShownLinks
  std::uint64_t links_total = 0;
};
inline constexpr std::size_t kShownLinks = 64;

// "FILE: FORMAT", or "FILE: not read (ERROR)" when the capture cannot be opened.
void print_file_head(std::FILE* out, const std::string& file, const std::string& format, const std::string& error);
// A batch of ended sessions, per device in order of first appearance.
void print_sessions(std::FILE* out, const std::vector<std::unique_ptr<session::Session>>& batch);
void print_file_tail(std::FILE* out, const FileSummary& f);
std::string objects_text(const std::vector<mibeacon::Object>& objects);
std::string beacon_line(const BeaconEvent& b);

// Reads --keys/--token/--mac/--pid into a KeyStore; on a bad value prints what was expected and
// returns false (exit code 2).
bool load_keys(KeyStore& keys, const KeyOptions& opt, std::vector<KeyEntry>* file_entries = nullptr);

// Inputs expanded and ordered by their first timestamp (then name): tokens learned from an earlier
// capture serve the later ones.
std::vector<std::string> ordered_inputs(const std::vector<std::string>& inputs);

}  // namespace fe95::cli
