// SPDX-License-Identifier: GPL-2.0-or-later
// Capture readers: every supported file format becomes one normalised HCI record (BlueZ
// btsnoop_read_hci() is the model). Reading is separate from dissecting (Wireshark wiretap/epan).
//
// Formats are recognised by their magic, never by the file name:
//   btsnoop v1, datalinks 1001 (H1), 1002 (H4), 2001 (Linux monitor)   -- parsed here, streaming
//   pcap (us/ns, either byte order) and pcapng, link types 187, 201, 254 -- read through libpcap
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "fe95/bytes.h"

namespace fe95 {

enum class PacketType : std::uint8_t { unknown = 0, command = 1, acl = 2, sco = 3, event = 4, iso = 5 };
enum class Direction : std::uint8_t { sent = 0, rcvd = 1, unknown = 2 };  // sent = host to controller

const char* direction_name(Direction d);

struct Record {
  std::uint64_t frame = 0;     // 1-based, every record counts (as Wireshark numbers frames)
  std::int64_t ts_ns = 0;      // capture timestamp, ns since the Unix epoch
  std::uint64_t offset = 0;    // file offset of the record header
  Direction dir = Direction::unknown;
  PacketType type = PacketType::unknown;  // unknown: not an HCI packet (monitor note, index event, ...)
  std::uint16_t adapter = 0;   // controller index (Linux monitor), else 0
  std::uint32_t cut = 0;       // bytes the capture left out (original length - captured: snap length)
  ByteView data;               // the HCI packet without the H4 type octet; valid until the next read
};

enum class ReadStatus : std::uint8_t { ok, end, error };

// Largest record fe95 accepts. An HCI ACL packet is at most 4 + 65535 bytes; monitor records add
// little. Anything larger is corruption or hostility: we stop rather than allocate what it claims.
inline constexpr std::uint32_t kMaxRecordBytes = 1u << 17;

class CaptureReader {
public:
  virtual ~CaptureReader() = default;
  // Reads the next record. On ReadStatus::error, error() says what and where; records already
  // returned stay valid results (a truncated tail does not void what came before it).
  virtual ReadStatus next(Record& rec) = 0;
  [[nodiscard]] const std::string& error() const { return error_; }
  [[nodiscard]] std::uint64_t error_offset() const { return error_offset_; }
  [[nodiscard]] virtual std::string format() const = 0;
  // Bytes consumed so far and the total, for progress reporting (total 0 when unknown).
  [[nodiscard]] virtual std::uint64_t position() const = 0;
  [[nodiscard]] std::uint64_t size() const { return size_; }

protected:
  ReadStatus fail(std::uint64_t offset, std::string message) {
    error_offset_ = offset;
    error_ = std::move(message);
    return ReadStatus::error;
  }
  std::uint64_t size_ = 0;

private:
  std::string error_;
  std::uint64_t error_offset_ = 0;
};

struct OpenResult {
  std::unique_ptr<CaptureReader> reader;  // null on failure
  std::string error;                      // one line: what is wrong
  std::uint64_t error_offset = 0;
};

OpenResult open_capture(const std::string& path);
// Whether the file starts with the magic of a format fe95 reads (btsnoop, pcap, pcapng): what a
// directory's files are sorted by (notes and other files beside the captures are skipped).
bool has_capture_magic(const std::string& path);
// Reads from memory (fuzzing, tests). The buffer must outlive the reader.
OpenResult open_capture_memory(ByteView data);

}  // namespace fe95
