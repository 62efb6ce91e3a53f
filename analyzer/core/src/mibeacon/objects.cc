// SPDX-License-Identifier: GPL-2.0-or-later
// The MiBeacon object table (docs/MIBEACON.md: each object's layout, scaling, unit, and what the
// reference decoders make of it where fe95 differs).
#include "fe95/mibeacon/objects.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstring>

#include "fe95/mibeacon/products.h"

namespace fe95::mibeacon {

namespace {

// clang-format off
constexpr Quantity kQuantities[] = {
    {Q::temperature, "temperature", "Temperature", "°C", false, "air, water or body temperature"},
    {Q::humidity, "humidity", "Humidity", "%", false, "relative humidity"},
    {Q::battery, "battery", "Battery", "%", false, "battery level"},
    {Q::illuminance, "illuminance", "Illuminance", "lx", false, "illuminance"},
    {Q::moisture, "moisture", "Soil moisture", "%", false, "soil moisture"},
    {Q::conductivity, "conductivity", "Conductivity", "µS/cm", false, "soil conductivity"},
    {Q::formaldehyde, "formaldehyde", "Formaldehyde", "mg/m³", false, "formaldehyde concentration"},
    {Q::consumable, "consumable", "Consumable left", "%", false, "consumable (filter, repellent tablet) left"},
    {Q::weight, "weight", "Weight", "kg", false, "weight on a scale"},
    {Q::impedance_low, "impedance_low", "Impedance (50 kHz)", "Ω", false, "body impedance at the low frequency, sent with the weight"},
    {Q::impedance_high, "impedance_high", "Impedance (250 kHz)", "Ω", false, "body impedance at the high frequency, sent last, without weight"},
    {Q::heart_rate, "heart_rate", "Heart rate", "bpm", false, "heart rate"},
    {Q::profile_id, "profile_id", "Profile", "", false, "user profile of a scale"},
    {Q::rssi, "rssi", "Signal strength", "dBm", false, "signal strength the device reports"},
    {Q::step_count, "step_count", "Steps", "", false, "steps counted by a band"},
    {Q::skin_temperature, "skin_temperature", "Skin temperature", "°C", false, "raw skin sensor temperature of a body thermometer"},
    {Q::pcb_temperature, "pcb_temperature", "Board temperature", "°C", false, "raw board temperature of a body thermometer"},
    {Q::no_motion_time, "no_motion_time", "No motion for", "s", false, "time since the last motion"},
    {Q::no_motion_minutes, "no_motion_minutes", "No motion for", "min", false, "time since the last motion"},
    {Q::motion_minutes, "motion_minutes", "Motion for", "min", false, "time with motion"},
    {Q::duration_detected, "duration_detected", "Occupied after", "min", false, "presence time before occupancy is reported"},
    {Q::duration_cleared, "duration_cleared", "Clear after", "min", false, "absence time before clear is reported"},
    {Q::pressure_present_duration, "pressure_present_duration", "Pressure present for", "s", false, "time the seat has been pressed"},
    {Q::pressure_not_present_duration, "pressure_not_present_duration", "Pressure absent for", "s", false, "time the seat has been free"},
    {Q::pressure_present_time_set, "pressure_present_time_set", "Pressure present delay", "s", false, "configured delay before pressure is reported"},
    {Q::pressure_not_present_time_set, "pressure_not_present_time_set", "Pressure absent delay", "s", false, "configured delay before no pressure is reported"},
    {Q::timestamp, "timestamp", "Device time", "s", false, "the device's clock, Unix time (seconds since 1970, UTC)"},
    {Q::motion, "motion", "Motion", "", false, "1: motion detected, 0: none"},
    {Q::light, "light", "Light", "", false, "1: light, 0: dark"},
    {Q::occupancy, "occupancy", "Occupancy", "", false, "1: someone present, 0: clear"},
    {Q::occupancy_close_range, "occupancy_close_range", "Occupancy close by", "", false, "1: someone close by, 0: clear"},
    {Q::pressure_present, "pressure_present", "Pressure present", "", false, "1: the seat is pressed, 0: free"},
    {Q::opening, "opening", "Open", "", true, "1: open, 0: closed"},
    {Q::door, "door", "Door open", "", false, "1: open, 0: closed"},
    {Q::door_event, "door_event", "Door event", "", true, "what happened at the door"},
    {Q::door_left_open, "door_left_open", "Left open", "", false, "1: not closed in time"},
    {Q::forcibly_removed, "forcibly_removed", "Forcibly removed", "", false, "1: the sensor was pried off"},
    {Q::water_leak, "water_leak", "Water", "", false, "1: water detected, 0: dry"},
    {Q::top_splash, "top_splash", "Water on top", "", false, "1: water on the top sensor, 0: dry"},
    {Q::water_event, "water_event", "Water event", "", true, "which sensor got wet or dry"},
    {Q::smoke, "smoke", "Smoke", "", true, "0: normal, 1: fire alarm, 2: failure, …"},
    {Q::gas, "gas", "Gas", "", true, "0: normal, 1: leak, …"},
    {Q::power, "power", "Power", "", false, "1: on, 0: off"},
    {Q::locked, "locked", "Locked", "", false, "1: locked, 0: unlocked"},
    {Q::lock_action, "lock_action", "Lock action", "", true, "what was done to the lock"},
    {Q::lock_method, "lock_method", "Lock method", "", true, "how it was done"},
    {Q::key_id, "key_id", "Key", "", true, "who did it (key id), or the lock's error"},
    {Q::lock_bolts, "lock_bolts", "Bolts", "", true, "which bolts are out"},
    {Q::fingerprint_result, "fingerprint_result", "Fingerprint", "", true, "0: match, else why not"},
    {Q::armed, "armed", "Armed", "", false, "1: armed away, 0: disarmed"},
    {Q::toothbrush, "toothbrush", "Brushing", "", false, "1: brushing started, 0: ended"},
    {Q::score, "score", "Score", "", false, "brushing score (0-100)"},
    {Q::brush_counter, "brush_counter", "Brushing counter", "", false, "brushing counter of a toothbrush"},
    {Q::sleeping, "sleeping", "Sleeping", "", false, "1: asleep, 0: awake"},
    {Q::snoring, "snoring", "Snoring", "", false, "1: snoring, 0: not"},
    {Q::asleep, "asleep", "Asleep", "", false, "1: asleep, 0: awake"},
    {Q::wearing, "wearing", "Worn", "", false, "1: worn, 0: not"},
    {Q::charging, "charging", "Charging", "", true, "0: charging, 1: not charging, 2: full"},
    {Q::bed_occupancy, "bed_occupancy", "In bed", "", false, "1: in bed, 0: out of bed"},
    {Q::low_battery, "low_battery", "Low battery", "", false, "1: battery low"},
    {Q::device_reset, "device_reset", "Reset", "", false, "1: the device was reset"},
    {Q::mode, "mode", "Mode", "", false, "device mode"},
    {Q::bound, "bound", "Bound", "", false, "1: bound to an account"},
    {Q::paired_object, "paired_object", "Pairing object", "", false, "object id of an easy pairing"},
    {Q::on_base, "on_base", "On its base", "", false, "1: on its base, 0: taken off"},
    {Q::unplugged, "unplugged", "Unplugged", "", false, "1: unplugged, 0: normal"},
    {Q::pomodoro, "pomodoro", "Pomodoro", "", true, "pomodoro timer event"},
    {Q::gesture, "gesture", "Gesture", "", true, "gesture controller event"},
    {Q::cat_eye, "cat_eye", "Door viewer", "", true, "door viewer event"},
    {Q::weighing_type, "weighing_type", "Weighing", "", true, "0: current, 1: less, 2: more"},
    {Q::activity, "activity", "Activity", "", false, "band activity status"},
    {Q::gear, "gear", "Gear", "", false, "vacuum cleaner gear"},
    {Q::vacuum_mode, "vacuum_mode", "Vacuum mode", "", true, "vacuum cleaner mode"},
    {Q::button, "button", "Button", "", true, "which button (or remote key)"},
    {Q::press, "press", "Press", "", true, "the kind of press (or rotation)"},
    {Q::presses, "presses", "Presses", "", false, "number of presses (dimmer)"},
    {Q::press_duration, "press_duration", "Press duration", "s", false, "how long it was held (dimmer)"},
    {Q::steps, "steps", "Rotation steps", "", false, "how far it was turned (dimmer)"},
    {Q::cube, "cube", "Cube", "", true, "magic cube rotation"},
};
// clang-format on

constexpr bool quantities_in_order() {
  for (std::size_t i = 0; i < std::size(kQuantities); ++i)
    if (static_cast<std::size_t>(kQuantities[i].id) != i) return false;
  return true;
}
static_assert(quantities_in_order(), "kQuantities: one row per Q, in enum order");

constexpr std::uint8_t XB = kXiaomiBle, BM = kBleMonitor, SPEC = kMiotSpec;
constexpr std::uint8_t kAny = 255;
// clang-format off
constexpr ObjectType kObjects[] = {
    {0x0002, "easy_pairing", 2, 2, SPEC},
    {0x0003, "motion", 1, kAny, XB | BM},
    {0x0006, "fingerprint", 5, 5, XB | BM | SPEC},
    {0x0007, "door_event", 1, 5, XB | BM | SPEC},
    {0x0008, "armed", 1, 5, XB | BM | SPEC},
    {0x0009, "gesture", 2, 2, SPEC},
    {0x000a, "body_temperature", 2, 2, XB | BM | SPEC},
    {0x000b, "lock", 9, 9, XB | BM | SPEC},
    {0x000c, "flooding", 1, 1, SPEC},
    {0x000d, "smoke_event", 1, 1, SPEC},
    {0x000e, "gas_event", 1, 1, SPEC},
    {0x000f, "motion_illuminance", 3, 3, XB | BM | SPEC},
    {0x0010, "toothbrush", 1, 2, XB | BM | SPEC},
    {0x0011, "door_viewer", 1, 1, SPEC},
    {0x0012, "weighing", 3, 3, SPEC},
    {0x1001, "button", 3, 3, XB | BM | SPEC},
    {0x1002, "sleep", 1, 1, SPEC},
    {0x1003, "rssi", 1, 1, SPEC},
    {0x1004, "temperature", 2, 2, XB | BM | SPEC},
    {0x1005, "kettle", 2, 2, XB | BM},
    {0x1006, "humidity", 2, 2, XB | BM | SPEC},
    {0x1007, "illuminance", 3, 3, XB | BM | SPEC},
    {0x1008, "moisture", 1, kAny, XB | BM | SPEC},
    {0x1009, "conductivity", 2, 2, XB | BM | SPEC},
    {0x100a, "battery", 1, kAny, XB | BM | SPEC},
    {0x100d, "temperature_humidity", 4, 4, XB | BM},
    {0x100e, "lock_state", 1, 1, XB | BM | SPEC},
    {0x100f, "door", 1, 1, SPEC},
    {0x1010, "formaldehyde", 2, 2, XB | BM | SPEC},
    {0x1011, "bound", 1, 1, SPEC},
    {0x1012, "power", 1, kAny, XB | BM | SPEC},
    {0x1013, "consumable", 1, kAny, XB | BM | SPEC},
    {0x1014, "water_leak", 1, kAny, XB | BM | SPEC},
    {0x1015, "smoke", 1, kAny, XB | BM | SPEC},
    {0x1016, "gas", 1, 1, SPEC},
    {0x1017, "no_motion_time", 2, 4, XB | BM | SPEC},
    {0x1018, "light", 1, kAny, XB | BM | SPEC},
    {0x1019, "opening", 1, kAny, XB | BM | SPEC},
    {0x101a, "weight", 2, 2, SPEC},
    {0x101b, "no_motion_timeout", 1, 4, XB | BM | SPEC},
    {0x101c, "pillow", 1, 1, SPEC},
    {0x2000, "body_temperature_2", 5, 5, XB | BM | SPEC},
    {0x2001, "band", 4, 4, SPEC},
    {0x2002, "vacuum", 2, 2, SPEC},
    {0x2003, "band_2", 4, 4, SPEC},
    {0x3000, "plant_monitor", 1, 1, SPEC},
    {0x3001, "position", 1, 1, SPEC},
    {0x3002, "pomodoro", 1, 1, SPEC},
    {0x3003, "brushing", 5, 6, XB | BM | SPEC},
    {0x4801, "temperature", 4, 4, XB | BM},
    {0x4802, "humidity", 1, 1, XB | BM},
    {0x4803, "battery", 1, kAny, XB | BM},
    {0x4804, "opening", 1, kAny, XB | BM},
    {0x4805, "illuminance", 4, 4, XB | BM},
    {0x4806, "water_leak", 1, 1, XB | BM},
    {0x4808, "humidity", 4, 4, XB | BM},
    {0x480c, "opening", 1, 1, XB},
    {0x4810, "sleep", 1, kAny, BM},
    {0x4811, "snoring", 1, kAny, BM},
    {0x4818, "no_motion_time", 2, 2, XB | BM},
    {0x483c, "pressure", 1, 1, XB | BM},
    {0x483d, "pressure_present_duration", 4, 4, XB | BM},
    {0x483e, "pressure_not_present_duration", 4, 4, XB | BM},
    {0x483f, "pressure_present_time_set", 4, 4, BM},
    {0x4840, "pressure_not_present_time_set", 4, 4, BM},
    {0x484e, "occupancy", 1, 1, XB | BM},
    {0x484f, "no_motion_minutes", 1, 1, BM},
    {0x4850, "motion_minutes", 1, 1, BM},
    {0x4851, "duration_detected", 1, 4, XB | BM},
    {0x4852, "duration_cleared", 1, 4, XB | BM},
    {0x487b, "top_splash", 1, 1, XB},
    {0x4a01, "low_battery", 1, kAny, XB | BM},
    {0x4a08, "motion_illuminance", 4, 4, XB | BM},
    {0x4a0c, "press", 0, kAny, XB | BM},
    {0x4a0d, "double_press", 0, kAny, XB | BM},
    {0x4a0e, "long_press", 0, kAny, XB | BM},
    {0x4a0f, "forcibly_removed", 1, kAny, XB | BM},
    {0x4a12, "opening", 1, kAny, XB | BM},
    {0x4a13, "button", 1, kAny, XB | BM},
    {0x4a1a, "door_left_open", 1, kAny, XB | BM},
    {0x4a1c, "device_reset", 1, kAny, BM},
    {0x4a68, "water_event", 1, 1, XB},
    {0x4c01, "temperature", 4, 4, XB | BM},
    {0x4c02, "humidity", 1, 1, XB | BM},
    {0x4c03, "battery", 1, kAny, XB | BM},
    {0x4c08, "humidity", 4, 4, XB | BM},
    {0x4c14, "mode", 1, kAny, XB | BM},
    {0x4e01, "low_battery", 1, kAny, XB | BM},
    {0x4e0c, "press", 0, kAny, XB | BM},
    {0x4e0d, "double_press", 0, kAny, XB | BM},
    {0x4e0e, "long_press", 0, kAny, XB | BM},
    {0x4e16, "scale_or_bed", 1, 9, XB | BM},
    {0x4e17, "out_of_bed", 1, kAny, BM},
    {0x4e1c, "device_reset", 0, kAny, XB | BM},
    {0x5003, "battery", 1, kAny, XB | BM},
    {0x5010, "sleep", 1, kAny, BM},
    {0x5011, "snoring", 1, kAny, BM},
    {0x5403, "battery", 1, kAny, BM},
    {0x5413, "occupancy_close_range", 1, kAny, XB},
    {0x5414, "mode", 1, kAny, XB | BM},
    {0x5422, "charging", 1, 1, XB},
    {0x5601, "low_battery", 1, kAny, BM},
    {0x560c, "press", 0, kAny, XB | BM},
    {0x560d, "double_press", 0, kAny, XB | BM},
    {0x560e, "long_press", 0, kAny, XB | BM},
    {0x5810, "sleep", 1, 1, XB},
    {0x5a16, "bed", 1, kAny, BM},
    {0x6012, "humidity", 1, 1, BM},
    {0x605d, "temperature", 1, 1, BM},
    {0x6461, "wearing", 1, 1, XB},
    {0x6e16, "body_composition", 9, 9, XB | BM},
};
// clang-format on

constexpr bool objects_sorted() {
  for (std::size_t i = 1; i < std::size(kObjects); ++i)
    if (kObjects[i - 1].id >= kObjects[i].id) return false;
  return true;
}
static_assert(objects_sorted(), "kObjects: sorted by id, each id once");

// ---- reading the data ----

std::uint32_t u16(ByteView d, std::size_t at) {
  return load_u16le(d.data() + at);
}
std::int32_t s16(ByteView d, std::size_t at) {
  return static_cast<std::int16_t>(load_u16le(d.data() + at));
}
std::uint32_t u24(ByteView d, std::size_t at) {
  return load_u24le(d.data() + at);
}
std::uint32_t u32(ByteView d, std::size_t at) {
  return load_u32le(d.data() + at);
}
// An IEEE 754 single, as the shortest decimal that reads back as the same single: 0x41d0cccd is
// 26.1 (the value the device meant), not 26.100000381469727.
double f32(ByteView d, std::size_t at) {
  const std::uint32_t bits = u32(d, at);
  float f;
  std::memcpy(&f, &bits, 4);
  if (!std::isfinite(f)) return f;
  char buf[32];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, f);
  double v = 0;
  std::from_chars(buf, end, v);
  return v;
}

template <std::size_t N>
const char* name_of(const char* const (&names)[N], std::uint32_t i) {
  return i < N ? names[i] : nullptr;
}

class Out {
 public:
  explicit Out(std::vector<Value>& v) : v_(v) {}
  void add(Q q, double x, const char* text = nullptr) {
    const Quantity& d = quantity(q);
    v_.push_back({d.key, x, d.unit, text, q});
  }

