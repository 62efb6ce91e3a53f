// SPDX-License-Identifier: GPL-2.0-or-later
// The HCI -> L2CAP pipeline per connection, up to the ATT PDUs. Feeds on normalised records, keeps per-link
// state keyed by (adapter, ACL handle), and hands typed events to a Listener. It never prints.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "fe95/capture/capture.h"
#include "fe95/diag.h"
#include "fe95/hci/hci.h"
#include "fe95/l2cap/l2cap.h"
#include "fe95/link.h"
#include "fe95/ll/tracker.h"
#include "fe95/rfcomm/rfcomm.h"
#include "fe95/stack/bredr.h"

namespace fe95 {

struct Connection {
  Link link;  // what the layers above L2CAP see (id: unique within a Stack)
  // Over-the-air captures only (null on HCI links). A pointer among the hot fields: a PDU tests
  // it without touching the rest of the connection.
  std::unique_ptr<ll::Link> ll;
  bool le = true;
  std::uint8_t peer_addr_type = 0;
  std::uint8_t role = 0;  // local role: 0 central, 1 peripheral
  std::uint64_t connected_frame = 0;
  std::uint64_t last_frame = 0;
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
  // BR/EDR: dynamic channels and RFCOMM (stack/bredr.h), from the first signalling on CID 0x0001.
  std::unique_ptr<BrEdrChannels> bredr;
};

// What the stack hands up: links opening and closing, ATT PDUs (reassembled, unparsed: the ATT
// bearer, att/bearer.h, is the next layer for both front ends), adverts, diagnostics.
class Listener {
 public:
  virtual ~Listener() = default;
  // A connection event (HCI Connection Complete, an over-the-air CONNECT_IND): c.link.known.
  virtual void on_link_up(const Record&, const Connection&) {}
  // One ATT PDU (LE fixed channel 0x0004, or a BR/EDR channel on PSM 0x001F); rec.dir: its sender.
  virtual void on_att(const Record&, std::uint64_t /*first_frame*/, const Connection&, ByteView /*pdu*/) {}
  // An ATT PDU the capture cut (a filtered or snooz log, a snap length): `pdu` holds its first
  // bytes, `cut` more were on the wire. Listeners that need whole PDUs ignore it.
  virtual void on_cut_att(const Record&, std::uint64_t /*first_frame*/, const Connection&, ByteView /*pdu*/,
                          std::uint32_t /*cut*/) {}
  virtual void on_advert(const Record&, const hci::AdvReport&) {}
  // One RFCOMM information field of a DLC on a BR/EDR link (L2CAP PSM 3; rec.dir: its sender), as
  // RFCOMM delivers it: the next bytes of that (DLCI, direction) stream (docs/MIWEAR.md §11).
  virtual void on_rfcomm(const Record&, const Connection&, std::uint8_t /*dlci*/, ByteView /*data*/) {}
  // Every RFCOMM frame as parsed (the RFCOMM view: tests compare it with tshark's btrfcomm).
  virtual void on_rfcomm_frame(const Record&, const Connection&, const rfcomm::Session::Result&) {}
  // Called before the connection's state is dropped.
  virtual void on_disconnect(const Record&, const Connection&, std::uint8_t /*reason*/) {}
  virtual void on_diagnostic(const Diagnostic&) {}
};

class Stack final : private l2cap::DiagnosticSink, private ll::Host {
 public:
  // Live connections tracked at once. Handles are 12-bit per adapter; past the cap the link idle
  // the longest is dropped (with a diagnostic), so 100,000 handles cannot exhaust memory.
  static constexpr std::size_t kMaxConnections = 512;

  explicit Stack(Listener& listener) : listener_(listener), l2cap_(*this), ll_(*this) {}
  void feed(const Record& rec);
  // End of input: closes every live connection (sessions see their end).
  void finish(const Record& last);

 private:
  void diagnostic(Diagnostic d) override { listener_.on_diagnostic(d); }
  void report_cut(const Record& rec);
  void on_event(const Record& rec);
  void on_acl(const Record& rec);
  bool on_cut_acl(const Record& rec);
  void on_fragment(const Record& rec, const hci::AclHeader& acl);
  void on_signaling(const Record& rec, Connection& c, ByteView cmds);
  Connection& connection(std::uint16_t adapter, std::uint16_t handle, std::uint64_t frame);
  void drop(const Record& rec, std::uint32_t key, std::uint8_t reason);
  static std::uint32_t key(std::uint16_t adapter, std::uint16_t handle) {
    return static_cast<std::uint32_t>(adapter) << 16 | handle;
  }
  // ll::Host: what the link layer of sniffer captures asks of the stack.
  Connection& open_link(const Record& rec, std::uint16_t handle) override;
  Connection* link_of(std::uint16_t adapter, std::uint16_t handle) override;
  void close_link(const Record& rec, std::uint16_t adapter, std::uint16_t handle, std::uint8_t reason) override {
    drop(rec, key(adapter, handle), reason);
  }
  void link_up(const Record& rec, Connection& c) override { listener_.on_link_up(rec, c); }
  void acl(const Record& rec, const hci::AclHeader& acl) override { on_fragment(rec, acl); }
  void advert(const Record& rec, const hci::AdvReport& r) override { listener_.on_advert(rec, r); }
  void report(const Diagnostic& d) override { listener_.on_diagnostic(d); }
  void cut(const Record& rec) override { report_cut(rec); }

  Listener& listener_;
  l2cap::Reassembler l2cap_;
  ll::Tracker ll_;
  std::unordered_map<std::uint32_t, std::unique_ptr<Connection>> conns_;
  hci::Event event_;  // reused: no allocation per event
  std::uint64_t next_serial_ = 1;
};

}  // namespace fe95
