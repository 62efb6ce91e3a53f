// SPDX-License-Identifier: GPL-2.0-or-later
// The wearables family in the CLI's output (README, "JSON Lines" and the text report): its part of
// a session record, its `{"type":"message"}` records with the protobuf tree of each message, and
// its lines in the text report. session_output.cc calls these for sessions of the family.
#pragma once

#include <cstdio>
#include <string>

#include "fe95/miwear/session.h"
#include "json_writer.h"

namespace fe95::cli {

// The family's keys of a session record, after `end`.
void write_wear(JsonWriter& w, const miwear::Session& s);
// One `{"type":"message"}` line per message the session kept, each with its newline.
void write_wear_messages(OutBuffer& out, const std::string& file_json, const miwear::Session& s);
// The first line under a session's head in the text report: what its status means.
std::string wear_status_line(const miwear::Session& s);
// The family's lines of the text report.
void print_wear(std::FILE* out, const miwear::Session& s);

}  // namespace fe95::cli
