// SPDX-License-Identifier: GPL-2.0-or-later
// fe95: offline analyzer for the Xiaomi FE95 BLE authentication. See README.md.
#include "commands.h"

int main(int argc, char** argv) {
  return fe95::cli::run_main(argc, argv);
}
