// SPDX-License-Identifier: GPL-2.0-or-later
// The session layer's tables (the shared vocabularies, the roles of the FE95 characteristics) and
// what every family's session machine does the same way.
#include "fe95/session/session.h"

namespace fe95::session {

namespace {

constexpr Term kKinds[] = {
    {"register", "Register", "binding a device: the token is agreed"},
    {"login", "Login", "a connection proving both sides hold the token"},
};

constexpr Term kStatuses[] = {
    {"verified", "Verified", "every step checks out with the token"},
    {"failed", "Failed: the traffic contradicts the token",
     "the traffic contradicts the token, or the client broke the protocol"},
    {"other_token", "The client's response fits its token; the device never confirms",
     "login: the client's response fits its token, the device never confirms (it holds another)"},
    {"incomplete", "Incomplete: the session ends first",
     "the capture or the connection ends before the session is complete"},
    {"no_token", "No token to verify with", "login: no candidate token to verify with"},
    {"registered", "Registered: the token was agreed by ECDH and is not in the capture",
     "standard register: the device accepted; its token, agreed by ECDH, cannot be recovered from a capture"},
    {"no_key", "No auth key to verify with",
     "wearables: the nonce exchange is in the capture, no auth key was given for the watch (it never travels)"},
    {"truncated", "Truncated: the capture cut its PDUs",
     "the capture cut the session's PDUs (a filtered or snooz log, a snap length): their steps are shown, nothing is "
     "checked against the token"},
};

constexpr Term kEndReasons[] = {
    {"next_session", "the next session on the link", "a new session started on the same link"},
    {"disconnect", "disconnection", "the link was disconnected"},
    {"end_of_capture", "the end of the capture", "the capture ended with the session open"},
    {"link_dropped", "the link being dropped",
     "the link was dropped: a connection event reused its handle, or more links were open than the cap"},
};

constexpr Term kRoles[] = {
    {"unknown", "Unknown", "discovery says nothing of the handle: the traffic decides"},
    {"other", "Other", "a characteristic discovery names, none of FE95's"},
    {"cccd", "Client Characteristic Configuration", "descriptor 0x2902"},
    {"token", "Token (0x0001)", "the legacy token channel: register T1/T2/end, login challenge/response/confirmation"},
    {"product_id", "Product id (0x0002)", "the device's product id, read in clear"},
    {"version", "Firmware version (0x0004)", "encrypted with the token (legacy)"},
    {"wifi", "Wi-Fi setup (0x0005)", "Wi-Fi setup records, encrypted with the token (legacy)"},
    {"event", "Event / control point (0x0010)", "session starts and the bond result; standard auth's control point"},
    {"device_id", "Device id (0x0013)", "encrypted with the token (legacy)"},
    {"beacon_key", "Beacon key (0x0014)", "the MiBeacon key, encrypted with the token (legacy)"},
    {"std_transfer", "Transfer (0x0019)", "standard auth's framed transfers"},
    {"secure_auth", "Secure auth (0x0016)", "the Mijia secure chip's exchange: standard auth's framing, not decodable"},
    {"nus_write", "Nordic UART RX (6e400002)", "the app's writes: scooter 55 AB frames"},
    {"nus_notify", "Nordic UART TX (6e400003)", "the device's notifications: scooter 55 AB frames"},
    {"stdio_write", "stdio write (...0101)", "the app's encrypted session blobs"},
    {"stdio_notify", "stdio notify (...0102)", "the device's encrypted session blobs"},
    {"wear_read", "Wearable commands from the watch (0x0051)", "BLE-V1 rxfer: the watch's messages, the phone's acks"},
    {"wear_write", "Wearable commands to the watch (0x0052)", "BLE-V1 rxfer: the phone's messages, the watch's acks"},
    {"wear_activity", "Wearable activity files (0x0053)", "BLE-V1 rxfer: activity files from the watch"},
    {"wear_upload", "Wearable uploads (0x0055)", "BLE-V1 rxfer: uploads from the phone (watch faces, firmware, icons)"},
    {"wear_v2_rx", "Wearable SPPv2 from the watch (0x005E)", "BLE-V2: the SPPv2 byte stream, watch to phone"},
    {"wear_v2_tx", "Wearable SPPv2 to the watch (0x005F)", "BLE-V2: the SPPv2 byte stream, phone to watch"},
};

// The FE95 characteristics by 16-bit UUID (docs/PROTOCOL.md §2, docs/STANDARD_AUTH.md §1, the
// wearables' docs/MIWEAR.md §1.2-§1.3).
constexpr std::uint16_t kServiceFe95 = 0xfe95;
struct RoleRow {
  std::uint16_t uuid;
  Role role;
};
constexpr RoleRow kFe95Roles[] = {
    {0x0001, Role::token},        {0x0002, Role::product_id}, {0x0004, Role::version},    {0x0005, Role::wifi},
    {0x0010, Role::event},        {0x0013, Role::device_id},  {0x0014, Role::beacon_key}, {0x0016, Role::secure_auth},
    {0x0019, Role::std_transfer}, {0x0051, Role::wear_read},  {0x0052, Role::wear_write}, {0x0053, Role::wear_activity},
    {0x0055, Role::wear_upload},  {0x005e, Role::wear_v2_rx}, {0x005f, Role::wear_v2_tx},
};

// 128-bit UUIDs, little-endian: Nordic UART 6e40000x-b5a3-f393-e0a9-e50e24dcca9e and Xiaomi's stdio
// service 00000xxx-0065-6c62-2e74-6f696d2e696d; bytes 12 and 13 hold the short number.
constexpr std::uint8_t kNusBase[16] = {0x9e, 0xca, 0xdc, 0x24, 0x0e, 0xe5, 0xa9, 0xe0,
                                       0x93, 0xf3, 0xa3, 0xb5, 0x00, 0x00, 0x40, 0x6e};
constexpr std::uint8_t kStdioBase[16] = {0x6d, 0x69, 0x2e, 0x6d, 0x69, 0x6f, 0x74, 0x2e,
                                         0x62, 0x6c, 0x65, 0x00, 0x00, 0x00, 0x00, 0x00};

Role role_of_uuid128(const std::uint8_t (&le)[16]) {
  const auto same_but_short = [&](const std::uint8_t(&base)[16]) {
    for (int i = 0; i < 16; ++i)
      if (i != 12 && i != 13 && le[i] != base[i]) return false;
    return true;
  };
  const unsigned n = load_u16le(le + 12);
  if (same_but_short(kNusBase)) {
    if (n == 0x0002) return Role::nus_write;
    if (n == 0x0003) return Role::nus_notify;
  }
  if (same_but_short(kStdioBase)) {
    if (n == 0x0101) return Role::stdio_write;
    if (n == 0x0102) return Role::stdio_notify;
  }
  return Role::other;
}

}  // namespace

std::span<const Term> kind_terms() {
  static_assert(std::size(kKinds) == static_cast<std::size_t>(Kind::login_session) + 1);
  return kKinds;
}
std::span<const Term> status_terms() {
  static_assert(std::size(kStatuses) == static_cast<std::size_t>(Status::truncated) + 1);
  return kStatuses;
}
std::span<const Term> end_reason_terms() {
  static_assert(std::size(kEndReasons) == static_cast<std::size_t>(EndReason::link_dropped) + 1);
  return kEndReasons;
}
std::span<const Term> role_terms() {
  static_assert(std::size(kRoles) == static_cast<std::size_t>(Role::wear_v2_tx) + 1);
  return kRoles;
}

Role role_of(const gatt::Service* service, const gatt::Attribute* attribute) {
  if (!attribute) return Role::unknown;
  const att::Uuid& u = attribute->uuid;
  if (u.len == 16) return role_of_uuid128(u.le);
  if (u.len != 2) return Role::other;
  if (u.u16() == gatt::kCccd) return Role::cccd;
  if (!service || !service->uuid.is16(kServiceFe95)) return Role::other;
  for (const auto& r : kFe95Roles)
    if (r.uuid == u.u16()) return r.role;
  return Role::other;
}

const Term& Session::step_term(const StepRecord& r) const {
  static constexpr Term kUnknown{"?", "?", ""};
  return r.step < family->steps.size() ? family->steps[r.step] : kUnknown;
}

const Term* Session::value_term(const StepRecord& r) const {
  return r.what && r.what < family->values.size() ? &family->values[r.what] : nullptr;
}

std::string text_of(ByteView v) {
  std::size_t n = v.size();
  while (n && v[n - 1] == 0) --n;
  return std::string(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(n));
}

bool looks_like_version(ByteView v) {
  // "1.1.2_0001", "2.1.1_0159": digits, dots and underscores, at least one dot (NUL padding allowed).
  const std::string t = text_of(v);
  if (t.empty()) return false;
  int digits = 0;
  for (char c : t) {
    if (c >= '0' && c <= '9')
      ++digits;
    else if (c != '.' && c != '_')
      return false;
  }
  return digits >= 2 && t.find('.') != std::string::npos;
}

void open(Session& s, const Input& in, const KeyStore& keys, Kind kind) {
  s.kind = kind;
  s.adapter = in.adapter;
  s.conn = in.conn;
  s.link = in.link_name;
  if (in.peer && !in.peer->is_zero()) {
    s.device = *in.peer;
  } else if (keys.option_mac()) {
    s.device = keys.option_mac();
    s.device_source = Source::option;
  }
  s.first_frame = s.last_frame = in.frame;
  s.start_ns = s.end_ns = in.ts_ns;
  s.connected_ns = in.connected_ns;
}

void apply(KeyStore& keys, const Learned& l) {
  if (l.token)
    keys.learn_token(l.mac, *l.token, l.product_id ? std::optional(l.product_id->first) : std::nullopt);
  else if (l.product_id)
    keys.learn_product_id(l.mac, l.product_id->first, l.product_id->second);
  if (l.beacon_key) keys.learn_beacon_key(l.mac, *l.beacon_key);
}

}  // namespace fe95::session

namespace fe95 {

std::string names_of(std::span<const Term> words) {
  std::string out;
  for (const auto& w : words) {
    if (!*w.name) continue;
    if (!out.empty()) out += ", ";
    out += w.name;
  }
  return out;
}

}  // namespace fe95
