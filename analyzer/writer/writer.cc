// SPDX-License-Identifier: GPL-2.0-or-later
#include "writer.h"

#include <archive.h>
#include <archive_entry.h>
#include <openssl/evp.h>
#include <pcap/pcap.h>
#include <zlib.h>

#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <vector>

#include "fe95/ll/ll.h"

namespace fe95::writer {

namespace {

struct FormatInfo {
  Format f;
  const char* name;
  const char* ext;
};
constexpr FormatInfo kFormats[] = {
    {Format::btsnoop_h4, "btsnoop", ".btsnoop"},
    {Format::btsnoop_h1, "btsnoop-h1", ".btsnoop"},
    {Format::btsnoop_monitor, "btmon", ".btsnoop"},
    {Format::pcap_h4, "pcap-h4", ".pcap"},
    {Format::pcap_phdr, "pcap", ".pcap"},
    {Format::pcap_phdr_ns, "pcap-ns", ".pcap"},
    {Format::pcap_monitor, "pcap-monitor", ".pcap"},
    {Format::pcapng_phdr, "pcapng", ".pcapng"},
    {Format::pcapng_monitor, "pcapng-monitor", ".pcapng"},
    {Format::pcap_nordic, "nrf-sniffer", ".pcap"},
    {Format::pcap_ll_phdr, "ll-phdr", ".pcap"},
    {Format::pklg, "pklg", ".pklg"},
    {Format::pklg_le, "pklg-le", ".pklg"},
    {Format::btsnoop_filtered, "btsnoop-filtered", ".btsnoop"},
    {Format::btsnooz_file, "btsnooz-file", ".btsnoop"},
    {Format::snooz, "snooz", ".txt"},
    {Format::snooz_v1, "snooz-v1", ".txt"},
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

std::uint8_t h4_type(PacketType t) {
  return static_cast<std::uint8_t>(t);
}

// Linux monitor opcode for an HCI packet (BlueZ src/shared/btsnoop.h).
std::uint16_t monitor_opcode(const Packet& p) {
  const bool rx = p.dir == Direction::rcvd;
  switch (p.type) {
    case PacketType::command:
      return 2;
    case PacketType::event:
      return 3;
    case PacketType::acl:
      return rx ? 5 : 4;
    case PacketType::sco:
      return rx ? 7 : 6;
    case PacketType::iso:
      return rx ? 19 : 18;
    default:
      return 12;  // system note
  }
}

// The sniffer headers (docs/LL_CAPTURES.md §1.2, §1.3) before the LE packet.
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
    case Format::pcap_ll_phdr:
      sniffer_header(f, p, out, counter ? *counter : none);
      break;
    case Format::btsnoop_h4:
    case Format::btsnoop_filtered:
    case Format::btsnooz_file:
    case Format::pcap_h4:
      out.push_back(h4_type(p.type));
      break;
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
    case Format::btsnoop_monitor:
    case Format::pklg:
    case Format::pklg_le:
    case Format::snooz:
    case Format::snooz_v1:
      break;
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

// What an Android snoop log keeps of an ACL packet (docs/PHONE_LOGS.md §1). AOSP
// btif_debug_btsnoop.cc (BTSNOOZ) keeps 14 bytes after the type octet unless the packet carries
// L2CAP's signalling channel 1; the filtered log's header filter keeps 14 bytes with the type octet.
std::size_t snooz_keep(const Packet& p) {
  const std::size_t n = p.data.size();
  if (p.type != PacketType::acl || n <= 8) return n;
  const auto cid = static_cast<std::uint16_t>(p.data[6] | p.data[7] << 8);
  return cid == 1 ? n : std::min<std::size_t>(n, 14);
}

class BtsnoopWriter final : public FileWriter {
 public:
  BtsnoopWriter(const std::string& path, Format f) : FileWriter(path), f_(f) {
    buf_.assign({'b', 't', 's', 'n', 'o', 'o', 'p', 0});
    put_be32(buf_, 1);
    put_be32(buf_, f == Format::btsnoop_h1 ? 1001 : f == Format::btsnoop_monitor ? 2001 : 1002);
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
    std::size_t kept = rec_.size();
    if (f_ == Format::btsnoop_filtered && p.type == PacketType::acl) kept = std::min<std::size_t>(kept, 14);
    if (f_ == Format::btsnooz_file) kept = std::min<std::size_t>(1 + snooz_keep(p), 150);
    buf_.clear();
    put_be32(buf_, static_cast<std::uint32_t>(rec_.size()));
    put_be32(buf_, static_cast<std::uint32_t>(kept));
    put_be32(buf_, flags);
    put_be32(buf_, 0);
    put_be32(buf_, static_cast<std::uint32_t>(ts >> 32));
    put_be32(buf_, static_cast<std::uint32_t>(ts));
    buf_.insert(buf_.end(), rec_.begin(), rec_.begin() + static_cast<std::ptrdiff_t>(kept));
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

// Apple PacketLogger (Wireshark wiretap/packetlogger.c): u32 length of what follows, u32
// seconds, u32 microseconds, u8 type, the packet; PacketLogger itself writes big-endian.
class PklgWriter final : public FileWriter {
 public:
  PklgWriter(const std::string& path, bool big_endian) : FileWriter(path), big_endian_(big_endian) {}
  void write(const Packet& p) override {
    std::uint8_t type = 0;
    switch (p.type) {
      case PacketType::command:
        type = 0x00;
        break;
      case PacketType::event:
        type = 0x01;
        break;
      case PacketType::acl:
        type = p.dir == Direction::rcvd ? 0x03 : 0x02;
        break;
      case PacketType::sco:
        type = p.dir == Direction::rcvd ? 0x09 : 0x08;
        break;
      default:
        return;  // PacketLogger has no ISO type
    }
    buf_.clear();
    put32(static_cast<std::uint32_t>(8 + 1 + p.data.size()));
    put32(static_cast<std::uint32_t>(p.ts_ns / 1000000000));
    put32(static_cast<std::uint32_t>(p.ts_ns % 1000000000 / 1000));
    buf_.push_back(type);
    buf_.insert(buf_.end(), p.data.begin(), p.data.end());
    put(buf_);
  }

 private:
  void put32(std::uint32_t v) { big_endian_ ? put_be32(buf_, v) : put_le32(buf_, v); }
  bool big_endian_;
};

// A bugreport's main text with the BTSNOOZ section, encoded as the phone encodes it (AOSP
// btif_debug_btsnoop.cc, docs/PHONE_LOGS.md §1): records in a ring buffer (ACL cut as
// snooz_keep says, SCO not kept), deltas from the previous packet, a 9-byte preamble, zlib at the
// default level, base64 in lines of 128 characters between the BEGIN and END lines.
class SnoozWriter final : public FileWriter {
 public:
  SnoozWriter(const std::string& path, int version) : FileWriter(path), version_(version) {}
  void write(const Packet& p) override {
    std::uint8_t type = 0;
    switch (p.type) {
      case PacketType::event:
        type = 0x10;
        break;
      case PacketType::acl:
        type = p.dir == Direction::rcvd ? 0x11 : 0x21;
        break;
      case PacketType::command:
        type = 0x20;
        break;
      case PacketType::iso:
        type = p.dir == Direction::rcvd ? 0x17 : 0x2d;
        break;
      default:
        return;  // SCO and the rest: not logged by the stack
    }
    const std::size_t kept = snooz_keep(p);
    const auto us = static_cast<std::uint64_t>(p.ts_ns / 1000);
    const std::uint32_t delta = last_us_ ? static_cast<std::uint32_t>(us - last_us_) : 0;
    last_us_ = us;
    put_le16(ring_, static_cast<std::uint16_t>(kept + 1));
    if (version_ == 2) put_le16(ring_, static_cast<std::uint16_t>(p.data.size() + 1));
    put_le32(ring_, delta);
    ring_.push_back(type);
    ring_.insert(ring_.end(), p.data.begin(), p.data.begin() + static_cast<std::ptrdiff_t>(kept));
  }
  bool close() override {
    if (!fp_) return true;
    std::vector<std::uint8_t> blob;
    blob.push_back(static_cast<std::uint8_t>(version_));
    for (int i = 0; i < 8; ++i) blob.push_back(static_cast<std::uint8_t>(last_us_ >> (8 * i)));
    uLongf zlen = compressBound(static_cast<uLong>(ring_.size()));
    std::vector<std::uint8_t> z(zlen);
    compress2(z.data(), &zlen, ring_.data(), static_cast<uLong>(ring_.size()), Z_DEFAULT_COMPRESSION);
    blob.insert(blob.end(), z.begin(), z.begin() + static_cast<std::ptrdiff_t>(zlen));
    std::string b64(4 * ((blob.size() + 2) / 3) + 1, '\0');
    const int n =
        EVP_EncodeBlock(reinterpret_cast<unsigned char*>(b64.data()), blob.data(), static_cast<int>(blob.size()));
    b64.resize(static_cast<std::size_t>(n));
    std::ostringstream text;
    text << "========================================================\n"
            "== dumpstate: fe95-mkcap synthetic bugreport\n"
            "========================================================\n\n"
            "Build: fe95 synthetic\n\n"
            "-------------------------------------------------------------------------------\n"
            "DUMP OF SERVICE bluetooth_manager:\n"
            "Bluetooth Status\n  enabled: true\n  state: ON\n\n";
    text << "--- BEGIN:BTSNOOP_LOG_SUMMARY (" << ring_.size() << " bytes in) ---\n";
    for (std::size_t at = 0; at < b64.size(); at += 128)
      text << b64.substr(at, 128) << (at + 128 < b64.size() ? "\n" : "");
    text << "\n--- END:BTSNOOP_LOG_SUMMARY ---\n\n"
            "-------------------------------------------------------------------------------\n"
            "DUMP OF SERVICE bluetooth_manager_done:\n";
    const std::string t = text.str();
    std::fwrite(t.data(), 1, t.size(), fp_);
    return FileWriter::close();
  }

 private:
  int version_;
  std::uint64_t last_us_ = 0;
  std::vector<std::uint8_t> ring_;
};

// Writes the capture beside the target, then compresses it into the target at close().
class PackingWriter final : public Writer {
 public:
  PackingWriter(const std::string& path, Format f, Packing p)
      : path_(path), tmp_(path + ".unpacked"), packing_(p), inner_(open_writer(tmp_, f)) {}
  ~PackingWriter() override { std::remove(tmp_.c_str()); }
  PackingWriter(const PackingWriter&) = delete;
  PackingWriter& operator=(const PackingWriter&) = delete;
  void write(const Packet& p) override { inner_->write(p); }
  [[nodiscard]] bool over_the_air() const override { return inner_->over_the_air(); }
  bool close() override {
    if (!inner_) return true;
    const bool ok = inner_->close();
    inner_.reset();
    if (!ok) return false;
    compress_file(tmp_, path_, packing_);
    return true;
  }

 private:
  std::string path_, tmp_;
  Packing packing_;
  std::unique_ptr<Writer> inner_;
};

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

void check(struct archive* a, int rc, const std::string& what) {
  if (rc < ARCHIVE_WARN) {
    const std::string e = archive_error_string(a) ? archive_error_string(a) : "libarchive error";
    archive_write_free(a);
    throw std::runtime_error(what + ": " + e);
  }
}

}  // namespace

const char* packing_extension(Packing p) {
  switch (p) {
    case Packing::gzip:
      return ".gz";
    case Packing::zstd:
      return ".zst";
    case Packing::lz4:
      return ".lz4";
    case Packing::xz:
      return ".xz";
    case Packing::none:
      return "";
  }
  return "";
}

void compress_file(const std::string& in, const std::string& out, Packing p) {
  const std::string data = slurp(in);
  struct archive* a = archive_write_new();
  switch (p) {
    case Packing::gzip:
      check(a, archive_write_add_filter_gzip(a), out);
      break;
    case Packing::zstd:
      check(a, archive_write_add_filter_zstd(a), out);
      break;
    case Packing::lz4:
      check(a, archive_write_add_filter_lz4(a), out);
      break;
    case Packing::xz:
      check(a, archive_write_add_filter_xz(a), out);
      break;
    case Packing::none:
      break;
  }
  // No time stamp in the gzip header: the file is reproducible byte for byte.
  if (p == Packing::gzip) archive_write_set_filter_option(a, "gzip", "timestamp", nullptr);
  check(a, archive_write_set_format_raw(a), out);
  archive_write_set_bytes_in_last_block(a, 1);  // no padding after the stream
  check(a, archive_write_open_filename(a, out.c_str()), out);
  struct archive_entry* e = archive_entry_new();
  archive_entry_set_filetype(e, AE_IFREG);
  archive_entry_set_pathname(e, "capture");
  archive_entry_set_size(e, static_cast<la_int64_t>(data.size()));
  check(a, archive_write_header(a, e), out);
  archive_entry_free(e);
  if (archive_write_data(a, data.data(), data.size()) != static_cast<la_ssize_t>(data.size()))
    check(a, ARCHIVE_FATAL, out);
  check(a, archive_write_close(a), out);
  archive_write_free(a);
}

void write_zip(const std::string& out, const std::vector<std::pair<std::string, std::string>>& members,
               std::int64_t mtime_s) {
  struct archive* a = archive_write_new();
  check(a, archive_write_set_format_zip(a), out);
  check(a, archive_write_set_options(a, "zip:compression=deflate"), out);
  archive_write_set_bytes_in_last_block(a, 1);
  check(a, archive_write_open_filename(a, out.c_str()), out);
  for (const auto& [name, bytes] : members) {
    struct archive_entry* e = archive_entry_new();
    archive_entry_set_pathname(e, name.c_str());
    archive_entry_set_filetype(e, AE_IFREG);
    archive_entry_set_perm(e, 0644);
    archive_entry_set_mtime(e, mtime_s, 0);
    archive_entry_set_size(e, static_cast<la_int64_t>(bytes.size()));
    check(a, archive_write_header(a, e), out);
    archive_entry_free(e);
    if (archive_write_data(a, bytes.data(), bytes.size()) != static_cast<la_ssize_t>(bytes.size()))
      check(a, ARCHIVE_FATAL, out);
  }
  check(a, archive_write_close(a), out);
  archive_write_free(a);
}

bool over_the_air(Format f) {
  return f == Format::pcap_nordic || f == Format::pcap_ll_phdr;
}

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

std::unique_ptr<Writer> open_writer(const std::string& path, Format f, Packing packing) {
  if (packing != Packing::none) return std::make_unique<PackingWriter>(path, f, packing);
  switch (f) {
    case Format::btsnoop_h4:
    case Format::btsnoop_h1:
    case Format::btsnoop_filtered:
    case Format::btsnooz_file:
    case Format::btsnoop_monitor:
      return std::make_unique<BtsnoopWriter>(path, f);
    case Format::pklg:
      return std::make_unique<PklgWriter>(path, true);
    case Format::pklg_le:
      return std::make_unique<PklgWriter>(path, false);
    case Format::snooz:
      return std::make_unique<SnoozWriter>(path, 2);
    case Format::snooz_v1:
      return std::make_unique<SnoozWriter>(path, 1);
    case Format::pcap_h4:
    case Format::pcap_phdr:
    case Format::pcap_phdr_ns:
    case Format::pcap_monitor:
    case Format::pcap_nordic:
    case Format::pcap_ll_phdr:
      return std::make_unique<PcapWriter>(path, f);
    case Format::pcapng_phdr:
    case Format::pcapng_monitor:
      return std::make_unique<PcapngWriter>(path, f);
  }
  throw std::runtime_error("unknown format");
}

}  // namespace fe95::writer