 private:
  std::vector<Value>& v_;
};

// ---- the meanings ----

// Press kinds of the key event 0x1001 (MIoT object definition: 0 single, 1 double, 2 long, 3
// triple; 5 and 6 as the reference decoders read them).
const char* const kPress[] = {"press", "double_press", "long_press", "triple_press", nullptr, "press", "long_press"};
// Linptech K9B switches send 1 for a long press and 2 for a double press.
const char* const kPressK9b[] = {"press", "long_press", "double_press"};
const char* const kRemote[] = {"on", "off", "brightness", "plus", "M", "min"};  // YLYK01YL
const char* const kFanRemote[] = {"fan", "light", "wind_speed", "color_temperature", "wind_mode", "brightness"};
const char* const kVentilatorRemote[] = {
    "swing", "power", "timer_60_minutes", "increase_wind_speed", "timer_30_minutes", "decrease_wind_speed"};
const char* const kHeaterRemote[] = {"stop",  "air_exchange", "fan", "increase_speed", "decrease_speed", "dry",
                                     "light", "swing",        "heat"};
const char* const kK9b2[] = {"left", "right", "left+right"};
const char* const kK9b3[] = {"left",       "middle",           "right", "left+middle", "middle+right",
                             "left+right", "left+middle+right"};
const char* const kCube[] = {"rotate_right", "rotate_left"};
const char* const kQuad[] = {nullptr, "left", "mid_left", "mid_right", "right"};  // KS1, KS1BP
const char* const kDouble[] = {nullptr, "left", "right", "left+right"};           // XMWXKG01YL
const char* const kFour[] = {nullptr, "1", "2", "3", "4"};                        // PTX-F1-Display
const char* const kLeftRight[] = {"left", "right"};                               // XMWS01XS

const char* const kDoorEvent[] = {"open", "close", "not_closed_in_time", "knock", "pry", "stuck"};
const char* const kOpening1019[] = {"open", "closed", "not_closed_in_time", "device_reset"};
const char* const kFingerprint[] = {
    "match_successful",  "match_failed",    "timeout",        "low_quality_too_light_fuzzy",
    "insufficient_area", "skin_is_too_dry", "skin_is_too_wet"};
const char* const kLockAction[] = {"unlock_outside_the_door",
                                   "lock",
                                   "turn_on_antilock",
                                   "turn_off_antilock",
                                   "unlock_inside_the_door",
                                   "lock_inside_the_door",
                                   "turn_on_child_lock",
                                   "turn_off_child_lock",
                                   "lock_outside_the_door",
                                   nullptr,
                                   nullptr,
                                   nullptr,
                                   nullptr,
                                   nullptr,
                                   nullptr,
                                   "abnormal"};
const char* const kLockMethod[] = {"bluetooth",
                                   "password",
                                   "biometrics",
                                   "key",
                                   "turntable",
                                   "nfc",
                                   "one_time_password",
                                   "two_step_verification",
                                   "coercion",
                                   "homekit",
                                   "manual",
                                   "automatic",
                                   nullptr,
                                   nullptr,
                                   nullptr,
                                   "abnormal"};
// Locks' errors (key ids 0xC0DE0000-0xC0DE0010 and 0xC0DE1000-0xC0DE1005).
const char* const kLockErrorOutside[] = {"frequent_wrong_password",
                                         "frequent_wrong_fingerprint",
                                         "password_timeout",
                                         "lock_picking",
                                         "reset_button_pressed",
                                         "frequent_wrong_key",
                                         "foreign_body_in_keyhole",
                                         "key_not_taken_out",
                                         "frequent_wrong_nfc",
                                         "not_locked_in_time",
                                         "frequent_failures_multiple_ways",
                                         "frequent_face_failures",
                                         "frequent_vein_failures",
                                         "hijacking_alarm",
                                         "unlocked_inside_after_arming",
                                         "frequent_palmprint_failures",
                                         "safe_moved"};
const char* const kLockErrorInside[] = {"battery_below_10_percent", "battery_below_5_percent",
                                        "fingerprint_sensor_fault", "accessory_battery_low",
                                        "mechanical_failure",       "lock_sensor_fault"};
const char* const kKeyKind[] = {nullptr, "fingerprint", "password", "key", "nfc", "two_step_verification",
                                "face",  "finger_vein", "palmprint"};
const char* const kSmoke[] = {"normal", "fire_alarm", "equipment_failure", "self_check", "analog_alarm"};
const char* const kGas[] = {"normal",     "gas_leak",   "equipment_failure", "sensor_expired",
                            "preheating", "self_check", "analog_alarm"};
const char* const kGesture[] = {nullptr, "shake", "flip_90", "flip_180", "plane_rotation", "tap", "nudge"};
const char* const kCatEye[] = {"someone_stays",  "someone_passes_by", "doorbell",       "message_left",
                               "device_damaged", "duress_alarm",      "abnormal_unlock"};
const char* const kWeighing[] = {"current", "less", "more"};
const char* const kPomodoro[] = {"pomodoro_start", "pomodoro_end", "rest_start", "rest_end"};
const char* const kVacuum[] = {"charging", "standby", "standard", "strong"};
const char* const kCharging[] = {"charging", "not_charging", "full"};
const char* const kWaterEvent[] = {"bottom_wet", "bottom_dry", "top_wet", "top_dry"};
const char* const kOpenClose12[] = {nullptr, "open", "closed"};
const char* const kOpenClose01[] = {"open", "closed"};

// A lock's key id (MIoT object definition, lock event): who, or which error. Ids of the numbered
// kinds (0x8001xxxx fingerprints, 0x8002xxxx passwords, …) give the number within the kind, as
// both reference decoders show it.
struct Key {
  double value;
  const char* text;
};
Key key_of(std::uint32_t id) {
  if (id == 0) return {0, "administrator"};
  if (id == 0xffffffff) return {static_cast<double>(id), "unknown_operator"};
  if (id == 0xdeadbeef) return {static_cast<double>(id), "invalid_operator"};
  if (id >> 16 == 0xc0de) {
    const std::uint32_t low = id & 0xffff;
    const char* error = low >= 0x1000 ? name_of(kLockErrorInside, low - 0x1000) : name_of(kLockErrorOutside, low);
    return {static_cast<double>(id), error};
  }
  if (id <= 0x7fffffff) return {static_cast<double>(id), "bluetooth"};
  if (const char* kind = name_of(kKeyKind, (id >> 16) - 0x8000u)) return {static_cast<double>(id & 0xffff), kind};
  return {static_cast<double>(id), nullptr};
}

// The 0x1001 key event of a device.
void button_event(Out& o, ByteView d, std::uint16_t pid) {
  const std::uint32_t button = d[0], value = d[1], press = d[2];
  if (is_model(pid, "XMMF01JQD")) {  // the cube: the button byte is the direction
    o.add(Q::cube, button, name_of(kCube, button));
    return;
  }
  if (is_model(pid, "YLKG07YL/YLKG08YL")) {
    // The dimmer: press kind 3 is a press (button 0, value: how many) or a long press (button 1,
    // value: seconds held); kind 4 a rotation (button 0: value is the signed step count; else the
    // button byte is, while pressed).
    if (press == 3 && button == 0) {
      o.add(Q::press, press, "press");
      o.add(Q::presses, value);
    } else if (press == 3 && button == 1) {
      o.add(Q::press, press, "long_press");
      o.add(Q::press_duration, value);
    } else if (press == 4) {
      const std::uint32_t v = button == 0 ? value : button;
      const bool right = v <= 127;
      o.add(Q::press, press,
            button == 0 ? (right ? "rotate_right" : "rotate_left")
                        : (right ? "rotate_right_pressed" : "rotate_left_pressed"));
      o.add(Q::steps, right ? v : 256 - v);
    } else {
      o.add(Q::press, press, name_of(kPress, press));
    }
    return;
  }
  const char* const* names = nullptr;
  std::size_t n = 0;
  auto use = [&](const auto& table) {
    names = table;
    n = std::size(table);
  };
  bool k9b = true;
  if (is_model(pid, "K9B-1BTN")) {
    static const char* const one[] = {"button"};
    use(one);
  } else if (is_model(pid, "K9B-2BTN")) {
    use(kK9b2);
  } else if (is_model(pid, "K9B-3BTN")) {
    use(kK9b3);
  } else {
    k9b = false;
    if (is_model(pid, "YLYK01YL"))
      use(kRemote);
    else if (is_model(pid, "YLYK01YL-FANCL"))
      use(kFanRemote);
    else if (is_model(pid, "YLYK01YL-VENFAN"))
      use(kVentilatorRemote);
    else if (is_model(pid, "YLYB01YL-BHFRC"))
      use(kHeaterRemote);
  }
  o.add(Q::button, button, button < n ? names[button] : nullptr);
  o.add(Q::press, press, k9b ? name_of(kPressK9b, press) : name_of(kPress, press));
}

// The press objects 0x4a0c-e, 0x4e0c-e, 0x560c-e: the kind is in the id (0 press, 1 double, 2
// long); the data, when there is any, names the button on some devices.
void press_event(Out& o, std::uint32_t kind, ByteView d, std::uint16_t pid) {
  if (is_model(pid, "K9BB-1BTN") && !d.empty()) {
    // One object id (0x4e0c) for every kind: the data says which (1 press, 15 double, 8 long).
    const std::uint32_t k = d[0] == 1 ? 0 : d[0] == 15 ? 1 : d[0] == 8 ? 2 : 255;
    if (k != 255) o.add(Q::press, k, kPress[k]);
    return;
  }
  o.add(Q::press, kind, kPress[kind]);
  if (d.empty()) return;
  const std::uint32_t b = d[0];
  const char* text = nullptr;
  if (is_model(pid, "XMWXKG01YL"))
    text = name_of(kDouble, b);
  else if (is_model(pid, "PTX-F1-Display"))
    text = name_of(kFour, b);
  else if (is_model(pid, "KS1") || is_model(pid, "KS1BP"))
    text = name_of(kQuad, b);
  else if (is_model(pid, "XMWS01XS"))
    text = name_of(kLeftRight, b);
  o.add(Q::button, b, text);
}

// Body temperature of the MMC-T201-1 from its two sensors, as both reference decoders compute it
// (an empirical fit to the app's values between 36.5 and 37.8 °C; docs/MIBEACON.md).
double body_temperature(std::int32_t skin, std::int32_t pcb) {
  return 3.71934 * std::pow(10, -11) * std::exp(0.69314 * skin / 100) -
         1.02801 * std::pow(10, -8) * std::exp(0.53871 * pcb / 100) + 36.413;
}

// Objects whose meaning the reference decoders know for some devices only: for the others the
// data is shown raw, with a note naming the devices.
const char* only_for(std::uint16_t id, std::uint16_t pid) {
  switch (id) {
    case 0x487b:
    case 0x4a68:
      return is_model(pid, "SJWS02LM") ? nullptr : "SJWS02LM";
    case 0x4e0c:
    case 0x4e0d:
    case 0x4e0e:
      return is_model(pid, "XMWXKG01YL") || is_model(pid, "XMWXKG01LM") || is_model(pid, "K9BB-1BTN") ||
                     is_model(pid, "PTX-F1-Display")
                 ? nullptr
                 : "XMWXKG01YL, XMWXKG01LM, K9BB-1BTN and PTX-F1-Display";
    case 0x560c:
    case 0x560d:
    case 0x560e:
      return is_model(pid, "KS1") || is_model(pid, "KS1BP") || is_model(pid, "KS2BB") ? nullptr
                                                                                      : "KS1, KS1BP and KS2BB";
    case 0x5413:
      return is_model(pid, "ES5BB") ? nullptr : "ES5BB";
    default:
      return nullptr;
  }
}

void decode(std::uint16_t id, ByteView d, std::uint16_t pid, Out& o, std::string& note) {
  if (const char* models = only_for(id, pid)) {
    note = std::string("decoded for ") + models + " only";
    return;
  }
  switch (id) {
    case 0x0002:
      o.add(Q::paired_object, u16(d, 0));
      break;
    case 0x0003:
      o.add(Q::motion, d[0]);
      break;
    case 0x0006: {
      const Key key = key_of(u32(d, 0));
      o.add(Q::key_id, key.value, key.text);
      o.add(Q::fingerprint_result, d[4], name_of(kFingerprint, d[4]));
      break;
    }
    case 0x0007:
      o.add(Q::door_event, d[0], name_of(kDoorEvent, d[0]));
      if (d[0] <= 5) o.add(Q::door, d[0] == 0 || d[0] == 2 || d[0] == 4 ? 1 : 0);
      if (d.size() == 5)
        o.add(Q::timestamp, u32(d, 1));
      else if (d.size() != 1)
        note = "door event: 1 or 5 bytes expected";
      break;
    case 0x0008:
      // The object definition: 1 armed, 0 disarmed (both reference decoders invert it; the
      // XiaomiGateway3 tests follow the definition: docs/MIBEACON.md §4).
      o.add(Q::armed, d[0]);
      if (d.size() == 5)
        o.add(Q::timestamp, u32(d, 1));
      else if (d.size() != 1)
        note = "armed: 1 or 5 bytes expected";
      break;
    case 0x0009:
      o.add(Q::gesture, u16(d, 0), name_of(kGesture, u16(d, 0)));
      break;
    case 0x000a:
      // 0 means no reading (both reference decoders skip it).
      if (s16(d, 0) != 0)
        o.add(Q::temperature, s16(d, 0) / 100.0);
      else
        note = "body temperature 0: no reading";
      break;
    case 0x000b: {
      const std::uint32_t action = d[0] & 0x0fu, method = d[0] >> 4u;
      const Key key = key_of(u32(d, 1));
      o.add(Q::lock_action, action, kLockAction[action]);
      o.add(Q::lock_method, method, kLockMethod[method]);
      o.add(Q::key_id, key.value, key.text);
      o.add(Q::timestamp, u32(d, 5));
      // Locked after the action: every lock* action, not the unlocks and the (anti/child) lock toggles.
      if (action == 0 || action == 4)
        o.add(Q::locked, 0);
      else if (action == 1 || action == 5 || action == 8)
        o.add(Q::locked, 1);
      break;
    }
    case 0x000c:
      o.add(Q::water_leak, d[0]);
      break;
    case 0x000d:
      o.add(Q::smoke, d[0], name_of(kSmoke, d[0]));
      break;
    case 0x000e:
      o.add(Q::gas, d[0], name_of(kGas, d[0]));
      break;
    case 0x000f:
      o.add(Q::motion, 1);
      // MJYD02YL (1 or 100) and RTCGQ02LM (0 or 256) send a light level, not lux.
      if (is_model(pid, "MJYD02YL") || is_model(pid, "RTCGQ02LM"))
        o.add(Q::light, u24(d, 0) >= 100 ? 1 : 0);
      else
        o.add(Q::illuminance, u24(d, 0));
      break;
    case 0x0010:
      o.add(Q::toothbrush, d[0] == 0 ? 1 : 0);
      if (d.size() == 2) o.add(d[0] == 0 ? Q::brush_counter : Q::score, d[1]);
      break;
    case 0x0011:
      o.add(Q::cat_eye, d[0], name_of(kCatEye, d[0]));
      break;
    case 0x0012:
      o.add(Q::weight, u16(d, 0) / 1000.0);
      o.add(Q::weighing_type, d[2], name_of(kWeighing, d[2]));
      break;
    case 0x1001:
      button_event(o, d, pid);
      break;
    case 0x1002:
      o.add(Q::sleeping, d[0]);
      break;
    case 0x1003:
      o.add(Q::rssi, static_cast<std::int8_t>(d[0]));
      break;
    case 0x1004:
      o.add(Q::temperature, s16(d, 0) / 10.0);
      break;
    case 0x1005:
      o.add(Q::power, d[0]);
      o.add(Q::temperature, d[1]);
      break;
    case 0x1006:
      o.add(Q::humidity, u16(d, 0) / 10.0);
      break;
    case 0x1007:
      // MJYD02YL and MCCGQ02HL send 100 for light and 0 or 1 for dark, not lux.
      if (is_model(pid, "MJYD02YL") || is_model(pid, "MCCGQ02HL"))
        o.add(Q::light, u24(d, 0) == 100 ? 1 : 0);
      else
        o.add(Q::illuminance, u24(d, 0));
      break;
    case 0x1008:
      o.add(Q::moisture, d[0]);
      break;
    case 0x1009:
      o.add(Q::conductivity, u16(d, 0));
      break;
    case 0x100a:
      o.add(Q::battery, d[0]);
      break;
    case 0x100d:
      o.add(Q::temperature, s16(d, 0) / 10.0);
      o.add(Q::humidity, u16(d, 2) / 10.0);
      break;
    case 0x100e: {
      // bit 0 square bolt, 1 dead bolt, 2 latch (1: out), 3 child lock.
      static const char* const bolts[] = {"unlocked",  nullptr,  nullptr,         nullptr,
                                          "latch_out", "locked", "double_locked", "all_bolts_out"};
      o.add(Q::lock_bolts, d[0], name_of(bolts, d[0] & 0x07u));
      o.add(Q::locked, d[0] & 0x01u);
      break;
    }
    case 0x100f:
      if (d[0] <= 1)
        o.add(Q::door, d[0] == 0 ? 1 : 0);
      else
        note = "door: 0 (open) or 1 (closed) expected";
      break;
    case 0x1010:
      o.add(Q::formaldehyde, u16(d, 0) / 100.0);
      break;
    case 0x1011:
      o.add(Q::bound, d[0]);
      break;
    case 0x1012:
      o.add(Q::power, d[0]);
      break;
    case 0x1013:
      o.add(Q::consumable, d[0]);
      break;
    case 0x1014:
      o.add(Q::water_leak, d[0]);
      break;
    case 0x1015:
      o.add(Q::smoke, d[0], name_of(kSmoke, d[0]));
      break;
    case 0x1016:
      o.add(Q::gas, d[0], name_of(kGas, d[0]));
      break;
    case 0x1017:
      if (d.size() == 4)
        o.add(Q::no_motion_time, u32(d, 0));
      else if (d.size() == 2)
        o.add(Q::no_motion_time, u16(d, 0));
      else
        note = "no motion time: 4 bytes expected";
      break;
    case 0x1018:
      o.add(Q::light, d[0]);
      break;
    case 0x1019:
      if (d[0] <= 2) {
        o.add(Q::opening, d[0] == 1 ? 0 : 1, kOpening1019[d[0]]);
        if (d[0] >= 1) o.add(Q::door_left_open, d[0] == 2 ? 1 : 0);
      } else if (d[0] == 3) {
        o.add(Q::device_reset, 1);
      }
      break;
    case 0x101a:
      o.add(Q::weight, u16(d, 0) / 1000.0);
      break;
    case 0x101b:
      // The object definition gives 1 byte (1: no motion for the configured time); devices send
      // the 4-byte seconds of 0x1017.
      o.add(Q::motion, 0);
      if (d.size() == 4)
        o.add(Q::no_motion_time, u32(d, 0));
      else if (d.size() != 1)
        note = "no motion timeout: 1 or 4 bytes expected";
      break;
    case 0x101c:
      o.add(Q::bed_occupancy, d[0]);
      break;
    case 0x2000: {
      o.add(Q::temperature, body_temperature(s16(d, 0), s16(d, 2)));
      o.add(Q::battery, d[4]);
      o.add(Q::skin_temperature, s16(d, 0) / 100.0);
      o.add(Q::pcb_temperature, s16(d, 2) / 100.0);
      break;
    }
    case 0x2001:
      o.add(Q::step_count, u16(d, 0));
      if (d[2] == 1 || d[2] == 2) o.add(Q::sleeping, d[2] == 1 ? 1 : 0);
      o.add(Q::rssi, -static_cast<double>(d[3]));
      break;
    case 0x2002:
      o.add(Q::vacuum_mode, d[0], d[0] == 0xff ? "abnormal" : name_of(kVacuum, d[0]));
      o.add(Q::gear, d[1]);
      break;
    case 0x2003:
      o.add(Q::step_count, u16(d, 0));
      o.add(Q::heart_rate, d[2]);
      o.add(Q::activity, d[3]);
      break;
    case 0x3000:
      o.add(Q::unplugged, d[0]);
      break;
    case 0x3001:
      o.add(Q::on_base, d[0]);
      break;
    case 0x3002:
      o.add(Q::pomodoro, d[0], name_of(kPomodoro, d[0]));
      break;
    case 0x3003:
      if (d[0] <= 1) o.add(Q::toothbrush, d[0] == 0 ? 1 : 0);
      o.add(Q::timestamp, u32(d, 1));
      if (d.size() == 6) o.add(Q::score, d[5]);
      break;
    case 0x4801:
      o.add(Q::temperature, f32(d, 0));
      break;
    case 0x4802:
      o.add(Q::humidity, d[0]);
      break;
    case 0x4803:
      o.add(Q::battery, d[0]);
      break;
    case 0x4804:
    case 0x4a12:
      if (d[0] == 1 || d[0] == 2)
        o.add(Q::opening, d[0] == 1 ? 1 : 0, kOpenClose12[d[0]]);
      else
        note = "opening: 1 (open) or 2 (closed) expected";
      break;
    case 0x4805:
      o.add(Q::illuminance, f32(d, 0));
      break;
    case 0x4806:
      o.add(Q::water_leak, d[0]);
      break;
    case 0x4808:
      o.add(Q::humidity, f32(d, 0));
      break;
    case 0x480c:
      if (d[0] <= 1)
        o.add(Q::opening, d[0] == 0 ? 1 : 0, kOpenClose01[d[0]]);
      else
        note = "opening: 0 (open) or 1 (closed) expected";
      break;
    case 0x4810:
    case 0x5010:
      if (d[0] <= 1)
        o.add(Q::sleeping, d[0]);
      else if (d[0] == 2)
        o.add(Q::press, 1, "double_press");
      break;
    case 0x4811:
    case 0x5011:
      o.add(Q::snoring, d[0]);
      break;
    case 0x4818:
      o.add(Q::no_motion_time, u16(d, 0));
      break;
    case 0x483c:
      o.add(Q::pressure_present, d[0]);
      break;
    case 0x483d:
      o.add(Q::pressure_present_duration, u32(d, 0));
      break;
    case 0x483e:
      o.add(Q::pressure_not_present_duration, u32(d, 0));
      break;
    case 0x483f:
      o.add(Q::pressure_present_time_set, u32(d, 0));
      break;
    case 0x4840:
      o.add(Q::pressure_not_present_time_set, u32(d, 0));
      break;
    case 0x484e:
      // XMOSB01XS: 1 someone, 0 and 2 no one; the others: any non-zero value is someone.
      o.add(Q::occupancy, is_model(pid, "XMOSB01XS") ? (d[0] == 1 ? 1 : 0) : (d[0] != 0 ? 1 : 0));
      break;
    case 0x484f:
      o.add(Q::no_motion_minutes, d[0]);
      break;
    case 0x4850:
      o.add(Q::motion_minutes, d[0]);
      break;
    case 0x4851:
    case 0x4852: {
      // A uint8 in minutes (MIoT spec; ES5BB sends 1 byte); 2 and 4 bytes seen too, little-endian.
      const Q q = id == 0x4851 ? Q::duration_detected : Q::duration_cleared;
      if (d.size() == 1)
        o.add(q, d[0]);
      else if (d.size() == 2)
        o.add(q, u16(d, 0));
      else if (d.size() == 4)
        o.add(q, u32(d, 0));
      else
        note = "duration: 1, 2 or 4 bytes expected";
      break;
    }
    case 0x487b:
      o.add(Q::top_splash, d[0]);
      break;
    case 0x4a01:
    case 0x4e01:
    case 0x5601:
      o.add(Q::low_battery, d[0]);
      break;
    case 0x4a08:
      o.add(Q::motion, 1);
      o.add(Q::illuminance, f32(d, 0));
      break;
    case 0x4a0c:
    case 0x4e0c:
    case 0x560c:
      press_event(o, 0, d, pid);
      break;
    case 0x4a0d:
    case 0x4e0d:
    case 0x560d:
      press_event(o, 1, d, pid);
      break;
    case 0x4a0e:
    case 0x4e0e:
    case 0x560e:
      press_event(o, 2, d, pid);
      break;
    case 0x4a0f:
      o.add(Q::forcibly_removed, d[0]);
      if (d[0] == 1) o.add(Q::opening, 1, "forcibly_removed");
      break;
    case 0x4a13:
      if (d[0] == 1)
        o.add(Q::press, 0, "press");
      else
        note = "button: 1 (press) expected";
      break;
    case 0x4a1a:
      o.add(Q::door_left_open, d[0]);
      if (d[0] == 1) o.add(Q::opening, 1, "not_closed_in_time");
      break;
    case 0x4a1c:
      o.add(Q::device_reset, d[0]);
      break;
    case 0x4e1c:
      o.add(Q::device_reset, d.empty() ? 1 : d[0]);
      break;
    case 0x4a68:
      o.add(Q::water_event, d[0], name_of(kWaterEvent, d[0]));
      if (d[0] <= 1)
        o.add(Q::water_leak, d[0] == 0 ? 1 : 0);
      else if (d[0] <= 3)
        o.add(Q::top_splash, d[0] == 2 ? 1 : 0);
      break;
    case 0x4c01:
      o.add(Q::temperature, f32(d, 0));
      break;
    case 0x4c02:
      o.add(Q::humidity, d[0]);
      break;
    case 0x4c03:
    case 0x5003:
    case 0x5403:
      o.add(Q::battery, d[0]);
      break;
    case 0x4c08:
      o.add(Q::humidity, f32(d, 0));
      break;
    case 0x4c14:
    case 0x5414:
      o.add(Q::mode, d[0]);
      break;
    case 0x4e16:
      if (d.size() == 1) {  // sleep monitors: 1 in bed
        if (d[0] == 1) o.add(Q::bed_occupancy, 1);
      } else if (d.size() == 9) {  // scale S200: profile, weight in 10 g, timestamp
        o.add(Q::profile_id, d[0]);
        if (u32(d, 1) != 0) o.add(Q::weight, u32(d, 1) / 100.0);
        o.add(Q::timestamp, u32(d, 5));
      } else {
        note = "1 byte (bed) or 9 bytes (scale) expected";
      }
      break;
    case 0x4e17:
      if (d[0] == 1) o.add(Q::bed_occupancy, 0);
      break;
    case 0x5413:
      o.add(Q::occupancy_close_range, d[0] != 0 ? 1 : 0);
      break;
    case 0x5422:
      o.add(Q::charging, d[0], name_of(kCharging, d[0]));
      break;
    case 0x5810:
      o.add(Q::asleep, d[0] ^ 1u);
      break;
    case 0x5a16:
      if (d[0] == 1 || d[0] == 2)
        o.add(Q::bed_occupancy, d[0] == 1 ? 1 : 0);
      else if (d[0] == 3)
        o.add(Q::press, 1, "double_press");
      break;
    case 0x6012:
      o.add(Q::humidity, d[0]);
      break;
    case 0x605d:
      o.add(Q::temperature, d[0]);
      break;
    case 0x6461:
      o.add(Q::wearing, d[0] ^ 1u);
      break;
    case 0x6e16: {
      // Profile, then 32 bits: weight (11 bits, 0.1 kg), heart rate (7 bits, + 50 bpm), impedance
      // (14 bits, 0.1 Ω); a packet with none of them is the user stepping off.
      const std::uint32_t v = u32(d, 1);
      const std::uint32_t mass = v & 0x7ff, hr = (v >> 11) & 0x7f, imp = v >> 18;
      o.add(Q::profile_id, d[0]);
      if (mass) o.add(Q::weight, mass / 10.0);
      if (hr > 0 && hr < 127) o.add(Q::heart_rate, hr + 50);
      if (imp && mass == 0 && hr == 0)
        o.add(Q::impedance_high, imp / 10.0);
      else if (imp)
        o.add(Q::impedance_low, imp / 10.0);
      break;
    }
    default:
      break;
  }
}

}  // namespace

