// SPDX-License-Identifier: GPL-2.0-or-later
// The PacketLogger reader on any bytes (the first byte picks the byte order), past the content
// check that open_capture makes first: every record header and length is the fuzzer's.
#include "capture/internal.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace fe95;
  if (size == 0) return 0;
  auto reader = make_pklg_reader(std::make_unique<MemorySource>(ByteView(data + 1, size - 1)), data[0] & 1, size - 1);
  Record rec;
  std::size_t bytes = 0;
  while (reader->next(rec) == ReadStatus::ok) bytes += rec.data.size();
  return bytes == 1 ? 0 : 0;
}
