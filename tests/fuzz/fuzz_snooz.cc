// SPDX-License-Identifier: GPL-2.0-or-later
// The BTSNOOZ reader on any text: the section search, base64 (OpenSSL), the zlib stream, the
// preamble and every record header.
#include "capture/internal.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace fe95;
  auto opened = open_snooz(std::make_unique<MemorySource>(ByteView(data, size)));
  if (!opened.reader) return 0;
  Record rec;
  std::size_t bytes = 0;
  while (opened.reader->next(rec) == ReadStatus::ok) bytes += rec.data.size() + rec.cut;
  return bytes == 1 ? 0 : 0;
}
