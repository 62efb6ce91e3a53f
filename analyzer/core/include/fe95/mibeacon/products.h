// SPDX-License-Identifier: GPL-2.0-or-later
// MiBeacon product ids: the model code printed on the device and the name people know it by
// (docs/MIBEACON.md §7 lists them with the source each was checked against).
#pragma once

#include <cstdint>
#include <span>

namespace fe95 {

struct Product {
  // Which table lists the id: Home Assistant's xiaomi-ble, the ble_monitor component, and ids
  // only fe95's earlier table had (Mi Home's 2019 device list).
  enum Source : std::uint8_t { kXiaomiBle = 1, kBleMonitor = 2, kFe95 = 4 };
  std::uint16_t id;
  const char* model;   // "LYWSD03MMC" (the MiIO model where no model code is known)
  const char* name;    // "Temperature/Humidity Sensor"
  const char* vendor;  // "Xiaomi", "Qingping", "Linptech", …
  const char* miio;    // "miaomiaoce.sensor_ht.t2", or nullptr when not known
  std::uint8_t sources;
};

// Every known product, sorted by id (no id twice: tests/unit/mibeacon_objects_test.cc).
std::span<const Product> all_products();
const Product* find_product(std::uint16_t pid);
// The model code for a known product id ("LYWSD03MMC"), or nullptr.
const char* product_name(std::uint16_t pid);
// True when pid is a product whose model code is model.
bool is_model(std::uint16_t pid, const char* model);

}  // namespace fe95
