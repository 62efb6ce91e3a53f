// SPDX-License-Identifier: GPL-2.0-or-later
// SPP-V1, the first framing of the wearables on RFCOMM (docs/MIWEAR.md §5.2):
// `BA DC FE channel flags len(u16 LE = body + 3) opcode serial data_type body EF`, no CRC.
// SppV1Stream cuts one direction's bytes into frames, resynchronising on BA DC FE when a frame
// does not end in EF. GB probes with it before it switches to SPPv2 (§1.1).
#pragma once

#include <cstdint>
#include <vector>

#include "fe95/bytes.h"
#include "fe95/miwear/common.h"

namespace fe95::miwear {

// Channels (low nibble of byte 3).
enum : std::uint8_t {
  kSpp1Version = 0,
  kSpp1ProtoToPhone = 1,
  kSpp1ProtoToWatch = 2,
  kSpp1Fitness = 3,
  kSpp1Voice = 4,
  kSpp1Mass = 5,
  kSpp1Ota = 7,
};
const char* sppv1_channel_name(std::uint8_t channel);  // "version", "proto_to_phone", ... or ""
// Data types (byte 9).
enum : std::uint8_t { kSpp1Plain = 0, kSpp1Encrypted = 1, kSpp1Auth = 2 };
// Flags (byte 4).
enum : std::uint8_t { kSpp1Flag = 0x80, kSpp1NeedsResponse = 0x40 };

inline constexpr std::size_t kSpp1Header = 10;  // BA DC FE, channel, flags, len, opcode, serial, type

struct SppV1Frame {
  std::uint8_t channel_octet = 0;
  std::uint8_t channel = 0;  // low nibble
  std::uint8_t flags = 0;
  std::uint16_t length = 0;  // body + 3
  std::uint8_t opcode = 0;   // 0 read, 2 send (GB); the Band 10 Pro's version reply has 1
  std::uint8_t serial = 0;
  std::uint8_t data_type = 0;
  Bytes body;
  FrameList frames;
  std::uint64_t stream_offset = 0;
};

Bytes encode_sppv1(std::uint8_t channel_octet, std::uint8_t flags, std::uint8_t opcode, std::uint8_t serial,
                   std::uint8_t data_type, ByteView body);

// An encrypted body (data type 1, §4.1): on channel 2 (proto, phone->watch) a u16 counter comes
// first; on the mass channel and from the watch there is none (counter 0).
Sealed sppv1_sealed(const SppV1Frame& f);

class SppV1Stream {
 public:
  static constexpr std::size_t kMaxBuffered = 2 * (kSpp1Header + 0xffff + 1);
  struct Counters {
    std::uint64_t frames = 0, bad_trailer = 0, garbage_bytes = 0, overflow_bytes = 0;
  };
  std::vector<SppV1Frame> feed(ByteView data, std::uint64_t frame, std::vector<Problem>& problems);
  void finish(std::vector<Problem>& problems);
  [[nodiscard]] const Counters& counters() const { return counters_; }

 private:
  ByteStream buf_{kMaxBuffered};
  Counters counters_;
  std::size_t garbage_run_ = 0;
  FrameList garbage_frames_;
};

}  // namespace fe95::miwear
