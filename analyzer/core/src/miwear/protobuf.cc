// SPDX-License-Identifier: GPL-2.0-or-later
#include "fe95/miwear/protobuf.h"

#include <google/protobuf/io/coded_stream.h>

#include <algorithm>
#include <bit>
#include <cstring>

namespace fe95::miwear::pb {

namespace {

using google::protobuf::io::CodedInputStream;

constexpr std::uint64_t kMaxFieldNumber = (1u << 29) - 1;  // protobuf field numbers

class Parser {
 public:
  Parser(const Limits& l, Tree& t) : lim_(l), t_(t) {}

  // Parses `data` as the fields of one message at `depth` into `out`. With `group`, it stops at
  // the end-group tag of that number and sets `consumed` to the bytes up to and including it.
  // Returns false at the first malformed byte (`error`, `error_at` say what and where).
  bool parse(ByteView data, std::size_t depth, std::vector<Field>& out, std::optional<std::uint32_t> group,
             std::size_t& consumed) {
    CodedInputStream in(data.data(), static_cast<int>(data.size()));
    auto pos = [&] { return static_cast<std::size_t>(in.CurrentPosition()); };
    auto fail = [&](std::size_t at, const char* why) {
      error_ = why;
      error_at_ = at;
      return false;
    };
    while (pos() < data.size()) {
      const std::size_t start = pos();
      std::uint64_t tag = 0;
      if (!in.ReadVarint64(&tag)) return fail(start, "a tag that does not end");
      const std::uint64_t number = tag >> 3;
      const auto wire = static_cast<std::uint8_t>(tag & 7);
      if (number == 0 || number > kMaxFieldNumber) return fail(start, "a field number outside 1 to 2^29 - 1");
      if (wire > 5) return fail(start, "wire type 6 or 7");
      Field f;
      f.number = static_cast<std::uint32_t>(number);
      f.wire = static_cast<WireType>(wire);
      switch (f.wire) {
        case WireType::varint:
          if (!in.ReadVarint64(&f.value)) return fail(start, "a varint that does not end");
          break;
        case WireType::i64:
          if (!in.ReadLittleEndian64(&f.value)) return fail(start, "an i64 cut short");
          break;
        case WireType::i32: {
          std::uint32_t v = 0;
          if (!in.ReadLittleEndian32(&v)) return fail(start, "an i32 cut short");
          f.value = v;
          break;
        }
        case WireType::len: {
          std::uint64_t n = 0;
          if (!in.ReadVarint64(&n)) return fail(start, "a length that does not end");
          // Checked against the bytes present before anything is kept: a length of 4 GiB in a
          // short buffer is an error here, never an allocation.
          if (n > data.size() - pos()) return fail(start, "a length past the end of the bytes");
          f.bytes = data.subspan(pos(), static_cast<std::size_t>(n));
          in.Skip(static_cast<int>(n));
          nested(f, depth);
          if (t_.fields_capped) return fail(start, "more fields than the cap");
          break;
        }
        case WireType::sgroup: {
          if (depth + 1 > lim_.max_depth) return fail(start, "groups nested deeper than the cap");
          std::size_t used = 0;
          const ByteView rest = data.subspan(pos());
          if (!parse(rest, depth + 1, f.children, f.number, used)) {
            error_at_ += pos();
            return false;
          }
          f.message = true;
          f.bytes = rest.first(used);  // includes the end-group tag
          in.Skip(static_cast<int>(used));
          break;
        }
        case WireType::egroup:
          if (group && *group == f.number) {
            consumed = pos();
            return true;
          }
          return fail(start, "an end-group tag with no group open");
      }
      if (t_.field_count >= lim_.max_fields) {
        t_.fields_capped = true;
        return fail(start, "more fields than the cap");
      }
      ++t_.field_count;
      out.push_back(std::move(f));
    }
    if (group) return fail(data.size(), "a group without its end-group tag");
    consumed = data.size();
    return true;
  }

  [[nodiscard]] const std::string& error() const { return error_; }
  [[nodiscard]] std::size_t error_at() const { return error_at_; }

 private:
  // A length-delimited field becomes a message when all of it parses as one.
  void nested(Field& f, std::size_t depth) {
    if (f.bytes.empty()) return;
    if (depth + 1 > lim_.max_depth) {
      t_.depth_limited = true;
      return;
    }
    const std::size_t count = t_.field_count;
    const std::string saved_error = error_;
    const std::size_t saved_at = error_at_;
    std::size_t used = 0;
    std::vector<Field> children;
    if (parse(f.bytes, depth + 1, children, std::nullopt, used) && !children.empty()) {
      f.children = std::move(children);
      f.message = true;
      return;
    }
    if (t_.fields_capped) return;
    t_.field_count = count;  // not a message: its fields are not kept
    error_ = saved_error;
    error_at_ = saved_at;
  }

