// SPDX-License-Identifier: GPL-2.0-or-later
// The keys files of other tools, recognised by content (JSON through nlohmann-json, YAML through
// yaml-cpp, the cloud extractor's text, fe95's CSV) and the token file; what parses must format as
// fe95's CSV and read back the same.
#include <cstdlib>
#include <string_view>

#include "fe95/keys/formats.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace fe95;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  std::string why;
  (void)parse_token_file(text, why);
  KeysFile file;
  if (parse_keys_file(text, file)) return 0;
  std::vector<KeyEntry> again;
  if (parse_keys(format_keys(file.entries), again) || again != file.entries) std::abort();
  return 0;
}
