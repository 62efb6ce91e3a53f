// SPDX-License-Identifier: GPL-2.0-or-later
// The wearables' session machine (docs/MIWEAR.md §12): a family of the session layer, beside the
// legacy and the standard one. It consumes the layer's Input from two carriers:
//   - ATT PDUs on FE95 (on_att): BLE-V1's rxfer characteristics 0x0051/0x0052/0x0053/0x0055 and
//     BLE-V2's pair 0x005E/0x005F, by their roles from GATT discovery, or by the auth's content
//     when the capture has no discovery;
//   - RFCOMM data (on_rfcomm): the information fields of one DLC in one direction, as the Stack
//     (or Wireshark's btrfcomm, in the plugin) delivers them; Input::handle is the DLCI, value the
//     bytes. A DLC is the wearables' when its data starts with SPP-V1's BA DC FE or SPPv2's A5 A5.
// It emits the layer's events with sessions of its own type (miwear::Session), reads the key
// store (auth keys are given, never learned) and never writes it.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <unordered_map>
#include <utility>
#include <vector>

#include "fe95/keys/keys.h"
#include "fe95/miwear/session.h"
#include "fe95/miwear/sppv1.h"
#include "fe95/miwear/sppv2.h"
#include "fe95/miwear/v1.h"
#include "fe95/session/session.h"

namespace fe95::miwear {

class Tracker {
 public:
  // Steps kept per session (each is still reported to the sink), findings per session (a code's
  // repeats are counted, not reported: Data::repeated), wearable channels followed at once (a GATT
  // link, an RFCOMM DLC: past it the one idle longest ends, link_dropped). A channel's buffers are
  // the framings' own caps (v1.h, sppv1.h, sppv2.h); its files cost a few bytes (files.h).
  static constexpr std::size_t kMaxSteps = 2048;
  static constexpr std::size_t kMaxFindings = 64;
  static constexpr std::size_t kMaxChannels = 16;

  Tracker(const KeyStore& keys, session::Sink& sink) : keys_(keys), sink_(sink) {}

  // Whether on_att() can do anything with this PDU: a wearable role, a link already followed, or
  // (without discovery) a value that starts the auth. Inline: most PDUs of most captures cost a test.
  [[nodiscard]] bool wants(const session::Input& in) const {
    if (is_wear_role(in.role)) return true;
    if (in.role != session::Role::unknown) return false;
    if (!gatt_links_.empty() && gatt_links_.count(in.link)) return true;
    return starts_auth(in.value);
  }
  void on_att(const session::Input& in);
  // One RFCOMM information field of DLC in.handle, sent by in.dir.
  void on_rfcomm(const session::Input& in);
  // The link ended: its sessions end (why), their framings' unfinished parts are findings.
  void on_link_end(std::int64_t ts_ns, std::uint64_t link, session::EndReason why);

  static bool is_wear_role(session::Role r) {
    return r == session::Role::wear_read || r == session::Role::wear_write || r == session::Role::wear_activity ||
           r == session::Role::wear_upload || r == session::Role::wear_v2_rx || r == session::Role::wear_v2_tx;
  }
  // A BLE-V1 single frame with the auth (00 00 02 02, then a type-1 envelope of subtype 26 or 5),
  // or the start of BLE-V2's session (A5 A5 02 00): how a capture without discovery is recognised.
  static bool starts_auth(ByteView v);

 private:
  enum class Mode : std::uint8_t { gatt, spp_v1, spp_v2 };
  // A message as its framing completed it, before it is opened.
  struct Raw {
    Dir from = Dir::to_watch;
    std::uint16_t channel = 0;
    std::vector<std::uint64_t> frames;
    std::uint64_t more_frames = 0;
    bool encrypted = false;
    // AES-CCM (§4.1): the nonce's counter, whether the wire carried it, and where ciphertext||tag
    // starts in `bytes` (too_short: no room for a tag).
    std::uint32_t counter = 0;
    bool counter_on_wire = false, too_short = false;
    std::size_t body_at = 0;
    bool ctr = false;  // AES-CTR (SPPv2 opcode 2, §4.2)
    Bytes bytes;       // as reassembled
    Content content = Content::protobuf;
    bool version = false;  // SPP-V1's version probe or answer
  };
  struct Channel {
    std::uint64_t link = 0;
    std::optional<std::uint8_t> dlci;
    Mode mode = Mode::gatt;
    std::uint64_t last_frame = 0;
    std::optional<Session> session;
    // GATT: BLE-V1 per characteristic (0x0051, 0x0052, 0x0053, 0x0055), handles learned from the
    // traffic when discovery gave no role.
    std::array<V1Channel, 4> v1;
    std::vector<std::pair<std::uint16_t, session::Role>> learned;
    // The streams: BLE-V2 and SPP-V2, SPP-V1 per direction.
    SppV2Link v2;
    std::array<SppV1Stream, 2> spp1;
    // Files: activity from the watch, uploads from the phone.
    FileStream activity{FileKind::activity}, upload{FileKind::upload};
  };
  using Key = std::pair<std::uint64_t, int>;  // (link, DLCI; -1 for the GATT link)

  Channel* channel(const session::Input& in, int dlci, Mode mode);
  void unit(Channel& c, const session::Input& in, Dir from, std::vector<Raw> raws, std::vector<Problem> problems,
            Step floor, const std::vector<SppV2Link::Event>* v2_events);
  void start(Channel& c, const session::Input& in);
  void finish(Channel& c, session::EndReason why);
  void conclude(Session& s);
  void on_message(Channel& c, Session& s, Raw& raw, Step& step);
  void on_auth(Session& s, const AuthMessage& a, const Message& m, Step& step);
  void on_file_part(Channel& c, Session& s, Message& m);
  void keep(Session& s, Message m);
  void v2_events(Channel& c, Dir from, const SppV2Link::Result& r, std::vector<Raw>& raws,
                 std::vector<Problem>& problems, Step& floor);
  session::StepRecord& add_step(Session& s, const session::Input& in, Step step);
  void emit_step(Session& s);
  void add_finding(Session& s, session::Finding f);
  void problem(Session& s, const Problem& p);

  const KeyStore& keys_;
  session::Sink& sink_;
  std::map<Key, Channel> channels_;                    // at most kMaxChannels
  std::unordered_map<std::uint64_t, int> gatt_links_;  // links with a GATT channel (the count)
  session::StepRecord overflow_;                       // the step reported when a session's list is full
  bool step_stored_ = true;
};

}  // namespace fe95::miwear
