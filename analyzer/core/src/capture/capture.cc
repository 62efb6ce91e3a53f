// SPDX-License-Identifier: GPL-2.0-or-later
// Format detection by content and the libpcap-backed reader for pcap / pcapng. One dispatcher
// (open_stream) serves files, memory images, decompressed streams and zip members alike.
#include <fcntl.h>
#include <pcap/pcap.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "capture/internal.h"
#include "fe95/capture/archive.h"

namespace fe95 {

const char* direction_name(Direction d) {
  switch (d) {
    case Direction::sent:
      return "sent";
    case Direction::rcvd:
      return "rcvd";
    case Direction::unknown:
      return "unknown";
  }
  return "unknown";
}

namespace {

// Link types (tcpdump.org/linktypes.html).
constexpr int kLinkH4 = 187;       // LINKTYPE_BLUETOOTH_HCI_H4
constexpr int kLinkH4Phdr = 201;   // LINKTYPE_BLUETOOTH_HCI_H4_WITH_PHDR
constexpr int kLinkMonitor = 254;  // LINKTYPE_BLUETOOTH_LINUX_MONITOR

const char* linktype_hint(int dlt) {
  switch (dlt) {
    case 251:
      return " (Bluetooth LE link layer)";
    case 256:
      return " (Bluetooth LE link layer with pseudo-header)";
    case 272:
      return " (Nordic BLE sniffer)";
    case 157:
      return " (nRF Sniffer 1.x, DLT_USER 10)";
    case 192:
      return " (PPI)";
    case 1:
      return " (Ethernet)";
  }
  return "";
}

enum class Magic { unknown, btsnoop, pcap, pcapng };

Magic detect(const std::uint8_t* p, std::size_t n) {
  if (n >= 8 && std::memcmp(p, "btsnoop\0", 8) == 0) return Magic::btsnoop;
  if (n >= 4) {
    const std::uint32_t m = load_u32be(p);
    if (m == 0xa1b2c3d4 || m == 0xd4c3b2a1 || m == 0xa1b23c4d || m == 0x4d3cb2a1) return Magic::pcap;
    if (m == 0x0a0d0d0a) return Magic::pcapng;
  }
  return Magic::unknown;
}

OpenResult btsnoop_header(const std::uint8_t* h, std::size_t n, std::uint32_t& datalink) {
  OpenResult r;
  if (n < 16) {
    r.error = "truncated btsnoop file header (" + std::to_string(n) + " of 16 bytes)";
    r.error_offset = 0;
    return r;
  }
  const std::uint32_t version = load_u32be(h + 8);
  datalink = load_u32be(h + 12);
  if (version != 1) {
    r.error = "unsupported btsnoop version " + std::to_string(version) + " (expected 1)";
    r.error_offset = 8;
  } else if (datalink != 1001 && datalink != 1002 && datalink != 2001) {
    r.error = "unsupported btsnoop datalink " + std::to_string(datalink) + " (expected 1001, 1002 or 2001)";
    r.error_offset = 12;
  }
  return r;
}

std::string unknown_magic(const std::uint8_t* p, std::size_t n) {
  if (n == 0) return "empty file";
  return "unknown capture format (first bytes " + to_hex(ByteView(p, n < 8 ? n : 8)) +
         "); fe95 reads btsnoop, pcap, pcapng, PacketLogger (.pklg), a bugreport's BTSNOOZ text, "
         "the same compressed with gzip, zstd, lz4 or xz, and bugreport zips";
}

class PcapReader final : public CaptureReader {
 public:
  PcapReader(pcap_t* p, std::uint64_t size, std::string fmt) : p_(p), fmt_(std::move(fmt)) {
    size_ = size;
    dlt_ = pcap_datalink(p_);
  }
  ~PcapReader() override { pcap_close(p_); }
  PcapReader(const PcapReader&) = delete;
  PcapReader& operator=(const PcapReader&) = delete;

  [[nodiscard]] std::string format() const override {
    return fmt_ + "/" + std::to_string(dlt_) + (is_ll_linktype(dlt_) ? linktype_hint(dlt_) : "");
  }
  [[nodiscard]] std::uint64_t position() const override {
    long at = std::ftell(pcap_file(p_));
    return at < 0 ? 0 : static_cast<std::uint64_t>(at);
  }

