// SPDX-License-Identifier: GPL-2.0-or-later
// The forms in which phones hand over their captures (docs/PHONE_LOGS.md), written from the named
// scenarios: PacketLogger files, BTSNOOZ texts, filtered and snooz logs, compressed captures and an
// Android bugreport zip. fe95-mkcap --all writes them into captures/phone/ (captures/README.md).
#pragma once

#include <string>
#include <vector>

#include "scenarios.h"
#include "writer.h"

namespace fe95::writer {

struct PhoneForm {
  const char* file;      // under captures/phone/
  const char* scenario;  // a NamedScenario
  Format format;
  Packing packing = Packing::none;
};
const std::vector<PhoneForm>& phone_forms();

// Writes scenario s in format f (compressed with p) to path, from the scenario's start time.
// Throws std::runtime_error when the file cannot be written.
void write_scenario(const NamedScenario& s, Format f, Packing p, const std::string& path);

// The bugreport zip of the kettle (captures/phone/bugreport-kettle.zip): the bugreport text with
// the BTSNOOZ section of the login, and the snoop logs of both folders: btsnoop_hci.log (the
// login), btsnoop_hci.log.last (the register a day before), btsnooz_hci.log, and the vendor
// folder's btsnoop_hci.log.filtered and a configuration file (no capture).
inline constexpr const char* kBugreportText = "bugreport-fe95-TQ3A.230901.001-2023-11-15-22-13-20.txt";
void write_bugreport_kettle(const std::string& path);

}  // namespace fe95::writer
