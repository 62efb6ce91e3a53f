// SPDX-License-Identifier: GPL-2.0-or-later
// LE sniffer headers (docs/LL_CAPTURES.md §1): link types 251, 256, 272/157 (nRF Sniffer,
// header versions 0-3) and 192 (PPI with a BTLE field). Each becomes a PacketType::ll record whose
// data is the LE packet (access address ... CRC) and whose LlMeta says what the header told.
// Every length is checked before use; a header that does not add up is an LlHeaderError, and the
// stack reports it with the frame and offset.
#include "capture/internal.h"
#include "fe95/ll/ll.h"

namespace fe95 {

namespace {

using ll::kAdvAccessAddress;

void set_error(Record& rec, ByteView bytes, LlHeaderError e) {
  rec.ll.error = e;
  rec.data = bytes;
}

// LINKTYPE_BLUETOOTH_LE_LL_WITH_PHDR: 10-byte pseudo-header (§1.2).
void phdr256(ByteView b, Record& rec) {
  if (b.size() < 10) return set_error(rec, b, LlHeaderError::short_header);
  LlMeta& m = rec.ll;
  m.header_len = 10;
  m.channel = ll::rf_to_index(b[0]);
  const std::uint16_t flags = load_u16le(b.data() + 8);
  if (flags & 0x0002) m.rssi = static_cast<std::int8_t>(b[1]);
  const unsigned pdu_type = (flags >> 7) & 0x7;
  if (pdu_type == 2 || pdu_type == 3) {
    rec.dir = pdu_type == 2 ? Direction::sent : Direction::rcvd;
    m.dir_from_header = true;
  }
  if (pdu_type == 1) m.aux_type = static_cast<std::uint8_t>((flags >> 12) & 0x3);
  if (flags & 0x0400) m.crc = (flags & 0x0800) ? LlCrc::ok : LlCrc::bad;
  if (flags & 0x0008) {
    m.cipher = LlCipher::decrypted;
  } else if (pdu_type != 1 && (flags & 0x1000)) {
    m.cipher = (flags & 0x2000) ? LlCipher::decrypted : LlCipher::encrypted;
  }
  m.phy = static_cast<std::uint8_t>(flags >> 14);
  rec.data = b.subspan(10);
}

// LINKTYPE_NORDIC_BLE (and DLT_USER 157 in nRF Sniffer 1.x files): UART header, event header,
// LE packet at byte 17 in every version (§1.3).
void nordic(ByteView b, Record& rec) {
  LlMeta& m = rec.ll;
  if (b.size() < 17) return set_error(rec, b, LlHeaderError::short_header);
  std::size_t expected = 0;
  unsigned version = 0;
  if (b[0] == 0xbe && b[1] == 0xef) {  // version 0: BE EF marker, payload length at 7
    expected = 8u + b[7];
  } else {
    version = b[3];
    if (version < 1 || version > 3) return set_error(rec, b, LlHeaderError::bad_version);
    expected = version == 1 ? (b[1] + 1u) + b[2] : 7u + load_u16le(b.data() + 1);
    if (b[7] != 10) return set_error(rec, b, LlHeaderError::length_mismatch);
  }
  if (expected != b.size()) return set_error(rec, b, LlHeaderError::length_mismatch);
  m.header_len = 17;
  const std::uint8_t flags = b[8];
  m.channel = b[9] <= 39 ? b[9] : 0xff;
  m.rssi = static_cast<std::int8_t>(-static_cast<int>(b[10]));
  m.crc = (flags & 0x01) ? LlCrc::ok : LlCrc::bad;
  m.phy = static_cast<std::uint8_t>((flags >> 4) & 0x7);
  if (version == 3) m.air_us = load_u32le(b.data() + 13);
  const ByteView le = b.subspan(17);
  // Adv or data: v3 says it in the packet id; before, only the access address does (§1.3).
  const bool adv = version == 3 ? b[6] == 0x02 : (le.size() >= 4 && load_u32le(le.data()) == kAdvAccessAddress);
  if (adv) {
    if (m.channel != 0xff && m.channel < 37) m.aux_type = static_cast<std::uint8_t>((flags >> 1) & 0x3);
  } else {
    rec.dir = (flags & 0x02) ? Direction::sent : Direction::rcvd;
    m.dir_from_header = true;
    m.cipher = !(flags & 0x04) ? LlCipher::plain : (flags & 0x08) ? LlCipher::decrypted : LlCipher::encrypted;
  }
  rec.data = le;
}

// LINKTYPE_PPI carrying a BTLE field (30006) and DLT 147 or 251 (§1.4).
void ppi(ByteView b, Record& rec) {
  if (b.size() < 8) return set_error(rec, b, LlHeaderError::short_header);
  const std::uint16_t len = load_u16le(b.data() + 2);
  const std::uint32_t dlt = load_u32le(b.data() + 4);
  if (len < 8 || len > b.size()) return set_error(rec, b, LlHeaderError::length_mismatch);
  if (dlt != 147 && dlt != 251) return set_error(rec, b, LlHeaderError::no_btle_field);
  bool found = false;
  for (std::size_t at = 8; at + 4 <= len;) {
    const std::uint16_t type = load_u16le(b.data() + at), flen = load_u16le(b.data() + at + 2);
    if (at + 4 + flen > len) return set_error(rec, b, LlHeaderError::length_mismatch);
    if (type == 30006 && flen >= 12) {
      const std::uint16_t mhz = load_u16le(b.data() + at + 5);
      if (mhz >= 2402 && mhz <= 2480 && mhz % 2 == 0) rec.ll.channel = ll::rf_to_index((mhz - 2402u) / 2u);
      rec.ll.rssi = static_cast<std::int8_t>(b[at + 4 + 10]);  // rssi_avg
      found = true;
    }
    at += 4u + flen;
  }
  if (!found) return set_error(rec, b, LlHeaderError::no_btle_field);
  rec.ll.header_len = len;
  rec.data = b.subspan(len);
}

}  // namespace

bool is_ll_linktype(int dlt) {
  return dlt == 251 || dlt == 256 || dlt == 272 || dlt == 157 || dlt == 192;
}

void ll_to_record(int dlt, ByteView bytes, Record& rec) {
  rec.type = PacketType::ll;
  rec.dir = Direction::unknown;
  rec.ll = LlMeta{};
  switch (dlt) {
    case 251:
      rec.data = bytes;
      break;
    case 256:
      phdr256(bytes, rec);
      break;
    case 272:
    case 157:
      nordic(bytes, rec);
      break;
    case 192:
      ppi(bytes, rec);
      break;
    default:
      set_error(rec, bytes, LlHeaderError::short_header);
      break;
  }
}

}  // namespace fe95
