// SPDX-License-Identifier: GPL-2.0-or-later
// Product ids seen with legacy Mi auth (docs/PROTOCOL.md §8).
#pragma once

#include <cstdint>

namespace fe95 {

// The model name for a known product id, or nullptr.
const char* product_name(std::uint16_t pid);

}  // namespace fe95
