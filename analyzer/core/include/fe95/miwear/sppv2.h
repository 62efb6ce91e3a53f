// SPDX-License-Identifier: GPL-2.0-or-later
// SPPv2, the packet stream of BLE-V2 (FE95 0x005E/0x005F) and SPP-V2 (RFCOMM): packets
// `A5 A5 type seq len(u16 LE) crc(u16 LE) payload` checked by CRC-16/ARC over the payload
// (docs/MIWEAR.md §5.1). SppV2Stream cuts one direction's bytes into packets (a packet may span
// ATT values or RFCOMM frames, one value may hold several packets; garbage and CRC-bad packets are
// skipped by resynchronising on A5 A5); SppV2Link reads both directions: ACK/NAK, session config
// TLVs, DATA with channel and opcode, retransmissions dropped.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "fe95/bytes.h"
#include "fe95/miwear/common.h"

namespace fe95::miwear {

// CRC-16/ARC: polynomial 0x8005 reflected (0xa001), initial value 0, no final xor; its check
// value (the CRC of "123456789") is 0xbb3d. Part of the protocol (§5.1), so written here.
std::uint16_t crc16_arc(ByteView data);

enum class V2Type : std::uint8_t { nak = 0, ack = 1, config = 2, data = 3 };
const char* v2_type_name(std::uint8_t type);  // "nak", "ack", "config", "data" or ""

inline constexpr std::size_t kV2Header = 8;

struct V2Packet {
  std::uint8_t type_octet = 0;
  std::uint8_t type = 0;  // low nibble
  bool frx = false;       // bit 4: "fast receive", no ack and no sequence number (AstroBox only)
  std::uint8_t seq = 0;
  std::uint16_t crc = 0;
  Bytes payload;
  FrameList frames;                 // the frames that carried the packet's bytes
  std::uint64_t stream_offset = 0;  // of its first byte in the direction's stream
};

// Encodes a packet (the capture writer, tests).
Bytes encode_v2(std::uint8_t type_octet, std::uint8_t seq, ByteView payload);

// One direction's byte stream.
class SppV2Stream {
 public:
  // Buffer cap: the largest packet (8 + 65535) and room for what follows it.
  static constexpr std::size_t kMaxBuffered = 2 * (kV2Header + 0xffff);
  // CRC work allowed per byte fed. A resynchronising stream checks every A5 A5 it meets, and a
  // false header may claim 65535 bytes: without a budget, junk dense in false headers would cost
  // 64 KiB of CRC per byte. Honest traffic checks each byte about once; past the budget a
  // candidate is skipped unchecked (counted), so time stays linear in the input.
  static constexpr std::size_t kCrcWorkPerByte = 16;

  struct Counters {
    std::uint64_t packets = 0, crc_bad = 0, garbage_bytes = 0, overflow_bytes = 0, unchecked = 0;
  };
  // Appends bytes carried by `frame`; returns the packets completed, in stream order. Problems
  // (garbage skipped, CRC-bad packets) go to `problems`.
  std::vector<V2Packet> feed(ByteView data, std::uint64_t frame, std::vector<Problem>& problems);
  // The stream ends: bytes of an unfinished packet are a problem.
  void finish(std::vector<Problem>& problems);
  [[nodiscard]] const Counters& counters() const { return counters_; }
  [[nodiscard]] std::size_t buffered() const { return buf_.size(); }

 private:
  ByteStream buf_{kMaxBuffered};
  Counters counters_;
  std::size_t garbage_run_ = 0;  // bytes skipped since the last packet (reported when a packet is found)
  FrameList garbage_frames_;
  std::uint64_t budget_ = 0;  // CRC bytes still allowed
};

// Session config (type 2): an opcode, then TLVs key u8 | len u16 LE | value (§5.1).
enum : std::uint8_t { kV2StartRequest = 1, kV2StartResponse = 2, kV2StopRequest = 3, kV2StopResponse = 4 };
struct V2Tlv {
  std::uint8_t key = 0;
  Bytes value;
};
struct V2Config {
  std::uint8_t opcode = 0;
  std::vector<V2Tlv> tlvs;  // at most kMaxTlvs
  bool malformed = false;   // a TLV runs past the payload
  // The known keys, decoded: 1 version (3 bytes), 2 max packet size, 3 TX window, 4 send timeout
  // (ms), 5 device type, 6 device name, 7 OS version (3 bytes).
  std::optional<std::string> version, os_version, device_name;
  std::optional<std::uint16_t> max_packet, tx_window, timeout_ms;
  std::optional<std::uint8_t> device_type;
};
inline constexpr std::size_t kMaxTlvs = 32;
const char* v2_config_opcode_name(std::uint8_t op);  // "start_request", ... or ""
const char* v2_tlv_name(std::uint8_t key);           // "version", ... or ""
V2Config parse_v2_config(ByteView payload);
Bytes encode_v2_config(std::uint8_t opcode, const std::vector<V2Tlv>& tlvs);

// DATA (type 3) payload: channel u8 | opcode u8 | body.
enum : std::uint8_t { kV2PlainWrite = 1, kV2EncryptedWrite = 2, kV2Read = 3 };
enum : std::uint8_t { kV2ChannelPb = 1, kV2ChannelMass = 2, kV2ChannelFitness = 5 };
const char* v2_channel_name(std::uint8_t channel);  // "pb", "mass", ... or ""

class SppV2Link {
 public:
  // Retransmissions are recognised among the last kDedupWindow DATA packets of a direction
  // (same seq and CRC), which a sequence number wrapping at 256 keeps unambiguous.
  static constexpr std::size_t kDedupWindow = 32;
  static constexpr std::size_t kMaxProblems = 64;

  enum class EventKind : std::uint8_t { ack, nak, config, data, retransmission, other };
  struct Event {
    EventKind kind = EventKind::data;
    Dir dir = Dir::to_watch;
    V2Packet packet;
    // data and retransmission: the DATA fields
    std::uint8_t channel = 0, opcode = 0;
    // data: the sequence number is not the one after the direction's previous DATA packet (a
    // packet the capture lost, or a sender that skipped); never set on the first or a frx packet
    bool seq_gap = false;
    // data and retransmission: what follows channel and opcode
    [[nodiscard]] ByteView body() const {
      return packet.payload.size() >= 2 ? ByteView(packet.payload).subspan(2) : ByteView{};
    }
    // config
    std::optional<V2Config> config;
  };
  struct Counters {
    std::uint64_t data = 0, acks = 0, naks = 0, configs = 0, retransmissions = 0, seq_gaps = 0, problems_dropped = 0;
  };
  struct Result {
    std::vector<Event> events;
    std::vector<Problem> problems;
  };
  // Bytes of `dir`'s stream carried by `frame` (an ATT value, an RFCOMM information field).
  Result feed(Dir dir, ByteView data, std::uint64_t frame);
  Result finish();
  [[nodiscard]] const Counters& counters() const { return counters_; }
  [[nodiscard]] const SppV2Stream& stream(Dir d) const { return streams_[index(d)]; }

 private:
  void add_problems(Result& r, std::vector<Problem>& found);
  std::array<SppV2Stream, 2> streams_;
  struct Seen {
    std::uint8_t seq = 0;
    std::uint16_t crc = 0;
    std::uint16_t length = 0;
  };
  std::array<std::vector<Seen>, 2> recent_;  // ring of the last DATA packets per direction
  std::array<std::size_t, 2> next_{};
  std::array<std::optional<std::uint8_t>, 2> last_seq_{};  // of the last new DATA packet
  Counters counters_;
  std::size_t problems_ = 0;
};

}  // namespace fe95::miwear
