// SPDX-License-Identifier: GPL-2.0-or-later
// The LE link layer's own arithmetic (Core v5.3 Vol 6 Part B), shared by the tracker of sniffer
// captures (ll/tracker.cc) and the capture writer.
#pragma once

#include <cstdint>

#include "fe95/bytes.h"

namespace fe95::ll {

inline constexpr std::uint32_t kAdvAccessAddress = 0x8e89bed6;
inline constexpr std::uint32_t kAdvCrcInit = 0x555555;

// The CRC of a PDU (header and payload) as it lies in a capture: the three bytes after the PDU,
// read little-endian (§3.1.1: a 24-bit LFSR preset with CRCInit, fed the bits least significant
// first, sent from position 23 down; a capture keeps each byte's first bit as its least significant).
std::uint32_t air_crc(std::uint32_t crc_init, ByteView pdu);

// The channel index of an RF channel (2402 + 2k MHz) and back (§1.4.1).
std::uint8_t rf_to_index(unsigned rf);
std::uint8_t index_to_rf(unsigned index);

}  // namespace fe95::ll
