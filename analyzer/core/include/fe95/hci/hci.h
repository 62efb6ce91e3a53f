// SPDX-License-Identifier: GPL-2.0-or-later
// HCI layer: ACL headers and the events fe95 needs (Core v5.3 Vol 4 Part E §5.4, §7.7).
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "fe95/bytes.h"

namespace fe95::hci {

// Vol 4 Part E §5.4.2: handle (12 bits), packet boundary (2), broadcast (2), length (16).
struct AclHeader {
  std::uint16_t handle = 0;
  std::uint8_t pb = 0;  // 0b00 first non-flushable, 0b01 continuing, 0b10 first flushable, 0b11 complete
  std::uint8_t bc = 0;
  ByteView data;  // exactly what the length field says (checked against the packet)
};
enum : std::uint8_t { kPbFirstNonFlushable = 0, kPbContinuing = 1, kPbFirstFlushable = 2, kPbComplete = 3 };

enum class AclError : std::uint8_t { none, short_header, length_mismatch };
AclError parse_acl(ByteView pkt, AclHeader& out);

// Event codes.
enum : std::uint8_t {
  kEvtConnectionComplete = 0x03,
  kEvtDisconnectionComplete = 0x05,
  kEvtCommandComplete = 0x0e,
  kEvtCommandStatus = 0x0f,
  kEvtLeMeta = 0x3e,
};
// LE meta subevents.
enum : std::uint8_t {
  kLeConnectionComplete = 0x01,
  kLeAdvertisingReport = 0x02,
  kLeEnhancedConnectionComplete = 0x0a,
  kLeExtendedAdvertisingReport = 0x0d,
  kLeEnhancedConnectionCompleteV2 = 0x29,
};

struct ConnectionComplete {
  std::uint8_t status = 0;
  std::uint16_t handle = 0;
  std::uint8_t role = 0;  // 0 central, 1 peripheral (the local controller's role)
  std::uint8_t peer_addr_type = 0;
  BdAddr peer;
  bool le = true;
};
struct Disconnection {
  std::uint8_t status = 0;
  std::uint16_t handle = 0;
  std::uint8_t reason = 0;
};
struct AdvReport {
  std::uint16_t event_type = 0;
  std::uint8_t addr_type = 0;
  BdAddr addr;
  std::int8_t rssi = 0;
  bool extended = false;
  ByteView data;  // advertising data (AD structures)
};
struct CommandDone {
  std::uint16_t opcode = 0;
  std::uint8_t status = 0;
  bool is_status = false;
};

// One event may carry several advertising reports; fe95 reads them in sequence, as BlueZ and
// Wireshark do (the spec's array layout is never seen with Num_Reports > 1 in practice).
struct Event {
  std::uint8_t code = 0;
  std::uint8_t subevent = 0;
  std::optional<ConnectionComplete> connection;
  std::optional<Disconnection> disconnection;
  std::optional<CommandDone> command;
  std::vector<AdvReport> adverts;  // reused between calls by the caller to avoid allocation
  bool malformed = false;          // the event was shorter than its fields need
};

// Parses the events listed above; other events come back with only code/subevent set.
void parse_event(ByteView pkt, Event& out);

// AD structures (Core Supplement Part A §1): length, type, data. Calls f(type, data) for each
// well-formed one; returns false if the data ended inside a structure.
template <typename F>
bool for_each_ad(ByteView data, F&& f) {
  std::size_t i = 0;
  while (i < data.size()) {
    const std::uint8_t len = data[i];
    if (len == 0) return true;  // early terminator: the rest is padding
    if (i + 1 + len > data.size()) return false;
    f(data[i + 1], data.subspan(i + 2, len - 1u));
    i += 1u + len;
  }
  return true;
}

}  // namespace fe95::hci
