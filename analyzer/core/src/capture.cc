// SPDX-License-Identifier: GPL-2.0-or-later
// Format detection by magic and the libpcap-backed reader for pcap / pcapng.
#include <pcap/pcap.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "capture_internal.h"

namespace fe95 {

const char* direction_name(Direction d) {
  switch (d) {
    case Direction::sent: return "sent";
    case Direction::rcvd: return "rcvd";
    case Direction::unknown: return "unknown";
  }
  return "unknown";
}

namespace {

// Link types (tcpdump.org/linktypes.html).
constexpr int kLinkH4 = 187;           // LINKTYPE_BLUETOOTH_HCI_H4
constexpr int kLinkH4Phdr = 201;       // LINKTYPE_BLUETOOTH_HCI_H4_WITH_PHDR
constexpr int kLinkMonitor = 254;      // LINKTYPE_BLUETOOTH_LINUX_MONITOR

const char* linktype_hint(int dlt) {
  switch (dlt) {
    case 251: return " (Bluetooth LE link layer)";
    case 256: return " (Bluetooth LE link layer with pseudo-header)";
    case 272: return " (Nordic BLE sniffer)";
    case 157: return " (nRF Sniffer 1.x, DLT_USER 10)";
    case 192: return " (PPI)";
    case 1: return " (Ethernet)";
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
         "); fe95 reads btsnoop, pcap and pcapng";
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

bool has_capture_magic(const std::string& path) {
  std::uint8_t h[8] = {};
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (!f) return false;
  const std::size_t n = std::fread(h, 1, sizeof h, f);
  std::fclose(f);
  return detect(h, n) != Magic::unknown;
}

OpenResult open_capture(const std::string& path) {
  OpenResult r;
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
  const auto size = static_cast<std::uint64_t>(st.st_size);
  auto src = std::make_unique<FileSource>(fd);
  const std::size_t peek = size < 16 ? static_cast<std::size_t>(size) : 16;
  const std::uint8_t* h = src->need(peek);
  if (!h) {
    r.error = src->io_error().empty() ? "empty file" : "read error: " + src->io_error();
    return r;
  }
  switch (detect(h, peek)) {
    case Magic::btsnoop: {
      std::uint32_t datalink = 0;
      r = btsnoop_header(h, peek, datalink);
      if (!r.error.empty()) return r;
      src->consume(16);
      r.reader = std::make_unique<BtsnoopReader>(std::move(src), datalink, size);
      return r;
    }
    case Magic::pcap: return open_pcap_file(path, size, false);
    case Magic::pcapng: return open_pcap_file(path, size, true);
    case Magic::unknown: break;
  }
  r.error = unknown_magic(h, peek);
  return r;
}

OpenResult open_capture_memory(ByteView data) {
  OpenResult r;
  const std::size_t peek = data.size() < 16 ? data.size() : 16;
  switch (detect(data.data(), peek)) {
    case Magic::btsnoop: {
      std::uint32_t datalink = 0;
      r = btsnoop_header(data.data(), peek, datalink);
      if (!r.error.empty()) return r;
      auto src = std::make_unique<MemorySource>(data);
      src->consume(16);
      r.reader = std::make_unique<BtsnoopReader>(std::move(src), datalink, data.size());
      return r;
    }
    case Magic::pcap: return open_pcap_memory(data, false);
    case Magic::pcapng: return open_pcap_memory(data, true);
    case Magic::unknown: break;
  }
  r.error = unknown_magic(data.data(), peek);
  return r;
}

}  // namespace fe95
