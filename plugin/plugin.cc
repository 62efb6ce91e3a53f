// SPDX-License-Identifier: GPL-2.0-or-later
// Wireshark 4.0 plugin: Xiaomi MiAuth (FE95) and MiBeacon, decoded by fe95's core.
//
// The only file with exported symbols: the four a 4.0 plugin has, with C and external linkage
// (docs/WIRESHARK.md).
extern "C" {
#include <ws_version.h>
}

#include "plugin.h"

extern "C" {
WS_DLL_PUBLIC_DEF extern const char plugin_version[];
WS_DLL_PUBLIC_DEF extern const int plugin_want_major;
WS_DLL_PUBLIC_DEF extern const int plugin_want_minor;
WS_DLL_PUBLIC_DEF void plugin_register(void);
}
const char plugin_version[] = "0.1.0";
const int plugin_want_major = WIRESHARK_VERSION_MAJOR;
const int plugin_want_minor = WIRESHARK_VERSION_MINOR;

namespace {

void register_protocols() {
  fe95::plugin::register_miauth();
  fe95::plugin::register_mibeacon();
}

void handoff() {
  fe95::plugin::handoff_miauth();
  fe95::plugin::handoff_mibeacon();
}

}  // namespace

void plugin_register(void) {
  static proto_plugin plug;
  plug.register_protoinfo = register_protocols;
  plug.register_handoff = handoff;
  proto_register_plugin(&plug);
}
