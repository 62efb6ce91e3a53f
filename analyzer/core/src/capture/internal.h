// SPDX-License-Identifier: GPL-2.0-or-later
// Pieces shared by the capture readers; not part of the public interface.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "fe95/capture/capture.h"

// libarchive's handle (archive.h), declared here at global scope: named first inside namespace
// fe95 below, it would declare a different type, fe95::archive.
struct archive;

namespace fe95 {

// A byte stream that hands out contiguous windows (need) and advances (consume).
class ByteSource {
 public:
  virtual ~ByteSource();
  // Pointer to at least n contiguous bytes at the current position, or null (end of data or
  // error; see io_error()).
  virtual const std::uint8_t* need(std::size_t n) = 0;
  virtual void consume(std::size_t n) = 0;
  [[nodiscard]] virtual std::size_t available() const = 0;
  [[nodiscard]] virtual std::uint64_t position() const = 0;
  [[nodiscard]] const std::string& io_error() const { return io_error_; }

 protected:
  std::string io_error_;
};

class FileSource final : public ByteSource {
 public:
  static constexpr std::size_t kBufferBytes = 1u << 20;  // > kMaxRecordBytes + header
  explicit FileSource(int fd);
  ~FileSource() override;
  FileSource(const FileSource&) = delete;
  FileSource& operator=(const FileSource&) = delete;
  const std::uint8_t* need(std::size_t n) override;
  void consume(std::size_t n) override;
  [[nodiscard]] std::size_t available() const override;
  [[nodiscard]] std::uint64_t position() const override { return pos_; }

 private:
  int fd_;
  std::unique_ptr<std::uint8_t[]> buf_;
  std::size_t begin_ = 0, end_ = 0;
  std::uint64_t pos_ = 0;
};

class MemorySource final : public ByteSource {
 public:
  explicit MemorySource(ByteView data) : data_(data) {}
  const std::uint8_t* need(std::size_t n) override;
  void consume(std::size_t n) override;
  [[nodiscard]] std::size_t available() const override;
  [[nodiscard]] std::uint64_t position() const override { return pos_; }

 private:
  ByteView data_;
  std::size_t pos_ = 0;
};

class BtsnoopReader final : public CaptureReader {
 public:
  // src is positioned after the 16-byte file header.
  BtsnoopReader(std::unique_ptr<ByteSource> src, std::uint32_t datalink, std::uint64_t size);
  ReadStatus next(Record& rec) override;
  [[nodiscard]] std::string format() const override;
  [[nodiscard]] std::uint64_t position() const override;

