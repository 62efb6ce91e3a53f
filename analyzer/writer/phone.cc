// SPDX-License-Identifier: GPL-2.0-or-later
#include "phone.h"

#include <cstdio>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace fe95::writer {

namespace {

std::string read_all(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

const NamedScenario& scenario(const char* name) {
  const NamedScenario* s = find_scenario(name);
  if (!s) throw std::runtime_error(std::string("no scenario ") + name);
  return *s;
}

// One scenario's capture as bytes (through a scratch file beside the target).
std::string capture_bytes(const char* name, Format f, const std::string& scratch) {
  write_scenario(scenario(name), f, Packing::none, scratch);
  std::string bytes = read_all(scratch);
  std::remove(scratch.c_str());
  return bytes;
}

}  // namespace

const std::vector<PhoneForm>& phone_forms() {
  static const std::vector<PhoneForm> list = {
      {"register-kettle.pklg", "register-kettle", Format::pklg},
      {"register-kettle-le.pklg", "register-kettle", Format::pklg_le},
      {"bugreport-kettle.txt", "login-kettle", Format::snooz},
      {"register-kettle-snooz-v1.txt", "register-kettle", Format::snooz_v1},
      {"login-kettle-filtered.btsnoop", "login-kettle", Format::btsnoop_filtered},
      {"register-kettle.btsnoop.gz", "register-kettle", Format::btsnoop_h4, Packing::gzip},
      {"login-kettle.btsnoop.zst", "login-kettle", Format::btsnoop_h4, Packing::zstd},
      {"register-kettle-pcapng.pcapng.lz4", "register-kettle", Format::pcapng_phdr, Packing::lz4},
      {"gatt-tour.btsnoop.xz", "gatt-tour", Format::btsnoop_h4, Packing::xz},
  };
  return list;
}

void write_scenario(const NamedScenario& s, Format f, Packing p, const std::string& path) {
  auto w = open_writer(path, f, p);
  Scenario sc(*w, kScenarioEpochNs + s.start_offset_s * 1000000000LL);
  s.build(sc);
  if (!w->close()) throw std::runtime_error(path + ": write failed");
}

void write_bugreport_kettle(const std::string& path) {
  const std::string scratch = path + ".member";
  const std::vector<std::pair<std::string, std::string>> members = {
      {"version.txt", "2.0\n"},
      {"main_entry.txt", kBugreportText},
      {kBugreportText, capture_bytes("login-kettle", Format::snooz, scratch)},
      {"FS/data/log/bt/btsnoop_hci.log.filtered", capture_bytes("login-kettle", Format::btsnoop_filtered, scratch)},
      {"FS/data/log/bt/bt_stack.conf", "# vendor Bluetooth stack configuration (no capture)\nTRC_BTM=2\n"},
      {"FS/data/misc/bluetooth/logs/btsnoop_hci.log", capture_bytes("login-kettle", Format::btsnoop_h4, scratch)},
      {"FS/data/misc/bluetooth/logs/btsnoop_hci.log.last",
       capture_bytes("register-kettle", Format::btsnoop_h4, scratch)},
      {"FS/data/misc/bluetooth/logs/btsnooz_hci.log", capture_bytes("login-kettle", Format::btsnooz_file, scratch)},
  };
  // The bugreport's own time: the day of the login (2023-11-15 22:13:20 UTC).
  write_zip(path, members, kScenarioEpochNs / 1000000000 + 86400);
}

}  // namespace fe95::writer
