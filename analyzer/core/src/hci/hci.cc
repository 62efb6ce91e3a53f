// SPDX-License-Identifier: GPL-2.0-or-later
#include "fe95/hci/hci.h"

namespace fe95::hci {

AclError parse_acl(ByteView pkt, AclHeader& out) {
  Cursor c(pkt);
  std::uint16_t hf = 0, len = 0;
  if (!c.u16le(hf) || !c.u16le(len)) return AclError::short_header;
  out.handle = hf & 0x0fff;
  out.pb = static_cast<std::uint8_t>((hf >> 12) & 3);
  out.bc = static_cast<std::uint8_t>((hf >> 14) & 3);
  if (c.remaining() < len) {
    out.data = c.rest();
    return AclError::length_mismatch;
  }
  c.bytes(len, out.data);
  return AclError::none;
}

namespace {

bool parse_connection(Cursor& c, ConnectionComplete& cc, bool enhanced) {
  if (!c.u8(cc.status) || !c.u16le(cc.handle) || !c.u8(cc.role) || !c.u8(cc.peer_addr_type)) return false;
  ByteView addr;
  if (!c.bytes(6, addr)) return false;
  cc.peer = BdAddr::from_le(addr);
  cc.handle &= 0x0fff;
  if (enhanced && !c.skip(12)) return false;  // local and peer resolvable private addresses
  return c.skip(7);                           // interval, latency, supervision timeout, clock accuracy
}

void parse_le_meta(Cursor& c, Event& ev) {
  if (!c.u8(ev.subevent)) {
    ev.malformed = true;
    return;
  }
  switch (ev.subevent) {
    case kLeConnectionComplete:
    case kLeEnhancedConnectionComplete:
    case kLeEnhancedConnectionCompleteV2: {
      ConnectionComplete cc;
      if (!parse_connection(c, cc, ev.subevent != kLeConnectionComplete)) {
        ev.malformed = true;
        return;
      }
      ev.connection = cc;
      return;
    }
    case kLeAdvertisingReport: {
      std::uint8_t n = 0;
      if (!c.u8(n)) {
        ev.malformed = true;
        return;
      }
      for (unsigned i = 0; i < n; ++i) {
        AdvReport r;
        std::uint8_t type = 0, len = 0, rssi = 0;
        ByteView addr;
        if (!c.u8(type) || !c.u8(r.addr_type) || !c.bytes(6, addr) || !c.u8(len) || !c.bytes(len, r.data) ||
            !c.u8(rssi)) {
          ev.malformed = true;
          return;
        }
        r.event_type = type;
        r.addr = BdAddr::from_le(addr);
        r.rssi = static_cast<std::int8_t>(rssi);
        ev.adverts.push_back(r);
      }
      return;
    }
    case kLeExtendedAdvertisingReport: {
      std::uint8_t n = 0;
      if (!c.u8(n)) {
        ev.malformed = true;
        return;
      }
      for (unsigned i = 0; i < n; ++i) {
        AdvReport r;
        r.extended = true;
        std::uint8_t len = 0, rssi = 0;
        ByteView addr;
        // event type(2) addr type(1) addr(6) phy(1) phy2(1) sid(1) tx power(1) rssi(1)
        // periodic interval(2) direct addr type(1) direct addr(6) data length(1) data
        if (!c.u16le(r.event_type) || !c.u8(r.addr_type) || !c.bytes(6, addr) || !c.skip(4) || !c.u8(rssi) ||
            !c.skip(9) || !c.u8(len) || !c.bytes(len, r.data)) {
          ev.malformed = true;
          return;
        }
        r.addr = BdAddr::from_le(addr);
        r.rssi = static_cast<std::int8_t>(rssi);
        ev.adverts.push_back(r);
      }
      return;
    }
    default:
      return;
  }
}

}  // namespace

void parse_event(ByteView pkt, Event& ev) {
  ev.code = 0;
  ev.subevent = 0;
  ev.connection.reset();
  ev.disconnection.reset();
  ev.command.reset();
  ev.adverts.clear();
  ev.malformed = false;
  Cursor c(pkt);
  std::uint8_t plen = 0;
  if (!c.u8(ev.code) || !c.u8(plen)) {
    ev.malformed = true;
    return;
  }
  ByteView params;
  if (!c.bytes(plen, params)) {
    ev.malformed = true;  // parameter length runs past the packet
    params = c.rest();
  }
  Cursor p(params);
  switch (ev.code) {
    case kEvtConnectionComplete: {  // BR/EDR: status, handle, bdaddr, link type, encryption
      ConnectionComplete cc;
      cc.le = false;
      ByteView addr;
      if (!p.u8(cc.status) || !p.u16le(cc.handle) || !p.bytes(6, addr)) {
        ev.malformed = true;
        return;
      }
      cc.handle &= 0x0fff;
      cc.peer = BdAddr::from_le(addr);
      ev.connection = cc;
      return;
    }
    case kEvtDisconnectionComplete: {
      Disconnection d;
      if (!p.u8(d.status) || !p.u16le(d.handle) || !p.u8(d.reason)) {
        ev.malformed = true;
        return;
      }
      d.handle &= 0x0fff;
      ev.disconnection = d;
      return;
    }
    case kEvtCommandComplete: {
      CommandDone cd;
      std::uint8_t ncmd = 0;
      if (!p.u8(ncmd) || !p.u16le(cd.opcode)) {
        ev.malformed = true;
        return;
      }
      p.u8(cd.status);  // absent for some opcodes (NOP)
      ev.command = cd;
      return;
    }
    case kEvtCommandStatus: {
      CommandDone cd;
      cd.is_status = true;
      std::uint8_t ncmd = 0;
      if (!p.u8(cd.status) || !p.u8(ncmd) || !p.u16le(cd.opcode)) {
        ev.malformed = true;
        return;
      }
      ev.command = cd;
      return;
    }
    case kEvtLeMeta:
      parse_le_meta(p, ev);
      return;
    default:
      return;
  }
}

}  // namespace fe95::hci
