// SPDX-License-Identifier: GPL-2.0-or-later
// MiBeacon: Xiaomi's advertising service data on UUID 0xFE95 (docs/PROTOCOL.md §5; Xiaomi
// miio_open ble/02 and ble/03; the objects in docs/MIBEACON.md). Parsing never throws and never
// reads past the frame: a short or inconsistent frame comes back with status malformed and a
// reason. A piece after the last object too short to be an object header (1 or 2 bytes) is kept
// apart (Frame::trailing), as the reference decoders ignore it: the objects before it count.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "fe95/bytes.h"
#include "fe95/keys/keys.h"
#include "fe95/mibeacon/objects.h"
#include "fe95/vocab.h"

namespace fe95::mibeacon {

inline constexpr std::uint16_t kUuid = 0xfe95;

// Frame control bits (docs/PROTOCOL.md §5).
struct FrameControl {
  std::uint16_t raw = 0;
  [[nodiscard]] bool encrypted() const { return raw & (1u << 3); }
  [[nodiscard]] bool mac_included() const { return raw & (1u << 4); }
  [[nodiscard]] bool capability_included() const { return raw & (1u << 5); }
  [[nodiscard]] bool object_included() const { return raw & (1u << 6); }
  [[nodiscard]] bool mesh() const { return raw & (1u << 7); }
  [[nodiscard]] bool registered() const { return raw & (1u << 8); }
  [[nodiscard]] bool solicited() const { return raw & (1u << 9); }
  [[nodiscard]] unsigned auth_mode() const { return (raw >> 10) & 3u; }  // 0 legacy, 1 secure, 2 standard
  [[nodiscard]] unsigned version() const { return raw >> 12; }
};

struct Object {
  std::size_t at = 0;  // where its header starts in the objects' buffer (payload or plaintext)
  std::uint16_t id = 0;
  Bytes data;
  const char* name = nullptr;  // null for ids fe95 does not know (shown by id, data raw)
  using Value = mibeacon::Value;
  std::vector<Value> values;  // decoded (objects.h); empty for unknown ids
  std::string note;           // a known id with data it is not decoded from: why
};

enum class Status : std::uint8_t { plain, decrypted, encrypted_no_key, wrong_key, malformed };
std::span<const Term> status_terms();  // in enum order (vocab.h)
inline const Term& term(Status s) {
  return status_terms()[static_cast<std::size_t>(s)];
}
inline const char* status_name(Status s) {
  return term(s).name;
}

struct Frame {
  // Where each part sits in the service data (front ends point at the bytes): frame control at
  // 0, product id at 2, counter at 4, then these (0 when absent).
  std::size_t mac_at = 0, capability_at = 0, io_capability_at = 0, payload_at = 0;
  FrameControl fc;
  std::uint16_t product_id = 0;
  std::uint8_t counter = 0;
  std::optional<BdAddr> mac;  // the MAC field, when included
  std::optional<std::uint8_t> capability;
  std::optional<std::uint16_t> io_capability;
  Bytes payload;                             // objects (plain) or the ciphertext, as in the frame
  Bytes plaintext;                           // objects after decryption
  std::optional<std::uint32_t> ext_counter;  // v2/v3: 3 bytes; v4/v5: 3 bytes
  Bytes mic;
  std::vector<Object> objects;
  Bytes trailing;  // 1-2 bytes after the last object (not an object)
  Status status = Status::plain;
  std::string reason;  // for malformed / wrong_key / encrypted_no_key
  // Decrypted with a key given in another role (given_as_token: a token that is the device's
  // beacon key); unset: with the key given for it.
  std::optional<fe95::Source> key_source;
};

// Parses the service data after the UUID. advertiser: the advertising address, used as the
// MAC when the frame carries none (v4/v5 nonces need it).
Frame parse(ByteView service_data);
// Decrypts an encrypted frame in place with the keys of the device (beacon key for v2/v3, bind
// key for v4/v5). mac: the device address (frame MAC or advertiser).
void decrypt(Frame& f, const BdAddr& mac, const std::optional<BeaconKey>& beacon_key,
             const std::optional<BindKey>& bind_key);
// Decodes a list of objects (id u16 | len u8 | data) of a product; stops at the first that runs
// past the end (false, with the reason). A last piece shorter than an object header goes to
// trailing, not counted as an error.
bool parse_objects(ByteView data, std::uint16_t product_id, std::vector<Object>& out, std::string& reason,
                   Bytes& trailing);

// FE95 service data in an advertising data block, if any (AD type 0x16 with UUID 0xfe95).
std::optional<ByteView> find_service_data(ByteView ad);

}  // namespace fe95::mibeacon
