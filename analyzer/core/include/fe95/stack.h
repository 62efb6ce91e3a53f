// SPDX-License-Identifier: GPL-2.0-or-later
// The HCI -> L2CAP -> ATT pipeline per connection. Feeds on normalised records, keeps per-link
// state keyed by (adapter, ACL handle), and hands typed events to a Listener. It never prints.
#pragma once

#include <cstdint>
#include <memory>
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

struct Connection {
  std::uint64_t serial = 0;      // unique within a Stack, for per-connection state elsewhere
  std::uint16_t adapter = 0;
  std::uint16_t handle = 0;
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

private:
  void diagnostic(Diagnostic d) override { listener_.on_diagnostic(d); }
  void report(const Record& rec, Code code, std::string msg, ByteView raw);
  void report_cut(const Record& rec);
  void on_event(const Record& rec);
  void on_acl(const Record& rec);
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
};

}  // namespace fe95
