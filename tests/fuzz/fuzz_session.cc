// SPDX-License-Identifier: GPL-2.0-or-later
// The Mi auth session machine alone, driven by ATT PDUs decoded from the input:
// each PDU is [opcode][dir][handle lo][handle hi][length][value...]; a byte 0xff as opcode ends
// the link (dir names the end reason). Characteristic roles come from the first bytes.
#include <map>

#include "fe95/miauth/session.h"
#include "fuzz_common.h"

namespace {

const fe95::BdAddr kPeer = *fe95::BdAddr::parse("C4:7C:8D:6A:12:34");

struct Discovered final : fe95::miauth::Discovery {
  std::uint16_t token = 0;
  [[nodiscard]] std::uint16_t token_handle() const override { return token; }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace fe95;
  KeyStore keys;
  fuzz::seed_keys(keys);
  fuzz::Sink sink;
  miauth::Tracker tracker(keys, sink);
  Cursor c(ByteView(data, size));
  // A few GATT facts: [count] then (handle u16, uuid u16) in service FE95.
  std::map<std::uint16_t, miauth::Role> roles;
  Discovered discovered;
  std::uint8_t facts = 0;
  c.u8(facts);
  for (unsigned i = 0; i < facts % 8; ++i) {
    std::uint16_t h = 0, u = 0;
    if (!c.u16le(h) || !c.u16le(u)) break;
    roles[h] = miauth::role_of(0xfe95, u);
    if (roles[h] == miauth::Role::token) discovered.token = h;
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
    in.discovery = &discovered;
    tracker.on_att(in);
  }
  tracker.on_link_end(static_cast<std::int64_t>(frame + 1) * 1000000, link, miauth::EndReason::end_of_capture);
  return 0;
}
