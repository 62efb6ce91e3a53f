// SPDX-License-Identifier: GPL-2.0-or-later
#include "fe95/mibeacon/products.h"

#include <algorithm>
#include <cstring>

namespace fe95 {

namespace {

using enum Product::Source;
// Checked against xiaomi-ble's devices table and ble_monitor's XIAOMI_TYPE_DICT (docs/MIBEACON.md
// §7: where the two disagree, which one is kept and why). 0x068e is the YLYK01YL-FANCL fan remote
// in both; fe95 used to call it yeelink.dimmer.
constexpr Product kProducts[] = {
    {0x0083, "YM-K1501", "Smart Kettle", "Xiaomi", "yunmi.kettle.v1", kXiaomiBle | kBleMonitor},
    {0x0098, "HHCCJCY01", "Plant Sensor", "Xiaomi", "hhcc.plantmonitor.v1", kXiaomiBle | kBleMonitor},
    {0x009c, "xiaomi.ble.devboard", "BLE Development Board", "Xiaomi", "xiaomi.ble.devboard", kFe95},
    {0x00db, "MMC-T201-1", "Baby Thermometer", "Xiaomi", nullptr, kXiaomiBle | kBleMonitor},
    {0x0113, "YM-K1501EU", "Smart Kettle", "Xiaomi", "yunmi.kettle.v2", kXiaomiBle | kBleMonitor},
    {0x0153, "YLYK01YL", "Remote Control", "Yeelight", "yeelink.remote", kXiaomiBle | kBleMonitor},
    {0x015d, "HHCCPOT002", "Smart Flower Pot", "Xiaomi", "hhcc.bleflowerpot.v2", kXiaomiBle | kBleMonitor},
    {0x018b, "yunmi.kettle.v3", "Smart Kettle", "Viomi", "yunmi.kettle.v3", kFe95},
    {0x01a1, "soocare.toothbrush.m1", "Smart Toothbrush", "Soocas", "soocare.toothbrush.m1", kFe95},
    {0x01aa, "LYWSDCGQ", "Temperature/Humidity Sensor", "Xiaomi", "cleargrass.sensor_ht.dk1", kXiaomiBle | kBleMonitor},
    {0x02df, "JQJCY01YM", "Formaldehyde Sensor", "Honeywell", nullptr, kXiaomiBle | kBleMonitor},
    {0x0347, "CGG1", "Temperature/Humidity Sensor", "Qingping", nullptr, kXiaomiBle | kBleMonitor},
    {0x0380, "DSL-C08", "Door Lock", "Lockin", nullptr, kXiaomiBle | kBleMonitor},
    {0x0387, "MHO-C401", "Temperature/Humidity Sensor", "Miaomiaoce", nullptr, kXiaomiBle | kBleMonitor},
    {0x0391, "MMC-W505", "Body Thermometer", "Xiaomi", nullptr, kXiaomiBle | kBleMonitor},
    {0x03b6, "YLKG07YL/YLKG08YL", "Dimmer Switch", "Yeelight", "yeelink.dimmer", kXiaomiBle | kBleMonitor},
    {0x03bc, "GCLS002", "Grow Care Garden", "Xiaomi", nullptr, kXiaomiBle | kBleMonitor},
    {0x03bf, "YLYB01YL-BHFRC", "Bathroom Heater Remote", "Yeelight", "yeelink.remote", kXiaomiBle | kBleMonitor},
    {0x03d6, "CGH1", "Door/Window Sensor", "Qingping", nullptr, kXiaomiBle | kBleMonitor},
    {0x03dd, "MUE4094RT", "Nightlight", "Xiaomi", nullptr, kXiaomiBle | kBleMonitor},
    {0x040a, "WX08ZM", "Mosquito Repellent", "Xiaomi", nullptr, kXiaomiBle | kBleMonitor},
    {0x045b, "LYWSD02", "Temperature/Humidity Sensor", "Xiaomi", nullptr, kXiaomiBle | kBleMonitor},
    {0x045c, "V-SK152", "Smart Kettle", "Viomi", "yunmi.kettle.v7", kXiaomiBle | kBleMonitor},
    {0x0489, "M1S-T500", "Smart Toothbrush", "Xiaomi Soocas", nullptr, kXiaomiBle | kBleMonitor},
    {0x04e1, "XMMF01JQD", "Magic Cube", "Xiaomi", nullptr, kXiaomiBle | kBleMonitor},
    {0x04e6, "YLYK01YL-VENFAN", "Ventilator Fan Remote Control", "Yeelight", "yeelink.remote",
     kXiaomiBle | kBleMonitor},
    {0x04e9, "MJZNMSQ01YD", "Door Lock", "Xiaomi", nullptr, kXiaomiBle | kBleMonitor},
    {0x055b, "LYWSD03MMC", "Temperature/Humidity Sensor", "Xiaomi", "miaomiaoce.sensor_ht.t2",
     kXiaomiBle | kBleMonitor},
    {0x0576, "CGD1", "3-in-1 Alarm Clock", "Qingping", nullptr, kXiaomiBle | kBleMonitor},
    {0x0599, "MJZNMS03LM", "Door Lock", "Xiaomi", nullptr, kXiaomiBle},
    {0x066f, "CGDK2", "Temperature/Humidity Sensor", "Qingping", nullptr, kXiaomiBle | kBleMonitor},
    {0x068e, "YLYK01YL-FANCL", "Fan Remote Control", "Yeelight", nullptr, kXiaomiBle | kBleMonitor},
    {0x069e, "ZNMS16LM", "Door Lock", "Xiaomi Aqara", nullptr, kXiaomiBle | kBleMonitor},
    {0x069f, "ZNMS17LM", "Door Lock", "Xiaomi Aqara", nullptr, kXiaomiBle | kBleMonitor},
    {0x06d3, "MHO-C303", "Alarm Clock", "Miaomiaoce", nullptr, kXiaomiBle | kBleMonitor},
    {0x0784, "XMZNMS04LM", "Door Lock", "Xiaomi", nullptr, kXiaomiBle | kBleMonitor},
    {0x07bf, "YLAI003", "Wireless Switch", "Yeelight", nullptr, kXiaomiBle | kBleMonitor},
    {0x07f6, "MJYD02YL", "Nightlight", "Xiaomi", nullptr, kXiaomiBle | kBleMonitor},
    {0x0806, "T700", "Smart Toothbrush", "Xiaomi", nullptr, kXiaomiBle | kBleMonitor},
    {0x0863, "SJWS01LM", "Flood Detector", "Xiaomi", nullptr, kXiaomiBle | kBleMonitor},
    {0x098b, "MCCGQ02HL", "Door/Window Sensor", "Xiaomi", nullptr, kXiaomiBle | kBleMonitor},
    {0x098c, "XMZNMST02YD", "Door Lock", "Xiaomi", nullptr, kXiaomiBle | kBleMonitor},
    {0x0997, "JTYJGD03MI", "Smoke Detector", "Xiaomi", nullptr, kXiaomiBle | kBleMonitor},
    {0x0a83, "CGPR1", "Motion/Light Sensor", "Qingping", nullptr, kXiaomiBle | kBleMonitor},
    {0x0a8d, "RTCGQ02LM", "Motion Sensor", "Xiaomi", nullptr, kXiaomiBle | kBleMonitor},
    {0x0b48, "CGG1-ENCRYPTED", "Temperature/Humidity Sensor", "Qingping", nullptr, kXiaomiBle | kBleMonitor},
    {0x0c3c, "CGC1", "Alarm Clock", "Qingping", nullptr, kXiaomiBle | kBleMonitor},
    {0x0de7, "SU001-T", "Odor Eliminator", "Petoneer", nullptr, kXiaomiBle | kBleMonitor},
    {0x0dfd, "K9B-3BTN", "Switch (triple button)", "Linptech", nullptr, kXiaomiBle | kBleMonitor},
    {0x0e39, "XMZNMS08LM", "Door Lock", "Xiaomi", nullptr, kXiaomiBle | kBleMonitor},
    {0x11c2, "SV40", "Door Lock", "Lockin", nullptr, kXiaomiBle | kBleMonitor},
    {0x1203, "XMWSDJ04MMC", "Thermometer", "Xiaomi", nullptr, kXiaomiBle | kBleMonitor},
    {0x1568, "K9B-1BTN", "Switch (single button)", "Linptech", nullptr, kXiaomiBle | kBleMonitor},
    {0x1569, "K9B-2BTN", "Switch (double button)", "Linptech", nullptr, kXiaomiBle | kBleMonitor},
    {0x16e4, "LYWSD02MMC", "Temperature/Humidity Sensor", "Xiaomi", nullptr, kXiaomiBle | kBleMonitor},
    {0x1790, "T700i", "Smart Toothbrush", "Xiaomi", nullptr, kXiaomiBle | kBleMonitor},
    {0x1889, "MS1BB(MI)", "Door/Window Sensor", "Linptech", nullptr, kXiaomiBle | kBleMonitor},
    {0x18e3, "ZX1", "Sleep Monitor", "8H Sleep", nullptr, kBleMonitor},
    {0x1949, "XMWXKG01YL", "Switch (double button)", "Xiaomi", nullptr, kXiaomiBle | kBleMonitor},
    {0x1c10, "K9BB-1BTN", "Switch (single button)", "Linptech", nullptr, kXiaomiBle | kBleMonitor},
    {0x20db, "MJZNZ018H", "Sleep Monitor", "Xiaomi", nullptr, kBleMonitor},
    {0x2387, "XMWXKG01LM", "Button", "Xiaomi", nullptr, kXiaomiBle | kBleMonitor},
    {0x2542, "LYWSD02MMC", "Temperature/Humidity Sensor", "Xiaomi", nullptr, kXiaomiBle | kBleMonitor},
    {0x2832, "MJWSD05MMC", "Temperature/Humidity Sensor", "Xiaomi", nullptr, kXiaomiBle | kBleMonitor},
    {0x2aeb, "HS1BB(MI)", "Motion Sensor", "Linptech", nullptr, kXiaomiBle | kBleMonitor},
    {0x30d9, "MJTZC01YM", "Body Composition Scale", "Xiaomi", nullptr, kXiaomiBle},
    {0x3531, "XMPIRO2SXS", "Motion Sensor", "Xiaomi", nullptr, kXiaomiBle | kBleMonitor},
    {0x38bb, "PTX_YK1_QMIMB", "Wireless Switch", "Xiaomi", nullptr, kXiaomiBle | kBleMonitor},
    {0x3a61, "KS1", "Switch (quadruple button)", "Linptech", nullptr, kXiaomiBle | kBleMonitor},
    {0x3bd5, "MJTZC01YM", "Body Composition Scale", "Xiaomi", nullptr, kXiaomiBle | kBleMonitor},
    {0x3e17, "KS1BP", "Switch (quadruple button)", "Linptech", nullptr, kXiaomiBle | kBleMonitor},
    {0x3f0f, "RS1BB(MI)", "Flood and Rain Sensor", "Xiaomi", nullptr, kXiaomiBle | kBleMonitor},
    {0x3f4c, "PS1BB", "Seat Pressure Sensor", "Linptech", nullptr, kXiaomiBle | kBleMonitor},
    {0x45c9, "MJTZC02YM", "Smart Scale S200", "Xiaomi", nullptr, kXiaomiBle},
    {0x4683, "XMOSB01XS", "Occupancy Sensor", "Xiaomi", nullptr, kXiaomiBle | kBleMonitor},
    {0x48cf, "MJTZC01YM", "Body Composition Scale", "Xiaomi", nullptr, kXiaomiBle},
    {0x4b05, "MJTZC03YM", "Body Composition Scale", "Xiaomi", nullptr, kXiaomiBle},
    {0x4c04, "MJTZC02YM", "Smart Scale S200", "Xiaomi", nullptr, kXiaomiBle},
    {0x4c47, "MJWSD05MMC", "Temperature/Humidity Sensor", "Xiaomi", nullptr, kXiaomiBle},
    {0x4c60, "XMPIRO2GSXS", "Motion Sensor", "Xiaomi", nullptr, kXiaomiBle},
    {0x4dcb, "MJTZC02YM", "Smart Scale S200", "Xiaomi", nullptr, kXiaomiBle},
    {0x4f59, "CGDK3", "Temperature/Humidity Sensor", "Qingping", nullptr, kXiaomiBle | kBleMonitor},
    {0x50fb, "ES3", "Human Presence Sensor", "Linptech", nullptr, kXiaomiBle | kBleMonitor},
    {0x520b, "KS2BB", "Temperature/Humidity Sensor with Button", "Linptech", nullptr, kXiaomiBle},
    {0x55b5, "MJWSD06MMC", "Temperature/Humidity Sensor", "Xiaomi", nullptr, kXiaomiBle | kBleMonitor},
    {0x5808, "CGG3", "Temperature/Humidity Sensor", "Qingping", nullptr, kBleMonitor},
    {0x5968, "XMWS01XS", "Switch (double button)", "Xiaomi", nullptr, kXiaomiBle},
    {0x59fa, "M2457B1", "Smart Band 10", "Xiaomi", nullptr, kXiaomiBle},
    {0x59fb, "M2456B1", "Smart Band 10 NFC", "Xiaomi", nullptr, kXiaomiBle},
    {0x59fc, "M2456B1", "Smart Band 10 Ceramic Edition", "Xiaomi", nullptr, kXiaomiBle},
    {0x5bea, "MJWSD06MMC", "Temperature/Humidity Sensor", "Xiaomi", nullptr, kXiaomiBle},
    {0x5db1, "MBS17", "Temperature/Humidity Sensor", "Xiaomi", nullptr, kXiaomiBle | kBleMonitor},
    {0x6188, "M2456B1", "Smart Band 10 Glimmer Edition", "Xiaomi", nullptr, kXiaomiBle},
    {0x6375, "SJWS02LM", "Water Leak Sensor 2", "Xiaomi", nullptr, kXiaomiBle},
    {0x64c5, "PTX-F1-Display", "Wireless Switch with Display", "Xiaomi", nullptr, kBleMonitor},
    {0x6a0f, "ES5BB", "Human Presence Sensor", "Linptech", nullptr, kXiaomiBle},
    {0x78d1, "MC-COMM", "Door/Window Sensor", "Xiaomi", nullptr, kXiaomiBle},
    {0x78db, "ESM787", "Temperature/Humidity Sensor", "Yanmi", nullptr, kXiaomiBle},
};

constexpr bool sorted_unique() {
  for (std::size_t i = 1; i < std::size(kProducts); ++i)
    if (kProducts[i - 1].id >= kProducts[i].id) return false;
  return true;
}
static_assert(sorted_unique(), "kProducts: sorted by id, each id once");

}  // namespace

std::span<const Product> all_products() {
  return kProducts;
}

const Product* find_product(std::uint16_t pid) {
  const auto* it = std::lower_bound(std::begin(kProducts), std::end(kProducts), pid,
                                    [](const Product& p, std::uint16_t id) { return p.id < id; });
  return it != std::end(kProducts) && it->id == pid ? it : nullptr;
}

const char* product_name(std::uint16_t pid) {
  const Product* p = find_product(pid);
  return p ? p->model : nullptr;
}

bool is_model(std::uint16_t pid, const char* model) {
  const Product* p = find_product(pid);
  return p && std::strcmp(p->model, model) == 0;
}

}  // namespace fe95
