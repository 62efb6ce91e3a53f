// SPDX-License-Identifier: GPL-2.0-or-later
// A Bluetooth Classic (BR/EDR) link carrying RFCOMM, written byte-exact through a Scenario: the
// HCI connection (Create Connection, Command Status, Connection Complete with link type ACL), the
// L2CAP channel for PSM 3 (Connection Request/Response, Configuration both ways, Disconnection;
// Core v5.3 Vol 3 Part A §4), and RFCOMM on it (SABM/UA on DLCI 0, PN with credit-based flow
// control, SABM/UA on the DLC, MSC both ways, UIH data with credits, DISC/UA; RFCOMM spec and
// TS 07.10, docs/MIWEAR.md §11) as BlueZ and Android stacks order them. The phone is the host
// (sent) and initiates everything; the watch's SPP server channel is on the watch.
// HCI formats only: an LE sniffer does not hear BR/EDR.
#pragma once

#include <cstdint>

#include "fe95/bytes.h"
#include "fe95/rfcomm/rfcomm.h"
#include "scenario.h"

namespace fe95::writer {

struct RfcommOptions {
  std::uint16_t handle = 0x000b;
  BdAddr watch = *BdAddr::parse("D0:62:2C:F2:D7:80");
  std::uint16_t phone_cid = 0x0040, watch_cid = 0x0041;
  std::uint16_t l2cap_mtu = 1021;  // what each side announces in its Configuration Request
  std::uint8_t channel = 1;        // the watch's server channel (SPP): DLCI 2
  std::uint16_t max_frame = 1011;  // N1 in the PN exchange
  std::uint8_t phone_credits = 7;  // initial credits the phone gives the watch (PN command k)
  std::uint8_t watch_credits = 7;  // and the watch gives the phone (PN response k)
};

class RfcommLink {
 public:
  RfcommLink(Scenario& s, RfcommOptions o = {}) : s_(s), o_(o) {}

  void connect();  // the HCI connection
  void open();     // L2CAP channel, multiplexer, PN, the DLC, MSC both ways
  // Data from one side: UIH frames of at most N1 bytes. A side out of credits first gets new ones
  // from the other (a credit-only UIH with P/F, as BlueZ returns them).
  void send(Direction from, ByteView data);
  void close();  // DISC/UA on the DLC and DLCI 0, L2CAP disconnection, HCI disconnection

  [[nodiscard]] std::uint8_t dlci() const { return static_cast<std::uint8_t>(o_.channel << 1); }
  [[nodiscard]] const RfcommOptions& options() const { return o_; }
  // Every RFCOMM frame written, in order (what a reader must find).
  [[nodiscard]] std::uint64_t frames_written() const { return frames_; }

 private:
  void rfcomm(Direction from, const Bytes& frame);  // one B-frame to the receiver's CID
  void signal(Direction from, std::uint8_t code, const Bytes& data, bool new_id = true);
  void mux(Direction from, rfcomm::MuxType t, bool command, const Bytes& value);
  // The C/R bit of a frame (TS 07.10 §5.2.1.2): commands (SABM, DISC, UIH) carry 1 from the
  // initiator (the phone), responses (UA, DM) carry 1 from the responder.
  static bool cr(Direction from, bool command) { return (from == Direction::sent) == command; }

  Scenario& s_;
  RfcommOptions o_;
  std::uint8_t sig_id_ = 0;
  std::uint8_t credits_[2] = {0, 0};  // held by the phone (sent), the watch (rcvd)
  std::uint64_t frames_ = 0;
};

}  // namespace fe95::writer
