// SPDX-License-Identifier: GPL-2.0-or-later
// MiBeacon objects: the one table of object ids and of the quantities they carry, which drives the
// CLI's text and JSON, the readings export and the Wireshark plugin's fields. docs/MIBEACON.md
// gives each object's layout, scaling, unit and the sources it was checked against.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "fe95/bytes.h"

namespace fe95::mibeacon {

// What a decoded value measures or says. The key is the JSON key of the value in an object, the
// readings' `quantity` and the plugin field `mibeacon.<key>`; the unit never changes for a key.
enum class Q : std::uint8_t {
  temperature,
  humidity,
  battery,
  illuminance,
  moisture,
  conductivity,
  formaldehyde,
  consumable,
  weight,
  impedance_low,
  impedance_high,
  heart_rate,
  profile_id,
  rssi,
  step_count,
  skin_temperature,
  pcb_temperature,
  no_motion_time,
  no_motion_minutes,
  motion_minutes,
  duration_detected,
  duration_cleared,
  pressure_present_duration,
  pressure_not_present_duration,
  pressure_present_time_set,
  pressure_not_present_time_set,
  timestamp,
  motion,
  light,
  occupancy,
  occupancy_close_range,
  pressure_present,
  opening,
  door,
  door_event,
  door_left_open,
  forcibly_removed,
  water_leak,
  top_splash,
  water_event,
  smoke,
  gas,
  power,
  locked,
  lock_action,
  lock_method,
  key_id,
  lock_bolts,
  fingerprint_result,
  armed,
  toothbrush,
  score,
  brush_counter,
  sleeping,
  snoring,
  asleep,
  wearing,
  charging,
  bed_occupancy,
  low_battery,
  device_reset,
  mode,
  bound,
  paired_object,
  on_base,
  unplugged,
  pomodoro,
  gesture,
  cat_eye,
  weighing_type,
  activity,
  gear,
  vacuum_mode,
  button,
  press,
  presses,
  press_duration,
  steps,
  cube,
};

struct Quantity {
  Q id;
  const char* key;          // "temperature"
  const char* label;        // "Temperature" (the plugin adds the unit)
  const char* unit;         // "°C"; "" when the value is a count, a flag (1/0) or a code
  bool coded;               // values carry a text (the code's meaning): mibeacon.<key>.text
  const char* description;  // one line
};

// Every quantity, in enum order (quantities()[i].id == Q(i)).
std::span<const Quantity> quantities();
const Quantity& quantity(Q q);

// One value of an object.
struct Value {
  const char* name;  // the quantity's key
  double value;
  const char* unit;            // the quantity's unit
  const char* text = nullptr;  // what a coded value means ("long_press", "left"), else null
  Q quantity = Q::temperature;
};

// Where an object id is decoded: the two reference decoders and the MIoT object definition.
enum Source : std::uint8_t { kXiaomiBle = 1, kBleMonitor = 2, kMiotSpec = 4 };

struct ObjectType {
  std::uint16_t id;
  const char* name;               // "temperature_humidity"
  std::uint8_t min_len, max_len;  // data lengths it is decoded from
  std::uint8_t sources;
};

// Every object id fe95 decodes, sorted by id.
std::span<const ObjectType> object_types();
const ObjectType* find_object_type(std::uint16_t id);

// Decodes one object's data into values (product id: some meanings depend on the device). An
// object of a known id whose data has a length it is not decoded from gets a note instead; an
// unknown id gets nothing (its bytes are shown raw).
void decode_object(std::uint16_t id, ByteView data, std::uint16_t product_id, std::vector<Value>& out,
                   std::string& note);

// A value for people, the same in the CLI's report and the plugin's tree: whole numbers in full
// (a timestamp stays 1630487676), others to 6 significant digits; "22.5 °C", "2 (long_press)";
// with_name puts the key first ("temperature 22.5 °C").
std::string format_number(double v);
std::string format_value(const Value& v, bool with_name);

}  // namespace fe95::mibeacon
