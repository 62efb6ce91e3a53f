// SPDX-License-Identifier: GPL-2.0-or-later
// fe95's command line: the subcommands, their options and the exit codes (README.md). main.cc
// calls it; the tests call it too, in a forked child, to run many inputs without starting the
// program for each (tests/e2e/mutation_test.cc).
#include <CLI/CLI.hpp>
#include <filesystem>

#include "commands.h"
#include "common.h"
#include "fe95/capture/archive.h"

namespace {

void add_key_options(CLI::App* cmd, fe95::cli::KeyOptions& k, const char* token_help) {
  // One value per occurrence (repeat the option for more), so that options and captures can come
  // in any order: `--token T CAPTURE --export-keys F` must not read CAPTURE as a second token.
  cmd->add_option("--token", k.tokens, token_help)->allow_extra_args(false);
  cmd->add_option("--token-file", k.token_files,
                  "A token file: miauth's mi_token (12 bytes) or 24 hex digits; tried for every device (repeatable)")
      ->allow_extra_args(false)
      ->check(CLI::ExistingFile);
  cmd->add_option("--mac", k.mac, "Device address AA:BB:CC:DD:EE:FF, for captures without a connection event");
  cmd->add_option("--pid", k.pid, "Product id (0-65535)");
  cmd->add_option(
         "--keys", k.keys_file,
         "Keys file, recognised by content: fe95's CSV (mac, product_id, token, beacon_key, bind_key, auth_key), "
         "the Xiaomi cloud tokens extractor's text or JSON, Home Assistant's core.config_entries, ble_monitor's YAML")
      ->check(CLI::ExistingFile);
  cmd->add_option("--authkey", k.auth_keys,
                  "A Xiaomi wearable's auth key, MAC=HEX: 32 hex digits, 0x accepted (repeatable)")
      ->allow_extra_args(false);
}

// A capture argument: an existing file or directory, or a zip member given as ZIP!MEMBER.
const CLI::Validator kCapturePath(
    [](std::string& path) -> std::string {
      std::error_code ec;
      std::string zip, member;
      if (std::filesystem::exists(path, ec) || fe95::split_member(path, zip, member)) return {};
      return "Path does not exist: " + path;
    },
    "PATH", "capture path");

// The capture arguments every subcommand takes.
void add_captures(CLI::App* cmd, std::vector<std::string>& inputs) {
  cmd->add_option("captures", inputs, "Capture files, zips (Android bugreports) or directories")
      ->required()
      ->check(kCapturePath);
}

}  // namespace

namespace fe95::cli {

int run_main(int argc, char** argv) {
  CLI::App app{"fe95: offline analyzer for the Xiaomi Bluetooth LE authentication on GATT service 0xFE95"};
  app.require_subcommand(1);
  // The version, and the Wireshark the plugin of this build was built for (README, Install).
#ifdef FE95_PLUGIN_WIRESHARK
  app.set_version_flag("--version",
                       "fe95 " FE95_VERSION "\nWireshark plugin: built for Wireshark " FE95_PLUGIN_WIRESHARK
                       " (plugins/" FE95_PLUGIN_ABI "/epan/miauth.so)");
#else
  app.set_version_flag("--version",
                       "fe95 " FE95_VERSION "\nWireshark plugin: not built (no Wireshark development files)");
#endif

  AttOptions att;
  auto* att_cmd = app.add_subcommand("att", "Print every ATT PDU as JSON Lines (one object per PDU)");
  add_captures(att_cmd, att.inputs);
  att_cmd->add_flag("--diagnostics", att.diagnostics, "Also print diagnostics as JSON lines");
  att_cmd->add_flag("-q,--quiet", att.quiet, "No progress bar");

  AnalyzeOptions an;
  auto* an_cmd = app.add_subcommand("analyze", "Find FE95 register and login sessions; recover and verify tokens");
  add_captures(an_cmd, an.inputs);
  an_cmd->add_flag("--json", an.json, "JSON Lines instead of the text report (schema in README.md)");
  add_key_options(an_cmd, an.keys, "A known token, 24 hex digits (repeatable)");
  an_cmd->add_option("--export-keys", an.export_keys, "Write what the run learned, merged into this keys file");
  an_cmd
      ->add_option("--bindkey", an.bind_keys,
                   "MiBeacon key of a device, MAC=HEX: 32 hex digits (v4/v5 bind key) or 24 (legacy beacon key) "
                   "(repeatable)")
      ->allow_extra_args(false);
  an_cmd->add_flag("--beacons", an.beacons, "List every MiBeacon advert in the report");
  an_cmd->add_option("--readings", an.readings,
                     "Write every MiBeacon reading to this file, one row each: CSV, or JSON Lines with --json");
  an_cmd->add_flag("-q,--quiet", an.quiet, "No progress bar");

  VerifyOptions ve;
  auto* ve_cmd = app.add_subcommand("verify", "For CI: exit 0 when every FE95 session verifies against the keys");
  add_captures(ve_cmd, ve.inputs);
  add_key_options(ve_cmd, ve.keys, "Expected token, 24 hex digits (repeatable)");
  ve_cmd->add_option("--junit", ve.junit, "Also write the results as JUnit XML to this file (a test case per session)");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int rc = app.exit(e);
    return rc == 0 ? kExitOk : kExitUsage;
  }
  if (att_cmd->parsed()) return run_att(att);
  if (an_cmd->parsed()) return run_analyze(an);
  if (ve_cmd->parsed()) return run_verify(ve);
  return kExitUsage;
}

}  // namespace fe95::cli
