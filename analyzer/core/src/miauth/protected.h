// SPDX-License-Identifier: GPL-2.0-or-later
// The values the token protects (docs/PROTOCOL.md §2, §4): recognising a decrypted value by its form
// when discovery does not name its characteristic, and the Wi-Fi setup records.
#pragma once

#include <optional>
#include <string>

#include "fe95/miauth/session.h"

namespace fe95::miauth {

// The protected value a characteristic role holds (none for the others).
Protected protected_of(Role r);
// What a decrypted value is, judged by its form alone: a version string, a device id, a 12-byte
// beacon key (reads), a Wi-Fi record (writes); none when it looks like none of them.
Protected recognise(bool written, ByteView plain, std::uint64_t frame);
// Text of a fixed-size characteristic: trailing NULs are padding.
std::string text_of(ByteView v);
// One Wi-Fi setup record: [remaining length][type][data...], types 0x00-0x0A.
std::optional<WifiRecord> parse_wifi(ByteView p, std::uint64_t frame);

}  // namespace fe95::miauth