std::span<const Quantity> quantities() {
  return kQuantities;
}
const Quantity& quantity(Q q) {
  return kQuantities[static_cast<std::size_t>(q)];
}

std::span<const ObjectType> object_types() {
  return kObjects;
}

const ObjectType* find_object_type(std::uint16_t id) {
  const auto* it = std::lower_bound(std::begin(kObjects), std::end(kObjects), id,
                                    [](const ObjectType& o, std::uint16_t v) { return o.id < v; });
  return it != std::end(kObjects) && it->id == id ? it : nullptr;
}

std::string format_number(double v) {
  char buf[32];
  if (std::isfinite(v) && v == std::floor(v) && std::fabs(v) < 1e15)
    std::snprintf(buf, sizeof buf, "%.0f", v);
  else
    std::snprintf(buf, sizeof buf, "%.6g", v);
  return buf;
}

std::string format_value(const Value& v, bool with_name) {
  std::string s = with_name ? std::string(v.name) + " " : std::string();
  s += format_number(v.value);
  if (*v.unit) s += std::string(" ") + v.unit;
  if (v.text) s += std::string(" (") + v.text + ")";
  return s;
}

void decode_object(std::uint16_t id, ByteView data, std::uint16_t product_id, std::vector<Value>& out,
                   std::string& note) {
  const ObjectType* t = find_object_type(id);
  if (!t) return;
  if (data.size() < t->min_len || data.size() > t->max_len) {
    note = std::string(t->name) + ": " + std::to_string(data.size()) + (data.size() == 1 ? " byte" : " bytes") +
           ", decoded from " + std::to_string(t->min_len) +
           (t->max_len == t->min_len ? ""
            : t->max_len == kAny     ? " or more"
                                     : " to " + std::to_string(t->max_len));
    return;
  }
  Out o(out);
  decode(id, data, product_id, o, note);
}

}  // namespace fe95::mibeacon
