// SPDX-License-Identifier: GPL-2.0-or-later
// The Wireshark plugin inside tshark, compared with fe95 analyze --json on the same captures and
// keys: one protocol, two front ends, one answer. tshark ignores personal plugins when run as
// root, so as root the tests run it as nobody (setpriv) from a folder nobody can read.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <set>
#include <sstream>
#include <unistd.h>

#include "scenario.h"
#include "support.h"

namespace fe95::test {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;

constexpr const char* kKettleToken = "015ccba8800abdc12eb8ed82";

class Plugin : public ::testing::Test {
protected:
  static void SetUpTestSuite() {
    if (!have_program("tshark")) return;
    dir_ = temp_dir();
    fs::create_directories(dir_ + "/plugins/4.0/epan");
    fs::create_directories(dir_ + "/home/.config/wireshark");
    fs::copy_file(FE95_PLUGIN_SO, dir_ + "/plugins/4.0/epan/miauth.so");
    for (const auto& f : files_under(shipped_captures()))
      if (f.find(".md") == std::string::npos) fs::copy_file(f, dir_ + "/" + fs::path(f).filename().string());
    if (geteuid() == 0) run({"chown", "-R", "65534:65534", dir_});
    fs::permissions(dir_, fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec |
                              fs::perms::others_read | fs::perms::others_exec);
  }
  void SetUp() override {
    if (!have_program("tshark")) GTEST_SKIP() << "tshark not installed";
  }
  static RunResult tshark(std::vector<std::string> args) {
    std::vector<std::string> argv;
    if (geteuid() == 0) argv = {"setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"};
    argv.insert(argv.end(), {"env", "HOME=" + dir_ + "/home", "WIRESHARK_PLUGIN_DIR=" + dir_ + "/plugins", "tshark"});
    argv.insert(argv.end(), args.begin(), args.end());
    return run(argv);
  }
  // Rows of -T fields output for the miauth frames: frame -> {field -> value}.
  static std::map<int, std::map<std::string, std::string>> fields(const std::string& capture,
                                                                  std::vector<std::string> extra = {}) {
    const std::vector<std::string> names{"frame.number", "miauth.step", "miauth.token", "miauth.status",
                                         "miauth.plaintext", "miauth.what", "miauth.product_id", "miauth.kind",
                                         "miauth.firmware", "miauth.beacon_key", "miauth.diagnostic",
                                         "miauth.session.kind", "miauth.session.status", "miauth.session.first_frame",
                                         "miauth.session.token", "miauth.diagnostic.frame"};
    // Every occurrence: a frame can end one session and carry another's step.
    std::vector<std::string> args{"-r", dir_ + "/" + capture, "-Y", "miauth", "-T", "fields", "-E", "occurrence=a"};
    for (const auto& n : names) args.insert(args.end(), {"-e", n});
    args.insert(args.end(), extra.begin(), extra.end());
    auto r = tshark(args);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    std::map<int, std::map<std::string, std::string>> out;
    for (const auto& cells : tsv(r.out, names.size()))
      for (std::size_t i = 1; i < names.size(); ++i) out[std::stoi(cells[0])][names[i]] = cells[i];
    return out;
  }
  // The CLI's sessions of a shipped capture; fails the test when the CLI fails or finds none.
  static std::vector<json> sessions(const std::string& capture, std::vector<std::string> args = {}) {
    std::vector<std::string> argv{FE95_BINARY, "analyze", "--json", "-q", shipped_captures() + "/" + capture};
    argv.insert(argv.end(), args.begin(), args.end());
    auto r = run(argv);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    std::vector<json> out;
    for (auto& j : json_lines(r.out))
      if (j["type"] == "session") out.push_back(j);
    EXPECT_FALSE(out.empty()) << "fe95 analyze found no session in " << capture;
    return out;
  }
  static json session(const std::string& capture, std::vector<std::string> args = {}) {
    auto all = sessions(capture, std::move(args));
    return all.empty() ? json::object() : all.front();
  }
  // Every step frame of the CLI's session shows the same step and plaintext in tshark, with the
  // documented exceptions of a one-pass dissector (README, Wireshark plugin): each frame shows what
  // was known when it was first dissected.
  //  - T1's plaintext (the token) when the token was only found at T2: by the product id search,
  //    or by matching an advertiser's keystream (no connection event);
  //  - the challenge's tick under the only candidate token, which the response later contradicts
  //    (the CLI's final record then has no token, and no tick);
  //  - without discovery, a read or write during the session that nothing decrypted into a known
  //    form: the CLI's record keeps it as a candidate (no `what`), the plugin shows only values
  //    it could name (the rest is likely application traffic, plaintext after auth).
  // Returns how many steps an exception excused, so callers can bound them.
  static int expect_same_steps(const json& s, std::map<int, std::map<std::string, std::string>>& t) {
    int excused = 0;
    for (const auto& step : s["steps"]) {
      const int f = step["frame"];
      SCOPED_TRACE("frame " + std::to_string(f));
      const bool candidate = (step["step"] == "encrypted_read" || step["step"] == "encrypted_write") && !step.contains("what");
      if (candidate && !t.count(f)) {
        ++excused;
        continue;
      }
      EXPECT_TRUE(t.count(f));
      if (!t.count(f)) continue;
      EXPECT_EQ(t[f]["miauth.step"], step["step"].get<std::string>());
      std::string plain = step.value("plaintext", "");
      std::string shown = t[f]["miauth.plaintext"];
      shown.erase(std::remove(shown.begin(), shown.end(), ':'), shown.end());
      const bool found_at_t2 = s.value("product_id_source", "") == "search" || s.value("device_source", "") == "mibeacon";
      if ((step["step"] == "t1" && found_at_t2 && shown.empty()) ||
          (step["step"] == "challenge" && !s.contains("token") && plain.empty() && !shown.empty())) {
        ++excused;
        continue;
      }
      EXPECT_EQ(shown, plain);
    }
    return excused;
  }
  static inline std::string dir_;
};

TEST_F(Plugin, IsLoadedByTshark) {
  auto r = tshark({"-G", "plugins"});
  EXPECT_NE(r.out.find("miauth.so"), std::string::npos) << r.out << r.err;
  auto f = tshark({"-G", "fields"});
  for (const char* name : {"miauth.token", "miauth.status", "miauth.step", "mibeacon.product_id", "mibeacon.temperature"})
    EXPECT_NE(f.out.find(std::string("\t") + name + "\t"), std::string::npos) << name;
}

TEST_F(Plugin, RegisterWithNoConfigurationShowsTokenAndFirmware) {
  const json s = session("register-kettle.btsnoop");
  auto t = fields("register-kettle.btsnoop");
  expect_same_steps(s, t);
  const int t2 = s["steps"][2]["frame"];
  EXPECT_EQ(t[t2]["miauth.token"], s["token"].get<std::string>());
  EXPECT_EQ(t[t2]["miauth.product_id"], "275");
  const int end = s["steps"][3]["frame"];
  EXPECT_EQ(t[end]["miauth.status"], "verified");
  EXPECT_EQ(t.rbegin()->second["miauth.session.status"], "verified");
  // The session summary on the Disconnection Complete frame.
  const int last = t.rbegin()->first;
  EXPECT_EQ(t[last]["miauth.firmware"], "1.1.2_0001");
  EXPECT_EQ(t[last]["miauth.beacon_key"], s["beacon_key"].get<std::string>());
}

TEST_F(Plugin, LoginVerifiesWithAKeyFromTheUatAndFailsWithAWrongToken) {
  const json s = session("login-kettle.btsnoop", {"--token", kKettleToken});
  auto t = fields("login-kettle.btsnoop",
                  {"-o", std::string("uat:miauth_keys:\"C4:7C:8D:6A:12:34\",\"\",\"") + kKettleToken + "\",\"\",\"\""});
  expect_same_steps(s, t);
  const int confirm = s["steps"].back()["frame"];
  EXPECT_EQ(t[confirm]["miauth.status"], "verified");
  auto bad = fields("login-kettle.btsnoop", {"-o", "miauth.token:00112233445566778899aabb"});
  EXPECT_EQ(bad.rbegin()->second["miauth.session.status"], "failed");
}

TEST_F(Plugin, ExportedKeysFileFeedsWiresharkDirectly) {
  const std::string keys = dir_ + "/home/.config/wireshark/miauth_keys";
  ASSERT_EQ(run({FE95_BINARY, "analyze", "-q", shipped_captures() + "/register-kettle.btsnoop", "--export-keys", keys})
                .exit_code,
            0);
  if (geteuid() == 0) run({"chown", "65534:65534", keys});
  auto t = fields("login-kettle.btsnoop");
  std::string status;
  for (auto& [f, row] : t)
    if (!row["miauth.status"].empty()) status = row["miauth.status"];
  EXPECT_EQ(status, "verified");
  fs::remove(keys);
}

TEST_F(Plugin, WithoutDiscoveryAndWithDecodeAs) {
  const json s = session("register-nodiscovery.btsnoop");
  auto t = fields("register-nodiscovery.btsnoop");
  expect_same_steps(s, t);
  const int token_handle = s["handles"]["token"];
  char decode[64];
  std::snprintf(decode, sizeof decode, "btatt.handle==0x%04x,miauth", token_handle);
  auto forced = fields("register-nodiscovery.btsnoop", {"-d", decode});
  EXPECT_EQ(forced, t);
  auto text = tshark({"-r", dir_ + "/register-nodiscovery.btsnoop", "-d", decode});
  EXPECT_EQ(text.out.find("Dissector bug"), std::string::npos) << text.out;
  EXPECT_EQ(text.out.find("Malformed"), std::string::npos) << text.out;
}

TEST_F(Plugin, TwoPassEqualsOnePass) {
  for (const char* cap : {"register-then-login.btsnoop", "mistake-mac-order.btsnoop", "mibeacon-tour.btsnoop",
                          "register-mibeacon.btsnoop"}) {
    SCOPED_TRACE(cap);
    // The plugin's fields and expert info (Wireshark's own forward references such as
    // "Response in frame" legitimately appear only with -2).
    std::vector<std::string> args{"-r", dir_ + "/" + cap, "-T", "fields", "-E", "occurrence=a"};
    for (const char* f : {"frame.number", "miauth.step", "miauth.token", "miauth.status", "miauth.plaintext",
                          "miauth.diagnostic", "miauth.product_id", "miauth.session_key", "miauth.firmware",
                          "mibeacon.status", "mibeacon.plaintext", "mibeacon.retransmission", "mibeacon.temperature",
                          "_ws.expert.message"})
      args.insert(args.end(), {"-e", f});
    auto one = tshark(args);
    std::vector<std::string> two_args = args;
    two_args.push_back("-2");
    auto two = tshark(two_args);
    EXPECT_EQ(one.exit_code, 0);
    EXPECT_FALSE(one.out.empty());
    EXPECT_EQ(one.out, two.out);
  }
}

// One link, a register and then a login with another token (no disconnection between): each frame
// shows its own session's values. The login's start frame is the login's (no status, no token);
// the register's summary there is a separate subtree; the login fails with token_mismatch on the
// frames the CLI names.
TEST_F(Plugin, RegisterThenWrongLoginOnOneLinkMatchesTheCli) {
  const auto cli = sessions("register-then-wrong-login.btsnoop");
  ASSERT_EQ(cli.size(), 2u);
  const json& reg = cli[0];
  const json& login = cli[1];
  ASSERT_EQ(login["kind"], "login");
  EXPECT_EQ(reg["status"], "verified");
  EXPECT_EQ(reg["end"], "next_session");
  EXPECT_EQ(login["status"], "failed");
  ASSERT_EQ(login["diagnostics"].size(), 1u);
  EXPECT_EQ(login["diagnostics"][0]["code"], "token_mismatch");

  auto t = fields("register-then-wrong-login.btsnoop");
  const int start = login["frames"][0];
  EXPECT_EQ(t[start]["miauth.kind"], "login");
  EXPECT_EQ(t[start]["miauth.step"], "login_start");
  EXPECT_EQ(t[start]["miauth.status"], "");
  EXPECT_EQ(t[start]["miauth.token"], "");
  EXPECT_EQ(t[start]["miauth.session.kind"], "register");
  EXPECT_EQ(t[start]["miauth.session.status"], "verified");
  EXPECT_EQ(t[start]["miauth.session.token"], reg["token"].get<std::string>());
  // The login's summary: failed, token_mismatch, on the CLI's frames.
  const int end = t.rbegin()->first;
  EXPECT_EQ(t[end]["miauth.session.kind"], "login");
  EXPECT_EQ(t[end]["miauth.session.status"], "failed");
  EXPECT_EQ(t[end]["miauth.diagnostic"], "token_mismatch");
  std::string frames;
  for (const auto& f : login["diagnostics"][0]["frames"]) frames += (frames.empty() ? "" : ",") + std::to_string(f.get<int>());
  EXPECT_EQ(t[end]["miauth.diagnostic.frame"], frames);
  // No filter mixes the two sessions.
  auto mixed = tshark({"-r", dir_ + "/register-then-wrong-login.btsnoop", "-Y",
                       "miauth.kind == \"login\" && miauth.status == \"verified\""});
  EXPECT_EQ(mixed.exit_code, 0) << mixed.err;
  EXPECT_EQ(mixed.out, "");
}

// Two controllers, the same connection handle: two links, two devices, two tokens.
TEST_F(Plugin, TwoAdaptersWithTheSameHandleAreTwoLinks) {
  const auto cli = sessions("two-adapters-same-handle.btsnoop");
  ASSERT_EQ(cli.size(), 2u);
  auto t = fields("two-adapters-same-handle.btsnoop");
  for (const auto& s : cli) {
    SCOPED_TRACE(s.dump());
    EXPECT_EQ(s["status"], "verified");
    expect_same_steps(s, t);
    const int t2 = s["steps"][2]["frame"];
    EXPECT_EQ(t[t2]["miauth.token"], s["token"].get<std::string>());
  }
  EXPECT_NE(cli[0]["token"], cli[1]["token"]);
}

// Steps the one-pass exceptions of expect_same_steps excuse, per shipped capture (README, Wireshark
// plugin): T1 before T2 found the token, a tentative challenge tick, undecrypted candidates.
const std::map<std::string, int> kExcusedSteps = {
    {"register-kettle.btsnoop", 1},          // T1: product id found by the search at T2
    {"register-kettle-btmon.btsnoop", 1},    // same
    {"register-kettle-pcapng.pcapng", 1},    // same
    {"mistake-product-id.btsnoop", 1},       // same
    {"register-then-login.btsnoop", 1},      // same (the register)
    {"two-adapters-same-handle.btsnoop", 2}, // same, one per kettle
    {"register-mibeacon.btsnoop", 1},        // T1: device found from the advertiser's keystream at T2
    {"register-then-wrong-login.btsnoop", 2},  // T1 (search); the challenge's tentative tick
    {"login-long-notification.btsnoop", 1},  // the firmware read, undecrypted without a token
};

// Session by session, on every shipped capture with sessions: every step frame shows the CLI's
// step, every session that ended shows the CLI's status at its summary, and the findings (code and
// frames) are the CLI's.
TEST_F(Plugin, AgreesWithTheCliOnEveryShippedCapture) {
  int compared = 0;
  for (const auto& path : shipped_hci()) {
    const std::string name = fs::path(path).filename().string();
    auto r = run({FE95_BINARY, "analyze", "--json", "-q", path});
    ASSERT_EQ(r.exit_code, 0) << name << ": " << r.err;
    std::vector<json> cli;
    for (auto& j : json_lines(r.out))
      if (j["type"] == "session") cli.push_back(j);
    if (cli.empty()) continue;
    SCOPED_TRACE(name);
    auto t = fields(name);
    std::multiset<std::string> cli_findings, plugin_findings;
    int excused = 0;
    for (const auto& s : cli) {
      excused += expect_same_steps(s, t);
      if (s["end"] == "end_of_capture") continue;  // no summary frame in a dissector (README)
      bool found = false;
      for (auto& [frame, row] : t) {
        // Summaries of several sessions at one frame: kinds, statuses and first frames line up.
        std::istringstream firsts(row["miauth.session.first_frame"]), statuses(row["miauth.session.status"]);
        std::string first, status;
        while (std::getline(firsts, first, ',') && std::getline(statuses, status, ','))
          if (first == std::to_string(s["frames"][0].get<int>())) {
            found = true;
            EXPECT_EQ(status, s["status"].get<std::string>()) << "session at frame " << first;
          }
      }
      EXPECT_TRUE(found) << "no summary for the session at frame " << s["frames"][0];
      for (const auto& d : s["diagnostics"]) {
        cli_findings.insert(d["code"].get<std::string>());
        for (const auto& f : d["frames"]) cli_findings.insert("frame " + std::to_string(f.get<int>()));
      }
    }
    for (auto& [frame, row] : t) {
      // A frame with several findings lists their codes, then all their frames: compare codes and
      // frames as two multisets per capture.
      std::istringstream codes(row["miauth.diagnostic"]), frames(row["miauth.diagnostic.frame"]);
      for (std::string c; std::getline(codes, c, ',');)
        if (!c.empty()) plugin_findings.insert(c);
      for (std::string f; std::getline(frames, f, ',');)
        if (!f.empty()) plugin_findings.insert("frame " + f);
    }
    EXPECT_EQ(plugin_findings, cli_findings);
    // The one-pass exceptions are bounded: exactly these captures need them, this many steps.
    const auto e = kExcusedSteps.find(name);
    EXPECT_EQ(excused, e == kExcusedSteps.end() ? 0 : e->second) << "steps excused by a one-pass exception";
    std::printf("[ plugin   ] %s: %zu sessions, %d steps excused\n", name.c_str(), cli.size(), excused);
    ++compared;
  }
  EXPECT_GE(compared, 15);
}

// The plugin follows at most 512 links (README, Caps): 600 connections, each starting a register
// and never disconnected. The 88 least recently used are closed, and their sessions end
// link_dropped; memory stays bounded whatever the capture holds.
TEST_F(Plugin, LinksAreCappedAndTheOldestEndLinkDropped) {
  const std::string name = "links600.btsnoop";
  {
    auto w = writer::open_writer(dir_ + "/" + name, writer::Format::btsnoop_h4);
    writer::Scenario sc(*w, 1700000000LL * 1000000000LL);
    for (std::uint16_t h = 1; h <= 600; ++h) {
      BdAddr peer = *BdAddr::parse("C4:7C:8D:00:00:00");
      peer.le[0] = static_cast<std::uint8_t>(h);
      peer.le[1] = static_cast<std::uint8_t>(h >> 8);
      sc.connect(h, peer);
      sc.write_cmd(h, 0x0010, {0x90, 0xca, 0x85, 0xde});
    }
    ASSERT_TRUE(w->close());
  }
  if (geteuid() == 0) run({"chown", "65534:65534", dir_ + "/" + name});
  auto r = tshark({"-r", dir_ + "/" + name, "-Y", "miauth.session_end == \"link_dropped\"", "-T", "fields", "-e",
                   "miauth.session.first_frame"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(std::count(r.out.begin(), r.out.end(), '\n'), 88) << r.out.substr(0, 500);
  // The first link's session (its start is frame 4: command, status, connection complete, write)
  // is the first dropped.
  EXPECT_EQ(r.out.substr(0, r.out.find('\n')), "4");
}

TEST_F(Plugin, ClientMistakesAreExpertInfo) {
  auto r = tshark({"-r", dir_ + "/mistake-mac-order.btsnoop", "-q", "-z", "expert"});
  EXPECT_NE(r.out.find("client_mac_order"), std::string::npos) << r.out;
  r = tshark({"-r", dir_ + "/mistake-draft-register.btsnoop", "-q", "-z", "expert"});
  EXPECT_NE(r.out.find("draft_byte_order"), std::string::npos) << r.out;
}

TEST_F(Plugin, MiBeaconFieldsAndFilters) {
  auto r = tshark({"-r", dir_ + "/register-mibeacon.btsnoop", "-Y", "mibeacon.temperature > 22", "-T", "fields", "-e",
                   "frame.number", "-e", "mibeacon.status", "-e", "mibeacon.temperature"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  // The three v3 adverts after the register decrypt with the beacon key it read.
  EXPECT_EQ(std::count(r.out.begin(), r.out.end(), '\n'), 3) << r.out;
  EXPECT_NE(r.out.find("decrypted"), std::string::npos) << r.out;
}

// Wireshark-style fuzzing: editcap -E corrupts packet bytes at random; tshark with the plugin must
// not crash, and must report no dissector bug or exception that the plugin caused. One test per
// shipped capture (8 seeds each), so that each stays far inside its timeout and both cores share
// the work.
class PluginMutation : public Plugin, public ::testing::WithParamInterface<std::string> {};

TEST_P(PluginMutation, NoCrashNoPluginErrors) {
  const std::string& f = GetParam();
  const std::string name = fs::path(f).filename().string();
  int runs = 0;
  for (int seed = 1; seed <= 8; ++seed) {
    SCOPED_TRACE(name + " seed " + std::to_string(seed));
    const std::string out = dir_ + "/mut-" + std::to_string(seed) + "-" + name;
    // Keep each file's own format (editcap's default, pcapng, cannot hold btsnoop H1 records).
    const std::string ext = fs::path(f).extension().string();
    const std::string format = ext == ".btsnoop" ? "btsnoop" : ext == ".pcap" ? "pcap" : "pcapng";
    ASSERT_EQ(run({"editcap", "-F", format, "--seed", std::to_string(seed), "-E", "0.03", f, out}).exit_code, 0);
    if (geteuid() == 0) run({"chown", "65534:65534", out});
    auto with = tshark({"-r", out, "-V"});
    ++runs;
    EXPECT_EQ(with.signal, 0);
    EXPECT_EQ(with.exit_code, 0) << with.err;
    EXPECT_FALSE(with.out.empty());
    for (const char* bad : {"Dissector bug, protocol MiAuth", "Dissector bug, protocol MiBeacon", "protocol miauth"})
      EXPECT_EQ(with.out.find(bad), std::string::npos) << bad;
    // Nothing the plugin adds is malformed: same number of dissector bugs as without it.
    auto without = run({"tshark", "-r", out, "-V"});
    auto count = [](const std::string& s, const std::string& what) {
      std::size_t n = 0;
      for (std::size_t at = s.find(what); at != std::string::npos; at = s.find(what, at + 1)) ++n;
      return n;
    };
    EXPECT_EQ(count(with.out, "Dissector bug"), count(without.out, "Dissector bug"));
    EXPECT_EQ(count(with.out, "[Malformed Packet"), count(without.out, "[Malformed Packet"));
    fs::remove(out);
  }
  EXPECT_EQ(runs, 8);
}

INSTANTIATE_TEST_SUITE_P(Shipped, PluginMutation, ::testing::ValuesIn(shipped_hci()), capture_param);

// Every public capture (HCI and sniffer formats alike), one test each: the plugin adds no
// malformed packet, exception or expert error to what tshark reports without it.
class PluginPublic : public Plugin, public ::testing::WithParamInterface<std::string> {};

TEST_P(PluginPublic, NoCrashNoNewErrors) {
  const std::string& f = GetParam();
  const std::string copy = dir_ + "/public-" + fs::path(f).filename().string();
  fs::copy_file(f, copy, fs::copy_options::overwrite_existing);
  if (geteuid() == 0) run({"chown", "65534:65534", copy});
  // The error summary is empty on a clean capture; io,stat adds the frame and byte totals, so
  // that the comparison also proves that both runs read the whole file.
  auto with = tshark({"-r", copy, "-q", "-z", "expert,error", "-z", "io,stat,0"});
  EXPECT_EQ(with.signal, 0);
  EXPECT_EQ(with.exit_code, 0) << with.err;
  EXPECT_NE(with.out.find("Frames"), std::string::npos) << with.out;
  auto without = run({"tshark", "-r", f, "-q", "-z", "expert,error", "-z", "io,stat,0"});
  // Same error summary with and without the plugin: it adds no malformed packet or exception.
  EXPECT_EQ(with.out, without.out);
  fs::remove(copy);
}

std::vector<std::string> public_files() {
  std::vector<std::string> out;
  for (const auto& f : files_under(shared_captures()))
    if (f.find("SOURCES.md") == std::string::npos) out.push_back(f);
  return out;
}
INSTANTIATE_TEST_SUITE_P(Public, PluginPublic, ::testing::ValuesIn(public_files()), capture_param);
GTEST_ALLOW_UNINSTANTIATED_PARAMETERIZED_TEST(PluginPublic);

TEST(PluginInputs, PublicCapturesPresentOrSkipped) {
  if (shared_captures().empty()) GTEST_SKIP() << "../shared/captures/public is absent";
  EXPECT_GE(public_files().size(), 18u);
}

}  // namespace
}  // namespace fe95::test
