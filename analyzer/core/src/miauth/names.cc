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
};

}  // namespace

Role role_of(std::uint16_t service16, std::uint16_t uuid16) {
  if (uuid16 == 0) return Role::unknown;
  if (uuid16 == kCccd) return Role::cccd;
  if (service16 != kServiceFe95) return Role::other;
  for (const auto& r : kRoles)
    if (r.uuid == uuid16) return r.role;
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

const char* kind_name(Kind k) { return k == Kind::register_session ? "register" : "login"; }

const char* status_name(Status s) {
  switch (s) {
    case Status::verified: return "verified";
    case Status::failed: return "failed";
    case Status::other_token: return "other_token";
    case Status::incomplete: return "incomplete";
    case Status::no_token: return "no_token";
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
