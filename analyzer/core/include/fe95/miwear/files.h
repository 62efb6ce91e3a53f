// SPDX-License-Identifier: GPL-2.0-or-later
// The wearables' files (docs/MIWEAR.md §6): activity files the watch sends (BLE-V1 0x0053, SPPv2
// channel 5, SPP-V1 channel 3) and uploads the phone sends (BLE-V1 0x0055, SPPv2 channel 2, SPP-V1
// channel 5). Both travel in parts, each a message of its own: u16 total parts, u16 part number
// (from 1), data (GB X/activity/XiaomiActivityFileFetcher.java l.87-135,
// X/services/XiaomiDataUploadService.java l.140-161). The joined bytes are
//   activity: a 7-byte file id, a byte 0, the records, CRC-32 (LE) of everything before it;
//   upload:   00, type, MD5 (16) of the file, u32 LE size, the file, CRC-32 (LE) of everything before.
// FileStream checks them as the parts come, keeping only the head and the running digests: a file
// costs the same few bytes whatever its size (or the size it claims).
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

#include "fe95/bytes.h"

namespace fe95::miwear {

// CRC-32 (IEEE 802.3: polynomial 0x04C11DB7 reflected, initial and final xor 0xFFFFFFFF; the
// check value of "123456789" is 0xCBF43926), as java.util.zip.CRC32 computes it. `crc` continues
// an earlier result: crc32(b, crc32(a)) == crc32(a || b).
std::uint32_t crc32(ByteView data, std::uint32_t crc = 0);

// The activity file id (GB X/activity/XiaomiActivityFileId.java): u32 LE Unix time, the time zone
// in quarter hours (signed), a version, and a packed byte: type (bit 7: 0 activity, 1 sports),
// subtype (bits 2-6), detail type (bits 0-1: 0 details, 1 summary, 2 GPS track).
struct ActivityFileId {
  std::uint32_t timestamp = 0;
  std::int8_t timezone = 0;
  std::uint8_t version = 0;
  std::uint8_t type = 0, subtype = 0, detail = 0;
};
inline constexpr std::size_t kActivityFileIdLen = 7;
std::optional<ActivityFileId> parse_activity_file_id(ByteView seven);  // nullopt unless 7 bytes
Bytes encode_activity_file_id(const ActivityFileId& id);
const char* activity_type_name(std::uint8_t type);                           // "activity", "sports" or ""
const char* activity_subtype_name(std::uint8_t type, std::uint8_t subtype);  // GB's Subtype names or ""
const char* activity_detail_name(std::uint8_t detail);                       // "details", "summary", "gps_track" or ""

// Upload types (XiaomiDataUploadService l.44-47).
const char* upload_type_name(
    std::uint8_t type);  // "watchface", "firmware", "notification_icon", "third_party_app" or ""
inline constexpr std::size_t kUploadHeaderLen = 22;  // 00, type, MD5, size

// Bytes of a whole file for the writer and the tests: the parts of at most `part_data` bytes each.
Bytes activity_file(const ActivityFileId& id, ByteView records);
Bytes upload_file(std::uint8_t type, ByteView file);
std::vector<Bytes> file_parts(ByteView whole, std::size_t part_data);

enum class FileKind : std::uint8_t { activity, upload };
const char* file_kind_name(FileKind k);  // "activity", "upload"

// A file checked.
struct FileReport {
  FileKind kind = FileKind::activity;
  std::uint64_t first_frame = 0, last_frame = 0;
  std::uint16_t parts = 0;
  std::uint64_t size = 0;  // bytes joined
  bool complete = true;    // its head and CRC were there (else too short: the checks are not done)
  std::uint32_t crc = 0;   // as carried
  std::uint32_t crc_computed = 0;
  bool crc_ok = false;
  // Activity.
  Bytes id;  // the 7 id bytes
  std::optional<ActivityFileId> activity;
  std::optional<std::uint8_t> byte7;  // 0 in every file GB knows
  // Upload.
  std::optional<std::uint8_t> upload_type;
  Bytes md5;           // as carried (16)
  Bytes md5_computed;  // of the file bytes present
  std::optional<bool> md5_ok;
  std::optional<std::uint32_t> declared_size;
  bool size_ok = true;  // 22 + size + 4 bytes joined
};

// One direction's parts of one kind. feed() takes each part message as it was decrypted.
class FileStream {
 public:
  explicit FileStream(FileKind kind);
  ~FileStream();
  FileStream(FileStream&&) noexcept;
  FileStream& operator=(FileStream&&) noexcept;

  struct Part {
    std::uint16_t total = 0, number = 0;
    ByteView data;
  };
  static std::optional<Part> parse_part(ByteView message);  // nullopt: shorter than 4 bytes

  enum class Trouble : std::uint8_t {
    none,
    short_part,    // a message too short for the part header
    out_of_order,  // a part that is not the next one (its file is dropped; part 1 starts anew)
    short_file,    // a file too short for its head and CRC
  };
  struct Result {
    std::optional<Part> part;
    std::optional<FileReport> file;  // completed by this part
    Trouble trouble = Trouble::none;
    std::uint16_t expected = 0;  // out_of_order: the part that was due
  };
  Result feed(ByteView message, std::uint64_t frame);
  // Parts of an unfinished file (0 when none).
  [[nodiscard]] std::uint16_t pending_parts() const { return next_ ? static_cast<std::uint16_t>(next_ - 1) : 0; }
  [[nodiscard]] std::uint16_t pending_total() const { return total_; }

 private:
  void reset();
  void take(ByteView data);
  FileReport finish();

  FileKind kind_;
  std::uint16_t total_ = 0, next_ = 0;  // next_ 0: no file in progress
  std::uint64_t first_frame_ = 0, last_frame_ = 0, size_ = 0;
  Bytes head_;                          // the first kUploadHeaderLen bytes
  std::array<std::uint8_t, 4> tail_{};  // the last 4 bytes seen (the CRC once the file ends)
  std::size_t tail_len_ = 0;
  std::uint32_t crc_ = 0;  // over every byte before the tail
  struct Md5;              // OpenSSL's EVP context, over the upload's file bytes
  std::unique_ptr<Md5> md5_;
};

}  // namespace fe95::miwear
