// SPDX-License-Identifier: GPL-2.0-or-later
// The ACL/L2CAP/ATT path without the capture container: the input is the body of a btsnoop 1002
// file (its records), so the fuzzer spends its time in HCI, reassembly, ATT and GATT.
#include <vector>

#include "fuzz_common.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const std::uint8_t kHeader[16] = {'b', 't', 's', 'n', 'o', 'o', 'p', 0, 0, 0, 0, 1, 0, 0, 0x03, 0xea};
  std::vector<std::uint8_t> file(kHeader, kHeader + 16);
  file.insert(file.end(), data, data + size);
  fe95::fuzz::analyze(file);
  return 0;
}
