// SPDX-License-Identifier: GPL-2.0-or-later
// What users hand fe95, end to end through the CLI (README "Getting a capture from your phone"):
// the bugreport zip and its members, BTSNOOZ texts, PacketLogger files, compressed captures, and
// cut logs said once per capture.
#include <gtest/gtest.h>

#include <map>
#include <set>

#include "support.h"

namespace fe95::test::phone_forms {
namespace {

using nlohmann::json;
constexpr int kExitInput = 3;
constexpr const char* kToken = "015ccba8800abdc12eb8ed82";

std::string phone(const std::string& name) {
  return shipped_captures() + "/phone/" + name;
}
std::string kettle_zip() {
  return phone("bugreport-kettle.zip");
}

std::vector<json> of_type(const std::string& out, const std::string& type) {
  std::vector<json> v;
  for (auto& j : json_lines(out))
    if (j["type"] == type) v.push_back(j);
  return v;
}

// The output names files by the path given; compare names relative to captures/phone/.
std::string rel(const json& file) {
  std::string f = file.get<std::string>();
  const std::string prefix = shipped_captures() + "/phone/";
  return f.rfind(prefix, 0) == 0 ? f.substr(prefix.size()) : f;
}

TEST(Bugreport, EveryLogOfTheZipInTimeOrderSharingWhatTheyLearn) {
  auto r = run({FE95_BINARY, "analyze", "--json", "-q", kettle_zip()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::vector<std::string> files;
  for (const auto& f : of_type(r.out, "file")) files.push_back(rel(f["file"]));
  const std::vector<std::string> expected{
      "bugreport-kettle.zip!FS/data/misc/bluetooth/logs/btsnoop_hci.log.last",  // the register, a day earlier
      "bugreport-kettle.zip!bugreport-fe95-TQ3A.230901.001-2023-11-15-22-13-20.txt",
      "bugreport-kettle.zip!FS/data/log/bt/btsnoop_hci.log.filtered",
      "bugreport-kettle.zip!FS/data/misc/bluetooth/logs/btsnoop_hci.log",
      "bugreport-kettle.zip!FS/data/misc/bluetooth/logs/btsnooz_hci.log"};
  EXPECT_EQ(files, expected);
  // The cut logs (the text's BTSNOOZ, the filtered log, btsnooz_hci.log) hold the login too: truncated.
  std::vector<json> sessions, truncated;
  for (const auto& s : of_type(r.out, "session")) (s["status"] == "truncated" ? truncated : sessions).push_back(s);
  ASSERT_EQ(truncated.size(), 3u) << r.out;
  for (const auto& s : truncated) EXPECT_EQ(s["kind"], "login");
  ASSERT_EQ(sessions.size(), 2u);
  EXPECT_EQ(sessions[0]["kind"], "register");
  EXPECT_EQ(sessions[0]["status"], "verified");
  // The login of the full log verifies with the token the register of .last recovered.
  EXPECT_EQ(rel(sessions[1]["file"]), "bugreport-kettle.zip!FS/data/misc/bluetooth/logs/btsnoop_hci.log");
  EXPECT_EQ(sessions[1]["kind"], "login");
  EXPECT_EQ(sessions[1]["status"], "verified");
  EXPECT_EQ(sessions[1]["token_source"], "register_session");
  // The vendor folder's configuration file is no capture: one line on stderr.
  EXPECT_NE(r.err.find("bugreport-kettle.zip!FS/data/log/bt/bt_stack.conf: skipped"), std::string::npos) << r.err;
  const auto total = of_type(r.out, "total");
  ASSERT_EQ(total.size(), 1u);
  EXPECT_EQ(total[0]["files"], 5);
  EXPECT_EQ(total[0]["verified"], 2);
}

TEST(Bugreport, CutLogsSayWhyOncePerCapture) {
  auto r = run({FE95_BINARY, "analyze", "--json", "-q", kettle_zip()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::map<std::string, json> cut;
  for (const auto& f : of_type(r.out, "file"))
    if (f.contains("cut")) cut[rel(f["file"])] = f["cut"];
  ASSERT_EQ(cut.size(), 3u);  // the text's BTSNOOZ, the filtered log, btsnooz_hci.log; not the full logs
  const json& snooz = cut["bugreport-kettle.zip!bugreport-fe95-TQ3A.230901.001-2023-11-15-22-13-20.txt"];
  EXPECT_EQ(snooz["att_value_bytes"], 3);
  EXPECT_EQ(snooz["acl_records"], 19);
  EXPECT_EQ(
      snooz["message"],
      "ATT values cut to 3 bytes (19 records): a BTSNOOZ summary keeps only the first 14 bytes of each ACL packet; "
      "set Developer options → Bluetooth HCI snoop log → Enabled and take the bugreport again");
  const json& filtered = cut["bugreport-kettle.zip!FS/data/log/bt/btsnoop_hci.log.filtered"];
  EXPECT_EQ(filtered["att_value_bytes"], 2);
  EXPECT_EQ(filtered["message"],
            "ATT values cut to 2 bytes (22 records): a filtered or snooz log; set Developer options → Bluetooth HCI "
            "snoop log → Enabled and take the bugreport again");
  // The text report: one line per cut capture.
  auto text = run({FE95_BINARY, "analyze", "-q", phone("login-kettle-filtered.btsnoop")});
  EXPECT_EQ(text.exit_code, 0);
  EXPECT_NE(text.out.find("  ! ATT values cut to 2 bytes (22 records): a filtered or snooz log; set Developer options"),
            std::string::npos)
      << text.out;
  // att and verify have no report: a note on stderr.
  auto att = run({FE95_BINARY, "att", "-q", phone("bugreport-kettle.txt")});
  EXPECT_EQ(att.exit_code, 0);
  EXPECT_NE(att.err.find("bugreport-kettle.txt: note: ATT values cut to 3 bytes"), std::string::npos) << att.err;
}

// Issue 23, item 3: a session over cut PDUs ends `truncated`, never `failed` or a token mismatch,
// whatever token is given; what survived (opcodes, handles, lengths) still gives its steps.
TEST(CutLogs, SessionsOverCutPdusEndTruncatedWithTheirSteps) {
  const auto whole =
      run({FE95_BINARY, "analyze", "--json", "-q", "--token", kToken, phone("login-kettle.btsnoop.zst")});
  ASSERT_EQ(whole.exit_code, 0) << whole.err;
  const json full = of_type(whole.out, "session").at(0);
  ASSERT_EQ(full["status"], "verified");
  for (const char* f : {"login-kettle-filtered.btsnoop", "bugreport-kettle.txt"})
    for (const char* token : {kToken, "00112233445566778899aabb"}) {
      SCOPED_TRACE(std::string(f) + " " + token);
      auto r = run({FE95_BINARY, "analyze", "--json", "-q", "--token", token, phone(f)});
      ASSERT_EQ(r.exit_code, 0) << r.err;
      const auto sessions = of_type(r.out, "session");
      ASSERT_EQ(sessions.size(), 1u) << r.out;
      const json& s = sessions[0];
      EXPECT_EQ(s["status"], "truncated");
      EXPECT_EQ(s["kind"], "login");
      EXPECT_EQ(s["device"], "C4:7C:8D:6A:12:34");
      EXPECT_EQ(s["frames"], full["frames"]);
      EXPECT_TRUE(s["diagnostics"].empty()) << s["diagnostics"].dump();  // no token_mismatch, nothing from cut bytes
      EXPECT_FALSE(s.contains("token"));
      // The full log's steps, in order, on the same handles, each with what survived of its value;
      // all but its last, the firmware read, which without discovery is recognised only by its
      // whole plaintext.
      ASSERT_EQ(full["steps"].size(), 5u);
      ASSERT_EQ(full["steps"][4]["what"], "firmware");
      ASSERT_EQ(s["steps"].size(), 4u) << s["steps"].dump();
      for (std::size_t i = 0; i < s["steps"].size(); ++i) {
        const json& cut = s["steps"][i];
        const json& orig = full["steps"][i];
        EXPECT_EQ(cut["step"], orig["step"]);
        EXPECT_EQ(cut["handle"], orig["handle"]);
        EXPECT_EQ(cut["cut"], true);
        const std::string v = cut["value"].get<std::string>();
        EXPECT_EQ(orig["value"].get<std::string>().rfind(v, 0), 0u) << v;  // a prefix of the real value
        EXPECT_FALSE(cut.contains("plaintext") && cut["step"] != "login_start");
      }
    }
  // The text report says why; verify neither passes nor fails it.
  auto text = run({FE95_BINARY, "analyze", "-q", "--token", kToken, phone("login-kettle-filtered.btsnoop")});
  EXPECT_NE(text.out.find("login    frames 28-35  conn 0x0040  truncated\n"), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("the capture cut 4 PDUs of the session"), std::string::npos) << text.out;
  auto verify = run({FE95_BINARY, "verify", "--token", kToken, phone("login-kettle-filtered.btsnoop")});
  EXPECT_NE(verify.out.find("INFO "), std::string::npos) << verify.out;
  EXPECT_NE(verify.out.find("login truncated"), std::string::npos) << verify.out;
  EXPECT_NE(verify.out.find("0 passed, 0 failed"), std::string::npos) << verify.out;
  EXPECT_EQ(verify.out.find("FAIL"), std::string::npos) << verify.out;
  // With --junit: a skipped test case, not a failure.
  const std::string xml = temp_dir() + "/fe95.xml";
  run({FE95_BINARY, "verify", "--token", kToken, "--junit", xml, phone("login-kettle-filtered.btsnoop")});
  const std::string report = read_file(xml);
  EXPECT_NE(report.find("<skipped message=\"login truncated: the capture cut its PDUs, nothing to check\"/>"),
            std::string::npos)
      << report;
  EXPECT_EQ(report.find("<failure"), std::string::npos) << report;
}

TEST(Bugreport, AMemberCanBeNamedAndBadOnesSayWhy) {
  const std::string member = kettle_zip() + "!FS/data/misc/bluetooth/logs/btsnoop_hci.log.last";
  auto r = run({FE95_BINARY, "analyze", "--json", "-q", member});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(of_type(r.out, "session").size(), 1u);
  auto missing = run({FE95_BINARY, "analyze", "-q", kettle_zip() + "!FS/data/misc/bluetooth/logs/nothing"});
  EXPECT_EQ(missing.exit_code, kExitInput);
  EXPECT_NE(missing.err.find("no member \"FS/data/misc/bluetooth/logs/nothing\" in this zip"), std::string::npos)
      << missing.err;
  // A zip without Bluetooth logs: named, it is an unreadable input; in a directory, skipped.
  const std::string dir = temp_dir();
  const std::string empty_zip = dir + "/photos.zip";
  write_file(empty_zip, std::string("PK\x05\x06", 4) + std::string(18, '\0'));  // an empty zip
  auto named = run({FE95_BINARY, "analyze", "-q", empty_zip});
  EXPECT_EQ(named.exit_code, kExitInput);
  EXPECT_NE(named.err.find("no Bluetooth capture in this zip"), std::string::npos) << named.err;
  write_file(dir + "/kettle.zip", read_file(kettle_zip()));
  auto in_dir = run({FE95_BINARY, "analyze", "--json", "-q", dir});
  EXPECT_EQ(in_dir.exit_code, 0) << in_dir.err;
  EXPECT_NE(in_dir.err.find("photos.zip: skipped (a zip without Bluetooth capture)"), std::string::npos) << in_dir.err;
  EXPECT_EQ(of_type(in_dir.out, "file").size(), 5u);
}

// A log libarchive cannot read at all (its deflate stream starts with a reserved block type; Debian
// 13's libarchive refuses a member whose claimed sizes do not match its stream the same way,
// Hostile.ZipMemberClaimingFourGibibytes): a damaged input, reported with libarchive's reason
// after the logs that could be read, and exit 3. Not "skipped", which is for files that are no
// capture.
TEST(Bugreport, ALogLibarchiveCannotReadIsADamagedInput) {
  const std::string name = "FS/data/misc/bluetooth/logs/btsnoop_hci.log";
  std::string zip = read_file(kettle_zip());
  bool patched = false;
  for (std::size_t at = 0; (at = zip.find("PK\x03\x04", at, 4)) != std::string::npos; at += 4) {
    auto u16 = [&](std::size_t o) {
      return static_cast<std::size_t>(static_cast<std::uint8_t>(zip[o]) | static_cast<std::uint8_t>(zip[o + 1]) << 8);
    };
    const std::size_t n = u16(at + 26), extra = u16(at + 28);
    if (n != name.size() || zip.compare(at + 30, n, name) != 0) continue;
    ASSERT_EQ(u16(at + 8), 8u) << "deflated";
    zip[at + 30 + n + extra] = '\xff';  // BFINAL 1, BTYPE 11: a reserved block type (RFC 1951, 3.2.3)
    patched = true;
  }
  ASSERT_TRUE(patched);
  const std::string path = temp_dir() + "/bugreport.zip";
  write_file(path, zip);
  auto r = run({FE95_BINARY, "analyze", "--json", "-q", path});
  EXPECT_EQ(r.exit_code, kExitInput) << r.err;
  EXPECT_NE(r.err.find("bugreport.zip!" + name + ": offset 0: read error: ZIP decompression failed"), std::string::npos)
      << r.err;
  EXPECT_EQ(r.err.find(name + ": skipped"), std::string::npos) << r.err;
  // The other logs are read and reported; the damaged one has its file record, with the error.
  EXPECT_GE(of_type(r.out, "session").size(), 1u) << r.out;
  bool damaged_record = false;
  for (const auto& f : of_type(r.out, "file"))
    damaged_record = damaged_record || (f["file"] == path + "!" + name && f["status"] != "ok");
  EXPECT_TRUE(damaged_record) << r.out;
}

// A zip member whose name is not UTF-8 (found by the mutation test under ASan): the analysis goes
// on, and the name reaches the JSON with the bad byte replaced, as every string fe95 writes.
TEST(Bugreport, AMemberNameThatIsNotUtf8IsWrittenReplaced) {
  const std::string zip = shipped_captures() + "/../tests/fuzz/regressions/zip/bugreport-member-name-not-utf8.zip";
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{"analyze", "--json", "-q"}, std::vector<std::string>{"att"}}) {
    const std::string& command = args[0];
    std::vector<std::string> argv{FE95_BINARY};
    argv.insert(argv.end(), args.begin(), args.end());
    argv.push_back(zip);
    auto r = run(argv);
    EXPECT_EQ(r.signal, 0) << command << ": " << r.err;
    EXPECT_TRUE(r.exit_code == 0 || r.exit_code == 3) << command << " exit " << r.exit_code << ": " << r.err;
    bool replaced = false;
    for (const auto& j : json_lines(r.out))
      replaced = replaced || j.value("file", "").find("\xef\xbf\xbd") != std::string::npos;
    EXPECT_TRUE(replaced) << command << ": no file name with U+FFFD in\n" << r.out.substr(0, 2000);
  }
}

TEST(Bugreport, AttAndVerifyReadTheZipToo) {
  auto att = run({FE95_BINARY, "att", "-q", kettle_zip()});
  ASSERT_EQ(att.exit_code, 0) << att.err;
  std::set<std::string> files;
  for (const auto& j : json_lines(att.out)) files.insert(rel(j["file"]));
  EXPECT_EQ(files.count("bugreport-kettle.zip!FS/data/misc/bluetooth/logs/btsnoop_hci.log.last"), 1u);
  EXPECT_EQ(files.count("bugreport-kettle.zip!FS/data/misc/bluetooth/logs/btsnoop_hci.log"), 1u);
  auto verify = run({FE95_BINARY, "verify", "--token", kToken, kettle_zip()});
  EXPECT_EQ(verify.exit_code, 0) << verify.out << verify.err;
  EXPECT_NE(verify.out.find("2 passed, 0 failed"), std::string::npos) << verify.out;
  EXPECT_NE(verify.err.find("note: ATT values cut"), std::string::npos) << verify.err;
}

TEST(PhoneForms, PacketLoggerSnoozAndCompressedCapturesAnalyze) {
  // Each form of the register gives the same verified session.
  for (const char* f : {"register-kettle.pklg", "register-kettle-le.pklg", "register-kettle.btsnoop.gz",
                        "register-kettle-pcapng.pcapng.lz4"}) {
    auto r = run({FE95_BINARY, "analyze", "--json", "-q", phone(f)});
    ASSERT_EQ(r.exit_code, 0) << f << ": " << r.err;
    const auto s = of_type(r.out, "session");
    ASSERT_EQ(s.size(), 1u) << f;
    EXPECT_EQ(s[0]["status"], "verified") << f;
    EXPECT_EQ(s[0]["token"], kToken) << f;
  }
  auto zst = run({FE95_BINARY, "analyze", "--json", "-q", "--token", kToken, phone("login-kettle.btsnoop.zst")});
  ASSERT_EQ(zst.exit_code, 0) << zst.err;
  EXPECT_EQ(of_type(zst.out, "file")[0]["format"], "btsnoop/1002 (H4), zstd-compressed");
  EXPECT_EQ(of_type(zst.out, "session")[0]["status"], "verified");
  auto xz = run({FE95_BINARY, "analyze", "--json", "-q", phone("gatt-tour.btsnoop.xz")});
  ASSERT_EQ(xz.exit_code, 0) << xz.err;
  EXPECT_EQ(of_type(xz.out, "file")[0]["records"], 60);
  for (const char* f : {"bugreport-kettle.txt", "register-kettle-snooz-v1.txt"}) {
    auto r = run({FE95_BINARY, "analyze", "--json", "-q", phone(f)});
    ASSERT_EQ(r.exit_code, 0) << f << ": " << r.err;
    const auto file = of_type(r.out, "file");
    ASSERT_EQ(file.size(), 1u);
    EXPECT_EQ(file[0]["format"].get<std::string>().rfind("BTSNOOZ v", 0), 0u);
    EXPECT_TRUE(file[0].contains("cut")) << f;
  }
}

TEST(PhoneForms, CompressedIsRecognisedByContentNotName) {
  const std::string dir = temp_dir();
  write_file(dir + "/capture.dat", read_file(phone("register-kettle.btsnoop.gz")));
  write_file(dir + "/btsnoop_hci.log", read_file(phone("register-kettle-pcapng.pcapng.lz4")));
  auto r = run({FE95_BINARY, "analyze", "--json", "-q", dir});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto files = of_type(r.out, "file");
  ASSERT_EQ(files.size(), 2u);
  EXPECT_EQ(files[0]["format"], "pcapng/201, lz4-compressed");
  EXPECT_EQ(files[1]["format"], "btsnoop/1002 (H4), gzip-compressed");
}

}  // namespace
}  // namespace fe95::test::phone_forms
