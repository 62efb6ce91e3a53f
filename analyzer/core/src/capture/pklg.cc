// SPDX-License-Identifier: GPL-2.0-or-later
// Apple PacketLogger (.pklg), as macOS and iOS write it (docs/PHONE_LOGS.md §2). No file header:
// records of u32 length (of what follows it), u32 seconds, u32 microseconds, u8 type, data; in
// either byte order, told apart as Wireshark's wiretap/packetlogger.c does (a length whose low 16
// bits are zero and high bits are not is byte-swapped). Streams through the source's window.
#include "capture/internal.h"

namespace fe95 {

namespace {

constexpr std::size_t kHeader = 12;      // length, seconds, microseconds
constexpr std::uint32_t kMinLength = 8;  // the timestamp alone
// Wireshark takes a file as PacketLogger when its first records (up to five) pass these checks.
constexpr int kRecordsChecked = 5;

// PacketLogger's record types (Wireshark packetlogger.c).
enum PklgType : std::uint8_t {
  kCommand = 0x00,
  kEvent = 0x01,
  kAclSent = 0x02,
  kAclRecv = 0x03,
  kScoSent = 0x08,
  kScoRecv = 0x09,
  kLmpSent = 0x0a,
  kLmpRecv = 0x0b,
  kSyslog = 0xf7,
  kKernel = 0xf8,
  kKernelDebug = 0xf9,
  kError = 0xfa,
  kPower = 0xfb,
  kNote = 0xfc,
  kConfig = 0xfd,
  kNewController = 0xfe,
};

bool known_type(std::uint8_t t) {
  switch (t) {
    case kCommand:
    case kEvent:
    case kAclSent:
    case kAclRecv:
    case kScoSent:
    case kScoRecv:
    case kLmpSent:
    case kLmpRecv:
    case kSyslog:
    case kKernel:
    case kKernelDebug:
    case kError:
    case kPower:
    case kNote:
    case kConfig:
    case kNewController:
      return true;
    default:
      return false;
  }
}

std::uint32_t load32(const std::uint8_t* p, bool big_endian) {
  return big_endian ? load_u32be(p) : load_u32le(p);
}

class PklgReader final : public CaptureReader {
 public:
  PklgReader(std::unique_ptr<ByteSource> src, bool big_endian, std::uint64_t size)
      : src_(std::move(src)), big_endian_(big_endian) {
    size_ = size;
  }
  [[nodiscard]] std::string format() const override {
    return big_endian_ ? "PacketLogger (big-endian)" : "PacketLogger (little-endian)";
  }
  [[nodiscard]] std::uint64_t position() const override { return src_->position(); }

  ReadStatus next(Record& rec) override {
    const std::uint64_t at = src_->position();
    const std::uint8_t* h = src_->need(kHeader);
    if (!h) {
      if (!src_->io_error().empty()) return fail(at, "read error: " + src_->io_error());
      const std::size_t left = src_->available();
      if (left == 0) return ReadStatus::end;
      return fail(at, "truncated record header (" + std::to_string(left) + " of 12 bytes)");
    }
    const std::uint32_t len = load32(h, big_endian_);
    if (len < kMinLength) return fail(at, "record length " + std::to_string(len) + " is shorter than its timestamp");
    if (len - kMinLength > kMaxRecordBytes)
      return fail(at, "record claims " + std::to_string(len) + " bytes, more than the " +
                          std::to_string(kMaxRecordBytes) + " any HCI packet can take");
    const std::uint8_t* p = src_->need(4 + std::size_t{len});
    if (!p) {
      if (!src_->io_error().empty()) return fail(at, "read error: " + src_->io_error());
      return fail(at, "truncated record: header claims " + std::to_string(len) + " bytes, " +
                          std::to_string(src_->available() - 4) + " present");
    }
    const std::uint32_t secs = load32(p + 4, big_endian_);
    const std::uint32_t usecs = load32(p + 8, big_endian_);
    reset_record(rec);
    rec.frame = ++frame_;
    rec.offset = at;
    rec.ts_ns = checked_ns(secs, 1000000000LL, std::int64_t{usecs} * 1000);
    if (len > kMinLength) {
      const std::uint8_t type = p[kHeader];
      const ByteView data(p + kHeader + 1, len - kMinLength - 1);
      switch (type) {
        case kCommand:
          rec.type = PacketType::command;
          rec.dir = Direction::sent;
          break;
        case kEvent:
          rec.type = PacketType::event;
          rec.dir = Direction::rcvd;
          break;
        case kAclSent:
          rec.type = PacketType::acl;
          rec.dir = Direction::sent;
          break;
        case kAclRecv:
          rec.type = PacketType::acl;
          rec.dir = Direction::rcvd;
          break;
        case kScoSent:
          rec.type = PacketType::sco;
          rec.dir = Direction::sent;
          break;
        case kScoRecv:
          rec.type = PacketType::sco;
          rec.dir = Direction::rcvd;
          break;
        default:
          break;  // LMP, notes, syslog, power: counted as frames, not HCI traffic
      }
      rec.data = data;
    }
    src_->consume(4 + std::size_t{len});
    return ReadStatus::ok;
  }

 private:
  std::unique_ptr<ByteSource> src_;
  bool big_endian_;
  std::uint64_t frame_ = 0;
};

}  // namespace

bool detect_pklg(const std::uint8_t* p, std::size_t n, bool& big_endian) {
  if (n < kHeader) return false;
  const std::uint32_t le = load_u32le(p);
  big_endian = (le & 0xffff) == 0 && (le >> 16) != 0;
  std::size_t at = 0;
  for (int i = 0; i < kRecordsChecked; ++i) {
    if (at == n) return true;            // the whole file, and every record looked right
    if (n - at < kHeader) return i > 0;  // good records, then a cut header: a damaged file
    const std::uint32_t len = load32(p + at, big_endian);
    // Wireshark: 8 <= length < 65536, microseconds < 10^6, a known type.
    if (len < kMinLength || len >= 65536 || load32(p + at + 8, big_endian) >= 1000000) return false;
    if (len > kMinLength) {
      if (n - at < kHeader + 1) return false;
      if (!known_type(p[at + kHeader])) return false;
    }
    if (n - at < 4 + std::size_t{len}) return true;  // a record past what was peeked: enough seen
    at += 4 + std::size_t{len};
  }
  return true;
}

std::unique_ptr<CaptureReader> make_pklg_reader(std::unique_ptr<ByteSource> src, bool big_endian, std::uint64_t size) {
  return std::make_unique<PklgReader>(std::move(src), big_endian, size);
}

}  // namespace fe95
