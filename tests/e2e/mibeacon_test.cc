// SPDX-License-Identifier: GPL-2.0-or-later
// MiBeacon end to end: synthetic v2-v5 frames, keys from options and from a register in the same
// capture, the public captures' adverts (their counts against tshark's: tshark_diff_test.cc).
#include <gtest/gtest.h>

#include <map>
#include <set>
#include <sstream>

#include "fe95/mibeacon/objects.h"
#include "scenario.h"
#include "support.h"

namespace fe95::test {
namespace {

using nlohmann::json;

std::vector<json> beacons(const std::string& capture, std::vector<std::string> args = {}) {
  std::vector<std::string> argv{FE95_BINARY, "analyze", "--json", "-q", capture};
  argv.insert(argv.end(), args.begin(), args.end());
  auto r = run(argv);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  std::vector<json> out;
  for (auto& j : json_lines(r.out))
    if (j["type"] == "beacon") out.push_back(j);
  return out;
}

const std::string kTour = shipped_captures() + "/mibeacon-tour.btsnoop";

TEST(MiBeaconE2E, EveryVersionPlainAndEncrypted) {
  auto b = beacons(kTour, {"--bindkey", "C4:7C:8D:6B:00:01=000102030405060708090a0b0c0d0e0f", "--bindkey",
                           "C4:7C:8D:6A:12:34=112233445566778899aabbccFFFFFFFF"});
  ASSERT_EQ(b.size(), 8u);
  EXPECT_EQ(b[0]["io_capability"], 1);  // 2-byte I/O capability, as the spec says
  EXPECT_EQ(b[1]["status"], "plain");
  EXPECT_EQ(b[1]["objects"][0]["temperature"]["value"], 90);
  EXPECT_EQ(b[2]["version"], 3);
  EXPECT_EQ(b[2]["status"], "decrypted");
  EXPECT_EQ(b[2]["plaintext"], "011003000000");
  EXPECT_EQ(b[3]["version"], 4);
  EXPECT_EQ(b[3]["extended"], true);
  EXPECT_EQ(b[3]["status"], "decrypted");
  EXPECT_EQ(b[3]["objects"][1]["conductivity"]["value"], 300);
  EXPECT_EQ(b[4]["version"], 5);
  EXPECT_EQ(b[4]["frame_control"]["mac_included"], false);
  EXPECT_EQ(b[4]["objects"][0]["illuminance"]["unit"], "lx");
  EXPECT_EQ(b[6]["status"], "malformed");
  EXPECT_EQ(b[7]["status"], "malformed");
}

TEST(MiBeaconE2E, NoKeyIsNotAnErrorAndAWrongKeyIsSaid) {
  auto none = beacons(kTour);
  ASSERT_EQ(none.size(), 8u);  // the tour's eight adverts, as with the keys (above)
  EXPECT_EQ(none[2]["status"], "encrypted_no_key");
  EXPECT_EQ(none[3]["status"], "encrypted_no_key");
  auto wrong = beacons(kTour, {"--bindkey", "C4:7C:8D:6B:00:01=ff0102030405060708090a0b0c0d0e0f"});
  ASSERT_EQ(wrong.size(), 8u);
  EXPECT_EQ(wrong[3]["status"], "wrong_key");
  EXPECT_NE(wrong[3]["reason"].get<std::string>().find("MIC"), std::string::npos);
}

TEST(MiBeaconE2E, RegisterFeedsAndIsFedByAdverts) {
  auto r = run({FE95_BINARY, "analyze", "--json", "-q", shipped_captures() + "/register-mibeacon.btsnoop"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::vector<json> b;
  json session;
  for (auto& j : json_lines(r.out)) {
    if (j["type"] == "session") session = j;
    if (j["type"] == "beacon") b.push_back(j);
  }
  // MAC and product id of a link without connection event come from the adverts...
  EXPECT_EQ(session["status"], "verified");
  EXPECT_EQ(session["device"], "58:2D:34:10:20:30");
  EXPECT_EQ(session["device_source"], "mibeacon");
  EXPECT_EQ(session["product_id_source"], "mibeacon");
  // ... and the beacon key it read decrypts the later adverts with no option.
  ASSERT_EQ(b.size(), 9u);
  EXPECT_EQ(b[1]["retransmission"], true);
  EXPECT_EQ(b[2]["retransmission"], false);
  for (std::size_t i = 6; i < 9; ++i) EXPECT_EQ(b[i]["status"], "decrypted") << i;
  EXPECT_EQ(b[8]["objects"][1]["battery"]["value"], 87);
}

TEST(MiBeaconE2E, ReportSummarisesPerDevice) {
  auto r = run({FE95_BINARY, "analyze", "-q", kTour});
  EXPECT_NE(r.out.find("adverts C4:7C:8D:6B:00:01: product id 152 (HHCCJCY01, Plant Sensor), 3 MiBeacon frames"),
            std::string::npos)
      << r.out;
}

// A real MMC-W505 advert (xiaomi-ble and ble_monitor tests, test_Xiaomi_MMC_W505) ends in one
// stray byte: its object is decoded, the byte noted once (not again for the retransmission).
TEST(MiBeaconE2E, TrailingPieceIsANoteNotMalformed) {
  using namespace fe95::writer;
  const std::string path = temp_dir() + "/w505.btsnoop";
  const BdAddr mac = *BdAddr::parse("D0:24:18:53:AB:DB");
  {
    auto w = open_writer(path, Format::btsnoop_h4);
    Scenario s(*w, 1700000000LL * 1000000000LL);
    const Bytes sd = *parse_hex("702291030fdbab531824d0090a0002750d07");
    for (int i = 0; i < 2; ++i) s.advert(mac, cat({ad_flags(0x06), ad_service_data16(0xfe95, sd)}));
    ASSERT_TRUE(w->close());
  }
  auto r = run({FE95_BINARY, "analyze", "--json", "-q", path});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::vector<json> b, d;
  for (auto& j : json_lines(r.out)) {
    if (j["type"] == "beacon") b.push_back(j);
    if (j["type"] == "diagnostic") d.push_back(j);
  }
  ASSERT_EQ(b.size(), 2u);
  EXPECT_EQ(b[0]["status"], "plain");
  EXPECT_EQ(b[0]["model"], "MMC-W505");
  EXPECT_EQ(b[0]["objects"][0]["temperature"]["value"], 34.45);
  EXPECT_EQ(b[0]["trailing"], "07");
  EXPECT_EQ(b[1]["retransmission"], true);
  ASSERT_EQ(d.size(), 1u) << r.out;
  EXPECT_EQ(d[0]["code"], "mibeacon.trailing_bytes");
  EXPECT_EQ(d[0]["severity"], "note");
  EXPECT_EQ(d[0]["frame"], 1);
  EXPECT_EQ(d[0]["raw"], "07");
  auto text = run({FE95_BINARY, "analyze", "-q", "--beacons", path});
  EXPECT_NE(text.out.find("plain  temperature 34.45 °C  (trailing 07)"), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("! mibeacon.trailing_bytes [frame 1]"), std::string::npos) << text.out;
}

// The rows of a CSV file (RFC 4180 quoting).
std::vector<std::vector<std::string>> csv_rows(const std::string& text) {
  std::vector<std::vector<std::string>> rows;
  std::size_t at = 0;
  while (at < text.size()) {
    std::vector<std::string> row;
    std::string cell;
    bool quoted = false;
    for (; at < text.size(); ++at) {
      const char c = text[at];
      if (quoted) {
        if (c == '"' && at + 1 < text.size() && text[at + 1] == '"')
          cell += '"', ++at;
        else if (c == '"')
          quoted = false;
        else
          cell += c;
      } else if (c == '"') {
        quoted = true;
      } else if (c == ',') {
        row.push_back(cell), cell.clear();
      } else if (c == '\n') {
        ++at;
        break;
      } else {
        cell += c;
      }
    }
    row.push_back(cell);
    rows.push_back(row);
  }
  return rows;
}

// ---- the writer's MiBeacon captures: every object, a day of readings ----

const std::vector<std::string> kObjectKeys = {"--bindkey", "C4:7C:8D:22:05:5B=5a1e704b239c8106d23f44e51077a83b",
                                              "--bindkey", "C4:7C:8D:22:3B:D5=0728974d657a4b60964c1b1677f35f7c",
                                              "--bindkey", "C4:7C:8D:22:03:B6=b853075158487ca39a5b5ea9"};

TEST(MiBeaconE2E, ObjectsCaptureShowsEveryObjectAndQuantity) {
  const auto b = beacons(shipped_captures() + "/mibeacon-objects.btsnoop", kObjectKeys);
  ASSERT_GT(b.size(), 130u);
  std::set<std::uint16_t> ids;
  std::set<std::string> keys, texts, notes;
  std::size_t raw = 0;
  for (const auto& j : b) {
    ASSERT_TRUE(j["status"] == "plain" || j["status"] == "decrypted") << j.dump();
    for (const auto& o : j["objects"]) {
      bool valued = false;
      for (const auto& [k, v] : o.items()) {
        if (!v.is_object()) continue;
        valued = true;
        keys.insert(k);
        if (v.contains("text")) texts.insert(k);
      }
      if (valued) ids.insert(o["id"].get<std::uint16_t>());
      if (o.contains("note")) notes.insert(o["note"].get<std::string>());
      raw += !valued;
    }
  }
  for (const auto& t : mibeacon::object_types()) EXPECT_TRUE(ids.count(t.id)) << "object 0x" << std::hex << t.id;
  for (const auto& q : mibeacon::quantities()) {
    EXPECT_TRUE(keys.count(q.key)) << q.key;
    if (q.coded) {
      EXPECT_TRUE(texts.count(q.key)) << q.key << " never with its meaning";
    }
  }
  // Three objects shown raw on purpose: an unknown id, a known one too short, a KS1 object elsewhere.
  EXPECT_EQ(raw, 3u);
  EXPECT_EQ(notes,
            (std::set<std::string>{"temperature: 1 byte, decoded from 2", "decoded for KS1, KS1BP and KS2BB only"}));
  EXPECT_EQ(b.back()["trailing"], "07");
}

TEST(MiBeaconE2E, HistoryIsADayOfReadings) {
  const std::string dir = temp_dir();
  const std::string capture = shipped_captures() + "/mibeacon-history.btsnoop";
  auto r = run({FE95_BINARY, "analyze", "-q", capture, "--readings", dir + "/day.csv"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto rows = csv_rows(read_file(dir + "/day.csv"));
  ASSERT_EQ(rows.size(), 1u + 144 * 2 + 24);  // header, temperature and humidity every 10 min, battery hourly
  EXPECT_EQ(rows[1][0], "2023-11-15T00:00:00.001250Z");
  EXPECT_EQ(rows.back()[0].substr(0, 16), "2023-11-15T23:50");
  double lo = 100, hi = -100;
  for (std::size_t i = 1; i < rows.size(); ++i) {
    EXPECT_EQ(rows[i][1], "58:2D:34:11:22:33");
    EXPECT_EQ(rows[i][2], "LYWSDCGQ");
    if (rows[i][3] != "temperature") continue;
    lo = std::min(lo, std::stod(rows[i][4]));
    hi = std::max(hi, std::stod(rows[i][4]));
  }
  EXPECT_GT(lo, 18.0);  // an indoor day: about 18.7 at dawn, 22.3 late afternoon
  EXPECT_LT(hi, 23.5);
  EXPECT_GT(hi - lo, 2.5);
  // Each advert was heard twice: the report counts the retransmissions, the readings skip them.
  EXPECT_NE(r.out.find("288 MiBeacon frames (1-288), v2, not encrypted, 144 retransmissions"), std::string::npos)
      << r.out;
}

// ---- --readings ----

TEST(MiBeaconE2E, ReadingsOneRowPerValueOfEveryNewAdvert) {
  const std::string dir = temp_dir();
  const std::string capture = shipped_captures() + "/register-mibeacon.btsnoop";
  auto r = run({FE95_BINARY, "analyze", "-q", capture, "--readings", dir + "/r.csv"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto rows = csv_rows(read_file(dir + "/r.csv"));
  ASSERT_GE(rows.size(), 2u);
  EXPECT_EQ(rows[0], (std::vector<std::string>{"time", "device", "model", "quantity", "value", "unit", "frame", "text",
                                               "file"}));
  // The rows are the values of the beacon records that are not retransmissions, in order.
  std::vector<std::vector<std::string>> want;
  // The beacon records with their keys in order (the values of an object in the order decoded).
  std::vector<nlohmann::ordered_json> in_order;
  std::istringstream out(run({FE95_BINARY, "analyze", "--json", "-q", capture}).out);
  for (std::string line; std::getline(out, line);) in_order.push_back(nlohmann::ordered_json::parse(line));
  for (const auto& b : in_order) {
    if (b["type"] != "beacon" || b["retransmission"] == true) continue;
    for (const auto& o : b["objects"])
      for (const auto& [key, v] : o.items()) {
        if (!v.is_object()) continue;
        char value[32];
        std::snprintf(value, sizeof value, "%g", v["value"].get<double>());
        want.push_back({b["time"], b["device"], b["model"], key, value, v["unit"],
                        std::to_string(b["frame"].get<int>()), v.value("text", ""), capture});
      }
  }
  ASSERT_EQ(want.size(), 15u);  // 3 plain adverts x 2 values, 3 decrypted x 3; 3 retransmissions skipped
  EXPECT_EQ(std::vector<std::vector<std::string>>(rows.begin() + 1, rows.end()), want);
  // The same rows as JSON Lines with --json, stdout unchanged.
  auto j = run({FE95_BINARY, "analyze", "-q", "--json", capture, "--readings", dir + "/r.jsonl"});
  ASSERT_EQ(j.exit_code, 0) << j.err;
  EXPECT_EQ(j.out, run({FE95_BINARY, "analyze", "-q", "--json", capture}).out);
  const auto lines = json_lines(read_file(dir + "/r.jsonl"));
  ASSERT_EQ(lines.size(), want.size());
  for (std::size_t i = 0; i < lines.size(); ++i) {
    EXPECT_EQ(lines[i]["type"], "reading");
    EXPECT_EQ(lines[i]["time"], want[i][0]);
    EXPECT_EQ(lines[i]["device"], want[i][1]);
    EXPECT_EQ(lines[i]["quantity"], want[i][3]);
    EXPECT_EQ(lines[i]["unit"], want[i][5]);
    EXPECT_EQ(lines[i]["frame"], std::stoi(want[i][6]));
    EXPECT_EQ(lines[i]["file"], capture);
  }
  EXPECT_EQ(lines[0]["value"], 21.5);
}

TEST(MiBeaconE2E, ReadingsOfSeveralCapturesNameTheirFile) {
  const std::string dir = temp_dir();
  // A file name that needs quoting in CSV.
  const std::string odd = dir + "/tour, \"copy\".btsnoop";
  write_file(odd, read_file(kTour));
  auto r = run({FE95_BINARY, "analyze", "-q", odd, shipped_captures() + "/register-mibeacon.btsnoop", "--bindkey",
                "C4:7C:8D:6B:00:01=000102030405060708090a0b0c0d0e0f", "--bindkey",
                "C4:7C:8D:6A:12:34=112233445566778899aabbcc", "--readings", dir + "/r.csv"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto rows = csv_rows(read_file(dir + "/r.csv"));
  std::set<std::string> files;
  std::map<std::string, std::string> text;  // quantity -> text of the tour's coded values
  for (std::size_t i = 1; i < rows.size(); ++i) {
    ASSERT_EQ(rows[i].size(), 9u) << i;
    files.insert(rows[i][8]);
    if (!rows[i][7].empty()) text[rows[i][3]] = rows[i][7];
  }
  EXPECT_EQ(files, (std::set<std::string>{odd, shipped_captures() + "/register-mibeacon.btsnoop"}));
  // One capture after the other (in the order of their first timestamps).
  std::size_t changes = 0;
  for (std::size_t i = 2; i < rows.size(); ++i) changes += rows[i][8] != rows[i - 1][8];
  EXPECT_EQ(changes, 1u);
  // The tour's key event (decrypted with the beacon key): its press kind with its meaning.
  EXPECT_EQ(text["press"], "press");
}

TEST(MiBeaconE2E, ReadingsToAFileThatCannotBeWritten) {
  auto r = run({FE95_BINARY, "analyze", "-q", kTour, "--readings", temp_dir() + "/no/such/dir/r.csv"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("--readings"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("cannot write"), std::string::npos) << r.err;
  EXPECT_EQ(r.out, "");  // nothing analyzed
}

// The README's readings example: its commands, run on the shipped capture, write the rows it
// shows, and the plot it shows (docs/images/readings.png, 900 x 450) is what its gnuplot command
// makes of them (setup.sh installs gnuplot; on a machine without it the plot is not remade and the
// test says so as a skip; the committed PNG's size is checked always).
std::pair<std::uint32_t, std::uint32_t> png_size(const std::string& png) {
  if (png.size() < 24 || png.compare(0, 8, "\x89PNG\r\n\x1a\n") != 0 || png.compare(12, 4, "IHDR") != 0) return {0, 0};
  auto u32 = [&](std::size_t at) {
    return static_cast<std::uint32_t>(
        static_cast<unsigned char>(png[at]) << 24 | static_cast<unsigned char>(png[at + 1]) << 16 |
        static_cast<unsigned char>(png[at + 2]) << 8 | static_cast<unsigned char>(png[at + 3]));
  };
  return {u32(16), u32(20)};
}

TEST(MiBeaconE2E, ReadmeReadingsExampleIsWhatItsCommandsMake) {
  const std::string src = FE95_SOURCE_DIR;
  const std::string readme = read_file(src + "/README.md");
  const std::string analyze =
      "    build/analyzer/fe95 analyze -q captures/mibeacon-history.btsnoop --readings day.csv\n";
  const std::string plot = "    gnuplot -e \"csv='day.csv'\" docs/images/readings.gp > docs/images/readings.png\n";
  ASSERT_NE(readme.find(analyze + plot), std::string::npos);
  ASSERT_NE(readme.find("![A day of temperature and humidity readings](docs/images/readings.png)"), std::string::npos);
  const auto example = readme.find("    time,device,model,quantity,value,unit,frame,text,file\n");
  ASSERT_NE(example, std::string::npos);
  const std::string dir = temp_dir();
  auto r =
      run({FE95_BINARY, "analyze", "-q", src + "/captures/mibeacon-history.btsnoop", "--readings", dir + "/day.csv"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::string csv = read_file(dir + "/day.csv");
  for (std::size_t at; (at = csv.find(src + "/")) != std::string::npos;) csv.erase(at, src.size() + 1);
  // The README's three rows, indented, are the file's first three lines.
  std::istringstream in(csv);
  std::string shown;
  for (int i = 0; i < 3; ++i) {
    std::string line;
    std::getline(in, line);
    shown += "    " + line + "\n";
  }
  EXPECT_EQ(readme.substr(example, shown.size()), shown);
  EXPECT_EQ(png_size(read_file(src + "/docs/images/readings.png")),
            (std::pair<std::uint32_t, std::uint32_t>{900, 450}));
  if (!have_program("gnuplot")) GTEST_SKIP() << "gnuplot not installed: the plot itself is not remade";
  auto g = run(
      {"sh", "-c", "gnuplot -e \"csv='" + dir + "/day.csv'\" " + src + "/docs/images/readings.gp > " + dir + "/p.png"});
  ASSERT_EQ(g.exit_code, 0) << g.err;
  EXPECT_EQ(png_size(read_file(dir + "/p.png")), (std::pair<std::uint32_t, std::uint32_t>{900, 450}));
}

TEST(MiBeaconE2E, PublicV5EncryptedFramesAreNoKeyNotErrors) {
  if (shared_captures().empty()) GTEST_SKIP() << "../shared/captures/public is absent";
  int no_key = 0;
  for (const auto& b : beacons(shared_captures() + "/fossibot-lywsd03mmc-mibeacon/btsnoop_hci.log"))
    no_key += b["status"] == "encrypted_no_key";
  EXPECT_EQ(no_key, 3);  // frames 7716, 7764, 7783 (SOURCES.md)
}

}  // namespace
}  // namespace fe95::test
