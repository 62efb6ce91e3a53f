// SPDX-License-Identifier: GPL-2.0-or-later
// Standard-auth exchanges for synthetic captures (docs/STANDARD_AUTH.md §2-§5): a device and an app,
// each computing its side with the core's crypto (checked against the §7 vectors), in the styles
// of third-party clients (commands and fragments, DMTU 18) and of Mi Home (0xA4 negotiation,
// single frames, DMTU 242), with switches for the failures fe95 names.
//
// The exchange is built as a list of PDUs (who sends what on which handle), independent of HCI:
// unit tests feed it to the tracker directly, play() writes it into a capture.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "fe95/stdauth/crypto.h"
#include "fe95/stdauth/transport.h"
#include "scenario.h"

namespace fe95::writer {

struct StdPdu {
  stdauth::Sender from = stdauth::Sender::app;  // app: write; device: notification
  std::uint16_t handle = 0;
  Bytes value;
};
using StdPdus = std::vector<StdPdu>;

// A standard-auth device's GATT table: FE95 (version 0x0004, control 0x0010, transfer 0x0019),
// the Nordic UART service (scooters) and Xiaomi's stdio service.
struct StdHandles {
  std::uint16_t version = 0x0011, control = 0x0013, transfer = 0x0016;
  std::uint16_t nus_write = 0x001a, nus_notify = 0x001c;
  std::uint16_t stdio_write = 0x0020, stdio_notify = 0x0022;
};
GattDb std_gatt(const StdHandles& h = {});

struct StdStyle {
  bool mi_home = false;        // a4 negotiation, 1-byte opcodes, singles for the device's messages
  std::uint8_t dmtu = 18;      // mi_home negotiates this (242 on the MJYD2S)
  bool lose_fragment = false;  // the receiver of the first multi-fragment message asks for fragment 2 again
};

struct StdLogin {
  Token app_token{};
  std::optional<Token> device_token;  // nullopt: the device is not registered (0xE0)
  stdauth::Random16 app_random{}, dev_random{};
  bool app_checks_device = true;  // abort when the device's confirmation is wrong (Mi Home, miauth)
};
// The login; when it succeeds, `keys` receives the session keys.
StdPdus std_login(const StdHandles& h, const StdStyle& st, const StdLogin& l,
                  std::optional<stdauth::SessionKeys>* keys = nullptr);

struct StdRegister {
  Bytes app_private, device_private;  // 32-byte P-256 scalars
  Bytes device_info;                  // version, IO, previous DID (§4.2)
  std::string did;                    // the DID the app writes (padded to 20 bytes)
  std::uint8_t result = 0x11;         // the device's answer: 0x11, 0x12 or 0xe1
  bool corrupt_app_key = false;       // the app's public key off the curve
};
// The register; `token` receives the token both sides derive.
StdPdus std_register(const StdHandles& h, const StdStyle& st, const StdRegister& r, Token* token = nullptr);

// Session messages after a login (§6): a scooter command as a 55 AB frame in 20-byte pieces on
// the NUS, and a mi_session blob on stdio.
StdPdus std_uart(const StdHandles& h, const stdauth::SessionKeys& k, stdauth::Sender from, std::uint32_t counter,
                 const Bytes& command, const stdauth::Iv4& tail = {});
StdPdus std_uart_zero_frame(const StdHandles& h, std::uint8_t len);  // pre-login 55 AB L 00... (§6.3)
StdPdus std_stdio(const StdHandles& h, const stdauth::SessionKeys& k, stdauth::Sender from, std::uint32_t counter,
                  const Bytes& plaintext);

// Writes the PDUs on an open connection: app PDUs as Write Command (or Write Request), device
// PDUs as notifications.
void play(Scenario& s, std::uint16_t conn, const StdPdus& pdus, bool write_requests = false);

}  // namespace fe95::writer
