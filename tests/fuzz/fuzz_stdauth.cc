// SPDX-License-Identifier: GPL-2.0-or-later
// The standard-auth session machine alone (transport, login check, session decryption), driven by
// ATT PDUs decoded from the input (fuzz::feed_pdus); characteristic roles come from the first bytes.
#include "fe95/stdauth/tracker.h"
#include "fuzz_common.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace fe95;
  KeyStore keys;
  fuzz::seed_keys(keys);
  fuzz::Sink sink;
  stdauth::Tracker tracker(keys, sink);
  Cursor c(ByteView(data, size));
  // A few GATT facts: [count] then (handle u16, uuid u16) in service FE95.
  std::map<std::uint16_t, session::Role> roles;
  gatt::Server server;  // what discovery would have learned
  std::uint8_t facts = 0;
  c.u8(facts);
  for (unsigned i = 0; i < facts % 8; ++i) {
    std::uint16_t h = 0, u = 0;
    if (!c.u16le(h) || !c.u16le(u)) break;
    // 0xff01-0xff04: the NUS and stdio characteristics (128-bit in real tables).
    static constexpr session::Role kLong[] = {session::Role::nus_write, session::Role::nus_notify,
                                              session::Role::stdio_write, session::Role::stdio_notify};
    const std::uint8_t service[] = {0x95, 0xfe},
                       uuid[] = {static_cast<std::uint8_t>(u), static_cast<std::uint8_t>(u >> 8)};
    server.note(h, att::Uuid::from(service), att::Uuid::from(uuid));
    roles[h] =
        u >= 0xff01 && u <= 0xff04 ? kLong[u - 0xff01] : session::role_of(server.service_of(h), server.attribute(h));
  }
  fuzz::feed_pdus(c, tracker, roles, &server);
  return 0;
}
