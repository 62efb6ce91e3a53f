// SPDX-License-Identifier: GPL-2.0-or-later
// The keys files users already hold, end to end through the CLI (README "Keys file"): the Xiaomi
// cloud tokens extractor's text and JSON, Home Assistant's config entries, ble_monitor's YAML,
// miauth's mi_token through --token-file; all-FF keys, bad files, --export-keys.
#include <gtest/gtest.h>

#include "support.h"

namespace fe95::test::keys_files {
namespace {

using nlohmann::json;
constexpr int kExitUsage = 2;

std::vector<json> of_type(const std::string& out, const std::string& type) {
  std::vector<json> v;
  for (auto& j : json_lines(out))
    if (j["type"] == type) v.push_back(j);
  return v;
}

std::string keys_file(const std::string& name, const std::string& text) {
  const std::string path = temp_dir() + "/" + name;
  write_file(path, text);
  return path;
}

std::vector<json> beacons(const std::vector<std::string>& extra, RunResult* raw = nullptr) {
  std::vector<std::string> argv{FE95_BINARY, "analyze", "--json", "-q", shipped_captures() + "/mibeacon-tour.btsnoop"};
  argv.insert(argv.end(), extra.begin(), extra.end());
  auto r = run(argv);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  if (raw) *raw = r;
  return of_type(r.out, "beacon");
}

TEST(KeysFiles, EveryFormatFeedsTheAnalysis) {
  // Tokens: the extractor's text and JSON verify the kettle's login.
  const std::string cloud_text = keys_file("tokens.txt",
                                           "   ---------\n"
                                           "   NAME:     Mi Smart Kettle\n"
                                           "   ID:       blt.3.129pdsl4cko00\n"
                                           "   MAC:      C4:7C:8D:6A:12:34\n"
                                           "   TOKEN:    015ccba8800abdc12eb8ed82\n"
                                           "   MODEL:    yunmi.kettle.v2\n"
                                           "   ---------\n");
  const std::string cloud_json =
      keys_file("tokens.json", R"({"homes": [{"home_id": 1, "devices": [{"name": "Kettle", "did": "blt.3.129pdsl4cko00",
        "mac": "C4:7C:8D:6A:12:34", "token": "015ccba8800abdc12eb8ed82"}]}]})");
  for (const auto& k : {cloud_text, cloud_json}) {
    auto r = run({FE95_BINARY, "verify", "--keys", k, shipped_captures() + "/login-kettle.btsnoop"});
    EXPECT_EQ(r.exit_code, 0) << k << ": " << r.out << r.err;
    EXPECT_NE(r.out.find("PASS"), std::string::npos) << r.out;
  }
  // MiBeacon keys: Home Assistant's and ble_monitor's decrypt the tour's v3 and v4 adverts.
  const std::string ha =
      keys_file("core.config_entries", R"({"version": 1, "minor_version": 1, "key": "core.config_entries",
    "data": {"entries": [
      {"domain": "xiaomi_ble", "unique_id": "C4:7C:8D:6B:00:01", "data": {"bindkey": "000102030405060708090a0b0c0d0e0f"}},
      {"domain": "xiaomi_ble", "unique_id": "C4:7C:8D:6A:12:34", "data": {"bindkey": "112233445566778899aabbcc"}}]}})");
  const std::string yaml = keys_file("configuration.yaml",
                                     "ble_monitor:\n"
                                     "  devices:\n"
                                     "    - mac: 'C4:7C:8D:6B:00:01'\n"
                                     "      encryption_key: '000102030405060708090a0b0c0d0e0f'\n"
                                     "    - mac: 'C4:7C:8D:6A:12:34'\n"
                                     "      encryption_key: '112233445566778899aabbcc'\n");
  for (const auto& k : {ha, yaml}) {
    RunResult raw;
    const auto b = beacons({"--keys", k}, &raw);
    ASSERT_EQ(b.size(), 8u) << k;
    EXPECT_EQ(b[2]["status"], "decrypted") << k;
    EXPECT_EQ(b[3]["status"], "decrypted") << k;
    EXPECT_NE(raw.err.find("2 devices with keys"), std::string::npos) << raw.err;
  }
}

