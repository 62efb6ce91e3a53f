// SPDX-License-Identifier: GPL-2.0-or-later
// The wearables family (docs/MIWEAR.md): Mi Bands and Redmi/Xiaomi watches over FE95 GATT (BLE-V1,
// BLE-V2) and over RFCOMM (SPP-V1, SPP-V2). What its session shows beside what every family's
// does (session::Session): the transport, the nonce exchange and both proofs checked with the
// user's auth key, the session keys, the phone's device info, the result, every message decrypted
// and decoded as a protobuf envelope, and the activity files and uploads checked. Its words are
// names.cc, its wording of findings explain.cc; tracker.h is the machine.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "fe95/miwear/auth.h"
#include "fe95/miwear/common.h"
#include "fe95/miwear/crypto.h"
#include "fe95/miwear/files.h"
#include "fe95/session/session.h"

namespace fe95::miwear {

// The four framings (§1.1).
enum class Transport : std::uint8_t { ble_v1, ble_v2, spp_v1, spp_v2 };
const char* transport_name(Transport t);  // "ble_v1", "ble_v2", "spp_v1", "spp_v2"
inline bool over_rfcomm(Transport t) {
  return t == Transport::spp_v1 || t == Transport::spp_v2;
}

// The family's steps (session::StepRecord::step): what one PDU (an ATT value on a wearable
// characteristic, an RFCOMM information field of a wearable DLC) carried, its most telling part
// when it carried several.
enum class Step : std::uint8_t {
  piece,           // a part of a message or packet: nothing completed
  control,         // acks, nacks, ready/done, missing-chunk lists, SPPv2 ACK/NAK, a resent packet
  session_config,  // SPPv2 session config (start/stop request or response)
  version,         // SPP-V1 version probe or answer
  phone_nonce,     // auth step 1 (1/26 from the phone)
  watch_nonce,     // auth step 2 (1/26 from the watch): its proof checked here
  phone_confirm,   // auth step 3 (1/27 from the phone): its proof and the device info
  watch_result,    // auth step 4 (1/27 from the watch)
  auth_error,      // the watch's error code (4: not bound)
  user_id,         // older watches' plaintext auth (1/5 from the phone)
  user_id_result,  // and its answer
  message,         // a command message (protobuf), plain or encrypted
  activity,        // an activity file part
  upload,          // an upload part
};
inline Step step_of(const session::StepRecord& r) {
  return static_cast<Step>(r.step);
}

// What a message carries.
enum class Content : std::uint8_t { protobuf, activity, upload, raw };
const char* content_name(Content c);  // "protobuf", "activity", "upload", "raw"

// The name of a message's channel on its transport: BLE-V1 "read", "write", "activity",
// "upload" (0x0051-0x0055); SPPv2 "pb", "mass", ... (§5.1); SPP-V1 "proto_to_phone", ... (§5.2).
std::string channel_name(Transport t, std::uint16_t channel);

// One message of the session, as reassembled, decrypted and decoded.
struct Message {
  std::vector<std::uint64_t> frames;  // every frame that carried a piece (the first 64)
  std::uint64_t more_frames = 0;
  Dir from = Dir::to_watch;
  Transport transport = Transport::ble_v1;
  std::uint16_t channel = 0;  // BLE-V1: the characteristic (0x0051...); SPPv2: the DATA channel; SPP-V1: its channel
  Content content = Content::protobuf;
  bool encrypted = false;
  std::optional<std::uint32_t> counter;  // AES-CCM: the nonce's counter (from the wire, or 0)
  bool counter_on_wire = false;
  std::optional<bool> tag_ok;  // AES-CCM: the 4-byte tag
  bool decrypted = false;      // encrypted, and opened with the session keys
  Bytes wire;                  // the message as reassembled (counter, ciphertext, tag)
  Bytes plaintext;             // the plain or decrypted message; empty when it could not be opened
  // The envelope (protobuf content).
  std::optional<std::uint32_t> type, subtype;
  std::optional<std::uint64_t> error;  // field 100
  // A file part.
  std::optional<std::uint16_t> part, parts;
  [[nodiscard]] bool readable() const { return !encrypted || decrypted; }
};

struct Data {
  Transport transport = Transport::ble_v1;
  // GATT: the handles of the wearable characteristics as found (0: not seen), and whether GATT
  // discovery named them; RFCOMM: the DLCI.
  std::uint16_t read_handle = 0, write_handle = 0, activity_handle = 0, upload_handle = 0, v2_rx_handle = 0,
                v2_tx_handle = 0;
  bool from_discovery = false;
  std::optional<std::uint8_t> dlci;
  // SPP-V1's version answer (its first body byte: 2 or more moves to SPPv2) and SPPv2's session
  // configuration, as each side announced it.
  std::optional<std::uint8_t> spp_version;
  std::optional<std::string> sppv2_version;
  std::optional<std::uint16_t> sppv2_max_packet, sppv2_tx_window, sppv2_timeout_ms;

  // The auth (§3).
  bool user_id_auth = false;  // the plaintext 1/5 of older watches
  Bytes phone_nonce, watch_nonce, watch_hmac, phone_hmac, device_info_sealed;
  std::uint64_t phone_nonce_frame = 0, watch_nonce_frame = 0, phone_confirm_frame = 0, result_frame = 0;
  std::optional<bool> watch_proof_ok, phone_proof_ok;
  std::size_t candidates = 0;       // auth keys tried
  std::optional<AuthKey> auth_key;  // the one the watch's proof fits
  std::optional<Source> auth_key_source;
  std::optional<SessionKeys> keys;
  std::optional<DeviceInfo> device_info;
  std::optional<bool> device_info_tag_ok;
  std::optional<std::uint64_t> result, capability;
  std::optional<std::uint64_t> error_code;
  std::uint64_t error_frame = 0;
  std::optional<std::uint64_t> user_id, user_id_status;

  // The messages: at most kMaxMessages kept (and kMaxKeptBytes of wire and plaintext), the rest
  // counted; the counts cover them all.
  std::vector<Message> messages;
  std::uint64_t messages_total = 0, not_kept = 0, decrypted = 0, tag_failed = 0, undecrypted = 0, plain = 0,
                retransmissions = 0;
  std::size_t kept_bytes = 0;
  std::vector<FileReport> files;  // at most kMaxFiles, the rest counted
  std::uint64_t files_not_kept = 0;
  // Findings of a code after its first in this session are counted here, not reported again
  // (a flood of bad chunks is one finding).
  std::map<Code, std::uint64_t> repeated;

  static constexpr std::size_t kMaxMessages = 1024;
  static constexpr std::size_t kMaxKeptBytes = 1 << 20;
  static constexpr std::size_t kMaxFiles = 64;
};

struct Session : session::Session {
  static const session::Family kFamily;
  Session() : session::Session(kFamily) {}
  [[nodiscard]] std::unique_ptr<session::Session> clone() const override { return std::make_unique<Session>(*this); }
  Data data;
  // What the step being reported (Sink::on_step) completed: its messages and files, whether or
  // not the record keeps them (the plugin shows every one on its frame).
  std::vector<Message> step_messages;
  std::vector<FileReport> step_files;
};

// The family's wording of its findings (explain.cc), for both front ends.
std::string describe(const session::Finding& f);

// The official name of the device type in the step-3 device info (§3): "android", "ios", "vela" or "".
const char* device_type_name(std::uint64_t t);

}  // namespace fe95::miwear
