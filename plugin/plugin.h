// SPDX-License-Identifier: GPL-2.0-or-later
// The Wireshark plugin's parts, shared between its files (not exported):
//   plugin.cc          the exported symbols and registration
//   fields.cc          reading other dissectors' fields; adding generated items
//   keys_uat.cc        the key table (UAT, same format as fe95 --keys) and the token preference
//   capture.h/.cc      the open capture: the core's Analysis, the keys, the per-frame store
//   input.cc           Wireshark's fields and bytes -> the Analysis' narrow input, per link
//   packet-miauth.cc   the MiAuth protocol: hf/ett/ei, the postdissector, the MiAuth tree
//   packet-mibeacon.cc the MiBeacon protocol: hf/ett/ei, the MiBeacon tree
//   packet-miwear.cc   the wearables' protocol (miwear): hf/ett/ei, its tree, the protobuf subtree
// The core (fe95core) does the protocol; this is the front end: it reads what Wireshark dissected,
// stores what each frame learned, and draws trees. No C++ exception crosses into Wireshark: every
// entry point catches, and Wireshark calls that may longjmp run on copies.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <type_traits>
#include <vector>

// Wireshark's headers. 4.0's lack C++ guards in places, so they are wrapped in extern "C"; from
// 4.2 on they are C++-aware and include C++ standard headers themselves (<limits> through
// jtckdint.h), which must not be wrapped. ws_version.h is plain #defines either way.
#include <ws_version.h>
#define FE95_WIRESHARK_AT_LEAST(major, minor) \
  (WIRESHARK_VERSION_MAJOR > (major) || (WIRESHARK_VERSION_MAJOR == (major) && WIRESHARK_VERSION_MINOR >= (minor)))
#if !FE95_WIRESHARK_AT_LEAST(4, 2)
extern "C" {
#endif
#include <epan/expert.h>
#include <epan/packet.h>
#include <epan/prefs.h>
#include <epan/proto.h>
#include <epan/uat.h>
#include <wiretap/wtap.h>
#if !FE95_WIRESHARK_AT_LEAST(4, 2)
}
#endif

#include "fe95/keys/keys.h"

namespace fe95::plugin {

// ---- API differences between the Wireshark versions, decided by the types themselves ----
// A field's value: an fvalue_t inside field_info in 4.0, a pointer to one from 4.2.
// (A template, so that only the branch of the version at hand is compiled.)
template <typename FieldInfo>
fvalue_t* value_of(FieldInfo* fi) {
  if constexpr (std::is_pointer_v<decltype(fi->value)>)
    return fi->value;
  else
    return &fi->value;
}
// What a UAT update callback returns: gboolean in 4.0, bool from 4.4.
using UatUpdateResult = std::invoke_result_t<uat_update_cb_t, void*, char**>;

// ---- keys_uat.cc ----
// Registers the key table and the token preference on the MiAuth module.
void register_keys(module_t* mod);
// Everything configured, loaded into a fresh store (at each capture's start).
void load_configured_keys(KeyStore& keys);

// ---- reading other dissectors' fields (the tree is primed by set_postdissector_wanted_hfids) ----
std::vector<field_info*> fields(proto_tree* tree, int hf);
bool uint_field(proto_tree* tree, int hf, std::uint32_t& out);
Bytes field_bytes(const field_info* fi);
// Whether [offset, offset + length) lies in tvb's captured bytes: checked before every item that
// points at bytes, so that no Wireshark exception (a longjmp) can cross C++ frames.
bool fits(tvbuff_t* tvb, int offset, int length);
// The ids of a filter name and of every field registered under the same name.
void want_field(const char* name, int& id, GArray* wanted);
// Generated items (no bytes of the frame behind them: nothing here can throw).
proto_item* add_str(proto_tree* t, int hf, const std::string& v);
proto_item* add_uint(proto_tree* t, int hf, std::uint32_t v);
proto_item* add_bytes(proto_tree* t, int hf, const Bytes& v);

// ---- packet-miauth.cc / packet-mibeacon.cc ----
void register_miauth();
void handoff_miauth();
void register_mibeacon();
void register_miwear();
void handoff_miwear();
extern int proto_miauth;
struct FrameData;
// The wearables' items of a frame (called by the postdissector, packet-miauth.cc; packet-miwear.cc).
void show_miwear(const FrameData& fd, tvbuff_t* frame_tvb, packet_info* pinfo, proto_tree* tree);
struct BeaconView;
// The MiBeacon items of a frame (called by the postdissector, packet-miauth.cc).
void show_mibeacon(const std::vector<BeaconView>& beacons, tvbuff_t* frame_tvb, packet_info* pinfo, proto_tree* tree);

}  // namespace fe95::plugin
