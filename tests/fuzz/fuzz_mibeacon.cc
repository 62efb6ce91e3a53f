// SPDX-License-Identifier: GPL-2.0-or-later
// MiBeacon parsing and decryption (both key kinds) of arbitrary service data.
#include "fe95/mibeacon/mibeacon.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace fe95;
  mibeacon::Frame f = mibeacon::parse(ByteView(data, size));
  const BdAddr mac = f.mac ? *f.mac : *BdAddr::parse("5A:58:2D:34:12:5F");
  mibeacon::decrypt(f, mac, parse_beacon_key("b853075158487ca39a5b5ea9"),
                    parse_bind_key("814aac74c4f17b6c1581e1ab87816b99"));
  // Also as a whole advertising data block.
  (void)mibeacon::find_service_data(ByteView(data, size));
  return 0;
}
