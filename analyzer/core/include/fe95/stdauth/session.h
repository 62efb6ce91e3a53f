// SPDX-License-Identifier: GPL-2.0-or-later
// The standard-auth family (docs/STANDARD_AUTH.md §3-§5): what its session shows beside what every
// family's does (kind, device, status, token, steps, findings: session::Session), its steps and
// its wording.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "fe95/session/session.h"
#include "fe95/stdauth/crypto.h"
#include "fe95/stdauth/transport.h"

namespace fe95::stdauth {

// Where a decrypted session message travelled (§6.2, §6.3).
enum class MessageChannel : std::uint8_t { uart, stdio };
const char* channel_name(MessageChannel c);  // "uart", "stdio"

// A scooter command inside an encrypted 55 AB frame: D T c data (§6.3).
struct UartCommand {
  std::uint8_t d = 0, t = 0, c = 0;
  Bytes data;
  Iv4 tail{};
};
const char* uart_address_name(std::uint8_t d);  // "master_to_esc", ... or ""
// A scooter's pre-login frame: 55 AB L, zeros, checksum (§6.3, §8).
bool is_zero_frame(ByteView frame);

// One message of the session after the login, decrypted (or not: mic_ok false).
struct SessionMessage {
  std::vector<std::uint64_t> frames;  // every ATT PDU that carried a piece of it
  Sender from = Sender::app;
  MessageChannel channel = MessageChannel::uart;
  std::uint16_t handle = 0;
  std::uint32_t counter = 0;  // rebuilt to 32 bits (§6.1)
  Bytes wire;                 // the frame or blob as sent
  Bytes plaintext;            // empty when the MIC failed
  bool mic_ok = false;
  bool checksum_ok = true;  // uart: the frame's checksum
  std::optional<UartCommand> uart;
};

struct Data {
  std::uint16_t control_handle = 0;   // 0x0010
  std::uint16_t transfer_handle = 0;  // 0x0019
  bool from_discovery = false;
  std::uint16_t dmtu = 18;  // the default (§2.1) unless negotiated
  bool negotiated = false;  // the 0xA4 link-parameter exchange happened

  // Register (§4).
  std::optional<std::uint16_t> protocol_version;
  std::optional<std::array<std::uint8_t, 2>> io_capability;
  std::optional<std::string> previous_did;  // in the device info, in clear
  std::optional<PublicKey> app_public, device_public;
  std::optional<bool> app_public_on_curve, device_public_on_curve;
  std::size_t did_ciphertext_len = 0;
  std::optional<std::uint8_t> app_verdict;  // 0x13 / 0x14 written by the app

  // Login (§5).
  std::optional<Random16> app_random, dev_random;
  std::optional<Hash32> dev_confirmation, app_confirmation;
  std::optional<bool> dev_confirmation_ok, app_confirmation_ok;
  std::uint64_t dev_confirmation_frame = 0, app_confirmation_frame = 0;  // the frames that completed them
  std::optional<SessionKeys> keys;

  // Read in clear during the session (§1): the firmware version (0x0004), the product id (0x0002).
  std::optional<std::string> firmware;
  std::optional<std::uint16_t> product_id;

  // Both: the device's result on 0x0010 and the session after the login.
  std::optional<std::uint8_t> result;
  std::uint64_t result_frame = 0;
  std::vector<SessionMessage> messages;  // at most kMaxMessages; the rest counted
  std::size_t messages_dropped = 0, mic_failures = 0, zero_frames = 0, undecrypted = 0;
  static constexpr std::size_t kMaxMessages = 1024;
};

// The family's steps (session::StepRecord::step): an opcode the app wrote to the control point
// 0x0010, the device's result there, a frame on the transfer channel 0x0019 (or 0x0016), a piece of
// an encrypted session message (Nordic UART or stdio), a read of a characteristic kept in clear.
enum class Step : std::uint8_t { opcode, result, frame, session_message, read };
// What a value read in clear is (session::StepRecord::what).
enum class Value : std::uint8_t { none, firmware, product_id };
inline Step step_of(const session::StepRecord& r) {
  return static_cast<Step>(r.step);
}

struct Session : session::Session {
  static const session::Family kFamily;
  Session() : session::Session(kFamily) {}
  [[nodiscard]] std::unique_ptr<session::Session> clone() const override { return std::make_unique<Session>(*this); }
  Data data;
};

// The family's wording of its findings (explain.cc), for both front ends.
std::string describe(const session::Finding& f);

}  // namespace fe95::stdauth
