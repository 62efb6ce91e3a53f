// SPDX-License-Identifier: GPL-2.0-or-later
// Capture readers: every supported file format becomes one normalised HCI record (BlueZ
// btsnoop_read_hci() is the model). Reading is separate from dissecting (Wireshark wiretap/epan).
//
// Formats are recognised by their content, never by the file name:
//   btsnoop v1, datalinks 1001 (H1), 1002 (H4), 2001 (Linux monitor)   -- parsed here, streaming
//   pcap (us/ns, either byte order) and pcapng, link types 187, 201, 254 -- read through libpcap
//   the same, link types 251, 256, 272, 157 and 192 (PPI): LE sniffer captures, one link-layer
//   packet per record (PacketType::ll, Record::ll; docs LL_CAPTURES)
//   Apple PacketLogger (.pklg), either byte order                      -- pklg.cc, streaming
//   BTSNOOZ, the summary in an Android bugreport's text (v1, v2)       -- snooz.cc
//   any of these compressed with gzip, zstd, lz4 or xz                 -- libarchive, streaming
//   members of a zip (an Android bugreport), named ZIP!MEMBER          -- libarchive (archive.h)
// (docs/PHONE_LOGS.md says where each comes from.)
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "fe95/bytes.h"

namespace fe95 {

enum class PacketType : std::uint8_t { unknown = 0, command = 1, acl = 2, sco = 3, event = 4, iso = 5, ll = 0x40 };
// HCI: sent = host to controller. Over the air (PacketType::ll): sent = central to peripheral, as
// Wireshark's btle shows it (a phone's snoop log, with the phone as central, reads the same).
enum class Direction : std::uint8_t { sent = 0, rcvd = 1, unknown = 2 };

// What a sniffer's header says of one over-the-air packet.
enum class LlCrc : std::uint8_t { unknown, ok, bad };
enum class LlCipher : std::uint8_t {
  unknown,    // the header says nothing: the link layer's own state decides
  plain,      // sent in clear (or the header says "not encrypted")
  decrypted,  // the sniffer decrypted it (MIC verified and stripped)
  encrypted,  // ciphertext the sniffer could not decrypt (MIC failed or not checked)
};
enum class LlHeaderError : std::uint8_t { none, short_header, length_mismatch, bad_version, no_btle_field };
struct LlMeta {
  std::uint8_t channel = 0xff;  // channel index 0-39 (37-39 primary advertising), 0xff unknown
  std::int8_t rssi = 0;
  std::uint8_t phy = 0;          // 0 1M, 1 2M, 2 Coded (a CI byte follows the access address)
  bool dir_from_header = false;  // Record::dir came from the header (else unknown, to be inferred)
  LlCrc crc = LlCrc::unknown;
  LlCipher cipher = LlCipher::unknown;
  std::uint8_t aux_type = 0xff;  // secondary-channel advertising: 0 AUX_ADV_IND, 1 AUX_CHAIN_IND, ...
  std::int64_t air_us = -1;      // the sniffer's own packet time (nRF v3), for timing; -1 none
  LlHeaderError error = LlHeaderError::none;
  std::uint16_t header_len = 0;  // bytes before the LE packet (for offsets in diagnostics)
};

const char* direction_name(Direction d);

struct Record {
  std::uint64_t frame = 0;   // 1-based, every record counts (as Wireshark numbers frames)
  std::int64_t ts_ns = 0;    // capture timestamp, ns since the Unix epoch
  std::uint64_t offset = 0;  // file offset of the record header
  Direction dir = Direction::unknown;
  PacketType type = PacketType::unknown;  // unknown: not an HCI packet (monitor note, index event, ...)
  std::uint16_t adapter = 0;              // controller index (Linux monitor), else 0
  std::uint32_t cut = 0;                  // bytes the capture left out (original length - captured: snap length)
  ByteView data;                          // the HCI packet without the H4 type octet; valid until the next read
                                          // (PacketType::ll: the LE packet from its access address to its CRC)
  LlMeta ll;                              // PacketType::ll only
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
  // The bytes could not be read at all (an I/O or decompression error, as libarchive refusing a
  // zip member), as opposed to bytes that are no capture.
  bool unreadable = false;
};

// Opens a capture file, or a zip member named "ZIP!MEMBER" (fe95/capture/archive.h).
OpenResult open_capture(const std::string& path);
// Whether the file is a capture by its content (the magic of a format fe95 reads, PacketLogger's
// first records, a text with a BTSNOOZ section, the same inside a compressed stream), damaged or
// not: what a directory's files are sorted by (notes and other files beside the captures are
// skipped; a damaged capture is read, and says so).
bool has_capture_magic(const std::string& path);
// Reads from memory (fuzzing, tests). The buffer must outlive the reader.
OpenResult open_capture_memory(ByteView data);

// What a capture left out of its ACL packets: a filtered snoop log or a BTSNOOZ summary keeps
// the first 13 or 14 bytes of each, a snap length its first N (docs/PHONE_LOGS.md §1). Tallied per
// capture from Record::cut, so that the front ends can say once why ATT values are missing, and
// how to get a full log.
struct CutTally {
  std::uint64_t acl = 0;    // ACL records with bytes left out
  std::uint64_t other = 0;  // other records with bytes left out (events, commands, SCO)
  std::uint64_t att = 0;    // of the ACL ones: the start of an ATT PDU (L2CAP channel 4)
  // The most ATT value bytes (after opcode and handle) a cut ATT PDU kept; -1 when none kept its
  // opcode and handle whole.
  int att_value_kept = -1;

  void add(const Record& rec);
  [[nodiscard]] bool any() const { return acl + other > 0; }
  // One sentence: what was cut, the likely cause for this format, and the fix.
  [[nodiscard]] std::string message(const std::string& format) const;
};

}  // namespace fe95
