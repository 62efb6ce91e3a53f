// SPDX-License-Identifier: GPL-2.0-or-later
// A zip (an Android bugreport) through libarchive: the listing of its captures, then each member
// opened by name and read to its end.
#include "fe95/capture/archive.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace fe95;
  const ByteView zip(data, size);
  const ZipListing listing = list_zip_captures_memory(zip);
  std::size_t bytes = 0;
  for (const auto& m : listing.members) {
    auto opened = open_zip_member_memory(zip, m.name);
    if (!opened.reader) continue;
    Record rec;
    while (opened.reader->next(rec) == ReadStatus::ok) bytes += rec.data.size();
  }
  return bytes == 1 ? 0 : 0;
}
