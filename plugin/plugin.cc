// SPDX-License-Identifier: GPL-2.0-or-later
// The Wireshark plugin: Xiaomi MiAuth (FE95) and MiBeacon, decoded by fe95's core.
//
// The only file with exported symbols, with C and external linkage (docs/WIRESHARK.md): the four
// of a 4.0 plugin, and from 4.2 on plugin_describe, which says what the plugin is (4.4 refuses a
// plugin without it).
#include "plugin.h"

#if FE95_WIRESHARK_AT_LEAST(4, 2)
#include <wsutil/plugins.h>
#endif

extern "C" {
WS_DLL_PUBLIC_DEF extern const char plugin_version[];
WS_DLL_PUBLIC_DEF extern const int plugin_want_major;
WS_DLL_PUBLIC_DEF extern const int plugin_want_minor;
WS_DLL_PUBLIC_DEF void plugin_register(void);
#if FE95_WIRESHARK_AT_LEAST(4, 2)
WS_DLL_PUBLIC_DEF uint32_t plugin_describe(void);
#endif
}
const char plugin_version[] = "0.1.0";
const int plugin_want_major = WIRESHARK_VERSION_MAJOR;
const int plugin_want_minor = WIRESHARK_VERSION_MINOR;
#if FE95_WIRESHARK_AT_LEAST(4, 2)
uint32_t plugin_describe(void) {
  return WS_PLUGIN_DESC_DISSECTOR;
}
#endif

namespace {

void register_protocols() {
  fe95::plugin::register_miauth();
  fe95::plugin::register_mibeacon();
  fe95::plugin::register_miwear();
}

void handoff() {
  fe95::plugin::handoff_miauth();
  fe95::plugin::handoff_miwear();
}

}  // namespace

void plugin_register(void) {
  static proto_plugin plug;
  plug.register_protoinfo = register_protocols;
  plug.register_handoff = handoff;
  proto_register_plugin(&plug);
}
