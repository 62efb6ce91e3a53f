// SPDX-License-Identifier: GPL-2.0-or-later
// The HCI -> L2CAP -> ATT pipeline per connection. Feeds on normalised records, keeps per-link
// state keyed by (adapter, ACL handle), and hands typed events to a Listener. It never prints.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "fe95/att.h"
#include "fe95/capture.h"
#include "fe95/diag.h"
#include "fe95/gatt.h"
#include "fe95/hci.h"
#include "fe95/l2cap.h"

namespace fe95 {

// Disconnect reasons that are not HCI error codes (Vol 1 Part F): why fe95 itself closed a link.
inline constexpr std::uint8_t kReasonEndOfCapture = 0xfd;  // the capture ended with the link up
inline constexpr std::uint8_t kReasonSuperseded = 0xfe;    // a new connection reused the handle
inline constexpr std::uint8_t kReasonEvicted = 0xff;       // dropped by kMaxConnections

// An over-the-air connection of an LE sniffer capture (../shared/docs/LL_CAPTURES.md §5): found
// by its CONNECT_IND, or by its access address when the capture starts mid-connection. Directions
// are the link layer's: sent = central to peripheral.
struct LlLink {
  std::uint32_t access_address = 0;
  unsigned instance = 1;            // 2, 3, ... when a later CONNECT_IND reuses the address
  bool from_connect_ind = false;    // else the addresses are unknown (--mac gives the device's)
  BdAddr central;
  std::uint8_t central_type = 0;
  std::optional<std::uint32_t> crc_init;
  std::uint16_t interval = 0;       // x 1.25 ms
  std::uint64_t first_frame = 0;
  // What the link layer saw.
  std::uint64_t pdus = 0, empty = 0, duplicates = 0, crc_bad = 0, encrypted = 0, dir_inferred = 0,
                dir_header = 0, control = 0, sn_anomalies = 0,
                dir_disagreements = 0,  // header says peripheral, timing says the central opened an event
                connection_updates = 0, phy_updates = 0;
  std::uint64_t enc_request_frame = 0, enc_start_frame = 0;
  std::string pairing;              // "LE Secure Connections" / "legacy" when the SMP exchange was seen
  bool terminated = false;
  // Per direction (0 sent, 1 rcvd): the last PDU accepted, for retransmissions (SN and bytes).
  struct Side {
    bool have = false;
    std::uint8_t sn = 0;
    bool acked = false;  // the other side acknowledged it (its NESN moved past sn)
    Bytes last;
  } side[2];
  std::int64_t last_us = 0;         // time of the last PDU, for direction inference
  Direction last_dir = Direction::unknown;
  bool have_last = false;
  bool encrypting = false;          // after LL_START_ENC_REQ, when the header says nothing
  [[nodiscard]] std::string name() const;  // "LL 0x8edf9233", "LL 0x8edf9233 #2"
  std::string label;                // name(), kept (the trackers' Input points at it)
};

struct Connection {
  std::uint64_t serial = 0;      // unique within a Stack, for per-connection state elsewhere
  std::uint16_t adapter = 0;
  std::uint16_t handle = 0;
  // Over-the-air captures only (null on HCI links). A pointer among the hot fields: an ATT event
  // tests it without touching the rest of the connection.
  std::unique_ptr<LlLink> ll;
  bool known = false;            // a connection-complete event was seen
  bool le = true;
  BdAddr peer;
  std::uint8_t peer_addr_type = 0;
  std::uint8_t role = 0;         // local role: 0 central, 1 peripheral
  std::int64_t connected_ns = 0;
  std::uint64_t connected_frame = 0;
  std::uint64_t last_frame = 0;
  std::uint16_t mtu = 23;        // ATT_MTU after Exchange MTU (default 23)
  std::uint16_t client_mtu = 0;
  // [0]: the server across the link (we, the host, are its client: requests are "sent");
  // [1]: the local server (the peer is the client: requests are "rcvd").
  gatt::Server servers[2];
  gatt::Request pending[2];      // outstanding request per requester: [0] sent, [1] rcvd
  gatt::Request pending_indication[2];
  bool gatt_cap_reported = false;
  // ATT over a connection-oriented L2CAP channel (BR/EDR, PSM 0x001F; Vol 3 Part G §5.1),
  // learned from Connection Request/Response: the destination CID seen in each direction.
  struct Channel {
    Direction dir;
    std::uint16_t cid;
  };
  std::vector<Channel> att_channels;  // at most kMaxChannels
  struct ChannelRequest {
    Direction dir;  // who sent the Connection Request
    std::uint8_t id;
    std::uint16_t scid;
  };
  std::vector<ChannelRequest> channel_requests;
  static constexpr std::size_t kMaxChannels = 8;
};

struct AttEvent {
  const Record& rec;             // the record that completed the PDU
  std::uint64_t first_frame;     // the record that started it (fragmented SDUs)
  Connection& conn;
  const att::Pdu& pdu;
  const gatt::Server& server;    // the server the PDU's handle belongs to
  const gatt::Service* service;  // where the GATT map knows the handle
  const gatt::Attribute* attribute;
  const gatt::Request* request;  // for responses: the request it answers
};

class Listener {
public:
  virtual ~Listener() = default;
  virtual void on_att(const AttEvent&) {}
  virtual void on_advert(const Record&, const hci::AdvReport&) {}
  // Called before the connection's state is dropped.
  virtual void on_disconnect(const Record&, const Connection&, std::uint8_t /*reason*/) {}
  virtual void on_diagnostic(const Diagnostic&) {}
};

class Stack final : private l2cap::DiagnosticSink {
public:
  // Live connections tracked at once. Handles are 12-bit per adapter; past the cap the link idle
  // the longest is dropped (with a diagnostic), so 100,000 handles cannot exhaust memory.
  static constexpr std::size_t kMaxConnections = 512;
  // GATT maps of disconnected peers, kept by address: a device's handles do not change between
  // connections (Android relies on it and caches GATT; Wireshark keeps them too).
  static constexpr std::size_t kMaxRememberedPeers = 64;

