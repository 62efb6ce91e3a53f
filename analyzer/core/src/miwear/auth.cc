// SPDX-License-Identifier: GPL-2.0-or-later
#include "fe95/miwear/auth.h"

namespace fe95::miwear {

namespace {

// Auth payload fields (GB xiaomi.proto Auth l.41-77; Account.error_code is field 3 in AB-pb).
constexpr std::uint32_t kErrorCode = 3, kUserId = 7, kStatus = 8, kPhoneNonce = 30, kWatchNonce = 31, kStep3 = 32,
                        kStep4 = 33;

const pb::Field* child(const pb::Field* f, std::uint32_t number, pb::WireType w) {
  if (!f || !f->message) return nullptr;
  const pb::Field* c = pb::find(f->children, number);
  return c && c->wire == w ? c : nullptr;
}
ByteView bytes_of(const pb::Field* f, std::uint32_t number) {
  const pb::Field* c = child(f, number, pb::WireType::len);
  return c ? c->bytes : ByteView{};
}
std::optional<std::uint64_t> uint_of(const pb::Field* f, std::uint32_t number) {
  const pb::Field* c = child(f, number, pb::WireType::varint);
  return c ? std::optional<std::uint64_t>(c->value) : std::nullopt;
}

}  // namespace

const char* auth_step_name(AuthStep s) {
  switch (s) {
    case AuthStep::phone_nonce:
      return "phone_nonce";
    case AuthStep::watch_nonce:
      return "watch_nonce";
    case AuthStep::phone_confirm:
      return "phone_confirm";
    case AuthStep::watch_result:
      return "watch_result";
    case AuthStep::error:
      return "error";
    case AuthStep::user_id:
      return "user_id";
    case AuthStep::user_id_result:
      return "user_id_result";
    case AuthStep::other:
      return "other";
  }
  return "?";
}

const char* auth_error_name(std::uint64_t code) {
  switch (code) {
    case 4:
      return "no_bound";
    case 7:
      return "verify_error";
    default:
      return "";
  }
}

std::optional<AuthMessage> parse_auth(const Envelope& e) {
  if (e.type != kTypeAuth) return std::nullopt;
  const pb::Field* a = e.payload();
  if (!a || !a->message) return std::nullopt;
  AuthMessage m;
  m.subtype = e.subtype.value_or(0);
  m.error_code = uint_of(a, kErrorCode);
  m.user_id = uint_of(a, kUserId);
  m.status = uint_of(a, kStatus);
  if (const pb::Field* p = child(a, kPhoneNonce, pb::WireType::len)) {
    m.step = AuthStep::phone_nonce;
    m.phone_nonce = bytes_of(p, 1);
  } else if (const pb::Field* w = child(a, kWatchNonce, pb::WireType::len)) {
    m.step = AuthStep::watch_nonce;
    m.watch_nonce = bytes_of(w, 1);
    m.watch_hmac = bytes_of(w, 2);
  } else if (const pb::Field* s3 = child(a, kStep3, pb::WireType::len)) {
    m.step = AuthStep::phone_confirm;
    m.phone_hmac = bytes_of(s3, 1);
    m.device_info_sealed = bytes_of(s3, 2);
  } else if (const pb::Field* s4 = child(a, kStep4, pb::WireType::len)) {
    m.step = AuthStep::watch_result;
    m.result = uint_of(s4, 1);
    m.capability = uint_of(s4, 2);
    m.capability2 = uint_of(s4, 3);
  } else if (m.error_code) {
    m.step = AuthStep::error;
  } else if (m.user_id) {
    m.step = AuthStep::user_id;
  } else if (m.status) {
    m.step = AuthStep::user_id_result;
  }
  return m;
}

std::optional<DeviceInfo> parse_device_info(ByteView plaintext) {
  const pb::Tree t = pb::decode(plaintext, {4, 64});
  if (!t.complete || t.fields.empty()) return std::nullopt;
  DeviceInfo d;
  for (const auto& f : t.fields) {
    switch (f.number) {
      case 1:
        if (f.wire == pb::WireType::varint) d.device_type = f.value;
        break;
      case 2:
        if (f.wire == pb::WireType::i32) d.system_version = f.f32();
        break;
      case 3:
        if (f.wire == pb::WireType::len) d.model = std::string(f.bytes.begin(), f.bytes.end());
        break;
      case 4:
        if (f.wire == pb::WireType::varint) d.app_capability = f.value;
        break;
      case 5:
        if (f.wire == pb::WireType::len) d.region = std::string(f.bytes.begin(), f.bytes.end());
        break;
      default:
        break;
    }
  }
  return d;
}

Bytes encode_device_info(const DeviceInfo& d) {
  Bytes out;
  auto str = [](const std::string& s) { return ByteView(reinterpret_cast<const std::uint8_t*>(s.data()), s.size()); };
  if (d.device_type) pb::put_uint(out, 1, *d.device_type);
  if (d.system_version) pb::put_float(out, 2, *d.system_version);
  if (d.model) pb::put_bytes(out, 3, str(*d.model));
  if (d.app_capability) pb::put_uint(out, 4, *d.app_capability);
  if (d.region) pb::put_bytes(out, 5, str(*d.region));
  return out;
}

namespace {
Bytes auth_envelope(std::uint32_t subtype, std::uint32_t field, const Bytes& inner) {
  Bytes auth;
  pb::put_bytes(auth, field, inner);
  return encode_envelope(kTypeAuth, subtype, auth);
}
}  // namespace

Bytes encode_auth_step1(ByteView phone_nonce) {
  Bytes inner;
  pb::put_bytes(inner, 1, phone_nonce);
  return auth_envelope(kAuthNonce, kPhoneNonce, inner);
}

Bytes encode_auth_step2(ByteView watch_nonce, ByteView watch_hmac) {
  Bytes inner;
  pb::put_bytes(inner, 1, watch_nonce);
  pb::put_bytes(inner, 2, watch_hmac);
  return auth_envelope(kAuthNonce, kWatchNonce, inner);
}

Bytes encode_auth_step3(ByteView phone_hmac, ByteView device_info_sealed) {
  Bytes inner;
  pb::put_bytes(inner, 1, phone_hmac);
  pb::put_bytes(inner, 2, device_info_sealed);
  return auth_envelope(kAuthConfirm, kStep3, inner);
}

Bytes encode_auth_step4(std::uint64_t result, std::uint64_t capability) {
  Bytes inner;
  pb::put_uint(inner, 1, result);
  pb::put_uint(inner, 2, capability);
  return auth_envelope(kAuthConfirm, kStep4, inner);
}

}  // namespace fe95::miwear
