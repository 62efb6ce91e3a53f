// Product ids seen with legacy Mi auth (PROTOCOL.md §8).
#pragma once

#include <cstdint>

namespace fe95 {

// The model name for a known product id, or nullptr.
const char* product_name(std::uint16_t pid);

}  // namespace fe95
