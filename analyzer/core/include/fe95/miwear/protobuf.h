// SPDX-License-Identifier: GPL-2.0-or-later
// The wearables' message layer (docs/MIWEAR.md §6): protobuf wire format decoded without a schema
// into a neutral tree (field number, wire type, value, nested messages where they parse), read
// with libprotobuf's io::CodedInputStream, and the envelope every message shares: type (1),
// subtype (2), one payload in field type + 2, an error code in field 100. Bounded whatever the
// input claims: nesting is followed to Limits::max_depth, fields counted to Limits::max_fields,
// and a length is checked against the bytes present before anything is kept (nothing is
// allocated for what a length claims; every view points into the input).
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "fe95/bytes.h"

namespace fe95::miwear::pb {

enum class WireType : std::uint8_t { varint = 0, i64 = 1, len = 2, sgroup = 3, egroup = 4, i32 = 5 };
const char* wire_type_name(WireType w);  // "varint", "i64", "len", "group", "egroup", "i32"

struct Field {
  std::uint32_t number = 0;
  WireType wire = WireType::varint;
  std::uint64_t value = 0;                  // varint, i64 and i32 (the raw bits)
  ByteView bytes;                           // len: the content; group: the bytes between its tags
  std::vector<Field> children;              // a len field that parses as a message, or a group
  bool message = false;                     // children hold its fields
  [[nodiscard]] std::int64_t sint() const;  // zig-zag (sint32/sint64)
  [[nodiscard]] float f32() const;
  [[nodiscard]] double f64() const;
};

struct Limits {
  std::size_t max_depth = 32;      // nested messages and groups followed (deeper ones stay bytes)
  std::size_t max_fields = 16384;  // fields kept in the whole tree
};

struct Tree {
  std::vector<Field> fields;
  bool complete = false;         // the top level parsed to its last byte
  std::size_t error_offset = 0;  // where parsing stopped when not complete
  std::string error;             // why, one line
  bool depth_limited = false;    // a length-delimited field at max_depth was not tried as a message
  bool fields_capped = false;    // max_fields reached: the rest is not decoded
  std::size_t field_count = 0;
};

// Decodes `data` (the views in the tree point into it). A length-delimited field becomes a nested
// message when its content parses completely as one (a heuristic without a schema: a string such
// as "Pixel" does not, most do not; both readings stay available).
Tree decode(ByteView data, const Limits& limits = {});

// The first field with this number, or null.
const Field* find(std::span<const Field> fields, std::uint32_t number);

// Encoding (the capture writer, the tests).
void put_varint(Bytes& out, std::uint64_t v);
void put_tag(Bytes& out, std::uint32_t number, WireType w);
void put_uint(Bytes& out, std::uint32_t number, std::uint64_t v);
void put_bytes(Bytes& out, std::uint32_t number, ByteView v);
void put_float(Bytes& out, std::uint32_t number, float v);

}  // namespace fe95::miwear::pb

namespace fe95::miwear {

// The envelope (GB xiaomi.proto Command = the official WearPacket, §6).
inline constexpr std::uint32_t kFieldType = 1, kFieldSubtype = 2, kFieldError = 100;

struct Envelope {
  pb::Tree tree;  // its views point into the decoded bytes
  std::uint32_t type = 0;
  std::optional<std::uint32_t> subtype;
  std::optional<std::uint64_t> error;     // field 100 (status / error_code)
  std::optional<std::size_t> payload_at;  // index in tree.fields of field type + 2
  [[nodiscard]] const pb::Field* payload() const { return payload_at ? &tree.fields[*payload_at] : nullptr; }
  [[nodiscard]] const char* name() const;  // command_name(type, subtype) or ""
};
// nullopt when the bytes hold no varint field 1 before they stop parsing.
std::optional<Envelope> decode_envelope(ByteView data, const pb::Limits& limits = {});
// type, subtype and a payload message in field type + 2 (the writer, the tests).
Bytes encode_envelope(std::uint32_t type, std::uint32_t subtype, ByteView payload);

// Names of the known types and (type, subtype) pairs (§6): GB's meaning, snake case.
struct CommandName {
  std::uint32_t type, subtype;
  const char* name;
};
std::span<const CommandName> command_names();
const char* type_name(std::uint32_t type);                            // "auth", ... or ""
const char* command_name(std::uint32_t type, std::uint32_t subtype);  // "auth_nonce", ... or ""

}  // namespace fe95::miwear