 private:
  std::unique_ptr<ByteSource> src_;
  std::uint32_t datalink_;
  std::uint64_t frame_ = 0;
};

// value * scale + offset in ns, or 0 when a hostile timestamp does not fit in 64 bits (found by
// fuzzing: signed overflow is undefined behaviour).
inline std::int64_t checked_ns(std::int64_t value, std::int64_t scale, std::int64_t offset) {
  std::int64_t ns = 0;
  if (__builtin_mul_overflow(value, scale, &ns) || __builtin_add_overflow(ns, offset, &ns)) return 0;
  return ns;
}

// A record read afresh, but for its LlMeta: the hot path of HCI captures does not rewrite it (the
// stack reads it only for PacketType::ll, whose reader sets it whole).
inline void reset_record(Record& rec) {
  rec.frame = 0;
  rec.ts_ns = 0;
  rec.offset = 0;
  rec.dir = Direction::unknown;
  rec.type = PacketType::unknown;
  rec.adapter = 0;
  rec.cut = 0;
  rec.data = {};
}

// Shared with the pcap reader: H4 type octet -> record type and payload.
inline void h4_to_record(ByteView data, Record& rec) {
  if (data.empty()) {
    rec.type = PacketType::unknown;
    rec.data = data;
    return;
  }
  switch (data[0]) {
    case 1:
      rec.type = PacketType::command;
      break;
    case 2:
      rec.type = PacketType::acl;
      break;
    case 3:
      rec.type = PacketType::sco;
      break;
    case 4:
      rec.type = PacketType::event;
      break;
    case 5:
      rec.type = PacketType::iso;
      break;
    default:
      rec.type = PacketType::unknown;
      rec.data = data;
      return;
  }
  rec.data = data.subspan(1);
}
bool monitor_opcode_to_hci(std::uint16_t op, PacketType& type, Direction& dir);

// LE sniffer captures (sniffer.cc): link types 251, 256, 272, 157, 192.
bool is_ll_linktype(int dlt);
void ll_to_record(int dlt, ByteView bytes, Record& rec);

// pcap / pcapng through libpcap. fp is owned by libpcap afterwards.
OpenResult open_pcap_file(const std::string& path, std::uint64_t size, bool ng);
OpenResult open_pcap_memory(ByteView data, bool ng);
// The same from any byte stream (a decompressed file, a zip member): libpcap reads it through a
// stdio stream over the source (source_file).
OpenResult open_pcap_stream(std::unique_ptr<ByteSource> src, std::uint64_t size, bool ng);

// Reads the first bytes of a source without consuming them: up to n (fewer at the end of the
// data). Null with n set to 0 when the source is empty or failed (see io_error()).
const std::uint8_t* peek(ByteSource& src, std::size_t& n);

// Where a stream comes from, for the dispatcher (capture.cc): a file libpcap can open by name,
// a memory image, or neither (a decompressed stream, a zip member).
struct StreamOrigin {
  std::string path;             // a regular file read from its start, else empty
  ByteView memory;              // the whole image when read from memory
  std::uint64_t size = 0;       // bytes of the stream when known (progress), else 0
  bool in_compression = false;  // already inside a decompressed stream: no second layer
};
// Recognises the format of src by content and opens its reader (or says why not).
OpenResult open_stream(std::unique_ptr<ByteSource> src, const StreamOrigin& origin);

// ---- compressed streams and zip members (archive.cc, through libarchive) ----------------------

enum class Compression : std::uint8_t { none, gzip, zstd, lz4, xz };
Compression detect_compression(const std::uint8_t* p, std::size_t n);
const char* compression_name(Compression c);
bool is_zip_magic(const std::uint8_t* p, std::size_t n);

// Decompression stops when a stream gives more than kMaxExpansion bytes per compressed byte after
// kExpansionFloor bytes: real captures compress 3:1 to 10:1 (docs/PHONE_LOGS.md §3), so this is a
// compression bomb, and reading it to the end would only burn time.
inline constexpr std::uint64_t kExpansionFloor = 32u << 20;
inline constexpr std::uint64_t kMaxExpansion = 100;

// The decompressed bytes of one libarchive entry (a raw compressed stream, or a zip member),
// through a fixed window like FileSource: memory does not grow with the data.
class ArchiveSource final : public ByteSource {
 public:
  static constexpr std::size_t kBufferBytes = 1u << 20;
  // Reads the data of the current entry of a; frees a when owns (else the caller keeps it, as the
  // zip listing does between members). under: the compressed bytes libarchive reads through
  // callbacks (open_compressed), kept alive as long as this source.
  ArchiveSource(struct archive* a, bool owns, std::shared_ptr<void> under = {});
  ~ArchiveSource() override;
  ArchiveSource(const ArchiveSource&) = delete;
  ArchiveSource& operator=(const ArchiveSource&) = delete;
  const std::uint8_t* need(std::size_t n) override;
  void consume(std::size_t n) override;
  [[nodiscard]] std::size_t available() const override;
  [[nodiscard]] std::uint64_t position() const override { return pos_; }
  // Compressed bytes read so far for this stream.
  [[nodiscard]] std::uint64_t raw_position() const;
  // Where raw_position() comes from when libarchive reads through callbacks (open_compressed): the
  // bytes handed to it. Else libarchive's own count of the bytes it read.
  void set_raw_counter(std::function<std::uint64_t()> f) { raw_counter_ = std::move(f); }

 private:
  struct archive* a_;
  bool owns_;
  std::shared_ptr<void> under_;
  std::function<std::uint64_t()> raw_counter_;
  std::vector<std::uint8_t> buf_;
  std::size_t begin_ = 0, end_ = 0;
  const std::uint8_t* block_ = nullptr;  // libarchive's current block, valid until the next
  std::size_t block_size_ = 0, block_used_ = 0;
  std::uint64_t pos_ = 0, produced_ = 0;
  std::int64_t raw_base_ = 0;
  bool done_ = false;
};

// A compressed stream over src (whose first bytes carry the magic of c), decompressed by libarchive.
// Null with error set when libarchive refuses it.
std::unique_ptr<ArchiveSource> open_compressed(std::unique_ptr<ByteSource> src, Compression c, std::string& error);

OpenResult open_zip_member(const std::string& zip, const std::string& member);

// ---- PacketLogger (pklg.cc) ------------------------------------------------------------------

// Whether the first records at p look like PacketLogger's, and in which byte order.
bool detect_pklg(const std::uint8_t* p, std::size_t n, bool& big_endian);
std::unique_ptr<CaptureReader> make_pklg_reader(std::unique_ptr<ByteSource> src, bool big_endian, std::uint64_t size);

// ---- BTSNOOZ in a bugreport's text (snooz.cc) ------------------------------------------------

// Whether the first bytes look like text (a bugreport, a dumpsys): no NUL, few control bytes.
bool looks_like_text(const std::uint8_t* p, std::size_t n);
// Scans the text for the BTSNOOP_LOG_SUMMARY section and decodes it; an error when it has none.
OpenResult open_snooz(std::unique_ptr<ByteSource> src);
// Whether the text has the section's BEGIN line (nothing decoded).
bool has_snooz_section(ByteSource& src);

}  // namespace fe95
