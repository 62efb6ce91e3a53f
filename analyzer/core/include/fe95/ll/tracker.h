// SPDX-License-Identifier: GPL-2.0-or-later
// The link layer of LE sniffer captures (docs/LL_CAPTURES.md §4-§5): over-the-air packets become
// what the HCI path already consumes. Advertising PDUs become advertising reports (an advert heard
// on three channels counts once; extended adverts are rebuilt from their AUX chain); CONNECT_IND
// opens a connection whose peer is the peripheral (the device); data PDUs become ACL start and
// continuation fragments for the stack's L2CAP reassembly and ATT. CRC-bad packets,
// retransmissions and ciphertext are counted, never decoded.
//
// The tracker owns the link layer's state; the stack above it (stack/stack.h) owns the
// connections and hands it each PacketType::ll record (ll::Host is what the tracker asks of it).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>

#include "fe95/bytes.h"
#include "fe95/capture/capture.h"
#include "fe95/diag.h"
#include "fe95/hci/hci.h"

namespace fe95 {
struct Connection;
}

namespace fe95::ll {

// An over-the-air connection (§5): found by its CONNECT_IND, or by its access address when the
// capture starts mid-connection. Directions are the link layer's: sent = central to peripheral.
struct Link {
  std::uint32_t access_address = 0;
  unsigned instance = 1;          // 2, 3, ... when a later CONNECT_IND reuses the address
  bool from_connect_ind = false;  // else the addresses are unknown (--mac gives the device's)
  BdAddr central;
  std::uint8_t central_type = 0;
  std::optional<std::uint32_t> crc_init;
  std::uint16_t interval = 0;  // x 1.25 ms
  std::uint64_t first_frame = 0;
  // What the link layer saw.
  std::uint64_t pdus = 0, empty = 0, duplicates = 0, crc_bad = 0, encrypted = 0, dir_inferred = 0, dir_header = 0,
                control = 0, sn_anomalies = 0,
                dir_disagreements = 0,  // header says peripheral, timing says the central opened an event
      connection_updates = 0, phy_updates = 0;
  std::uint64_t enc_request_frame = 0, enc_start_frame = 0;
  std::string pairing;  // "LE Secure Connections" / "legacy" when the SMP exchange was seen
  bool terminated = false;
  // Per direction (0 sent, 1 rcvd): the last PDU accepted, for retransmissions (SN and bytes).
  struct Side {
    bool have = false;
    std::uint8_t sn = 0;
    bool acked = false;  // the other side acknowledged it (its NESN moved past sn)
    Bytes last;
  } side[2];
  std::int64_t last_us = 0;  // time of the last PDU, for direction inference
  Direction last_dir = Direction::unknown;
  bool have_last = false;
  bool encrypting = false;                 // after LL_START_ENC_REQ, when the header says nothing
  [[nodiscard]] std::string name() const;  // "LL 0x8edf9233", "LL 0x8edf9233 #2"
};

// What the link layer asks of the stack above it.
class Host {
 public:
  virtual ~Host() = default;
  // A new connection under fe95's own handle (the stack keys it as an HCI one), its Link unset.
  virtual Connection& open_link(const Record& rec, std::uint16_t handle) = 0;
  virtual Connection* link_of(std::uint16_t adapter, std::uint16_t handle) = 0;
  // Drops the connection (the tracker hears of it through closing()).
  virtual void close_link(const Record& rec, std::uint16_t adapter, std::uint16_t handle, std::uint8_t reason) = 0;
  // A CONNECT_IND opened the connection: its link is known.
  virtual void link_up(const Record& rec, Connection& c) = 0;
  // A data PDU as an ACL fragment of the connection (rec.dir: its direction).
  virtual void acl(const Record& rec, const hci::AclHeader& acl) = 0;
  virtual void advert(const Record& rec, const hci::AdvReport& r) = 0;
  virtual void report(const Diagnostic& d) = 0;
  virtual void cut(const Record& rec) = 0;  // a record cut by the snap length
};

class Tracker {
 public:
  // Gap that opens a connection event, for direction inference on captures whose header gives
  // none (docs/LL_CAPTURES.md §4.1: 2.5 ms gave every direction right on the bsniffhub captures).
  static constexpr std::int64_t kEventGapUs = 2500;
  // Devices whose last advert is remembered, to count an advert heard on three channels once.
  static constexpr std::size_t kMaxAdvertisers = 4096;
  // Extended advertising chains being rebuilt at once, and their size (Core: 1,650 bytes).
  static constexpr std::size_t kMaxChains = 64, kMaxChainBytes = 1650;

  explicit Tracker(Host& host) : host_(host) {}
  // One PacketType::ll record.
  void feed(const Record& rec);
  // The stack drops connection c (an over-the-air one): its state here goes.
  void closing(const Record& rec, const Connection& c, std::uint8_t reason);
  // End of input, after every connection closed: the packets skipped for their CRC, once.
  void finish(const Record& last);

 private:
  void adv(const Record& rec, std::uint8_t header, ByteView payload);
  void ext_adv(const Record& rec, std::uint8_t header, ByteView payload);
  void connect(const Record& rec, std::uint8_t header, ByteView payload);
  void data(const Record& rec, std::uint32_t aa, ByteView pdu);
  void control(const Record& rec, Connection& c, ByteView payload);
  void advert(const Record& rec, const hci::AdvReport& r);
  Connection& open(const Record& rec, std::uint32_t aa);
  Connection* live(std::uint32_t aa);

  Host& host_;
  // The live connection of each access address (the stack's adapter and handle), how often each
  // address began a connection, the last advert per device (three channels, one advert), chains
  // being rebuilt.
  std::unordered_map<std::uint32_t, std::pair<std::uint16_t, std::uint16_t>> by_aa_;
  std::unordered_map<std::uint32_t, unsigned> instances_;  // at most 65,536 addresses, then forgotten
  // Access addresses whose connection ended with LL_TERMINATE_IND: the last acks that follow are
  // that connection's, not a new one's (until a CONNECT_IND uses the address again).
  std::unordered_map<std::uint32_t, std::uint64_t> closed_;
  std::uint16_t next_handle_ = 0;
  struct LastAdvert {
    Bytes data;
    std::int64_t us = 0;
  };
  std::unordered_map<std::uint64_t, LastAdvert> adverts_;
  struct Chain {
    BdAddr addr;
    std::uint8_t addr_type = 0;
    bool has_addr = false;
    Bytes data;
    std::uint64_t frame = 0;
  };
  std::unordered_map<std::uint16_t, Chain> chains_;  // by ADI
  std::uint64_t crc_bad_adv_ = 0, crc_bad_data_ = 0, crc_bad_links_ = 0, adv_duplicates_ = 0;
  Bytes scratch_;
};

}  // namespace fe95::ll
