// SPDX-License-Identifier: GPL-2.0-or-later
// Compressed captures through libarchive (gzip, zstd, lz4, xz), then the reader of whatever they
// hold. The first byte picks the compression; the rest is the stream (its magic included).
#include "capture/internal.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace fe95;
  if (size == 0) return 0;
  const Compression kinds[] = {Compression::gzip, Compression::zstd, Compression::lz4, Compression::xz};
  std::string error;
  auto src = open_compressed(std::make_unique<MemorySource>(ByteView(data + 1, size - 1)), kinds[data[0] % 4], error);
  if (!src) return 0;
  StreamOrigin origin;
  origin.in_compression = true;
  auto opened = open_stream(std::move(src), origin);
  if (!opened.reader) return 0;
  Record rec;
  std::size_t bytes = 0;
  while (opened.reader->next(rec) == ReadStatus::ok) bytes += rec.data.size();
  return bytes == 1 ? 0 : 0;
}