  ReadStatus next(Record& rec) override {
    const std::uint64_t at = position();
    pcap_pkthdr* hdr = nullptr;
    const u_char* data = nullptr;
    const int rc = pcap_next_ex(p_, &hdr, &data);
    if (rc == PCAP_ERROR_BREAK) return ReadStatus::end;  // -2: no more packets
    if (rc != 1) return fail(at, pcap_geterr(p_));
    reset_record(rec);
    rec.frame = ++frame_;
    rec.offset = at;
    rec.cut = hdr->len > hdr->caplen ? hdr->len - hdr->caplen : 0;
    // Opened with nanosecond precision, so tv_usec holds nanoseconds.
    rec.ts_ns = checked_ns(static_cast<std::int64_t>(hdr->ts.tv_sec), 1000000000LL, hdr->ts.tv_usec);
    ByteView bytes(data, hdr->caplen);
    if (is_ll_linktype(dlt_)) {
      ll_to_record(dlt_, bytes, rec);
      return ReadStatus::ok;
    }
    switch (dlt_) {
      case kLinkH4:  // no direction on the wire: infer it where the packet type tells it
        h4_to_record(bytes, rec);
        rec.dir = rec.type == PacketType::command ? Direction::sent
                  : rec.type == PacketType::event ? Direction::rcvd
                                                  : Direction::unknown;
        break;
      case kLinkH4Phdr: {  // u32be direction, bit 0 set = received
        if (bytes.size() < 4) {
          rec.type = PacketType::unknown;
          rec.data = bytes;
          break;
        }
        rec.dir = (load_u32be(bytes.data()) & 1) ? Direction::rcvd : Direction::sent;
        h4_to_record(bytes.subspan(4), rec);
        break;
      }
      case kLinkMonitor: {  // u16be adapter, u16be opcode
        if (bytes.size() < 4) {
          rec.type = PacketType::unknown;
          rec.data = bytes;
          break;
        }
        rec.adapter = static_cast<std::uint16_t>(bytes[0] << 8 | bytes[1]);
        const auto op = static_cast<std::uint16_t>(bytes[2] << 8 | bytes[3]);
        if (!monitor_opcode_to_hci(op, rec.type, rec.dir)) {
          rec.type = PacketType::unknown;
          rec.dir = Direction::unknown;
        }
        rec.data = bytes.subspan(4);
        break;
      }
    }
    return ReadStatus::ok;
  }

 private:
  pcap_t* p_;
  std::string fmt_;
  int dlt_ = 0;
  std::uint64_t frame_ = 0;
};

OpenResult wrap_pcap(pcap_t* p, const char* errbuf, std::uint64_t size, bool ng) {
  OpenResult r;
  if (!p) {
    r.error = errbuf[0] ? errbuf : "libpcap could not open the file";
    return r;
  }
  const int dlt = pcap_datalink(p);
  if (dlt != kLinkH4 && dlt != kLinkH4Phdr && dlt != kLinkMonitor && !is_ll_linktype(dlt)) {
    r.error = std::string("link type ") + std::to_string(dlt) + linktype_hint(dlt) +
              " is neither HCI nor an LE sniffer's; fe95 reads link types 187, 201, 254 (HCI) and 251, 256, 272, "
              "157, 192 (LE link layer)";
    pcap_close(p);
    return r;
  }
  r.reader = std::make_unique<PcapReader>(p, size, ng ? "pcapng" : "pcap");
  return r;
}

// A stdio stream over a ByteSource, so that libpcap (which reads a FILE*) can read a decompressed
// stream or a zip member. Only the current position can be asked for (ftell), which PcapReader
// does for each record's offset.
struct CookieInput {
  std::unique_ptr<ByteSource> src;
  std::uint64_t pos = 0;
};

ssize_t cookie_read(void* c, char* buf, std::size_t size) {
  auto* in = static_cast<CookieInput*>(c);
  const std::uint8_t* p = in->src->need(1);
  if (!p) return in->src->io_error().empty() ? 0 : -1;
  const std::size_t n = std::min(size, in->src->available());
  std::memcpy(buf, p, n);
  in->src->consume(n);
  in->pos += n;
  return static_cast<ssize_t>(n);
}

int cookie_seek(void* c, off64_t* offset, int whence) {
  auto* in = static_cast<CookieInput*>(c);
  const auto pos = static_cast<off64_t>(in->pos);
  if ((whence == SEEK_CUR && *offset == 0) || (whence == SEEK_SET && *offset == pos)) {
    *offset = pos;
    return 0;
  }
  errno = ESPIPE;
  return -1;
}

int cookie_close(void* c) {
  delete static_cast<CookieInput*>(c);
  return 0;
}

// Wraps the reader of a decompressed stream: the same records, the format with the compression
// named, and progress counted in compressed bytes (the file's size is what the user sees).
class CompressedReader final : public CaptureReader {
 public:
  CompressedReader(std::unique_ptr<CaptureReader> inner, const ArchiveSource* src, Compression c, std::uint64_t size)
      : inner_(std::move(inner)), src_(src), c_(c) {
    size_ = size;
  }
  ReadStatus next(Record& rec) override {
    const ReadStatus st = inner_->next(rec);
    if (st == ReadStatus::error) return fail(inner_->error_offset(), inner_->error());
    return st;
  }
  [[nodiscard]] std::string format() const override {
    return inner_->format() + ", " + compression_name(c_) + "-compressed";
  }
  [[nodiscard]] std::uint64_t position() const override { return src_->raw_position(); }

