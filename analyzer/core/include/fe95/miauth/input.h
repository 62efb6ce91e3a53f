// SPDX-License-Identifier: GPL-2.0-or-later
// What the Mi auth tracker consumes: one ATT PDU, reduced to what the protocol needs. The CLI's
// HCI -> L2CAP -> ATT stack and the Wireshark plugin's btatt fields each produce it; neither hands
// the tracker its own connection or GATT types.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "fe95/bytes.h"
#include "fe95/capture.h"

namespace fe95::miauth {

// The role of an attribute handle, from GATT discovery (docs/PROTOCOL.md §2: the characteristics
// of service 0xFE95). `unknown`: discovery says nothing of the handle, so the traffic decides.
enum class Role : std::uint8_t {
  unknown,
  other,       // discovery names it, and it is none of the below
  cccd,        // a Client Characteristic Configuration descriptor (0x2902)
  token,       // 0x0001: the token channel (register T1/T2/end, login challenge/response/confirm)
  product_id,  // 0x0002: the device's product id, read in clear
  version,     // 0x0004: firmware version, rc4(token, .)
  wifi,        // 0x0005: Wi-Fi setup records, rc4(token, .)
  event,       // 0x0010: session starts and the bond result
  device_id,   // 0x0013: device id, rc4(token, .)
  beacon_key,  // 0x0014: the MiBeacon key, rc4(token, .)
  // Standard auth (docs/STANDARD_AUTH.md §1); 0x0010 (event) is its control point too.
  std_transfer,  // 0x0019: the rxfer transfer channel
  secure_auth,   // 0x0016: secure auth (same framing, not decodable)
  nus_write,     // Nordic UART 6e400002: the app's writes (scooter 55 AB frames)
  nus_notify,    // Nordic UART 6e400003: the device's notifications
  stdio_write,   // stdio ...0101: the app's mi_session blobs
  stdio_notify,  // stdio ...0102: the device's mi_session blobs
};
// The role of characteristic `uuid16` in service `service16` (0 when either is unknown).
Role role_of(std::uint16_t service16, std::uint16_t uuid16);
// The role of a 128-bit characteristic UUID (little-endian, as on the wire): NUS and stdio.
Role role_of_uuid128(const std::uint8_t (&le)[16]);

// Where a link is, as reported with its sessions: which controller, which connection handle. (Its
// identity is Input::link: a handle reused by a new connection, or in another file or interface,
// is another link.)
struct LinkKey {
  std::uint16_t adapter = 0;
  std::uint16_t handle = 0;
};

// What discovery knows of the link's FE95 service; asked only when a session starts.
class Discovery {
public:
  virtual ~Discovery() = default;
  [[nodiscard]] virtual std::uint16_t token_handle() const = 0;  // value handle of 0x0001, or 0
};

struct Input {
  std::uint64_t frame = 0;
  std::int64_t ts_ns = 0;
  std::uint64_t link = 0;          // unique per connection (a reused handle is a new link)
  LinkKey key;
  std::string_view link_name;      // over-the-air links: "LL 0x8edf9233" (valid for the call); else empty
  const BdAddr* peer = nullptr;    // the device's address, when the connection event was seen
  std::int64_t connected_ns = 0;   // 0 when the capture has no connection event
  Direction dir = Direction::unknown;
  std::uint8_t opcode = 0;
  bool has_handle = false;
  std::uint16_t handle = 0;
  ByteView value;                  // valid for the call only
  Role role = Role::unknown;
  const Discovery* discovery = nullptr;
};

// Why a session ended.
enum class EndReason : std::uint8_t { next_session, disconnect, end_of_capture, link_dropped };
const char* end_reason_name(EndReason r);

}  // namespace fe95::miauth
