// SPDX-License-Identifier: GPL-2.0-or-later
// The MiAuth plugin's input: btatt's and bthci's fields of one frame become the tracker's narrow
// miauth::Input, with per-link state keyed by (interface, adapter, connection handle) as
// Wireshark's own Bluetooth dissectors key it. Links are capped (the least recently used is
// dropped, and its session ends as link_dropped).
#pragma once

#include <cstdint>

#include "fe95/lru.h"
#include "fe95/miauth/session.h"
#include "fe95/stdauth/tracker.h"
#include "plugin.h"

namespace fe95::plugin {

// The two session machines fed from the same ATT events: legacy and standard auth.
struct Trackers {
  miauth::Tracker& legacy;
  stdauth::Tracker& standard;
  void on_att(const miauth::Input& in) {
    legacy.on_att(in);
    standard.on_att(in);
  }
  void on_link_end(std::int64_t ts_ns, std::uint64_t link, miauth::EndReason why) {
    legacy.on_link_end(ts_ns, link, why);
    standard.on_link_end(ts_ns, link, why);
  }
};

class BtattInput {
public:
  static constexpr std::size_t kMaxLinks = 512;

  static void want_fields(GArray* wanted);
  // Where the frame's ATT PDU sits (btatt's opcode field: its data source and offset), in this
  // pass's tree; null when btatt shows no PDU.
  static const field_info* pdu_field(proto_tree* tree);
  // The parts of the PDU read_frame() fed to the tracker, as offsets from the opcode (-1: none),
  // and the frame of the request a response answers (0: none).
  struct Layout {
    int pdu_in_frame = -1;  // the opcode's offset in the frame's own bytes; -1: in a reassembled SDU
    int handle_at = -1, value_at = -1, value_len = 0;
    std::uint32_t request_frame = 0;
  };
  [[nodiscard]] const Layout& layout() const { return layout_; }
  // Feeds one frame's connection events and ATT PDU to the tracker (first pass only).
  // forced_value: the value Decode As handed over, when btatt showed none.
  void read_frame(tvbuff_t* frame_tvb, packet_info* pinfo, proto_tree* tree, const Bytes* forced_value,
                  Trackers& tracker);

private:
  struct Link final : miauth::Discovery {
    std::uint64_t serial = 0;
    std::optional<BdAddr> peer;
    std::int64_t connected_ns = 0;
    std::uint16_t token = 0;        // value handle of 0x0001 in service 0xFE95, from btatt's fields
    // The handle of the outstanding request per requester (0: sent by the host, 1: received) and
    // of the outstanding indication per sender: their responses and confirmations carry none.
    std::uint16_t request[2] = {0, 0};
    std::uint32_t request_frame[2] = {0, 0};
    std::uint16_t indication[2] = {0, 0};
    std::string label;              // over-the-air links: "LL 0x8edf9233"
    Bytes last_att[2];              // over-the-air links: the last ATT PDU per direction
    [[nodiscard]] std::uint16_t token_handle() const override { return token; }
  };
  Link& link(std::uint64_t key, Trackers& tracker, std::int64_t ts_ns);
  void end(std::uint64_t key, Trackers& tracker, std::int64_t ts_ns, miauth::EndReason why);

  LruMap<Link> links_{kMaxLinks};
  Layout layout_;
  std::uint64_t next_serial_ = 1;
};

}  // namespace fe95::plugin
