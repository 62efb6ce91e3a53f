// The Mi auth session machine alone, driven by ATT events decoded from the input:
// each event is [opcode][dir][handle lo][handle hi][length][value...]; a byte 0xff as opcode is
// a disconnection. GATT knowledge (FE95 service, characteristic UUIDs) comes from the first bytes.
#include "fe95/miauth/session.h"
#include "fuzz_common.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace fe95;
  KeyStore keys;
  fuzz::seed_keys(keys);
  fuzz::Sink sink;
  miauth::Tracker tracker(keys, sink);
  Connection conn;
  conn.serial = 1;
  conn.handle = 0x40;
  conn.known = true;
  conn.peer = *BdAddr::parse("C4:7C:8D:6A:12:34");
  Cursor c(ByteView(data, size));
  // A few GATT facts: [count] then (handle u16, uuid u16) in service FE95.
  std::uint8_t facts = 0;
  c.u8(facts);
  const std::uint8_t fe95[2] = {0x95, 0xfe};
  for (unsigned i = 0; i < facts % 8; ++i) {
    std::uint16_t h = 0, u = 0;
    if (!c.u16le(h) || !c.u16le(u)) break;
    const std::uint8_t ub[2] = {static_cast<std::uint8_t>(u), static_cast<std::uint8_t>(u >> 8)};
    conn.servers[0].note(h, att::Uuid::from(ByteView(fe95, 2)), att::Uuid::from(ByteView(ub, 2)));
  }
  std::uint64_t frame = 0;
  std::uint8_t op = 0, dir = 0, len = 0;
  std::uint16_t handle = 0;
  ByteView value;
  while (c.u8(op) && c.u8(dir) && c.u16le(handle) && c.u8(len) && c.bytes(len, value)) {
    Record rec;
    rec.frame = ++frame;
    rec.ts_ns = static_cast<std::int64_t>(frame) * 1000000;
    rec.dir = (dir & 1) ? Direction::rcvd : Direction::sent;
    if (op == 0xff) {
      tracker.on_disconnect(rec, conn, dir);
      conn.serial++;
      continue;
    }
    att::Pdu pdu;
    pdu.opcode = op;
    pdu.info = att::opcode_info(op);
    if (!pdu.info) continue;
    pdu.has_handle = true;
    pdu.handle = handle;
    pdu.has_value = true;
    pdu.value = value;
    const gatt::Server& server = conn.servers[0];
    AttEvent ev{rec, rec.frame, conn, pdu, server, server.service_of(handle), server.attribute(handle), nullptr};
    tracker.on_att(ev);
  }
  Record end;
  end.frame = frame + 1;
  tracker.on_disconnect(end, conn, kReasonEndOfCapture);
  return 0;
}
