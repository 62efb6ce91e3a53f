// SPDX-License-Identifier: GPL-2.0-or-later
// The standard-auth session machine alone (transport, login check, session decryption), driven by
// ATT PDUs decoded from the input:
// each PDU is [opcode][dir][handle lo][handle hi][length][value...]; a byte 0xff as opcode ends
// the link (dir names the end reason). Characteristic roles come from the first bytes.
#include <map>

#include "fe95/stdauth/tracker.h"
#include "fuzz_common.h"

namespace {

const fe95::BdAddr kPeer = *fe95::BdAddr::parse("C4:7C:8D:6A:12:34");

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace fe95;
  KeyStore keys;
  fuzz::seed_keys(keys);
  fuzz::Sink sink;
  keys.add_option_token({0x0c, 0xf5, 0x61, 0x50, 0x03, 0x81, 0x0d, 0x89, 0xc2, 0x33, 0xa1, 0x2a});  // §7 V8
  stdauth::Tracker tracker(keys, sink);
  Cursor c(ByteView(data, size));
  // A few GATT facts: [count] then (handle u16, uuid u16) in service FE95.
  std::map<std::uint16_t, miauth::Role> roles;
  std::uint8_t facts = 0;
  c.u8(facts);
  for (unsigned i = 0; i < facts % 8; ++i) {
    std::uint16_t h = 0, u = 0;
    if (!c.u16le(h) || !c.u16le(u)) break;
    // 0xff01-0xff04: the NUS and stdio characteristics (128-bit in real tables).
    static constexpr miauth::Role kLong[] = {miauth::Role::nus_write, miauth::Role::nus_notify,
                                             miauth::Role::stdio_write, miauth::Role::stdio_notify};
    roles[h] = u >= 0xff01 && u <= 0xff04 ? kLong[u - 0xff01] : miauth::role_of(0xfe95, u);
  }
  std::uint64_t frame = 0, link = 1;
  std::uint8_t op = 0, dir = 0, len = 0;
  std::uint16_t handle = 0;
  ByteView value;
  while (c.u8(op) && c.u8(dir) && c.u16le(handle) && c.u8(len) && c.bytes(len, value)) {
    ++frame;
    const auto ts = static_cast<std::int64_t>(frame) * 1000000;
    if (op == 0xff) {
      tracker.on_link_end(ts, link++, static_cast<miauth::EndReason>(dir % 4));
      continue;
    }
    if (!att::opcode_info(op)) continue;
    miauth::Input in;
    in.frame = frame;
    in.ts_ns = ts;
    in.link = link;
    in.key = {0, 0x40};
    in.peer = &kPeer;
    in.dir = (dir & 1) ? Direction::rcvd : Direction::sent;
    in.opcode = op;
    in.has_handle = true;
    in.handle = handle;
    in.value = value;
    auto r = roles.find(handle);
    in.role = r == roles.end() ? miauth::Role::unknown : r->second;
    tracker.on_att(in);
  }
  tracker.on_link_end(static_cast<std::int64_t>(frame + 1) * 1000000, link, miauth::EndReason::end_of_capture);
  return 0;
}
