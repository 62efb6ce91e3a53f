// SPDX-License-Identifier: GPL-2.0-or-later
// Mi auth exchanges for synthetic captures: a legacy FE95 device and a client, each computing
// its side from docs/PROTOCOL.md (core crypto, checked against the §7 vectors), with switches for the
// client mistakes fe95 recognises.
#pragma once

#include <optional>
#include <string>

#include "fe95/keys/keys.h"
#include "fe95/miauth/crypto.h"
#include "scenario.h"

namespace fe95::writer {

struct MiDevice {
  BdAddr mac;
  std::uint16_t pid = 275;
  std::uint16_t service_start = 0x000c;  // where the FE95 service sits in this device's table
  miauth::Token token{};                 // what the device holds after registering
  std::string firmware = "1.1.2_0001";
  std::string device_id = "blt.3.129pdsl4cko00";
  BeaconKey beacon_key{0xb8, 0x53, 0x07, 0x51, 0x58, 0x48, 0x7c, 0xa3, 0x9a, 0x5b, 0x5e, 0xa9};
  [[nodiscard]] std::uint16_t handle(std::uint16_t uuid) const;  // value handle of an FE95 characteristic
  [[nodiscard]] GattDb gatt() const;
};

struct RegisterOptions {
  bool discovery = true;
  bool read_pid = false;                    // read char 0x0002 before the session
  bool draft_order = false;                 // DE 85 CA 90: the device never answers
  bool plain_end = false;                   // final write as the plain constant
  std::optional<BdAddr> client_mac;         // the MAC the client mixed with (printed order mistake)
  std::optional<std::uint16_t> client_pid;  // the product id the client mixed with
  bool cut_after_t1 = false;                // the link drops before T2
  bool reads = true;                        // read firmware and beacon key afterwards
  bool did_and_bond = false;                // write the device id and the bond result
  std::string wifi_ssid, wifi_password;
};

struct LoginOptions {
  bool discovery = false;
  miauth::Word tick{0x11, 0x22, 0x33, 0x44};
  bool draft_order = false;
  bool draft_key = false;           // 4-byte session key with big-endian constants
  bool long_notifications = false;  // 12-byte challenge/confirmation (drndos/mi-kettle-poc#2)
  bool reads = true;
};

// Runs a register of client_token with dev on an open connection; updates dev.token when the
// device accepts.
void mi_register(Scenario& s, std::uint16_t conn, MiDevice& dev, const miauth::Token& client_token,
                 const RegisterOptions& o = {});
void mi_login(Scenario& s, std::uint16_t conn, const MiDevice& dev, const miauth::Token& client_token,
              const LoginOptions& o = {});

}  // namespace fe95::writer