  const Limits& lim_;
  Tree& t_;
  std::string error_;
  std::size_t error_at_ = 0;
};

}  // namespace

const char* wire_type_name(WireType w) {
  switch (w) {
    case WireType::varint:
      return "varint";
    case WireType::i64:
      return "i64";
    case WireType::len:
      return "len";
    case WireType::sgroup:
      return "group";
    case WireType::egroup:
      return "egroup";
    case WireType::i32:
      return "i32";
  }
  return "?";
}

std::int64_t Field::sint() const {
  return static_cast<std::int64_t>(value >> 1) ^ -static_cast<std::int64_t>(value & 1);
}
float Field::f32() const {
  return std::bit_cast<float>(static_cast<std::uint32_t>(value));
}
double Field::f64() const {
  return std::bit_cast<double>(value);
}

Tree decode(ByteView data, const Limits& limits) {
  Tree t;
  // CodedInputStream counts in int: fe95's inputs (an L2CAP SDU, a reassembled message) are far
  // below 2 GiB; a larger view is cut at the cap and reported incomplete.
  constexpr std::size_t kMax = 1u << 30;
  const ByteView in = data.first(std::min(data.size(), kMax));
  Parser p(limits, t);
  std::size_t used = 0;
  t.complete = p.parse(in, 0, t.fields, std::nullopt, used) && in.size() == data.size();
  if (!t.complete) {
    t.error = p.error().empty() ? "input larger than 1 GiB" : p.error();
    t.error_offset = p.error().empty() ? kMax : p.error_at();
  }
  return t;
}

const Field* find(std::span<const Field> fields, std::uint32_t number) {
  for (const auto& f : fields)
    if (f.number == number) return &f;
  return nullptr;
}

void put_varint(Bytes& out, std::uint64_t v) {
  while (v >= 0x80) {
    out.push_back(static_cast<std::uint8_t>(v | 0x80));
    v >>= 7;
  }
  out.push_back(static_cast<std::uint8_t>(v));
}
void put_tag(Bytes& out, std::uint32_t number, WireType w) {
  put_varint(out, static_cast<std::uint64_t>(number) << 3 | static_cast<std::uint8_t>(w));
}
void put_uint(Bytes& out, std::uint32_t number, std::uint64_t v) {
  put_tag(out, number, WireType::varint);
  put_varint(out, v);
}
void put_bytes(Bytes& out, std::uint32_t number, ByteView v) {
  put_tag(out, number, WireType::len);
  put_varint(out, v.size());
  out.insert(out.end(), v.begin(), v.end());
}
void put_float(Bytes& out, std::uint32_t number, float v) {
  put_tag(out, number, WireType::i32);
  const auto bits = std::bit_cast<std::uint32_t>(v);
  for (int i = 0; i < 4; ++i) out.push_back(static_cast<std::uint8_t>(bits >> (8 * i)));
}

}  // namespace fe95::miwear::pb

