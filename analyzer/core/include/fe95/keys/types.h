// SPDX-License-Identifier: GPL-2.0-or-later
// The keys fe95 knows by their size and role: below the key store and every protocol family, so
// that a family names the keys it uses without including another family.
#pragma once

#include <array>
#include <cstdint>

namespace fe95 {

// The 12-byte token a device and its client share: legacy Mi auth derives it from T1
// (docs/PROTOCOL.md §3), standard auth agrees it by ECDH and logs in with it (docs/STANDARD_AUTH.md).
using Token = std::array<std::uint8_t, 12>;
// MiBeacon keys (docs/PROTOCOL.md §5): the 12-byte beacon key of v2/v3 adverts (expanded to 16
// bytes for AES-CCM) and the 16-byte bind key of v4/v5 adverts.
using BeaconKey = std::array<std::uint8_t, 12>;
using BindKey = std::array<std::uint8_t, 16>;
// The 16-byte auth key of a Xiaomi wearable (Mi Fitness' `auth_key`, docs/MIWEAR.md §3): the input
// of the session keys' HKDF. It never travels, so a capture cannot reveal it: it is only given.
using AuthKey = std::array<std::uint8_t, 16>;

}  // namespace fe95
