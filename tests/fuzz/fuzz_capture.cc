// SPDX-License-Identifier: GPL-2.0-or-later
// Capture readers fed from memory: btsnoop (own parser) and pcap/pcapng (libpcap).
#include "fuzz_common.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto opened = fe95::open_capture_memory(fe95::ByteView(data, size));
  if (!opened.reader) return 0;
  fe95::Record rec;
  std::size_t bytes = 0;
  while (opened.reader->next(rec) == fe95::ReadStatus::ok) bytes += rec.data.size();
  return bytes == 1 ? 0 : 0;
}
