// SPDX-License-Identifier: GPL-2.0-or-later
// Pieces shared by the capture readers; not part of the public interface.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "fe95/capture.h"

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
  std::vector<std::uint8_t> buf_;
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
    case 1: rec.type = PacketType::command; break;
    case 2: rec.type = PacketType::acl; break;
    case 3: rec.type = PacketType::sco; break;
    case 4: rec.type = PacketType::event; break;
    case 5: rec.type = PacketType::iso; break;
    default: rec.type = PacketType::unknown; rec.data = data; return;
  }
  rec.data = data.subspan(1);
}
bool monitor_opcode_to_hci(std::uint16_t op, PacketType& type, Direction& dir);

// LE sniffer captures (capture_ll.cc): link types 251, 256, 272, 157, 192.
bool is_ll_linktype(int dlt);
void ll_to_record(int dlt, ByteView bytes, Record& rec);

// pcap / pcapng through libpcap. fp is owned by libpcap afterwards.
OpenResult open_pcap_file(const std::string& path, std::uint64_t size, bool ng);
OpenResult open_pcap_memory(ByteView data, bool ng);

}  // namespace fe95
