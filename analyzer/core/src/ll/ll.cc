// SPDX-License-Identifier: GPL-2.0-or-later
// The LE link layer's arithmetic (ll/ll.h): the air CRC and the channel numbering.
#include "fe95/ll/ll.h"

namespace fe95::ll {

namespace {
std::uint8_t reverse8(std::uint8_t b) {
  b = static_cast<std::uint8_t>((b & 0xf0) >> 4 | (b & 0x0f) << 4);
  b = static_cast<std::uint8_t>((b & 0xcc) >> 2 | (b & 0x33) << 2);
  return static_cast<std::uint8_t>((b & 0xaa) >> 1 | (b & 0x55) << 1);
}

}  // namespace

// The CRC as it lies in the capture (Vol 6 Part B §3.1.1): a 24-bit LFSR preset with CRCInit, fed
// the PDU bits least significant first, sent from position 23 down; the capture keeps each byte's
// first bit as its least significant.
std::uint32_t air_crc(std::uint32_t init, ByteView pdu) {
  std::uint32_t state = init & 0xffffff;
  for (const std::uint8_t byte : pdu)
    for (int i = 0; i < 8; ++i) {
      const std::uint32_t x = ((byte >> i) & 1u) ^ ((state >> 23) & 1u);
      state = (state << 1) & 0xffffff;
      if (x) state ^= 0x00065b;
    }
  return static_cast<std::uint32_t>(reverse8(static_cast<std::uint8_t>(state >> 16))) |
         static_cast<std::uint32_t>(reverse8(static_cast<std::uint8_t>(state >> 8))) << 8 |
         static_cast<std::uint32_t>(reverse8(static_cast<std::uint8_t>(state))) << 16;
}

std::uint8_t rf_to_index(unsigned rf) {
  if (rf == 0) return 37;
  if (rf == 12) return 38;
  if (rf == 39) return 39;
  if (rf >= 1 && rf <= 11) return static_cast<std::uint8_t>(rf - 1);
  if (rf >= 13 && rf <= 38) return static_cast<std::uint8_t>(rf - 2);
  return 0xff;
}

std::uint8_t index_to_rf(unsigned index) {
  if (index == 37) return 0;
  if (index == 38) return 12;
  if (index == 39) return 39;
  if (index <= 10) return static_cast<std::uint8_t>(index + 1);
  if (index <= 36) return static_cast<std::uint8_t>(index + 2);
  return 0xff;
}

}  // namespace fe95::ll
