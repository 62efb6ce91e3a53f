// SPDX-License-Identifier: GPL-2.0-or-later
// The Mi auth session machine alone, driven by ATT PDUs decoded from the input:
// each PDU is [opcode][dir][handle lo][handle hi][length][value...]; a byte 0xff as opcode ends
// the link (dir names the end reason). Characteristic roles come from the first bytes.
#include <map>

#include "fe95/miauth/session.h"
#include "fuzz_common.h"

namespace {

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
  fuzz::feed_pdus(c, tracker, roles, &discovered);
  return 0;
}
