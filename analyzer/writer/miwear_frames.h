// SPDX-License-Identifier: GPL-2.0-or-later
// A Xiaomi wearable session for synthetic captures (docs/MIWEAR.md): the messages of the §7
// self-computed vectors (the nonce exchange, the confirmation with the encrypted device info, the
// result, an encrypted battery request and reply, and longer messages that need chunks or span
// writes), encoded for each transport the way Gadgetbridge sends them: BLE-V1 rxfer frames with
// acks (§2), the SPPv2 packet stream with session config, sequence numbers, ACKs and AES-CTR
// (§5.1, BLE-V2 and SPP-V2), and SPP-V1 frames with AES-CCM (§5.2). The core's encoders and
// crypto build every byte; wear_*() writes whole links through a Scenario.
#pragma once

#include <cstdint>
#include <vector>

#include "fe95/miwear/common.h"
#include "fe95/miwear/crypto.h"
#include "scenario.h"

namespace fe95::writer {

// The §7 inputs: auth key 00112233..ff, phone nonce 00..0f, watch nonce 10..1f.
struct WearKeys {
  miwear::Key16 auth_key{};
  Bytes phone_nonce, watch_nonce;
  miwear::SessionKeys session;
};
WearKeys wear_vectors();

struct WearMessage {
  miwear::Dir from = miwear::Dir::to_watch;
  Bytes plain;             // the protobuf
  bool encrypted = false;  // after the auth
};
// Steps 1-4, the battery request and reply, a set-clock command (the Mi Band 8 body of MB8RS)
// and a device-info reply of `long_reply` bytes of strings (chunked on BLE-V1, spanning packets
// and writes on BLE-V2).
std::vector<WearMessage> wear_session(const WearKeys& k, std::size_t long_reply = 600);

// The session's files (docs/MIWEAR.md §6), each part a message of its own: an activity file from the
// watch (the id of GB's XiaomiActivityFileIdTest, 21F3286504008C: a treadmill workout's details,
// 300 bytes of records) in parts of 200 bytes, and an upload from the phone (a 1,000-byte watch
// face, type 16) in parts of 400.
std::vector<Bytes> wear_activity_parts();
std::vector<Bytes> wear_upload_parts();

// BLE-V1: ATT values in order (writes from the phone, notifications from the watch).
struct WearValue {
  miwear::Dir from = miwear::Dir::to_watch;
  std::uint16_t characteristic = 0;  // 0x0051, 0x0052, 0x0053 or 0x0055
  Bytes value;
};
// att_mtu: the negotiated MTU; GB sends one frame when it fits in MTU - 3 and chunks of
// (MTU - 3) - 2 bytes otherwise. The phone's counter starts at 1 after the auth. The watch's
// chunked reply loses its chunk 2 once: the phone asks for it (00 00 01 05) and it comes again.
// with_files: then the activity file on 0x0053 (decKey, counter 0) and the upload on 0x0055
// (encKey, counter 0: 00 00 before a single frame's ciphertext, nothing before a chunked one's).
std::vector<WearValue> ble_v1_values(const std::vector<WearMessage>& msgs, const WearKeys& k, std::size_t att_mtu,
                                     bool with_files = false);

// SPPv2: each side's packets in order (session start request and response, DATA on channel 1
// with ACKs; opcode 1 during the auth, 2 with AES-CTR after it). One entry per packet.
// with_files: the watch's battery reply is sent twice (a resend, same sequence number and CRC),
// then the activity file on channel 5 (AES-CTR) and the upload on channel 2 (opcode 1, plain, as
// GB sends it).
struct WearBytes {
  miwear::Dir from = miwear::Dir::to_watch;
  Bytes bytes;
};
std::vector<WearBytes> sppv2_packets(const std::vector<WearMessage>& msgs, const WearKeys& k, bool with_files = false);

// SPP-V1: the version probe and its answer (`version` is the answer's first body byte: 1 stays on
// SPP-V1, 3 moves to SPPv2), then, for version 1, the messages as frames (auth: data type 2;
// after it data type 1 with AES-CCM; the phone's on channel 2 with its u16 counter). with_files:
// the activity file on the fitness channel 3 and the upload on the mass channel 5, AES-CCM with
// counter 0 and no counter on the wire (§4.1).
std::vector<WearBytes> sppv1_frames(const std::vector<WearMessage>& msgs, const WearKeys& k, std::uint8_t version,
                                    bool with_files = false);

// The wearable's FE95 service (0x0050-0x0056 and the BLE-V2 pair 0x005E/0x005F) from `start`.
Service wear_service(std::uint16_t start);
struct WearHandles {
  std::uint16_t read = 0, write = 0, activity = 0, upload = 0, v2_rx = 0, v2_tx = 0;
};
WearHandles wear_handles(const Service& s);

// Whole links: a BLE-V1 or BLE-V2 band over GATT, an SPP-V1 or SPP-V2 watch over RFCOMM.
void wear_ble_v1(Scenario& s);
void wear_ble_v2(Scenario& s);
void wear_spp_v1(Scenario& s);
void wear_spp_v2(Scenario& s);

}  // namespace fe95::writer
