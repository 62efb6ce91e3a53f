// SPDX-License-Identifier: GPL-2.0-or-later
// The ATT bearer of each link (Core v5.3 Vol 3 Part F §3.3): the state ATT itself keeps between
// PDUs, in one place for both front ends. Fed raw ATT PDUs per link (from the CLI's L2CAP
// reassembly or from the bytes Wireshark's btatt dissected), it parses each PDU, matches responses
// to requests and confirmations to indications (ATT is sequential per direction: a response takes
// its request's handle, as Wireshark shows it), follows the MTU exchange, learns each side's GATT
// map from discovery (gatt.h), remembers the map of a disconnected peer for its next connection
// (devices keep their handles; Android relies on it), and hands every PDU on as an AttEvent.
#pragma once

#include <cstdint>
#include <unordered_map>
#include <vector>

#include "fe95/att/att.h"
#include "fe95/att/gatt.h"
#include "fe95/capture/capture.h"
#include "fe95/diag.h"
#include "fe95/link.h"

namespace fe95::att {

// What ATT keeps for one link.
struct LinkState {
  std::uint16_t mtu = 23;  // ATT_MTU after Exchange MTU (default 23)
  std::uint16_t client_mtu = 0;
  // [0]: the server across the link (the host is its client: its requests are "sent");
  // [1]: the local server (the peer is the client: its requests are "rcvd").
  gatt::Server servers[2];
  gatt::Request pending[2];  // outstanding request per requester: [0] sent, [1] rcvd
  gatt::Request pending_indication[2];
  bool gatt_cap_reported = false;
};

struct Event {
  const Record& rec;          // the record that completed the PDU
  std::uint64_t first_frame;  // the record that started it (fragmented SDUs)
  const Link& link;
  const LinkState& state;
  const Pdu& pdu;                // for responses and confirmations: the handle of what they answer
  const gatt::Server& server;    // the server the PDU's handle belongs to
  const gatt::Service* service;  // where the GATT map knows the handle
  const gatt::Attribute* attribute;
  const gatt::Request* request;  // for responses and confirmations: what they answer
  std::uint32_t cut = 0;         // bytes of the PDU the capture left out (a filtered or snooz log, a snap length)
};

class Listener {
 public:
  virtual ~Listener() = default;
  virtual void on_att(const Event&) = 0;
  virtual void on_diagnostic(const Diagnostic&) {}
};

class Bearers {
 public:
  // GATT maps of disconnected peers, kept by (adapter, address): the oldest is forgotten.
  static constexpr std::size_t kMaxRememberedPeers = 64;

  explicit Bearers(Listener& listener) : listener_(listener) {}
  // A connection event: a known peer gets the map it had when it last disconnected.
  void open(const Link& link);
  // The link closed: its state goes, a known peer's remote map is remembered.
  void close(const Link& link, std::uint64_t frame);
  // One ATT PDU of the link (rec.dir: who sent it). Malformed PDUs are reported; a known opcode
  // with a bad length is still handed on (as Wireshark shows it). `cut`: bytes of the PDU the
  // capture left out; such a PDU is handed on with what survives (no length error is reported for
  // it, and no GATT map is learned from it).
  void pdu(const Record& rec, std::uint64_t first_frame, const Link& link, ByteView bytes, std::uint32_t cut = 0);
  // Another dissector declares what a handle is (the plugin's Decode As): recorded in the remote
  // server's map as a characteristic value of `service`.
  void declare(const Link& link, std::uint16_t handle, const Uuid& service, const Uuid& uuid);
  [[nodiscard]] const LinkState* state(std::uint64_t link) const;

 private:
  LinkState& state_of(const Link& link);

  Listener& listener_;
  std::unordered_map<std::uint64_t, LinkState> links_;  // by Link::id; the front end bounds its links
  struct Remembered {
    BdAddr peer;
    std::uint16_t adapter;
    gatt::Server server;
  };
  std::vector<Remembered> remembered_;  // at most kMaxRememberedPeers, oldest first
};

}  // namespace fe95::att
