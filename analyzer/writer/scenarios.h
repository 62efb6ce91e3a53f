// SPDX-License-Identifier: GPL-2.0-or-later
// The named scenarios behind the shipped sample captures (captures/README.md) and the tests.
#pragma once

#include <string>
#include <vector>

#include "scenario.h"

namespace fe95::writer {

struct NamedScenario {
  const char* name;
  const char* description;
  void (*build)(Scenario&);
  std::vector<Format> formats;      // the formats shipped in captures/ (the first is the main one)
  std::int64_t start_offset_s = 0;  // after kScenarioEpochNs: orders captures of one story in time
};

const std::vector<NamedScenario>& scenarios();
const NamedScenario* find_scenario(const std::string& name);

// Fixed start time of every scenario: output is reproducible byte for byte.
inline constexpr std::int64_t kScenarioEpochNs = 1700000000LL * 1000000000LL;

}  // namespace fe95::writer
