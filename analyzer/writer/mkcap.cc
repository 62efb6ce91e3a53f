// SPDX-License-Identifier: GPL-2.0-or-later
// fe95-mkcap: writes the synthetic sample captures (captures/) from the named scenarios.
//   fe95-mkcap --list
//   fe95-mkcap --scenario NAME --format FMT [--compress gzip|zstd|lz4|xz] -o FILE
//   fe95-mkcap --bugreport FILE  the kettle's Android bugreport zip
//   fe95-mkcap --all DIR         every scenario in each of its shipped formats, and the phone
//                                forms in DIR/phone/
#include <CLI/CLI.hpp>
#include <cstdio>
#include <filesystem>
#include <iostream>

#include "phone.h"
#include "scenarios.h"

namespace {

using namespace fe95::writer;

std::string shipped_name(const NamedScenario& s, Format f, bool first) {
  std::string name = s.name;
  if (!first) name += std::string("-") + format_name(f);
  return name + format_extension(f);
}

bool write_one(const NamedScenario& s, Format f, const std::string& path, Packing p = Packing::none) {
  try {
    write_scenario(s, f, p, path);
  } catch (const std::exception& e) {
    std::cerr << "fe95-mkcap: " << e.what() << "\n";
    return false;
  }
  return true;
}

bool parse_packing(const std::string& name, Packing& out) {
  const std::pair<const char*, Packing> names[] = {{"none", Packing::none},
                                                   {"gzip", Packing::gzip},
                                                   {"zstd", Packing::zstd},
                                                   {"lz4", Packing::lz4},
                                                   {"xz", Packing::xz}};
  for (const auto& [n, p] : names)
    if (name == n) {
      out = p;
      return true;
    }
  return false;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"fe95-mkcap: write fe95's synthetic sample captures"};
  bool list = false;
  std::string scenario, format = "btsnoop", output, all, compress = "none", bugreport;
  app.add_flag("--list", list, "List the scenarios");
  app.add_option("--scenario", scenario, "Scenario name");
  app.add_option("--format", format,
                 "btsnoop, btsnoop-h1, btmon, pcap-h4, pcap, pcap-ns, pcap-monitor, pcapng, pcapng-monitor, "
                 "nrf-sniffer, ll-phdr, pklg, pklg-le, btsnoop-filtered, btsnooz-file, snooz, snooz-v1");
  app.add_option("--compress", compress, "Compress the capture: none, gzip, zstd, lz4, xz");
  app.add_option("-o,--output", output, "Output file");
  app.add_option("--bugreport", bugreport, "Write the kettle's Android bugreport zip to this file");
  app.add_option("--all", all,
                 "Write every scenario in its shipped formats into this directory (phone forms in DIR/phone)");
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
      const std::string phone = all + "/phone";
      std::filesystem::create_directories(phone);
      for (const auto& f : phone_forms())
        if (!write_one(*find_scenario(f.scenario), f.format, phone + "/" + f.file, f.packing)) return 1;
      write_bugreport_kettle(phone + "/bugreport-kettle.zip");
      return 0;
    }
    if (!bugreport.empty()) {
      write_bugreport_kettle(bugreport);
      return 0;
    }
    const NamedScenario* s = find_scenario(scenario);
    Format f{};
    Packing p{};
    if (!s || !parse_format(format, f) || !parse_packing(compress, p) || output.empty()) {
      std::cerr << "fe95-mkcap: need --scenario (see --list), a known --format, a known --compress and -o FILE\n";
      return 2;
    }
    return write_one(*s, f, output, p) ? 0 : 1;
  } catch (const std::exception& e) {
    std::cerr << "fe95-mkcap: " << e.what() << "\n";
    return 1;
  }
}
