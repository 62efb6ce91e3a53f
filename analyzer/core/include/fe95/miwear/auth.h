// SPDX-License-Identifier: GPL-2.0-or-later
// The auth messages (type 1, docs/MIWEAR.md §3) read from an envelope: the nonce exchange
// (subtype 26: the phone's nonce, the watch's nonce and HMAC, or the watch's error code), the
// confirmation (subtype 27: the phone's HMAC and the encrypted device info, the watch's result)
// and the plaintext user-id auth of older watches (subtype 5). The checks themselves are the
// pure functions of crypto.h; this names the fields.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "fe95/bytes.h"
#include "fe95/miwear/crypto.h"
#include "fe95/miwear/protobuf.h"

namespace fe95::miwear {

inline constexpr std::uint32_t kTypeAuth = 1;
inline constexpr std::uint32_t kAuthUserId = 5, kAuthNonce = 26, kAuthConfirm = 27;

enum class AuthStep : std::uint8_t {
  phone_nonce,     // step 1, 1/26 phone->watch: auth(3).phoneNonce(30).nonce(1)
  watch_nonce,     // step 2, 1/26 watch->phone: auth.watchNonce(31){nonce(1), hmac(2)}
  phone_confirm,   // step 3, 1/27 phone->watch: auth.authStep3(32){encryptedNonces(1), encryptedDeviceInfo(2)}
  watch_result,    // step 4, 1/27 watch->phone: auth.authStep4(33){1 result, 2 capability, 3 capability 2}
  error,           // auth.error_code(3), e.g. 4 NO_BOUND from an unbound watch at step 1
  user_id,         // 1/5 phone->watch: auth.userId(7)
  user_id_result,  // 1/5 watch->phone: auth.status(8)
  other,           // type 1 without a field fe95 knows
};
const char* auth_step_name(AuthStep s);
// The official Account error codes known (§3): 4 "no_bound", 7 "verify_error"; else "".
const char* auth_error_name(std::uint64_t code);

struct AuthMessage {
  AuthStep step = AuthStep::other;
  std::uint32_t subtype = 0;
  ByteView phone_nonce, watch_nonce, watch_hmac;  // views into the envelope's bytes
  ByteView phone_hmac, device_info_sealed;
  std::optional<std::uint64_t> error_code, result, capability, capability2, user_id, status;
};
// nullopt for a type other than 1 or an envelope without an auth payload (field 3).
std::optional<AuthMessage> parse_auth(const Envelope& e);

// AuthDeviceInfo, the encrypted part of step 3 (§3): 1 device type (0 Android, 1 iOS, 2 Vela),
// 2 system version (float: the Android API level), 3 phone model, 4 app capability, 5 region.
struct DeviceInfo {
  std::optional<std::uint64_t> device_type, app_capability;
  std::optional<float> system_version;
  std::optional<std::string> model, region;
};
std::optional<DeviceInfo> parse_device_info(ByteView plaintext);  // nullopt: not a protobuf
Bytes encode_device_info(const DeviceInfo& d);

// The four auth messages as protobuf (the capture writer, tests; GB's field layout).
Bytes encode_auth_step1(ByteView phone_nonce);
Bytes encode_auth_step2(ByteView watch_nonce, ByteView watch_hmac);
Bytes encode_auth_step3(ByteView phone_hmac, ByteView device_info_sealed);
Bytes encode_auth_step4(std::uint64_t result, std::uint64_t capability);

}  // namespace fe95::miwear