 private:
  std::unique_ptr<CaptureReader> inner_;
  const ArchiveSource* src_;  // owned by the inner reader (or its stdio stream)
  Compression c_;
};

}  // namespace

OpenResult open_pcap_file(const std::string& path, std::uint64_t size, bool ng) {
  char errbuf[PCAP_ERRBUF_SIZE] = {};
  pcap_t* p = pcap_open_offline_with_tstamp_precision(path.c_str(), PCAP_TSTAMP_PRECISION_NANO, errbuf);
  return wrap_pcap(p, errbuf, size, ng);
}

OpenResult open_pcap_memory(ByteView data, bool ng) {
  char errbuf[PCAP_ERRBUF_SIZE] = {};
  // fmemopen only reads through the pointer in "rb" mode.
  FILE* fp = fmemopen(const_cast<std::uint8_t*>(data.data()), data.size(), "rb");
  if (!fp) return OpenResult{nullptr, std::string("fmemopen: ") + std::strerror(errno), 0};
  pcap_t* p = pcap_fopen_offline_with_tstamp_precision(fp, PCAP_TSTAMP_PRECISION_NANO, errbuf);
  if (!p) std::fclose(fp);
  return wrap_pcap(p, errbuf, data.size(), ng);
}

OpenResult open_pcap_stream(std::unique_ptr<ByteSource> src, std::uint64_t size, bool ng) {
  auto* in = new CookieInput{std::move(src), 0};
  FILE* fp = fopencookie(in, "rb", cookie_io_functions_t{cookie_read, nullptr, cookie_seek, cookie_close});
  if (!fp) {
    delete in;
    return OpenResult{nullptr, std::string("fopencookie: ") + std::strerror(errno), 0};
  }
  char errbuf[PCAP_ERRBUF_SIZE] = {};
  pcap_t* p = pcap_fopen_offline_with_tstamp_precision(fp, PCAP_TSTAMP_PRECISION_NANO, errbuf);
  if (!p) std::fclose(fp);
  return wrap_pcap(p, errbuf, size, ng);
}

const std::uint8_t* peek(ByteSource& src, std::size_t& n) {
  if (const std::uint8_t* p = src.need(n)) return p;
  n = src.available();  // fewer bytes than asked: the whole rest
  return n ? src.need(n) : nullptr;
}

OpenResult open_stream(std::unique_ptr<ByteSource> src, const StreamOrigin& origin) {
  OpenResult r;
  // Enough for every magic and for PacketLogger's look at its first records.
  std::size_t n = 1u << 16;
  const std::uint8_t* h = peek(*src, n);
  if (!h) {
    r.unreadable = !src->io_error().empty();
    r.error = r.unreadable ? "read error: " + src->io_error() : "empty file";
    return r;
  }
  if (const Compression c = detect_compression(h, n); c != Compression::none) {
    if (origin.in_compression) {
      r.error = std::string("compressed twice (") + compression_name(c) + " inside a compressed stream): not a capture";
      return r;
    }
    std::string error;
    auto decompressed = open_compressed(std::move(src), c, error);
    if (!decompressed) {
      r.error = error;
      return r;
    }
    const ArchiveSource* raw = decompressed.get();
    StreamOrigin inner;
    inner.in_compression = true;
    r = open_stream(std::move(decompressed), inner);
    if (r.reader)
      r.reader = std::make_unique<CompressedReader>(std::move(r.reader), raw, c, origin.size);
    else
      r.error = std::string(compression_name(c)) + "-compressed: " + r.error;
    return r;
  }
  if (is_zip_magic(h, n)) {
    r.error = origin.path.empty() && origin.memory.empty()
                  ? "a zip inside a zip or a compressed stream: not read"
                  : "a zip archive: fe95 reads the captures inside it (give the zip to fe95 analyze, att or verify)";
    return r;
  }
  const std::size_t magic_bytes = n < 16 ? n : 16;
  switch (detect(h, magic_bytes)) {
    case Magic::btsnoop: {
      std::uint32_t datalink = 0;
      r = btsnoop_header(h, magic_bytes, datalink);
      if (!r.error.empty()) return r;
      src->consume(16);
      r.reader = std::make_unique<BtsnoopReader>(std::move(src), datalink, origin.size);
      return r;
    }
    case Magic::pcap:
    case Magic::pcapng: {
      const bool ng = detect(h, magic_bytes) == Magic::pcapng;
      if (!origin.path.empty()) return open_pcap_file(origin.path, origin.size, ng);
      if (!origin.memory.empty()) return open_pcap_memory(origin.memory, ng);
      return open_pcap_stream(std::move(src), origin.size, ng);
    }
    case Magic::unknown:
      break;
  }
  if (bool big_endian = false; detect_pklg(h, n, big_endian)) {
    r.reader = make_pklg_reader(std::move(src), big_endian, origin.size);
    return r;
  }
  if (looks_like_text(h, n)) return open_snooz(std::move(src));
  r.error = unknown_magic(h, magic_bytes);
  return r;
}

namespace {

// What a directory's file is by its first bytes (a damaged capture still counts: it gets its error).
bool looks_like_capture(ByteSource& src) {
  std::size_t n = 1u << 16;
  const std::uint8_t* h = peek(src, n);
  if (!h) return false;
  if (detect(h, n < 16 ? n : 16) != Magic::unknown) return true;
  if (bool big_endian = false; detect_pklg(h, n, big_endian)) return true;
  if (looks_like_text(h, n)) return has_snooz_section(src);
  return false;
}

}  // namespace

bool has_capture_magic(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return false;
  auto src = std::make_unique<FileSource>(fd);
  std::size_t n = 16;
  const std::uint8_t* h = peek(*src, n);
  if (!h) return false;
  if (const Compression c = detect_compression(h, n); c != Compression::none) {
    std::string error;
    auto inner = open_compressed(std::move(src), c, error);
    return inner ? looks_like_capture(*inner) : true;  // damaged: read, to say so
  }
  return looks_like_capture(*src);
}

OpenResult open_capture(const std::string& path) {
  OpenResult r;
  if (std::string zip, member; split_member(path, zip, member)) return open_zip_member(zip, member);
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    r.error = std::strerror(errno);
    return r;
  }
  struct stat st {};
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd);
    r.error = S_ISDIR(st.st_mode) ? "is a directory" : "not a regular file";
    return r;
  }
  StreamOrigin origin;
  origin.path = path;
  origin.size = static_cast<std::uint64_t>(st.st_size);
  r = open_stream(std::make_unique<FileSource>(fd), origin);
  if (!r.reader && is_zip(path)) {
    // The front ends read a zip's captures member by member; say what this one holds.
    const ZipListing z = list_zip_captures(path);
    r.error_offset = 0;
    if (!z.error.empty())
      r.error =
          "zip: " + z.error +
          (z.members.empty() ? "" : " (the " + std::to_string(z.members.size()) + " captures before it are read)");
    else if (z.members.empty())
      r.error =
          "no Bluetooth capture in this zip (looked in FS/data/misc/bluetooth/logs/, FS/data/log/bt/ and for a "
          "BTSNOOP_LOG_SUMMARY section in its top-level text)";
    else
      r.error = "a zip with " + std::to_string(z.members.size()) +
                " Bluetooth captures: each is read as ZIP!MEMBER (give the zip to fe95 analyze, att or verify)";
  }
  return r;
}

OpenResult open_capture_memory(ByteView data) {
  StreamOrigin origin;
  origin.memory = data;
  origin.size = data.size();
  return open_stream(std::make_unique<MemorySource>(data), origin);
}

}  // namespace fe95
