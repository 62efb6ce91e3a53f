// SPDX-License-Identifier: GPL-2.0-or-later
// Names of the Mi auth enums as printed (JSON, text report, plugin filters), and the table of
// FE95 characteristic roles (docs/PROTOCOL.md §2).
#include "fe95/miauth/session.h"

namespace fe95::miauth {

namespace {

constexpr std::uint16_t kServiceFe95 = 0xfe95;
constexpr std::uint16_t kCccd = 0x2902;

struct RoleRow {
  std::uint16_t uuid;
  Role role;
};
constexpr RoleRow kRoles[] = {
    {0x0001, Role::token},  {0x0002, Role::product_id}, {0x0004, Role::version},    {0x0005, Role::wifi},
    {0x0010, Role::event},  {0x0013, Role::device_id},  {0x0014, Role::beacon_key},
    {0x0016, Role::secure_auth}, {0x0019, Role::std_transfer},
};

// 128-bit UUIDs, little-endian: Nordic UART 6e40000x-b5a3-f393-e0a9-e50e24dcca9e and Xiaomi's stdio
// service 00000xxx-0065-6c62-2e74-6f696d2e696d; byte 12 (and 13) hold the short number.
constexpr std::uint8_t kNusBase[16] = {0x9e, 0xca, 0xdc, 0x24, 0x0e, 0xe5, 0xa9, 0xe0,
                                       0x93, 0xf3, 0xa3, 0xb5, 0x00, 0x00, 0x40, 0x6e};
constexpr std::uint8_t kStdioBase[16] = {0x6d, 0x69, 0x2e, 0x6d, 0x69, 0x6f, 0x74, 0x2e,
                                         0x62, 0x6c, 0x65, 0x00, 0x00, 0x00, 0x00, 0x00};

}  // namespace

Role role_of(std::uint16_t service16, std::uint16_t uuid16) {
  if (uuid16 == 0) return Role::unknown;
  if (uuid16 == kCccd) return Role::cccd;
  if (service16 != kServiceFe95) return Role::other;
  for (const auto& r : kRoles)
    if (r.uuid == uuid16) return r.role;
  return Role::other;
}

Role role_of_uuid128(const std::uint8_t (&le)[16]) {
  const auto same_but = [&](const std::uint8_t (&base)[16], int a, int b) {
    for (int i = 0; i < 16; ++i)
      if (i != a && i != b && le[i] != base[i]) return false;
    return true;
  };
  if (same_but(kNusBase, 12, 13) && le[13] == 0) {
    if (le[12] == 0x02) return Role::nus_write;
    if (le[12] == 0x03) return Role::nus_notify;
  }
  if (same_but(kStdioBase, 12, 13)) {
    const unsigned n = le[12] | le[13] << 8;
    if (n == 0x0101) return Role::stdio_write;
    if (n == 0x0102) return Role::stdio_notify;
  }
  return Role::other;
}

const char* end_reason_name(EndReason r) {
  switch (r) {
    case EndReason::next_session: return "next_session";
    case EndReason::disconnect: return "disconnect";
    case EndReason::end_of_capture: return "end_of_capture";
    case EndReason::link_dropped: return "link_dropped";
  }
  return "?";
}

const char* protocol_name(Protocol p) { return p == Protocol::legacy ? "legacy" : "standard"; }

const char* kind_name(Kind k) { return k == Kind::register_session ? "register" : "login"; }

const char* status_name(Status s) {
  switch (s) {
    case Status::verified: return "verified";
    case Status::failed: return "failed";
    case Status::other_token: return "other_token";
    case Status::incomplete: return "incomplete";
    case Status::no_token: return "no_token";
    case Status::registered: return "registered";
  }
  return "?";
}

const char* step_name(Step s) {
  switch (s) {
    case Step::register_start: return "register_start";
    case Step::t1: return "t1";
    case Step::t2: return "t2";
    case Step::register_end: return "register_end";
    case Step::login_start: return "login_start";
    case Step::challenge: return "challenge";
    case Step::response: return "response";
    case Step::confirmation: return "confirmation";
    case Step::bond_result: return "bond_result";
    case Step::encrypted_read: return "encrypted_read";
    case Step::encrypted_write: return "encrypted_write";
    case Step::product_id_read: return "product_id_read";
    case Step::std_opcode: return "opcode";
    case Step::std_result: return "result";
    case Step::std_frame: return "frame";
    case Step::std_session: return "session_message";
  }
  return "?";
}

const char* protected_name(Protected p) {
  switch (p) {
    case Protected::none: return "";
    case Protected::firmware: return "firmware";
    case Protected::device_id: return "device_id";
    case Protected::beacon_key: return "beacon_key";
    case Protected::wifi: return "wifi";
  }
  return "?";
}

const char* end_form_name(EndForm f) {
  switch (f) {
    case EndForm::none: return "";
    case EndForm::encrypted: return "encrypted";
    case EndForm::plain: return "plain";
    case EndForm::mismatch: return "mismatch";
  }
  return "?";
}

}  // namespace fe95::miauth
