// SPDX-License-Identifier: GPL-2.0-or-later
// The keys-file parser (shared with the plugin's UAT records), with a format/parse round trip.
#include <cstdlib>
#include <string_view>

#include "fe95/keys/keys.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace fe95;
  std::vector<KeyEntry> entries;
  if (parse_keys(std::string_view(reinterpret_cast<const char*>(data), size), entries)) return 0;
  // What parses must format and parse back to the same entries.
  std::vector<KeyEntry> again;
  if (parse_keys(format_keys(entries), again) || again != entries) std::abort();
  (void)merge_keys(entries, entries);
  return 0;
}
