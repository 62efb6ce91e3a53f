// SPDX-License-Identifier: GPL-2.0-or-later
// Capture writer: turns HCI packets into btsnoop (1001/1002/2001), pcap (link types 187, 201,
// 254; microsecond or nanosecond) or pcapng files. Streaming: nothing is held in memory.
// Used by the tests, fe95-mkcap (the shipped sample captures) and the benchmark.
#pragma once

#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "fe95/bytes.h"
#include "fe95/capture/capture.h"

namespace fe95::writer {

enum class Format : std::uint8_t {
  btsnoop_h4,       // btsnoop datalink 1002 (Android)
  btsnoop_h1,       // btsnoop datalink 1001
  btsnoop_monitor,  // btsnoop datalink 2001 (BlueZ btmon)
  pcap_h4,          // pcap link type 187 (no direction)
  pcap_phdr,        // pcap link type 201, microseconds
  pcap_phdr_ns,     // pcap link type 201, nanoseconds
  pcap_monitor,     // pcap link type 254
  pcapng_phdr,      // pcapng, link type 201
  pcapng_monitor,   // pcapng, link type 254
  // Over the air (LE sniffer captures, docs/LL_CAPTURES.md §1): the scenario is written
  // as a sniffer hears it (Scenario::over_the_air()).
  pcap_nordic,   // pcap link type 272, nRF Sniffer header version 3
  pcap_ll_phdr,  // pcap link type 256, LE link layer with the 10-byte pseudo-header
  // What phones write (docs/PHONE_LOGS.md).
  pklg,              // Apple PacketLogger, big-endian
  pklg_le,           // Apple PacketLogger, little-endian
  btsnoop_filtered,  // Android's filtered snoop log: btsnoop 1002, ACL cut to 14 bytes with the type octet
  btsnooz_file,      // the newer stack's btsnooz_hci.log: btsnoop 1002, ACL cut to 14 bytes after the type
                     // octet unless on L2CAP channel 1, every record to 150 bytes
  snooz,             // a bugreport's text with a BTSNOOP_LOG_SUMMARY section, BTSNOOZ version 2
  snooz_v1,          // the same, BTSNOOZ version 1 (no original lengths)
};

// A compression applied to the whole file after it is written (through libarchive).
enum class Packing : std::uint8_t { none, gzip, zstd, lz4, xz };
const char* packing_extension(Packing p);  // ".gz", ".zst", ".lz4", ".xz", ""

// "btsnoop", "btsnoop-h1", "btmon", "pcap-h4", "pcap", "pcap-ns", "pcap-monitor", "pcapng", "pcapng-monitor"
const char* format_name(Format f);
bool parse_format(const std::string& name, Format& out);
const char* format_extension(Format f);

struct Packet {
  std::int64_t ts_ns = 0;
  Direction dir = Direction::sent;  // PacketType::ll: sent = central to peripheral
  PacketType type = PacketType::acl;
  std::uint16_t adapter = 0;
  ByteView data;  // HCI packet without the H4 type octet; PacketType::ll: the LE packet (AA .. CRC)
  // PacketType::ll only: what the sniffer's header says.
  std::uint8_t channel = 37;
  bool crc_ok = true;
  bool advertising = false;
  bool aux = false;  // an advertising PDU on a secondary channel (AUX_ADV_IND)
  std::uint16_t event_counter = 0;
};

// Whether a format is an LE sniffer's (the scenario then writes link-layer packets).
bool over_the_air(Format f);

class Writer {
 public:
  virtual ~Writer() = default;
  virtual void write(const Packet& p) = 0;
  // Flushes and closes; returns false on an I/O error.
  virtual bool close() = 0;
  // An LE sniffer format: scenarios write link-layer packets (PacketType::ll) to it.
  [[nodiscard]] virtual bool over_the_air() const { return false; }
};

// Opens path for writing in the given format (throws std::runtime_error on failure: this is a
// tool for tests and benchmarks, where a failure to create a file is a configuration error).
// With a packing, the capture is written beside path and compressed into it at close().
std::unique_ptr<Writer> open_writer(const std::string& path, Format f, Packing packing = Packing::none);

// Compresses the file in into out (libarchive's raw format with one filter; reproducible: no
// time stamp). Throws std::runtime_error.
void compress_file(const std::string& in, const std::string& out, Packing p);
// Writes a zip of (name, bytes) members, deflated, every time stamp fixed (reproducible).
void write_zip(const std::string& out, const std::vector<std::pair<std::string, std::string>>& members,
               std::int64_t mtime_s);

}  // namespace fe95::writer