TEST(KeysFiles, AnAllFfKeyIsNoKeyAndIsNotTried) {
  const std::string cloud = keys_file("tokens.txt",
                                      "   ---------\n"
                                      "   NAME:     Flower care\n"
                                      "   ID:       blt.3.flower\n"
                                      "   BLE KEY:  ffffffffffffffffffffffffffffffff\n"
                                      "   MAC:      C4:7C:8D:6B:00:01\n"
                                      "   ---------\n"
                                      "   NAME:     Kettle\n"
                                      "   BLE KEY:  112233445566778899aabbccffffffff\n"
                                      "   MAC:      C4:7C:8D:6A:12:34\n"
                                      "   ---------\n");
  RunResult raw;
  const auto b = beacons({"--keys", cloud}, &raw);
  ASSERT_EQ(b.size(), 8u);
  EXPECT_EQ(b[2]["status"], "decrypted");         // the kettle's legacy key (with the cloud's FFFFFFFF)
  EXPECT_EQ(b[3]["status"], "encrypted_no_key");  // not tried: no wrong_key from an FF key
  EXPECT_NE(
      raw.err.find("tokens.txt:4: BLE KEY of C4:7C:8D:6B:00:01 is all FF: the cloud has no key for it (\"no key\"); "
                   "not tried"),
      std::string::npos)
      << raw.err;
}

TEST(KeysFiles, ABadFileNamesTheLineOrField) {
  const std::string text =
      keys_file("tokens.txt", "   ---------\n   MAC:      C4:7C:8D\n   TOKEN:    015ccba8800abdc12eb8ed82\n");
  auto r = run({FE95_BINARY, "analyze", "--keys", text, shipped_captures() + "/login-kettle.btsnoop"});
  EXPECT_EQ(r.exit_code, kExitUsage);
  EXPECT_EQ(r.err, "fe95: " + text + ":2: MAC \"C4:7C:8D\" is not AA:BB:CC:DD:EE:FF\n");
  const std::string ha = keys_file("core.config_entries",
                                   R"({"key": "core.config_entries", "data": {"entries": [{"domain": "xiaomi_ble",
    "unique_id": "C4:7C:8D:6B:00:01", "data": {"bindkey": "0001"}}]}})");
  r = run({FE95_BINARY, "analyze", "--keys", ha, shipped_captures() + "/login-kettle.btsnoop"});
  EXPECT_EQ(r.exit_code, kExitUsage);
  EXPECT_EQ(r.err, "fe95: " + ha +
                       ": data.entries[0].data.bindkey: bindkey \"0001\" is neither 24 hex digits (a beacon "
                       "key) nor 32 (a bind key)\n");
}

TEST(KeysFiles, AKeysFileOver16MiBIsRefusedBeforeAnyParser) {
  const std::string huge = keys_file("huge.csv", std::string((16u << 20) + 1, '#'));
  auto r = run({FE95_BINARY, "analyze", "--keys", huge, shipped_captures() + "/login-kettle.btsnoop"});
  EXPECT_EQ(r.exit_code, kExitUsage);
  EXPECT_EQ(r.err, "fe95: " + huge + ": larger than 16 MiB: not a keys file\n");
}

