// fe95: offline analyzer for the Xiaomi FE95 BLE authentication. See README.md.
#include <CLI/CLI.hpp>

#include "commands.h"
#include "common.h"

int main(int argc, char** argv) {
  using namespace fe95::cli;
  CLI::App app{"fe95: offline analyzer for the Xiaomi Bluetooth LE authentication on GATT service 0xFE95"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "fe95 0.1.0");

  AttOptions att;
  auto* att_cmd = app.add_subcommand("att", "Print every ATT PDU as JSON Lines (one object per PDU)");
  att_cmd->add_option("captures", att.inputs, "Capture files or directories (btsnoop, pcap, pcapng)")
      ->required()
      ->check(CLI::ExistingPath);
  att_cmd->add_flag("--diagnostics", att.diagnostics, "Also print diagnostics as JSON lines");
  att_cmd->add_flag("-q,--quiet", att.quiet, "No progress bar");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int rc = app.exit(e);
    return rc == 0 ? kExitOk : kExitUsage;
  }
  if (att_cmd->parsed()) return run_att(att);
  return kExitUsage;
}
