// SPDX-License-Identifier: GPL-2.0-or-later
#include "fe95/products.h"

namespace fe95 {

namespace {
struct Product {
  std::uint16_t pid;
  const char* name;
};
// Mi Home device list of 2019; Home Assistant ble_monitor (docs/PROTOCOL.md §8). 1371 (0x055B) is the
// LYWSD03MMC of the public MiBeacon captures (../shared/captures/public/SOURCES.md).
constexpr Product kProducts[] = {
    {131, "yunmi.kettle.v1"},         {152, "hhcc.plantmonitor.v1"}, {156, "xiaomi.ble.devboard"},
    {275, "yunmi.kettle.v2"},         {339, "yeelink.remote"},       {349, "hhcc.bleflowerpot.v2"},
    {395, "yunmi.kettle.v3"},         {417, "soocare.toothbrush.m1"}, {426, "cleargrass.sensor_ht.dk1"},
    {950, "yeelink.dimmer"},          {959, "yeelink.remote"},       {1116, "yunmi.kettle.v7"},
    {1254, "yeelink.remote"},         {1371, "miaomiaoce.sensor_ht.t2 (LYWSD03MMC)"},
    {1678, "yeelink.dimmer"},
};
}  // namespace

const char* product_name(std::uint16_t pid) {
  for (const auto& p : kProducts)
    if (p.pid == pid) return p.name;
  return nullptr;
}

}  // namespace fe95