namespace fe95::miwear {

namespace {

// §6: GB's names (X/services/Xiaomi*Service.java), snake case; where the doc gives one meaning to
// several subtypes, they share it.
constexpr CommandName kNames[] = {
    {1, 5, "auth_user_id"},
    {1, 26, "auth_nonce"},
    {1, 27, "auth_confirm"},
    {2, 1, "battery"},
    {2, 2, "device_info"},
    {2, 3, "set_clock"},
    {2, 5, "firmware_install"},
    {2, 6, "language"},
    {2, 7, "camera_remote_get"},
    {2, 8, "camera_remote_set"},
    {2, 9, "password_get"},
    {2, 14, "misc_settings_get"},
    {2, 15, "misc_settings_set"},
    {2, 17, "find_phone"},
    {2, 18, "find_watch"},
    {2, 21, "password_set"},
    {2, 23, "dnd_set"},
    {2, 29, "display_items"},
    {2, 30, "display_items"},
    {2, 39, "workout_types"},
    {2, 42, "setting_changed_on_band"},
    {2, 43, "phone_silent_mode"},
    {2, 44, "phone_silent_mode"},
    {2, 45, "phone_silent_mode"},
    {2, 46, "vibration_patterns"},
    {2, 47, "vibration_patterns"},
    {2, 51, "widgets"},
    {2, 52, "widgets"},
    {2, 53, "widgets"},
    {2, 58, "vibration_patterns"},
    {2, 59, "vibration_patterns"},
    {2, 78, "device_state_get"},
    {2, 79, "device_state_report"},
    {4, 0, "watchface_list"},
    {4, 1, "watchface_set"},
    {4, 2, "watchface_delete"},
    {4, 4, "watchface_install"},
    {7, 0, "notification_send"},
    {7, 1, "notification_dismiss"},
    {7, 2, "call_reject"},
    {7, 5, "call_ignore"},
    {7, 6, "screen_on_get"},
    {7, 7, "screen_on_set"},
    {7, 8, "open_on_phone"},
    {7, 9, "canned_messages_get"},
    {7, 12, "canned_messages_set"},
    {7, 13, "reply_send"},
    {7, 14, "reply_ack"},
    {7, 15, "notification_icon_request"},
    {7, 16, "notification_icon_query"},
    {8, 0, "user_info"},
    {8, 1, "activity_file_ids_today"},
    {8, 2, "activity_file_ids_history"},
    {8, 3, "activity_request_files"},
    {8, 5, "activity_file_ack"},
    {8, 8, "spo2"},
    {8, 9, "spo2"},
    {8, 10, "heart_rate"},
    {8, 11, "heart_rate"},
    {8, 12, "standing"},
    {8, 13, "standing"},
    {8, 14, "stress"},
    {8, 15, "stress"},
    {8, 21, "goal_notification"},
    {8, 22, "goal_notification"},
    {8, 26, "workout_status"},
    {8, 30, "workout_open"},
    {8, 35, "vitality_score"},
    {8, 36, "vitality_score"},
    {8, 42, "goals"},
    {8, 43, "goals"},
    {8, 45, "realtime_stats"},
    {8, 46, "realtime_stats"},
    {8, 47, "realtime_stats"},
    {8, 48, "workout_gps_location"},
    {10, 0, "weather_current"},
    {10, 1, "weather_daily"},
    {10, 2, "weather_hourly"},
    {10, 3, "weather_request"},
    {10, 5, "weather_locations"},
    {10, 6, "weather_locations"},
    {10, 7, "weather_locations"},
    {10, 8, "weather_locations"},
    {10, 9, "weather_preferences"},
    {10, 10, "weather_preferences"},
    {12, 1, "calendar_sync"},
    {17, 0, "alarms_get"},
    {17, 1, "alarm_create"},
    {17, 2, "alarm_edit"},
    {17, 4, "alarm_delete"},
    {17, 8, "sleep_mode"},
    {17, 9, "sleep_mode"},
    {17, 10, "world_clocks"},
    {17, 11, "world_clocks"},
    {17, 14, "reminders"},
    {17, 15, "reminders"},
    {17, 17, "reminders"},
    {17, 18, "reminders"},
    {18, 0, "music_state_request"},
    {18, 1, "music_player_info"},
    {18, 2, "music_media_key"},
    {20, 0, "rpk_list"},
    {20, 1, "rpk_install"},
    {20, 2, "rpk_installed"},
    {20, 3, "rpk_delete"},
    {21, 2, "contact_query"},
    {21, 3, "contact_answer"},
    {21, 5, "contacts_add_list"},
    {21, 7, "contacts_set_list"},
    {22, 0, "upload_request"},
};

}  // namespace

std::span<const CommandName> command_names() {
  return kNames;
}

const char* type_name(std::uint32_t type) {
  switch (type) {
    case 1:
      return "auth";
    case 2:
      return "system";
    case 4:
      return "watchface";
    case 5:
      return "nfc";  // official names GB does not use (§6)
    case 7:
      return "notification";
    case 8:
      return "health";
    case 9:
      return "lpa";
    case 10:
      return "weather";
    case 11:
      return "stock";
    case 12:
      return "calendar";
    case 13:
      return "factory";
    case 14:
      return "aivs";
    case 15:
      return "market";
    case 16:
      return "gnss";
    case 17:
      return "schedule";
    case 18:
      return "music";
    case 19:
      return "alexa";
    case 20:
      return "rpk";
    case 21:
      return "phonebook";
    case 22:
      return "data_upload";
    case 23:
      return "interconnection";
    default:
      return "";
  }
}

const char* command_name(std::uint32_t type, std::uint32_t subtype) {
  for (const auto& n : kNames)
    if (n.type == type && n.subtype == subtype) return n.name;
  return "";
}

const char* Envelope::name() const {
  return subtype ? command_name(type, *subtype) : "";
}

std::optional<Envelope> decode_envelope(ByteView data, const pb::Limits& limits) {
  Envelope e;
  e.tree = pb::decode(data, limits);
  const pb::Field* t = pb::find(e.tree.fields, kFieldType);
  if (!t || t->wire != pb::WireType::varint || t->value > 0xffffffffu) return std::nullopt;
  e.type = static_cast<std::uint32_t>(t->value);
  if (const pb::Field* s = pb::find(e.tree.fields, kFieldSubtype); s && s->wire == pb::WireType::varint)
    e.subtype = static_cast<std::uint32_t>(s->value);
  if (const pb::Field* x = pb::find(e.tree.fields, kFieldError); x && x->wire == pb::WireType::varint)
    e.error = x->value;
  for (std::size_t i = 0; i < e.tree.fields.size(); ++i)
    if (e.tree.fields[i].number == e.type + 2 && e.tree.fields[i].wire == pb::WireType::len) {
      e.payload_at = i;
      break;
    }
  return e;
}

Bytes encode_envelope(std::uint32_t type, std::uint32_t subtype, ByteView payload) {
  Bytes out;
  pb::put_uint(out, kFieldType, type);
  pb::put_uint(out, kFieldSubtype, subtype);
  if (!payload.empty()) pb::put_bytes(out, type + 2, payload);
  return out;
}

}  // namespace fe95::miwear
