// SPDX-License-Identifier: GPL-2.0-or-later
#include "fe95/att/att.h"

#include <array>

namespace fe95::att {

namespace {

using K = Kind;
// Core v5.3 Vol 3 Part F §3.4.1-§3.4.7.
constexpr OpcodeInfo kOpcodes[] = {
    {kErrorRsp, "Error Response", 5, true, K::response, 0},
    {kMtuReq, "Exchange MTU Request", 3, true, K::request, kMtuRsp},
    {kMtuRsp, "Exchange MTU Response", 3, true, K::response, 0},
    {kFindInfoReq, "Find Information Request", 5, true, K::request, kFindInfoRsp},
    {kFindInfoRsp, "Find Information Response", 6, false, K::response, 0},
    {kFindByTypeReq, "Find By Type Value Request", 7, false, K::request, kFindByTypeRsp},
    {kFindByTypeRsp, "Find By Type Value Response", 5, false, K::response, 0},
    {kReadByTypeReq, "Read By Type Request", 7, false, K::request, kReadByTypeRsp},
    {kReadByTypeRsp, "Read By Type Response", 4, false, K::response, 0},
    {kReadReq, "Read Request", 3, true, K::request, kReadRsp},
    {kReadRsp, "Read Response", 1, false, K::response, 0},
    {kReadBlobReq, "Read Blob Request", 5, true, K::request, kReadBlobRsp},
    {kReadBlobRsp, "Read Blob Response", 1, false, K::response, 0},
    {kReadMultReq, "Read Multiple Request", 5, false, K::request, kReadMultRsp},
    {kReadMultRsp, "Read Multiple Response", 1, false, K::response, 0},
    {kReadByGroupReq, "Read By Group Type Request", 7, false, K::request, kReadByGroupRsp},
    {kReadByGroupRsp, "Read By Group Type Response", 6, false, K::response, 0},
    {kWriteReq, "Write Request", 3, false, K::request, kWriteRsp},
    {kWriteRsp, "Write Response", 1, true, K::response, 0},
    {kPrepWriteReq, "Prepare Write Request", 5, false, K::request, kPrepWriteRsp},
    {kPrepWriteRsp, "Prepare Write Response", 5, false, K::response, 0},
    {kExecWriteReq, "Execute Write Request", 2, true, K::request, kExecWriteRsp},
    {kExecWriteRsp, "Execute Write Response", 1, true, K::response, 0},
    {kNotify, "Handle Value Notification", 3, false, K::notification, 0},
    {kIndicate, "Handle Value Indication", 3, false, K::indication, kConfirm},
    {kConfirm, "Handle Value Confirmation", 1, true, K::confirmation, 0},
    {kReadMultVarReq, "Read Multiple Variable Request", 5, false, K::request, kReadMultVarRsp},
    {kReadMultVarRsp, "Read Multiple Variable Response", 1, false, K::response, 0},
    {kMultNotify, "Multiple Handle Value Notification", 5, false, K::notification, 0},
    {kWriteCmd, "Write Command", 3, false, K::command, 0},
    {kSignedWriteCmd, "Signed Write Command", 15, false, K::command, 0},
};

constexpr std::array<const OpcodeInfo*, 256> build_index() {
  std::array<const OpcodeInfo*, 256> idx{};
  for (const auto& o : kOpcodes) idx[o.opcode] = &o;
  return idx;
}
constexpr auto kIndex = build_index();

}  // namespace

const OpcodeInfo* opcode_info(std::uint8_t opcode) {
  return kIndex[opcode];
}

const char* parse_error_name(ParseError e) {
  switch (e) {
    case ParseError::none:
      return "none";
    case ParseError::empty:
      return "empty PDU";
    case ParseError::unknown_opcode:
      return "unknown opcode";
    case ParseError::too_short:
      return "shorter than the opcode requires";
    case ParseError::bad_length:
      return "length differs from the opcode's fixed length";
  }
  return "?";
}

ParseError parse(ByteView pdu, Pdu& out) {
  out = Pdu{};
  out.raw = pdu;
  if (pdu.empty()) return ParseError::empty;
  out.opcode = pdu[0];
  out.info = kIndex[out.opcode];
  if (!out.info) return ParseError::unknown_opcode;
  if (pdu.size() < out.info->min_len) return ParseError::too_short;
  // Longer than a fixed-length opcode allows: the fixed fields are still decoded (as Wireshark
  // does), and the caller reports the excess.
  const ParseError result =
      out.info->fixed && pdu.size() != out.info->min_len ? ParseError::bad_length : ParseError::none;
  out.params = pdu.subspan(1);
  // Lengths are checked above, so the fixed-position reads below cannot run past the end.
  const std::uint8_t* p = pdu.data();
  switch (out.opcode) {
    case kErrorRsp:  // request opcode, handle in error, error code
      out.has_handle = true;
      out.handle = load_u16le(p + 2);
      break;
    case kReadReq:
    case kReadBlobReq:
      out.has_handle = true;
      out.handle = load_u16le(p + 1);
      if (out.opcode == kReadBlobReq) out.offset = load_u16le(p + 3);
      break;
    case kWriteReq:
    case kWriteCmd:
    case kNotify:
    case kIndicate:
      out.has_handle = true;
      out.handle = load_u16le(p + 1);
      out.has_value = true;
      out.value = pdu.subspan(3);
      break;
    case kSignedWriteCmd:  // handle, value, 12-byte authentication signature
      out.has_handle = true;
      out.handle = load_u16le(p + 1);
      out.has_value = true;
      out.value = pdu.subspan(3, pdu.size() - 15);
      break;
    case kPrepWriteReq:
    case kPrepWriteRsp:
      out.has_handle = true;
      out.handle = load_u16le(p + 1);
      out.offset = load_u16le(p + 3);
      out.has_value = true;
      out.value = pdu.subspan(5);
      break;
    case kFindByTypeReq:  // start, end, type, then the value searched for
      out.has_value = true;
      out.value = pdu.subspan(7);
      break;
    case kReadRsp:
    case kReadBlobRsp:
      out.has_value = true;
      out.value = pdu.subspan(1);
      break;
    default:
      break;
  }
  return result;
}

std::string Uuid::str() const {
  static constexpr std::uint8_t kBase[16] = {0xfb, 0x34, 0x9b, 0x5f, 0x80, 0x00, 0x00, 0x80,
                                             0x00, 0x10, 0x00, 0x00, 0,    0,    0,    0};
  if (len == 2) return to_hex(ByteView(std::array<std::uint8_t, 2>{le[1], le[0]}));
  if (len != 16) return "";
  bool base = le[14] == 0 && le[15] == 0;
  for (int i = 0; i < 12 && base; ++i) base = le[i] == kBase[i];
  if (base) return to_hex(ByteView(std::array<std::uint8_t, 2>{le[13], le[12]}));
  std::uint8_t be[16];
  for (int i = 0; i < 16; ++i) be[i] = le[15 - i];
  std::string h = to_hex(ByteView(be, 16));
  return h.substr(0, 8) + "-" + h.substr(8, 4) + "-" + h.substr(12, 4) + "-" + h.substr(16, 4) + "-" + h.substr(20);
}

Uuid Uuid::from(ByteView bytes) {
  Uuid u;
  if (bytes.size() == 2 || bytes.size() == 16) {
    u.len = static_cast<std::uint8_t>(bytes.size());
    std::copy(bytes.begin(), bytes.end(), u.le);
  }
  return u;
}

bool Uuid::operator==(const Uuid& o) const {
  return len == o.len && std::equal(le, le + len, o.le);
}

std::vector<std::uint16_t> listed_handles(const Pdu& pdu, std::uint16_t request_type) {
  std::vector<std::uint16_t> out;
  Cursor c(pdu.params);
  switch (pdu.opcode) {
    case kFindInfoRsp: {
      std::uint8_t format = 0;
      c.u8(format);
      const std::size_t uuid_len = format == 2 ? 16 : 2;
      std::uint16_t h = 0;
      while (c.has(2 + uuid_len)) {
        c.u16le(h);
        c.skip(uuid_len);
        out.push_back(h);
      }
      break;
    }
    case kFindByTypeRsp: {
      std::uint16_t h = 0, end = 0;
      while (c.u16le(h) && c.u16le(end)) out.push_back(h);
      break;
    }
    case kReadByTypeRsp: {
      std::uint8_t len = 0;
      if (!c.u8(len) || len < 2) break;
      ByteView entry;
      while (c.bytes(len, entry)) {
        out.push_back(load_u16le(entry.data()));
        if (request_type == 0x2803 && entry.size() >= 5) out.push_back(load_u16le(entry.data() + 3));
      }
      break;
    }
    case kReadByGroupRsp: {
      std::uint8_t len = 0;
      if (!c.u8(len) || len < 4) break;
      ByteView entry;
      while (c.bytes(len, entry)) out.push_back(load_u16le(entry.data()));
      break;
    }
    default:
      break;
  }
  return out;
}

std::vector<ByteView> listed_values(const Pdu& pdu, std::uint16_t request_type) {
  std::vector<ByteView> out;
  if (pdu.opcode != kReadByTypeRsp || request_type == 0x2803) return out;
  Cursor c(pdu.params);
  std::uint8_t len = 0;
  if (!c.u8(len) || len < 2) return out;
  ByteView entry;
  while (c.bytes(len, entry)) out.push_back(entry.subspan(2));
  return out;
}

}  // namespace fe95::att
