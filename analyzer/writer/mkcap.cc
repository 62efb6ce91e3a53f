// SPDX-License-Identifier: GPL-2.0-or-later
// fe95-mkcap: writes the synthetic sample captures (captures/) from the named scenarios.
//   fe95-mkcap --list
//   fe95-mkcap --scenario NAME --format FMT -o FILE
//   fe95-mkcap --all DIR        every scenario in each of its shipped formats
#include <CLI/CLI.hpp>

#include <cstdio>
#include <iostream>

#include "scenarios.h"

namespace {

using namespace fe95::writer;

std::string shipped_name(const NamedScenario& s, Format f, bool first) {
  std::string name = s.name;
  if (!first) name += std::string("-") + format_name(f);
  return name + format_extension(f);
}

bool write_one(const NamedScenario& s, Format f, const std::string& path) {
  auto w = open_writer(path, f);
  Scenario sc(*w, kScenarioEpochNs + s.start_offset_s * 1000000000LL);
  s.build(sc);
  if (!w->close()) {
    std::cerr << "fe95-mkcap: " << path << ": write failed\n";
    return false;
  }
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"fe95-mkcap: write fe95's synthetic sample captures"};
  bool list = false;
  std::string scenario, format = "btsnoop", output, all;
  app.add_flag("--list", list, "List the scenarios");
  app.add_option("--scenario", scenario, "Scenario name");
  app.add_option("--format", format,
                 "btsnoop, btsnoop-h1, btmon, pcap-h4, pcap, pcap-ns, pcap-monitor, pcapng, pcapng-monitor");
  app.add_option("-o,--output", output, "Output file");
  app.add_option("--all", all, "Write every scenario in its shipped formats into this directory");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : 2;
  }
  try {
    if (list) {
      for (const auto& s : scenarios()) std::cout << s.name << "\t" << s.description << "\n";
      return 0;
    }
    if (!all.empty()) {
      for (const auto& s : scenarios())
        for (std::size_t i = 0; i < s.formats.size(); ++i)
          if (!write_one(s, s.formats[i], all + "/" + shipped_name(s, s.formats[i], i == 0))) return 1;
      return 0;
    }
    const NamedScenario* s = find_scenario(scenario);
    Format f{};
    if (!s || !parse_format(format, f) || output.empty()) {
      std::cerr << "fe95-mkcap: need --scenario (see --list), a known --format and -o FILE\n";
      return 2;
    }
    return write_one(*s, f, output) ? 0 : 1;
  } catch (const std::exception& e) {
    std::cerr << "fe95-mkcap: " << e.what() << "\n";
    return 1;
  }
}
