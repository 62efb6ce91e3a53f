// SPDX-License-Identifier: GPL-2.0-or-later
// btsnoop v1 reader. Format: RFC 1761 snoop derivative as written by Android and BlueZ:
// 16-byte file header "btsnoop\0" | u32be version (1) | u32be datalink; then records of
// u32be original length | u32be included length | u32be flags | u32be drops | i64be timestamp
// (microseconds since 0000-01-01) | data. Streams through a fixed buffer: memory does not grow
// with the file.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "capture/internal.h"

namespace fe95 {
namespace {

constexpr std::int64_t kBtsnoopEpochDeltaUs = 0x00dcddb30f2f8000LL;  // 0 AD -> 1970, in us
constexpr std::size_t kRecordHeader = 24;

// Linux monitor opcodes (BlueZ src/shared/btsnoop.h).
enum MonitorOp : std::uint16_t {
  kMonCommand = 2,
  kMonEvent = 3,
  kMonAclTx = 4,
  kMonAclRx = 5,
  kMonScoTx = 6,
  kMonScoRx = 7,
  kMonIsoTx = 18,
  kMonIsoRx = 19,
};

}  // namespace

bool monitor_opcode_to_hci(std::uint16_t op, PacketType& type, Direction& dir) {
  switch (op) {
    case kMonCommand:
      type = PacketType::command;
      dir = Direction::sent;
      return true;
    case kMonEvent:
      type = PacketType::event;
      dir = Direction::rcvd;
      return true;
    case kMonAclTx:
      type = PacketType::acl;
      dir = Direction::sent;
      return true;
    case kMonAclRx:
      type = PacketType::acl;
      dir = Direction::rcvd;
      return true;
    case kMonScoTx:
      type = PacketType::sco;
      dir = Direction::sent;
      return true;
    case kMonScoRx:
      type = PacketType::sco;
      dir = Direction::rcvd;
      return true;
    case kMonIsoTx:
      type = PacketType::iso;
      dir = Direction::sent;
      return true;
    case kMonIsoRx:
      type = PacketType::iso;
      dir = Direction::rcvd;
      return true;
    default:
      return false;  // new/del index, notes, logging, control: not HCI traffic
  }
}

ByteSource::~ByteSource() = default;

// ---- sources -------------------------------------------------------------------------------

// The buffer is left uninitialised: read() fills what is used, and a small capture touches a page
// or two of it instead of zero-filling a megabyte (start-up, README "Start-up").
FileSource::FileSource(int fd) : fd_(fd), buf_(new std::uint8_t[kBufferBytes]) {}
FileSource::~FileSource() {
  if (fd_ >= 0) ::close(fd_);
}

const std::uint8_t* FileSource::need(std::size_t n) {
  if (end_ - begin_ >= n) return buf_.get() + begin_;
  if (n > kBufferBytes) return nullptr;
  // Compact what is left to the front, then fill behind it.
  std::memmove(buf_.get(), buf_.get() + begin_, end_ - begin_);
  end_ -= begin_;
  begin_ = 0;
  while (end_ < n) {
    ssize_t got = ::read(fd_, buf_.get() + end_, kBufferBytes - end_);
    if (got < 0) {
      if (errno == EINTR) continue;
      io_error_ = std::strerror(errno);
      return nullptr;
    }
    if (got == 0) return nullptr;  // end of file
    end_ += static_cast<std::size_t>(got);
  }
  return buf_.get();
}

void FileSource::consume(std::size_t n) {
  begin_ += n;
  pos_ += n;
}

std::size_t FileSource::available() const {
  return end_ - begin_;
}

const std::uint8_t* MemorySource::need(std::size_t n) {
  if (data_.size() - pos_ < n) return nullptr;
  return data_.data() + pos_;
}
void MemorySource::consume(std::size_t n) {
  pos_ += n;
}
std::size_t MemorySource::available() const {
  return data_.size() - pos_;
}

// ---- reader --------------------------------------------------------------------------------

BtsnoopReader::BtsnoopReader(std::unique_ptr<ByteSource> src, std::uint32_t datalink, std::uint64_t size)
    : src_(std::move(src)), datalink_(datalink) {
  size_ = size;
}

std::string BtsnoopReader::format() const {
  switch (datalink_) {
    case 1001:
      return "btsnoop/1001 (H1)";
    case 1002:
      return "btsnoop/1002 (H4)";
    case 2001:
      return "btsnoop/2001 (Linux monitor)";
  }
  return "btsnoop";
}

std::uint64_t BtsnoopReader::position() const {
  return src_->position();
}

ReadStatus BtsnoopReader::next(Record& rec) {
  const std::uint64_t at = src_->position();
  const std::uint8_t* h = src_->need(kRecordHeader);
  if (!h) {
    if (!src_->io_error().empty()) return fail(at, "read error: " + src_->io_error());
    std::size_t left = src_->available();
    if (left == 0) return ReadStatus::end;  // clean end of file
    return fail(at, "truncated record header (" + std::to_string(left) + " of 24 bytes)");
  }
  const std::uint32_t orig_len = load_u32be(h);
  const std::uint32_t incl_len = load_u32be(h + 4);
  const std::uint32_t flags = load_u32be(h + 8);
  std::uint64_t ts_raw = static_cast<std::uint64_t>(load_u32be(h + 16)) << 32 | load_u32be(h + 20);
  if (incl_len > kMaxRecordBytes)
    return fail(at, "record claims " + std::to_string(incl_len) + " bytes, more than the " +
                        std::to_string(kMaxRecordBytes) + " any HCI packet can take");
  const std::uint8_t* p = src_->need(kRecordHeader + incl_len);
  if (!p) {
    if (!src_->io_error().empty()) return fail(at, "read error: " + src_->io_error());
    return fail(at, "truncated record: header claims " + std::to_string(incl_len) + " bytes, " +
                        std::to_string(src_->available() - kRecordHeader) + " present");
  }
  ByteView data(p + kRecordHeader, incl_len);
  src_->consume(kRecordHeader + incl_len);

  reset_record(rec);
  rec.frame = ++frame_;
  rec.offset = at;
  rec.cut = orig_len - std::min(orig_len, incl_len);
  // Microseconds since 0 AD -> ns since 1970; a garbage timestamp that does not fit becomes 0.
  std::int64_t us = 0;
  rec.ts_ns = __builtin_sub_overflow(static_cast<std::int64_t>(ts_raw), kBtsnoopEpochDeltaUs, &us)
                  ? 0
                  : checked_ns(us, 1000, 0);

  switch (datalink_) {
    case 1001:  // H1: type from flags. bit0 direction (1 = received), bit1 command/event.
      rec.dir = (flags & 1) ? Direction::rcvd : Direction::sent;
      rec.type = (flags & 2) ? ((flags & 1) ? PacketType::event : PacketType::command) : PacketType::acl;
      rec.data = data;
      break;
    case 1002:  // H4: type octet leads the data.
      rec.dir = (flags & 1) ? Direction::rcvd : Direction::sent;
      h4_to_record(data, rec);
      break;
    case 2001: {  // Linux monitor: flags = index << 16 | opcode.
      rec.adapter = static_cast<std::uint16_t>(flags >> 16);
      if (!monitor_opcode_to_hci(static_cast<std::uint16_t>(flags & 0xffff), rec.type, rec.dir)) {
        rec.type = PacketType::unknown;
        rec.dir = Direction::unknown;
      }
      rec.data = data;
      break;
    }
  }
  return ReadStatus::ok;
}

}  // namespace fe95
