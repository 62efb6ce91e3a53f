// SPDX-License-Identifier: GPL-2.0-or-later
// MiBeacon frames for synthetic captures (docs/PROTOCOL.md §5), encrypted with AES-CCM through OpenSSL.
#pragma once

#include <optional>

#include "fe95/keys/keys.h"

namespace fe95::writer {

struct BeaconSpec {
  unsigned version = 3;
  std::uint16_t product_id = 0;
  std::uint8_t counter = 0;
  BdAddr mac;
  bool include_mac = true;
  std::optional<std::uint8_t> capability;
  std::optional<std::uint16_t> io_capability;
  Bytes objects;                        // id u16 | len u8 | data, concatenated
  std::optional<BeaconKey> beacon_key;  // encrypt (v2/v3)
  std::optional<BindKey> bind_key;      // encrypt (v4/v5)
  std::uint32_t ext_counter = 0;
};

Bytes mibeacon_frame(const BeaconSpec& s);
Bytes mibeacon_object(std::uint16_t id, const Bytes& data);

}  // namespace fe95::writer
