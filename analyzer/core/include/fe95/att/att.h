// SPDX-License-Identifier: GPL-2.0-or-later
// ATT layer (Core v5.3 Vol 3 Part F §3.4). Dispatch is data: one table of
// {opcode, name, minimum length, fixed length?} checked before any field is read
// (BlueZ att_opcode_table).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "fe95/bytes.h"

namespace fe95::att {

enum : std::uint8_t {
  kErrorRsp = 0x01,
  kMtuReq = 0x02,
  kMtuRsp = 0x03,
  kFindInfoReq = 0x04,
  kFindInfoRsp = 0x05,
  kFindByTypeReq = 0x06,
  kFindByTypeRsp = 0x07,
  kReadByTypeReq = 0x08,
  kReadByTypeRsp = 0x09,
  kReadReq = 0x0a,
  kReadRsp = 0x0b,
  kReadBlobReq = 0x0c,
  kReadBlobRsp = 0x0d,
  kReadMultReq = 0x0e,
  kReadMultRsp = 0x0f,
  kReadByGroupReq = 0x10,
  kReadByGroupRsp = 0x11,
  kWriteReq = 0x12,
  kWriteRsp = 0x13,
  kPrepWriteReq = 0x16,
  kPrepWriteRsp = 0x17,
  kExecWriteReq = 0x18,
  kExecWriteRsp = 0x19,
  kNotify = 0x1b,
  kIndicate = 0x1d,
  kConfirm = 0x1e,
  kReadMultVarReq = 0x20,
  kReadMultVarRsp = 0x21,
  kMultNotify = 0x23,
  kWriteCmd = 0x52,
  kSignedWriteCmd = 0xd2,
};

enum class Kind : std::uint8_t { request, response, command, notification, indication, confirmation };

struct OpcodeInfo {
  std::uint8_t opcode;
  const char* name;      // Wireshark's wording, so the two views read alike
  std::uint8_t min_len;  // including the opcode
  bool fixed;            // length must equal min_len
  Kind kind;
  std::uint8_t response;  // for requests: the opcode of the response, else 0
};

// nullptr for opcodes the spec does not define.
const OpcodeInfo* opcode_info(std::uint8_t opcode);

enum class ParseError : std::uint8_t { none, empty, unknown_opcode, too_short, bad_length };
const char* parse_error_name(ParseError e);

struct Pdu {
  std::uint8_t opcode = 0;
  const OpcodeInfo* info = nullptr;
  bool has_handle = false;
  std::uint16_t handle = 0;  // the attribute handle the PDU is about (for responses: set later
                             // from the matched request, as Wireshark shows it)
  bool has_value = false;
  ByteView value;            // attribute value for reads, writes, notifications, indications
  ByteView params;           // everything after the opcode
  ByteView raw;              // the whole PDU
  std::uint16_t offset = 0;  // blob / prepare write offset
};

// On ParseError::bad_length (longer than a fixed-length opcode) the fixed fields are filled;
// on the other errors only opcode/info/raw are.
ParseError parse(ByteView pdu, Pdu& out);

// A UUID as it appears in ATT: 16-bit or 128-bit (little-endian on the wire).
struct Uuid {
  std::uint8_t len = 0;  // 0 (none), 2 or 16
  std::uint8_t le[16]{};
  [[nodiscard]] bool is16(std::uint16_t v) const { return len == 2 && (le[0] | le[1] << 8) == v; }
  [[nodiscard]] std::uint16_t u16() const { return static_cast<std::uint16_t>(le[0] | le[1] << 8); }
  // "fe95" for 16-bit, canonical lower-case 8-4-4-4-12 for 128-bit; a 128-bit UUID built on the
  // Bluetooth base UUID is shown as its 16-bit alias.
  [[nodiscard]] std::string str() const;
  static Uuid from(ByteView bytes);  // len 0 unless bytes.size() is 2 or 16
  bool operator==(const Uuid& o) const;
};

// Handles in a discovery response, in the order Wireshark lists them as btatt.handle:
// Find Information: each handle; Find By Type Value: each found handle; Read By Type: each
// handle, plus the value handle of characteristic declarations; Read By Group Type: each
// handle (group end handles are a separate field in Wireshark).
std::vector<std::uint16_t> listed_handles(const Pdu& pdu, std::uint16_t request_type);
// The attribute values of a Read By Type Response that is not a characteristic discovery
// (Wireshark's btatt.value, one per entry).
std::vector<ByteView> listed_values(const Pdu& pdu, std::uint16_t request_type);

}  // namespace fe95::att
