// SPDX-License-Identifier: GPL-2.0-or-later
// The plugin's state for one open capture: the key store, the core's Analysis (the same
// orchestrator the CLI runs), the input adapter that feeds it from Wireshark's fields, and the
// per-frame store its events are folded into on the first pass. Created by the one init routine of
// the plugin (a capture's start) and dropped by its cleanup routine.
//
// What is Wireshark's stays here: reading other dissectors' fields and bytes (input.cc), storing
// what a frame learned for later passes, and the trees (packet-miauth.cc, packet-mibeacon.cc).
// What is the protocol's is the core's: request pairing, GATT maps, characteristic roles, the
// session machines, MiBeacon decoding and its retransmission rule, and every write to the keys.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "fe95/analysis/analysis.h"
#include "fe95/lru.h"
#include "fe95/miauth/session.h"
#include "fe95/miwear/session.h"
#include "fe95/stdauth/session.h"
#include "plugin.h"

namespace fe95::plugin {

// Where a frame's ATT PDU and its parts sit, kept from the first pass (tshark's second pass may
// get no primed tree): offsets from the opcode, -1 when absent.
struct Layout {
  int pdu_in_frame = -1;  // the opcode's offset in the frame's own bytes; -1: in a reassembled SDU
  int handle_at = -1, value_at = -1, value_len = 0;
  std::uint32_t request_frame = 0;  // the request a response answers (the bearer's pairing)
};

// ---- the per-frame store: what each frame showed when it was first dissected ----
struct StepView {
  const session::Family* family = nullptr;
  std::uint64_t session = 0;  // the session's first frame
  session::Kind kind = session::Kind::register_session;
  std::uint8_t step = 0;  // in the family's words (Family::steps)
  std::uint16_t handle = 0;
  Bytes value, plaintext;
  std::uint8_t what = 0;                  // in the family's words (Family::values)
  std::optional<session::Status> status;  // when definite at this frame
  bool verdict = false;                   // this frame settles the session's status
  std::uint64_t verdict_frame = 0;
  std::string device;
  std::optional<Token> token;
  std::optional<Source> token_source;
  // Legacy.
  std::optional<Token> session_key;
  std::optional<miauth::Word> tick;
  std::optional<std::uint16_t> product_id;
  std::optional<Source> pid_source;
  // Standard auth.
  Bytes message;  // the message this frame completed, or the 55 AB frame it ended
  std::uint8_t message_type = 0;
  std::optional<std::uint32_t> counter;
  std::optional<stdauth::SessionKeys> keys;
};
struct SessionView {
  std::uint64_t first = 0, last = 0;
  session::Kind kind = session::Kind::register_session;
  session::Status status = session::Status::incomplete;
  bool verdict = false;  // the status is announced here (not settled earlier, or changed)
  std::uint64_t verdict_frame = 0;
  session::EndReason end = session::EndReason::end_of_capture;
  std::string device;
  std::optional<Token> token;
  std::optional<std::string> firmware, device_id;
  std::optional<BeaconKey> beacon_key;
  std::optional<bool> bond;
};
struct FindingView {
  std::uint64_t session = 0;  // 0: about a link, no session
  Code code = Code::cut_by_disconnect;
  std::string message;
  std::vector<std::uint64_t> frames;
};
struct BeaconView {
  std::size_t sd_index = 0;       // which FE95 service data entry of the frame (usually the only one)
  int in_frame = -1, length = 0;  // its offset and length in the frame's own bytes (-1: elsewhere)
  mibeacon::Frame frame;
  bool retransmission = false;
};
// The wearables (packet-miwear.cc): what a step of the family showed, and its sessions' ends.
struct WearStepView {
  std::uint64_t session = 0;  // the session's first frame
  std::uint8_t step = 0;      // miwear::Step
  std::uint16_t handle = 0;   // the ATT handle, or the DLCI over RFCOMM
  Bytes value;
  miwear::Transport transport = miwear::Transport::ble_v1;
  std::optional<session::Status> status;  // when definite at this frame
  bool verdict = false;
  std::uint64_t verdict_frame = 0;
  std::string device;
  // What this step made known: the keys (the watch's proof), the device info (step 3), the result.
  std::optional<miwear::SessionKeys> keys;
  std::optional<Source> key_source;
  std::optional<miwear::DeviceInfo> device_info;
  std::optional<bool> device_info_tag_ok;
  std::optional<std::uint64_t> result, error_code;
  std::vector<miwear::Message> messages;  // completed by this step
  std::vector<miwear::FileReport> files;
};
struct WearSessionView {
  std::uint64_t first = 0, last = 0;
  session::Status status = session::Status::incomplete;
  bool verdict = false;
  std::uint64_t verdict_frame = 0;
  session::EndReason end = session::EndReason::end_of_capture;
  std::string device;
  miwear::Transport transport = miwear::Transport::ble_v1;
};
// Where the frame's RFCOMM information field lies in its own bytes (-1: not in them).
struct RfcommLayout {
  int at = -1, len = 0;
};

struct FrameData {
  Layout att;
  std::vector<StepView> steps;  // one, except when two sessions of a link both take a PDU
  std::vector<SessionView> ends;
  std::vector<FindingView> findings;
  std::vector<BeaconView> beacons;
  // The wearables' family (its own protocol, miwear).
  RfcommLayout rfcomm;
  std::vector<WearStepView> wear_steps;
  std::vector<WearSessionView> wear_ends;
  std::vector<FindingView> wear_findings;
};

// ---- input.cc: Wireshark's view of a frame -> the Analysis' narrow input ----
class Input {
 public:
  // Links followed at once (README, Caps): past it the least recently used is closed, and its
  // sessions end link_dropped.
  static constexpr std::size_t kMaxLinks = 512;

