// SPDX-License-Identifier: GPL-2.0-or-later
// Test harness for the wearables' captures (issue 24): reads a capture's RFCOMM with the core's
// layers alone (capture reader, HCI ACL, L2CAP reassembly, the PSM 3 channel tracker,
// rfcomm::Session), as the Stack will once it is wired, so that tests can compare frame by frame
// with tshark's btrfcomm and feed the DLC streams to the wearable parsers; and the ATT values of
// an LE capture (writes and notifications), for the BLE-V1 and BLE-V2 framings.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "fe95/capture/capture.h"
#include "fe95/rfcomm/rfcomm.h"

namespace fe95::test {

struct RfcommRow {
  std::uint64_t frame = 0;
  Direction dir = Direction::unknown;
  rfcomm::Frame parsed;  // its views are cleared (the SDU is gone)
  std::vector<std::uint8_t> mux_types;
  std::vector<bool> mux_commands;
  std::optional<rfcomm::Pn> pn;
};
struct RfcommPiece {
  std::uint64_t frame = 0;
  Bytes data;
};
struct RfcommCapture {
  std::string error;  // the capture could not be read
  std::vector<RfcommRow> rows;
  std::vector<rfcomm::Event> events;  // their data views cleared
  std::vector<rfcomm::Problem> problems;
  // Every DLC's stream per direction: the pieces in order.
  std::map<std::pair<std::uint8_t, Direction>, std::vector<RfcommPiece>> streams;
  std::size_t channels_opened = 0, channels_closed = 0;
  rfcomm::Counters counters;
};
RfcommCapture read_rfcomm(const std::string& path);

struct AttValue {
  std::uint64_t frame = 0;
  Direction dir = Direction::unknown;
  std::uint8_t opcode = 0;
  std::uint16_t handle = 0;
  Bytes value;
};
// Write requests and commands, notifications and indications, in order.
std::vector<AttValue> read_att_values(const std::string& path);

}  // namespace fe95::test
