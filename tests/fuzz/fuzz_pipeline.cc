// SPDX-License-Identifier: GPL-2.0-or-later
// The whole pipeline: capture -> HCI -> L2CAP -> ATT -> Mi auth sessions and MiBeacon adverts.
#include "fuzz_common.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  fe95::fuzz::analyze(fe95::ByteView(data, size));
  return 0;
}