  static void want_fields(GArray* wanted);
  // Where the frame's ATT PDU sits (btatt's opcode field: its data source and offset), in this
  // pass's tree; null when btatt shows no PDU.
  static const field_info* pdu_field(proto_tree* tree);
  // The FE95 service data entries of the frame, in frame order.
  static std::vector<field_info*> fe95_service_data(proto_tree* tree);

  // The service data entry being fed (the store files the beacon under it).
  struct BeaconSlot {
    std::size_t sd_index = 0;
    int in_frame = -1, length = 0;
  };
  // Feeds one frame's link events, ATT PDU and adverts to the analysis (first pass only).
  // token_handle_declared: Decode As named this frame's handle the token characteristic.
  void read_frame(tvbuff_t* frame_tvb, packet_info* pinfo, proto_tree* tree, bool token_handle_declared,
                  Analysis& analysis, Layout& layout, BeaconSlot& slot, RfcommLayout& rfcomm);

 private:
  struct Slot {
    Link link;
    Bytes last_att[2];  // over the air: the last ATT PDU per direction (btle's retransmissions)
  };
  // The link of `key`, opened when new (handle: the ACL handle, 0 over the air; aa: the access
  // address over the air, 0 on HCI).
  Slot& slot(std::uint64_t key, const Record& rec, Analysis& analysis, std::uint16_t handle, std::uint32_t aa);
  void end(std::uint64_t key, const Record& rec, Analysis& analysis, session::EndReason why);
  // RFCOMM as btrfcomm dissected it: each UIH information field of a DLC to the analysis.
  void read_rfcomm(tvbuff_t* frame_tvb, proto_tree* tree, const Record& rec, Slot& s, Analysis& analysis,
                   RfcommLayout& layout);

  LruMap<Slot> links_{kMaxLinks};
  std::uint64_t next_id_ = 1;
};

// ---- capture.cc ----
class Capture final : public AnalysisSink {
 public:
  Capture();
  Capture(const Capture&) = delete;
  Capture& operator=(const Capture&) = delete;

  void first_pass(tvbuff_t* tvb, packet_info* pinfo, proto_tree* tree);
  [[nodiscard]] const FrameData* frame(std::uint32_t num) const {
    auto it = frames_.find(num);
    return it == frames_.end() ? nullptr : &it->second;
  }
  // Decode As: btatt handed this frame's value to the MiAuth handle dissector.
  void declare_token_handle() { token_handle_declared_ = true; }

 private:
  void on_att(const att::Event& ev) override;
  void on_step(const session::Session& s, const session::StepRecord& r) override;
  void on_finding(const session::Session& s, const session::Finding& f) override;
  void on_session(const session::Session& s) override;
  void on_diagnostic(const Diagnostic& d) override;
  void on_beacon(const BeaconEvent& b) override;
  void on_wear_step(const miwear::Session& s, const session::StepRecord& r);
  // The status announced for a running session: whether this frame announces it, and where it was.
  std::pair<bool, std::uint64_t> announce(const session::Session& s);
  FrameData& current() { return frames_[current_]; }

  KeyStore keys_;
  Analysis analysis_;
  Input input_;
  Input::BeaconSlot slot_;
  std::unordered_map<std::uint32_t, FrameData> frames_;
  // The status announced (and the frame) per running session, by its first frame: a verdict is
  // told once, where it is settled. Erased at the session's end, so bounded by the live links.
  std::unordered_map<std::uint64_t, std::pair<session::Status, std::uint32_t>> announced_;
  std::uint32_t current_ = 0;
  bool token_handle_declared_ = false;
};

// The open capture's state (created on demand; the init routine starts a fresh one).
Capture& capture();
void register_capture_routines();

}  // namespace fe95::plugin
