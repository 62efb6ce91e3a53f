// SPDX-License-Identifier: GPL-2.0-or-later
// The Mi auth session machine alone, driven by ATT PDUs decoded from the input:
// each PDU is [opcode][dir][handle lo][handle hi][length][value...]; a byte 0xff as opcode ends
// the link (dir names the end reason). Characteristic roles come from the first bytes.
#include <map>

#include "fe95/miauth/session.h"
#include "fuzz_common.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace fe95;
  KeyStore keys;
  fuzz::seed_keys(keys);
  fuzz::Sink sink;
  miauth::Tracker tracker(keys, sink);
  Cursor c(ByteView(data, size));
  // A few GATT facts: [count] then (handle u16, uuid u16) in service FE95.
  std::map<std::uint16_t, session::Role> roles;
  gatt::Server server;  // what discovery would have learned
  std::uint8_t facts = 0;
  c.u8(facts);
  for (unsigned i = 0; i < facts % 8; ++i) {
    std::uint16_t h = 0, u = 0;
    if (!c.u16le(h) || !c.u16le(u)) break;
    const std::uint8_t service[] = {0x95, 0xfe},
                       uuid[] = {static_cast<std::uint8_t>(u), static_cast<std::uint8_t>(u >> 8)};
    server.note(h, att::Uuid::from(service), att::Uuid::from(uuid));
    roles[h] = session::role_of(server.service_of(h), server.attribute(h));
  }
  fuzz::feed_pdus(c, tracker, roles, &server);
  return 0;
}
