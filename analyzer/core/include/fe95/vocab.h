// SPDX-License-Identifier: GPL-2.0-or-later
// One table per vocabulary: every coded value fe95 prints (a status, a step, a role, an end
// reason, a decrypted value's kind, a key's source) has one row with its stable name (JSON, text
// report, Wireshark filters), a label for people (the plugin's trees) and a one-line description.
// The CLI, the JSON, the plugin's value strings and field descriptions and the README's tables all
// read these rows (a test holds the README against them): strings compared at run time drift.
#pragma once

#include <span>
#include <string>

namespace fe95 {

struct Term {
  const char* name;         // stable: "verified", "t1"
  const char* label;        // for people: "Verified", "T1: the client's token, encrypted"
  const char* description;  // one line
};

// "a, b, c": the names of a vocabulary, for a field's description.
std::string names_of(std::span<const Term> words);

}  // namespace fe95