  explicit Stack(Listener& listener) : listener_(listener), l2cap_(*this) {}
  void feed(const Record& rec);
  // End of input: closes every live connection (sessions see their end).
  void finish(const Record& last);

  // Gap that opens a connection event, for direction inference on captures whose header gives
  // none (LL_CAPTURES §4.1: 2.5 ms gave every direction right on the bsniffhub captures).
  static constexpr std::int64_t kEventGapUs = 2500;
  // Devices whose last advert is remembered, to count an advert heard on three channels once.
  static constexpr std::size_t kMaxAdvertisers = 4096;
  // Extended advertising chains being rebuilt at once, and their size (Core: 1,650 bytes).
  static constexpr std::size_t kMaxChains = 64, kMaxChainBytes = 1650;

private:
  void diagnostic(Diagnostic d) override { listener_.on_diagnostic(d); }
  void report(const Record& rec, Code code, std::string msg, ByteView raw);
  void report_cut(const Record& rec);
  void on_event(const Record& rec);
  void on_acl(const Record& rec);
  void on_fragment(const Record& rec, const hci::AclHeader& acl);
  // Over-the-air packets (stack_ll.cc).
  void on_ll(const Record& rec);
  void on_ll_adv(const Record& rec, std::uint8_t header, ByteView payload);
  void on_ll_ext_adv(const Record& rec, std::uint8_t header, ByteView payload);
  void on_ll_connect(const Record& rec, std::uint8_t header, ByteView payload);
  void on_ll_data(const Record& rec, std::uint32_t aa, ByteView pdu);
  void on_ll_control(const Record& rec, Connection& c, ByteView payload);
  void advert(const Record& rec, const hci::AdvReport& r);
  void on_att(const Record& rec, std::uint64_t first_frame, Connection& c, ByteView pdu);
  void on_signaling(const Record& rec, Connection& c, ByteView cmds);
  Connection& connection(std::uint16_t adapter, std::uint16_t handle, std::uint64_t frame);
  void drop(const Record& rec, std::uint32_t key, std::uint8_t reason);
  static std::uint32_t key(std::uint16_t adapter, std::uint16_t handle) {
    return static_cast<std::uint32_t>(adapter) << 16 | handle;
  }

  Listener& listener_;
  l2cap::Reassembler l2cap_;
  std::unordered_map<std::uint32_t, std::unique_ptr<Connection>> conns_;
  struct Remembered {
    BdAddr peer;
    std::uint16_t adapter;
    gatt::Server server;
    std::uint64_t frame;
  };
  std::vector<Remembered> remembered_;  // at most kMaxRememberedPeers, oldest dropped first
  hci::Event event_;  // reused: no allocation per event
  std::uint64_t next_serial_ = 1;
  // Over the air: the live connection of each access address, how often each address began a
  // connection, the last advert per device (three channels, one advert), chains being rebuilt.
  std::unordered_map<std::uint32_t, std::uint32_t> ll_by_aa_;  // access address -> conns_ key
  std::unordered_map<std::uint32_t, unsigned> ll_instances_;  // at most 65,536 addresses, then forgotten
  // Access addresses whose connection ended with LL_TERMINATE_IND: the last acks that follow are
  // that connection's, not a new one's (until a CONNECT_IND uses the address again).
  std::unordered_map<std::uint32_t, std::uint64_t> ll_closed_;
  std::uint16_t ll_next_handle_ = 0;
  struct LastAdvert {
    Bytes data;
    std::int64_t us = 0;
  };
  std::unordered_map<std::uint64_t, LastAdvert> ll_adverts_;
  struct Chain {
    BdAddr addr;
    std::uint8_t addr_type = 0;
    bool has_addr = false;
    Bytes data;
    std::uint64_t frame = 0;
  };
  std::unordered_map<std::uint16_t, Chain> ll_chains_;  // by ADI
  std::uint64_t ll_crc_bad_adv_ = 0, ll_crc_bad_data_ = 0, ll_crc_bad_links_ = 0, ll_adv_duplicates_ = 0;
  Bytes ll_scratch_;
};

}  // namespace fe95
