// SPDX-License-Identifier: GPL-2.0-or-later
#include "writer.h"

#include "fe95/ll.h"

#include <pcap/pcap.h>

#include <cstring>
#include <stdexcept>
#include <vector>

namespace fe95::writer {

namespace {

struct FormatInfo {
  Format f;
  const char* name;
  const char* ext;
};
constexpr FormatInfo kFormats[] = {
    {Format::btsnoop_h4, "btsnoop", ".btsnoop"},       {Format::btsnoop_h1, "btsnoop-h1", ".btsnoop"},
    {Format::btsnoop_monitor, "btmon", ".btsnoop"},    {Format::pcap_h4, "pcap-h4", ".pcap"},
    {Format::pcap_phdr, "pcap", ".pcap"},              {Format::pcap_phdr_ns, "pcap-ns", ".pcap"},
    {Format::pcap_monitor, "pcap-monitor", ".pcap"},   {Format::pcapng_phdr, "pcapng", ".pcapng"},
    {Format::pcapng_monitor, "pcapng-monitor", ".pcapng"},
    {Format::pcap_nordic, "nrf-sniffer", ".pcap"},     {Format::pcap_ll_phdr, "ll-phdr", ".pcap"},
};

void put_be32(std::vector<std::uint8_t>& b, std::uint32_t v) {
  b.push_back(static_cast<std::uint8_t>(v >> 24));
  b.push_back(static_cast<std::uint8_t>(v >> 16));
  b.push_back(static_cast<std::uint8_t>(v >> 8));
  b.push_back(static_cast<std::uint8_t>(v));
}
void put_le32(std::vector<std::uint8_t>& b, std::uint32_t v) {
  for (int i = 0; i < 4; ++i) b.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
}
void put_le16(std::vector<std::uint8_t>& b, std::uint16_t v) {
  b.push_back(static_cast<std::uint8_t>(v));
  b.push_back(static_cast<std::uint8_t>(v >> 8));
}

std::uint8_t h4_type(PacketType t) { return static_cast<std::uint8_t>(t); }

// Linux monitor opcode for an HCI packet (BlueZ src/shared/btsnoop.h).
std::uint16_t monitor_opcode(const Packet& p) {
  const bool rx = p.dir == Direction::rcvd;
  switch (p.type) {
    case PacketType::command: return 2;
    case PacketType::event: return 3;
    case PacketType::acl: return rx ? 5 : 4;
    case PacketType::sco: return rx ? 7 : 6;
    case PacketType::iso: return rx ? 19 : 18;
    default: return 12;  // system note
  }
}

// The sniffer headers (LL_CAPTURES §1.2, §1.3) before the LE packet.
void sniffer_header(Format f, const Packet& p, std::vector<std::uint8_t>& out, std::uint16_t& counter) {
  const bool central = p.dir == Direction::sent;
  if (f == Format::pcap_nordic) {
    // Version 3: board id, payload length (event header + LE packet), version, UART packet
    // counter, packet id (0x02 advertising, 0x06 data), event header length 10; flags, channel,
    // RSSI (positive), event counter, firmware timestamp (us).
    out.push_back(0x00);
    put_le16(out, static_cast<std::uint16_t>(10 + p.data.size()));
    out.push_back(3);
    put_le16(out, counter++);
    out.push_back(p.advertising ? 0x02 : 0x06);
    out.push_back(10);
    std::uint8_t flags = p.crc_ok ? 0x01 : 0x00;
    if (!p.advertising && central) flags |= 0x02;
    out.push_back(flags);
    out.push_back(p.channel);
    out.push_back(60);  // -60 dBm
    put_le16(out, p.event_counter);
    put_le32(out, static_cast<std::uint32_t>(p.ts_ns / 1000));
    return;
  }
  // 256: RF channel, signal, noise, AA offenses, reference AA, flags (dewhitened, signal valid,
  // PDU type: 0 advertising or 2/3 data by direction, CRC checked and valid).
  out.push_back(ll::index_to_rf(p.channel));
  out.push_back(static_cast<std::uint8_t>(-60));
  out.push_back(0);
  out.push_back(0);
  put_le32(out, 0);
  std::uint16_t flags = 0x0001 | 0x0002 | 0x0400;
  if (p.crc_ok) flags |= 0x0800;
  if (!p.advertising) flags |= static_cast<std::uint16_t>((central ? 2 : 3) << 7);
  if (p.aux) flags |= 1 << 7;  // auxiliary advertising, AUX_ADV_IND (aux type 0)
  put_le16(out, flags);
}

// The record body for a format: pseudo-header / type octet + HCI packet.
// counter: the nRF Sniffer's UART packet counter, per file.
void body(Format f, const Packet& p, std::vector<std::uint8_t>& out, std::uint16_t* counter = nullptr) {
  out.clear();
  std::uint16_t none = 0;
  switch (f) {
    case Format::pcap_nordic:
    case Format::pcap_ll_phdr: sniffer_header(f, p, out, counter ? *counter : none); break;
    case Format::btsnoop_h4:
    case Format::pcap_h4: out.push_back(h4_type(p.type)); break;
    case Format::pcap_phdr:
    case Format::pcap_phdr_ns:
    case Format::pcapng_phdr:
      put_be32(out, p.dir == Direction::rcvd ? 1 : 0);
      out.push_back(h4_type(p.type));
      break;
    case Format::pcap_monitor:
    case Format::pcapng_monitor: {
      const std::uint16_t op = monitor_opcode(p);
      out.push_back(static_cast<std::uint8_t>(p.adapter >> 8));
      out.push_back(static_cast<std::uint8_t>(p.adapter));
      out.push_back(static_cast<std::uint8_t>(op >> 8));
      out.push_back(static_cast<std::uint8_t>(op));
      break;
    }
    case Format::btsnoop_h1:
    case Format::btsnoop_monitor: break;
  }
  out.insert(out.end(), p.data.begin(), p.data.end());
}

class FileWriter : public Writer {
public:
  explicit FileWriter(const std::string& path) : fp_(std::fopen(path.c_str(), "wb")) {
    if (!fp_) throw std::runtime_error("cannot create " + path + ": " + std::strerror(errno));
    std::setvbuf(fp_, nullptr, _IOFBF, 1 << 20);
  }
  ~FileWriter() override {
    if (fp_) std::fclose(fp_);
  }
  FileWriter(const FileWriter&) = delete;
  FileWriter& operator=(const FileWriter&) = delete;
  bool close() override {
    if (!fp_) return true;
    const bool ok = std::fflush(fp_) == 0 && !std::ferror(fp_);
    const bool closed = std::fclose(fp_) == 0;
    fp_ = nullptr;
    return ok && closed;
  }

protected:
  void put(const std::vector<std::uint8_t>& b) { std::fwrite(b.data(), 1, b.size(), fp_); }
  std::FILE* fp_;
  std::vector<std::uint8_t> buf_, rec_;
};

class BtsnoopWriter final : public FileWriter {
public:
  BtsnoopWriter(const std::string& path, Format f) : FileWriter(path), f_(f) {
    buf_.assign({'b', 't', 's', 'n', 'o', 'o', 'p', 0});
    put_be32(buf_, 1);
    put_be32(buf_, f == Format::btsnoop_h4 ? 1002 : f == Format::btsnoop_h1 ? 1001 : 2001);
    put(buf_);
  }
  void write(const Packet& p) override {
    body(f_, p, rec_);
    std::uint32_t flags = 0;
    if (f_ == Format::btsnoop_monitor) {
      flags = static_cast<std::uint32_t>(p.adapter) << 16 | monitor_opcode(p);
    } else {
      flags = p.dir == Direction::rcvd ? 1 : 0;
      if (p.type == PacketType::command || p.type == PacketType::event) flags |= 2;
    }
    // 0 AD epoch, microseconds.
    const auto ts = static_cast<std::uint64_t>(p.ts_ns / 1000 + 0x00dcddb30f2f8000LL);
    buf_.clear();
    put_be32(buf_, static_cast<std::uint32_t>(rec_.size()));
    put_be32(buf_, static_cast<std::uint32_t>(rec_.size()));
    put_be32(buf_, flags);
    put_be32(buf_, 0);
    put_be32(buf_, static_cast<std::uint32_t>(ts >> 32));
    put_be32(buf_, static_cast<std::uint32_t>(ts));
    buf_.insert(buf_.end(), rec_.begin(), rec_.end());
    put(buf_);
  }

private:
  Format f_;
};

// pcap through libpcap's own dumper (host byte order, as libpcap writes it).
class PcapWriter final : public Writer {
public:
  PcapWriter(const std::string& path, Format f) : f_(f) {
    const int dlt = f == Format::pcap_h4        ? DLT_BLUETOOTH_HCI_H4
                    : f == Format::pcap_monitor ? DLT_BLUETOOTH_LINUX_MONITOR
                    : f == Format::pcap_nordic  ? 272
                    : f == Format::pcap_ll_phdr ? 256
                                                : DLT_BLUETOOTH_HCI_H4_WITH_PHDR;
    nano_ = f == Format::pcap_phdr_ns;
    dead_ = pcap_open_dead_with_tstamp_precision(dlt, 262144,
                                                 nano_ ? PCAP_TSTAMP_PRECISION_NANO : PCAP_TSTAMP_PRECISION_MICRO);
    dump_ = dead_ ? pcap_dump_open(dead_, path.c_str()) : nullptr;
    if (!dump_) {
      std::string err = dead_ ? pcap_geterr(dead_) : "pcap_open_dead failed";
      if (dead_) pcap_close(dead_);
      throw std::runtime_error("cannot create " + path + ": " + err);
    }
  }
  ~PcapWriter() override { close(); }
  [[nodiscard]] bool over_the_air() const override { return fe95::writer::over_the_air(f_); }
  PcapWriter(const PcapWriter&) = delete;
  PcapWriter& operator=(const PcapWriter&) = delete;
  void write(const Packet& p) override {
    body(f_, p, rec_, &counter_);
    pcap_pkthdr h{};
    h.ts.tv_sec = p.ts_ns / 1000000000;
    const std::int64_t frac = p.ts_ns % 1000000000;
    h.ts.tv_usec = static_cast<suseconds_t>(nano_ ? frac : frac / 1000);
    h.caplen = h.len = static_cast<bpf_u_int32>(rec_.size());
    pcap_dump(reinterpret_cast<u_char*>(dump_), &h, rec_.data());
  }
  bool close() override {
    if (!dump_) return true;
    const bool ok = pcap_dump_flush(dump_) == 0;
    pcap_dump_close(dump_);
    pcap_close(dead_);
    dump_ = nullptr;
    return ok;
  }

private:
  Format f_;
  bool nano_ = false;
  pcap_t* dead_ = nullptr;
  pcap_dumper_t* dump_ = nullptr;
  std::vector<std::uint8_t> rec_;
  std::uint16_t counter_ = 0;
};

// pcapng (libpcap 1.10 reads it but cannot write it): Section Header, one Interface
// Description (microsecond resolution, the default), then Enhanced Packet Blocks.
class PcapngWriter final : public FileWriter {
public:
  PcapngWriter(const std::string& path, Format f) : FileWriter(path), f_(f) {
    buf_.clear();
    put_le32(buf_, 0x0a0d0d0a);  // SHB
    put_le32(buf_, 28);
    put_le32(buf_, 0x1a2b3c4d);
    put_le16(buf_, 1);
    put_le16(buf_, 0);
    put_le32(buf_, 0xffffffff);  // section length unknown
    put_le32(buf_, 0xffffffff);
    put_le32(buf_, 28);
    put_le32(buf_, 1);  // IDB
    put_le32(buf_, 20);
    put_le16(buf_, f == Format::pcapng_monitor ? 254 : 201);
    put_le16(buf_, 0);
    put_le32(buf_, 262144);
    put_le32(buf_, 20);
    put(buf_);
  }
  void write(const Packet& p) override {
    body(f_, p, rec_);
    const std::size_t padded = (rec_.size() + 3) & ~std::size_t{3};
    const auto total = static_cast<std::uint32_t>(32 + padded);
    const auto us = static_cast<std::uint64_t>(p.ts_ns / 1000);
    buf_.clear();
    put_le32(buf_, 6);  // EPB
    put_le32(buf_, total);
    put_le32(buf_, 0);  // interface 0
    put_le32(buf_, static_cast<std::uint32_t>(us >> 32));
    put_le32(buf_, static_cast<std::uint32_t>(us));
    put_le32(buf_, static_cast<std::uint32_t>(rec_.size()));
    put_le32(buf_, static_cast<std::uint32_t>(rec_.size()));
    buf_.insert(buf_.end(), rec_.begin(), rec_.end());
    buf_.resize(buf_.size() + (padded - rec_.size()), 0);
    put_le32(buf_, total);
    put(buf_);
  }

private:
  Format f_;
};

}  // namespace

bool over_the_air(Format f) { return f == Format::pcap_nordic || f == Format::pcap_ll_phdr; }

const char* format_name(Format f) {
  for (const auto& i : kFormats)
    if (i.f == f) return i.name;
  return "?";
}
const char* format_extension(Format f) {
  for (const auto& i : kFormats)
    if (i.f == f) return i.ext;
  return "";
}
bool parse_format(const std::string& name, Format& out) {
  for (const auto& i : kFormats)
    if (name == i.name) {
      out = i.f;
      return true;
    }
  return false;
}

std::unique_ptr<Writer> open_writer(const std::string& path, Format f) {
  switch (f) {
    case Format::btsnoop_h4:
    case Format::btsnoop_h1:
    case Format::btsnoop_monitor: return std::make_unique<BtsnoopWriter>(path, f);
    case Format::pcap_h4:
    case Format::pcap_phdr:
    case Format::pcap_phdr_ns:
    case Format::pcap_monitor:
    case Format::pcap_nordic:
    case Format::pcap_ll_phdr: return std::make_unique<PcapWriter>(path, f);
    case Format::pcapng_phdr:
    case Format::pcapng_monitor: return std::make_unique<PcapngWriter>(path, f);
  }
  throw std::runtime_error("unknown format");
}

}  // namespace fe95::writer