TEST(KeysFiles, TokenFileIsACandidateForEveryDevice) {
  const std::string mi_token =
      keys_file("mi_token", std::string("\x01\x5c\xcb\xa8\x80\x0a\xbd\xc1\x2e\xb8\xed\x82", 12));
  auto r = run(
      {FE95_BINARY, "analyze", "--json", "-q", "--token-file", mi_token, shipped_captures() + "/login-kettle.btsnoop"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto s = of_type(r.out, "session");
  ASSERT_EQ(s.size(), 1u);
  EXPECT_EQ(s[0]["status"], "verified");
  EXPECT_EQ(s[0]["token_source"], "option");
  auto v = run({FE95_BINARY, "verify", "--token-file", mi_token, shipped_captures() + "/register-kettle.btsnoop"});
  EXPECT_EQ(v.exit_code, 0) << v.out << v.err;  // the register recovers the expected token
  const std::string bad = keys_file("mi_token_bad", "0123");
  auto b = run({FE95_BINARY, "analyze", "--token-file", bad, shipped_captures() + "/login-kettle.btsnoop"});
  EXPECT_EQ(b.exit_code, kExitUsage);
  EXPECT_EQ(b.err, "fe95: " + bad + ": 4 bytes: a token file is miauth's mi_token (12 bytes) or 24 hex digits\n");
  // Given to --keys, the binary token is pointed to --token-file.
  auto k = run({FE95_BINARY, "analyze", "--keys", mi_token, shipped_captures() + "/login-kettle.btsnoop"});
  EXPECT_EQ(k.exit_code, kExitUsage);
  EXPECT_NE(k.err.find("miauth's 12-byte mi_token goes to --token-file"), std::string::npos) << k.err;
}

TEST(KeysFiles, ExportStillWritesFe95CsvAndNeverRewritesAnotherToolsFile) {
  const std::string yaml = keys_file("configuration.yaml",
                                     "ble_monitor:\n  devices:\n    - mac: 'C4:7C:8D:6A:12:34'\n"
                                     "      encryption_key: '112233445566778899aabbcc'\n");
  const std::string out = temp_dir() + "/keys.csv";
  auto r = run({FE95_BINARY, "analyze", "-q", "--keys", yaml, "--export-keys", out,
                shipped_captures() + "/register-kettle.btsnoop"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::string csv = read_file(out);
  EXPECT_EQ(csv.rfind("# fe95 keys: mac, product_id, token, beacon_key, bind_key", 0), 0u) << csv;
  EXPECT_NE(csv.find("\"C4:7C:8D:6A:12:34\",\"275\",\"015ccba8800abdc12eb8ed82\",\"b853075158487ca39a5b5ea9\""),
            std::string::npos)
      << csv;
  const std::string before = read_file(yaml);
  auto refused =
      run({FE95_BINARY, "analyze", "-q", "--export-keys", yaml, shipped_captures() + "/register-kettle.btsnoop"});
  EXPECT_EQ(refused.exit_code, kExitUsage);
  EXPECT_NE(refused.err.find("this is ble_monitor YAML, not fe95's keys CSV"), std::string::npos) << refused.err;
  EXPECT_EQ(read_file(yaml), before);
}

// Issue 23, item 7: a key given in the wrong role is tried in the other, used when it fits there,
// and the run says so; a key that fits its own role is never flagged.
json only_session(const std::string& capture, const std::vector<std::string>& extra) {
  std::vector<std::string> argv{FE95_BINARY, "analyze", "--json", "-q", shipped_captures() + "/" + capture};
  argv.insert(argv.end(), extra.begin(), extra.end());
  auto r = run(argv);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  const auto s = of_type(r.out, "session");
  EXPECT_EQ(s.size(), 1u) << r.out;
  return s.empty() ? json::object() : s[0];
}

constexpr const char* kKettle = "C4:7C:8D:6A:12:34";
constexpr const char* kKettleToken = "015ccba8800abdc12eb8ed82";

TEST(KeyRoles, ATokenGivenAsTheBindKeyVerifiesTheLoginAndIsSaidSo) {
  const json s = only_session("login-kettle.btsnoop", {"--bindkey", std::string(kKettle) + "=" + kKettleToken});
  EXPECT_EQ(s["status"], "verified");
  EXPECT_EQ(s["token"], kKettleToken);
  EXPECT_EQ(s["token_source"], "given_as_bind_key");
  ASSERT_EQ(s["diagnostics"].size(), 1u) << s.dump();
  EXPECT_EQ(s["diagnostics"][0]["code"], "key_in_other_role");
  EXPECT_EQ(s["diagnostics"][0]["message"],
            "the key given as the bind key of C4:7C:8D:6A:12:34 is its token: login verified with it");
  EXPECT_EQ(s["diagnostics"][0]["frames"], json::array({31, 33}));  // the response and the confirmation
  // The text report says it under the session.
  auto text = run({FE95_BINARY, "analyze", "-q", shipped_captures() + "/login-kettle.btsnoop", "--bindkey",
                   std::string(kKettle) + "=" + kKettleToken});
  EXPECT_NE(text.out.find("! key_in_other_role [frames 31,33]: the key given as the bind key of C4:7C:8D:6A:12:34 is "
                          "its token: login verified with it"),
            std::string::npos)
      << text.out;
}

TEST(KeyRoles, ATokenInTheBeaconKeyColumnVerifiesTheLogin) {
  const std::string csv =
      keys_file("keys.csv", std::string("\"") + kKettle + "\",\"\",\"\",\"" + kKettleToken + "\",\"\"\n");
  const json s = only_session("login-kettle.btsnoop", {"--keys", csv});
  EXPECT_EQ(s["status"], "verified");
  EXPECT_EQ(s["token_source"], "given_as_beacon_key");
  ASSERT_EQ(s["diagnostics"].size(), 1u) << s.dump();
  EXPECT_EQ(s["diagnostics"][0]["message"],
            "the key given as the beacon key of C4:7C:8D:6A:12:34 is its token: login verified with it");
}

TEST(KeyRoles, StandardAuthTriesTheBindKeyAsTheTokenToo) {
  const json s = only_session("std-login-mihome.btsnoop", {"--bindkey", "F8:24:41:C5:98:8B=0cf5615003810d89c233a12a"});
  EXPECT_EQ(s["status"], "verified");
  EXPECT_EQ(s["token_source"], "given_as_bind_key");
  bool said = false;
  for (const auto& d : s["diagnostics"])
    said = said ||
           d["message"] == "the key given as the bind key of F8:24:41:C5:98:8B is its token: login verified with it";
  EXPECT_TRUE(said) << s["diagnostics"].dump();
}

TEST(KeyRoles, AKeyThatFitsItsOwnRoleIsNotFlaggedAndAWrongOneIsNotUsed) {
  // The token given as a token (and as the bind key too): the token verifies, nothing is said.
  const json s = only_session("login-kettle.btsnoop",
                              {"--token", kKettleToken, "--bindkey", std::string(kKettle) + "=" + kKettleToken});
  EXPECT_EQ(s["token_source"], "option");
  EXPECT_TRUE(s["diagnostics"].empty()) << s.dump();
  // Another device's key, or a key that is no token: the login has no token, as before.
  const json other =
      only_session("login-kettle.btsnoop", {"--bindkey", "C4:7C:8D:00:00:01=" + std::string(kKettleToken)});
  EXPECT_EQ(other["status"], "no_token");
  const json wrong =
      only_session("login-kettle.btsnoop", {"--bindkey", std::string(kKettle) + "=00112233445566778899aabb"});
  EXPECT_EQ(wrong["status"], "no_token");
  EXPECT_TRUE(wrong["diagnostics"].empty()) << wrong.dump();
}

TEST(KeyRoles, ABeaconKeyGivenAsATokenDecryptsTheAdvertsAndIsSaidOnce) {
  // mibeacon-tour's legacy (v3) advert of the kettle: its beacon key given with --token.
  RunResult r;
  const auto as_token = beacons({"--token", "112233445566778899aabbcc"}, &r);
  const auto as_key = beacons({"--bindkey", std::string(kKettle) + "=112233445566778899aabbcc"});
  ASSERT_EQ(as_token.size(), as_key.size());
  std::size_t decrypted = 0;
  for (std::size_t i = 0; i < as_token.size(); ++i) {
    EXPECT_EQ(as_token[i]["status"], as_key[i]["status"]) << i;
    EXPECT_EQ(as_token[i]["objects"], as_key[i]["objects"]) << i;
    if (as_token[i]["status"] == "decrypted") {
      ++decrypted;
      EXPECT_EQ(as_token[i]["key_source"], "given_as_token");
      EXPECT_FALSE(as_key[i].contains("key_source"));
    }
  }
  EXPECT_GE(decrypted, 1u);
  std::size_t notes = 0;
  for (const auto& d : of_type(r.out, "diagnostic"))
    if (d["code"] == "key_in_other_role") {
      ++notes;
      EXPECT_EQ(d["message"],
                "the key given as the token of C4:7C:8D:6A:12:34 is its beacon key: its adverts decrypt with it");
    }
  EXPECT_EQ(notes, 1u);
  // Without the key anywhere, the advert stays encrypted.
  for (const auto& b : beacons({})) EXPECT_FALSE(b.contains("key_source"));
}

}  // namespace
}  // namespace fe95::test::keys_files
