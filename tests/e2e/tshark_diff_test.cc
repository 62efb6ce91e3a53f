// SPDX-License-Identifier: GPL-2.0-or-later
// Differential test against Wireshark: fe95's ATT view of every HCI capture in captures/ and in
// ../shared/captures/public must equal tshark's, frame by frame (opcode, connection handle,
// handles, value). Documented disagreements (README.md, "Where fe95 and Wireshark differ"):
//  * Wireshark shows the value of a characteristic it dissects into typed fields, not in
//    btatt.value. Accepted only for the characteristics named in kTypedByWireshark, where fe95
//    knows the handle's UUID from discovery, and counted: each capture's count is asserted.
//  * Wireshark keeps one handle map per connection for both GATT servers; fe95 keeps one per
//    server. Accepted for PDUs of the local (phone-side) server when only the value differs.
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <cstring>
#include <map>
#include <optional>
#include <set>
#include <sstream>

#include "support.h"

namespace fe95::test {
namespace {

using nlohmann::json;

struct Row {
  std::string conn, opcode, handles, value;
  bool operator==(const Row&) const = default;
};
std::ostream& operator<<(std::ostream& o, const Row& r) {
  return o << "{conn " << r.conn << ", op " << r.opcode << ", handles " << r.handles << ", value " << r.value << "}";
}

std::string hex(unsigned v, int width) {
  char b[16];
  std::snprintf(b, sizeof b, "0x%0*x", width, v);
  return b;
}

// An over-the-air capture is keyed by access address (Wireshark passes connection handle 0 for
// every LL link); an HCI capture by connection handle. PPI files with DLT 147 need Wireshark's
// DLT_USER table to reach btle (docs/LL_CAPTURES.md §1.4); fe95 reads them natively. An HCI
// capture's run is also its TsharkView (`view`: every frame's protocols and the expert summary),
// for the clean-decode checks of the shipped captures: one tshark run per capture for both.
std::map<std::uint64_t, std::vector<Row>> tshark_rows(const std::string& file, bool ll = false,
                                                      TsharkView* view = nullptr) {
  std::map<std::uint64_t, std::vector<Row>> rows;
  const auto add = [&](const std::string& frame, const std::string& conn, const std::string& opcode,
                       const std::string& handles, const std::string& value) {
    Row row{conn.empty() ? "" : hex(static_cast<unsigned>(std::stoul(conn, nullptr, 16)), ll ? 8 : 4), opcode, handles,
            value};
    rows[std::stoull(frame)].push_back(row);
  };
  if (!ll) {
    auto v = tshark_view(file, {"bthci_acl.chandle", "btatt.opcode", "btatt.handle", "btatt.value"});
    EXPECT_EQ(v.exit_code, 0) << v.err;
    for (std::size_t i = 0; i < v.frames.size(); ++i)
      if (has_protocol(v.protocols[i], {"btatt"}))
        add(std::to_string(v.frames[i]), v.fields[i][0], v.fields[i][1], v.fields[i][2], v.fields[i][3]);
    if (view) *view = std::move(v);
    return rows;
  }
  std::vector<std::string> argv{"tshark", "-r", file};
  argv.insert(argv.end(), {"-o", "uat:user_dlts:\"User 0 (DLT=147)\",\"btle\",\"0\",\"\",\"0\",\"\""});
  argv.insert(argv.end(), {"-Y", "btatt", "-T", "fields", "-e", "frame.number", "-e", "btle.access_address", "-e",
                           "btatt.opcode", "-e", "btatt.handle", "-e", "btatt.value"});
  auto r = run(argv);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  for (const auto& f : tsv(r.out, 5)) add(f[0], f[1], f[2], f[3], f[4]);
  return rows;
}

// Characteristics and descriptors whose values Wireshark 4.0's btatt shows as typed fields
// (checked with tshark -V on the captures where they occur).
const std::set<std::string> kTypedByWireshark = {
    "2902",                                  // Client Characteristic Configuration
    "2a00",                                  // Device Name
    "2a01",                                  // Appearance
    "2a04",                                  // Peripheral Preferred Connection Parameters
    "2a05",                                  // Service Changed
    "2a19",                                  // Battery Level
    "2a26",                                  // Firmware Revision String
    "2a50",                                  // PnP ID
    "2aa6",                                  // Central Address Resolution
    "2907",                                  // External Report Reference (HID)
    "2908",                                  // Report Reference (HID)
    "2a22",                                  // Boot Keyboard Input Report
    "2a32",                                  // Boot Keyboard Output Report
    "2a4a",                                  // HID Information
    "2a4e",                                  // Protocol Mode
    "6e400002-b5a3-f393-e0a9-e50e24dcca9e",  // Nordic UART RX
    "6e400003-b5a3-f393-e0a9-e50e24dcca9e",  // Nordic UART TX
};

struct Fe95Row {
  Row row;
  std::string uuid;           // of the handle where discovery tells it, or the type read by type
  bool typed = false;         // a characteristic Wireshark shows in typed fields
  bool local_server = false;  // the PDU belongs to the phone-side GATT server
};

std::map<std::uint64_t, std::vector<Fe95Row>> fe95_rows(const std::string& file) {
  auto r = run({FE95_BINARY, "att", "-q", file});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  std::map<std::uint64_t, std::vector<Fe95Row>> rows;
  for (const auto& j : json_lines(r.out)) {
    if (j["type"] != "att") continue;  // link summaries of over-the-air captures
    Fe95Row fr;
    if (j.contains("link"))  // "LL 0x8edf9233" or "LL 0x8edf9233 #2": the access address
      fr.row.conn = hex(static_cast<unsigned>(std::stoul(j["link"].get<std::string>().substr(5, 8), nullptr, 16)), 8);
    else
      fr.row.conn = hex(j["conn"].get<unsigned>(), 4);
    fr.row.opcode = hex(j["opcode"].get<unsigned>(), 2);
    std::vector<unsigned> hs;
    if (j.contains("handles"))
      hs = j["handles"].get<std::vector<unsigned>>();
    else if (j.contains("handle"))
      hs.push_back(j["handle"].get<unsigned>());
    for (std::size_t i = 0; i < hs.size(); ++i) fr.row.handles += (i ? "," : "") + hex(hs[i], 4);
    if (j.contains("value")) fr.row.value = j["value"];
    if (j.contains("values"))
      for (std::size_t i = 0; i < j["values"].size(); ++i)
        fr.row.value += (i ? "," : "") + j["values"][i].get<std::string>();
    if (j.contains("uuid"))
      fr.uuid = j["uuid"];
    else if (j.contains("attribute_type") && j["opcode"] == 0x09)
      fr.uuid = j["attribute_type"];  // Read By Type
    fr.typed = kTypedByWireshark.count(fr.uuid) > 0;
    const unsigned op = j["opcode"];
    const bool sent = j["dir"] == "sent";
    const bool server_pdu = op == 0x1b || op == 0x1d || op == 0x0b || op == 0x09;
    fr.local_server = server_pdu ? sent : !sent;
    rows[j["frame"].get<std::uint64_t>()].push_back(fr);
  }
  return rows;
}

struct Counts {
  std::size_t tshark = 0, fe95 = 0, typed = 0, local = 0, differ = 0, declaration = 0;
  std::map<std::string, std::size_t> typed_by_uuid;
  TsharkView view;  // of an HCI capture: tshark's whole decode (tshark_rows)
};

Counts compare(const std::string& file, bool ll = false, std::set<std::uint64_t>* tshark_only = nullptr,
               const std::set<std::uint64_t>* allowed = nullptr, std::set<std::uint64_t>* allowed_seen = nullptr,
               std::set<std::uint64_t>* fe95_only = nullptr) {
  Counts c;
  auto t = tshark_rows(file, ll, &c.view);
  auto m = fe95_rows(file);
  for (const auto& [f, rows] : t) c.tshark += rows.size();
  for (const auto& [f, rows] : m) c.fe95 += rows.size();
  std::set<std::uint64_t> frames;
  for (const auto& [f, r] : t) frames.insert(f);
  for (const auto& [f, r] : m) frames.insert(f);
  for (auto f : frames) {
    const auto& a = t[f];
    const auto& b = m[f];
    if (tshark_only && b.empty() && !a.empty()) {  // the caller accounts for these, by frame
      tshark_only->insert(f);
      continue;
    }
    if (fe95_only && a.empty() && !b.empty()) {
      fe95_only->insert(f);
      continue;
    }
    if (a.size() == b.size()) {
      bool same = true;
      for (std::size_t i = 0; i < a.size() && same; ++i) same = a[i] == b[i].row;
      if (same) continue;
      if (a.size() == 1) {
        Row without_value = b[0].row;
        without_value.value.clear();
        if (a[0] == without_value && b[0].typed) {
          ++c.typed;
          ++c.typed_by_uuid[b[0].uuid];
          continue;
        }
        if (a[0] == without_value && b[0].local_server) {
          ++c.local;
          continue;
        }
        // A read of a declaration that Wireshark dissects into its fields: an include found by
        // Read By Type (0x2802: the included service's handle) or a characteristic declaration
        // read by its handle (0x2803: the value handle), shown as one more btatt.handle and no
        // btatt.value; fe95 shows the value.
        const std::string& v = b[0].row.value;
        const auto handle_at = [&](std::size_t at) {
          return v.size() >= at * 2 + 4 ? "0x" + v.substr(at * 2 + 2, 2) + v.substr(at * 2, 2) : std::string();
        };
        const std::string extra = b[0].row.opcode == "0x09"   ? handle_at(0)
                                  : b[0].row.opcode == "0x0b" ? handle_at(1)
                                                              : "";
        Row declared = without_value;
        declared.handles += "," + extra;
        if (!extra.empty() && a[0] == declared) {
          ++c.declaration;
          continue;
        }
      }
    }
    if (allowed && allowed->count(f)) {  // a difference the caller documents, by frame
      allowed_seen->insert(f);
      continue;
    }
    ++c.differ;
    if (c.differ <= 10) {
      std::ostringstream o;
      o << file << " frame " << f << ": tshark";
      for (const auto& r : a) o << " " << r;
      o << " fe95";
      for (const auto& r : b) o << " " << r.row;
      ADD_FAILURE() << o.str();
    }
  }
  return c;
}

// The documented differences each capture has: typed values, local-server PDUs. A capture not
// listed has none. A change in either count fails the test: an exemption is bounded, not blanket.
struct Expected {
  std::size_t typed = 0, local = 0;
};
// Counts for Wireshark 4.0 (Debian 12); kLaterWireshark lists what changed from a later minor
// version on (the running tshark's version picks the entry).
const std::map<std::string, Expected>& expected_exemptions() {
  static const std::map<std::string, Expected> m = {
      // captures/: the CCCD writes (and, in the tour, Device Name and Service Changed reads)
      {"gatt-tour.btsnoop", {3, 0}},
      {"gatt-tour-btmon.btsnoop", {3, 0}},
      {"gatt-tour-btsnoop-h1.btsnoop", {3, 0}},
      {"gatt-tour-pcap.pcap", {3, 0}},
      {"gatt-tour-pcap-ns.pcap", {3, 0}},
      {"gatt-tour-pcap-monitor.pcap", {3, 0}},
      {"gatt-tour-pcapng.pcapng", {3, 0}},
      {"login-kettle.btsnoop", {1, 0}},
      {"login-kettle-pcap-ns.pcap", {1, 0}},
      {"mistake-draft-register.btsnoop", {1, 0}},
      {"mistake-mac-order.btsnoop", {1, 0}},
      {"mistake-product-id.btsnoop", {1, 0}},
      {"register-kettle.btsnoop", {1, 0}},
      {"register-kettle-btmon.btsnoop", {1, 0}},
      {"register-kettle-pcapng.pcapng", {1, 0}},
      {"register-plain-end.btsnoop", {1, 0}},
      {"register-then-login.btsnoop", {2, 0}},
      {"register-then-wrong-login.btsnoop", {2, 0}},
      {"two-adapters-same-handle.btsnoop", {2, 0}},
      {"wifi-setup.btsnoop", {1, 0}},
      {"std-login-device-other-token.btsnoop", {3, 0}},
      {"std-login-mihome.btsnoop", {3, 0}},
      {"std-login-not-registered.btsnoop", {3, 0}},
      {"std-login-wrong-token.btsnoop", {3, 0}},
      {"std-register-mihome.btsnoop", {3, 0}},
      {"std-register-thirdparty.btsnoop", {3, 0}},
      // captures/phone/: the kettle's register and login as PacketLogger and compressed files
      {"phone/register-kettle.pklg", {1, 0}},
      {"phone/register-kettle-le.pklg", {1, 0}},
      {"phone/register-kettle.btsnoop.gz", {1, 0}},
      {"phone/login-kettle.btsnoop.zst", {1, 0}},
      {"phone/register-kettle-pcapng.pcapng.lz4", {1, 0}},
      {"wear-ble-v1.btsnoop", {4, 0}},  // the CCCD writes enabling the watch's notifications
      {"wear-ble-v2.btsnoop", {1, 0}},  // the same, once
      // ../shared/captures/public (SOURCES.md)
      {"blefun-multiconn/btsnoop_hci.log", {16, 0}},
      {"ix7trackerpro-mibeacon/btsnoop_hci.log", {973, 0}},
      {"lightcontrol-mibeacon-fragments/btsnoop_hci.log", {1, 0}},
      {"fuut-android-cfa/hci_snoop20250125165300.cfa", {16, 0}},
      {"fossibot-lywsd03mmc-mibeacon/btsnoop_hci.log", {9, 1}},
  };
  return m;
}

// Where a later Wireshark's btatt differs from 4.0's: {capture, first minor version, counts}.
//  - 4.4 types Nordic UART TX notifications but no longer RX (6e400002) writes: the 367 RX writes
//    of ix7trackerpro carry btatt.value there, as in fe95 (measured: 973 typed in 4.0, 606 in 4.4);
//  - fossibot's one PDU of the phone's own GATT server, which 4.0 shows typed through the remote
//    server's handle map, shows its btatt.value in 4.4, as in fe95 (measured: 1 in 4.0, 0 in 4.4).
struct LaterWireshark {
  const char* capture;
  int minor;
  Expected counts;
};
const LaterWireshark kLaterWireshark[] = {
    {"ix7trackerpro-mibeacon/btsnoop_hci.log", 4, {606, 0}},
    {"fossibot-lywsd03mmc-mibeacon/btsnoop_hci.log", 4, {9, 0}},
};

// The running tshark's minor version (4.x), from `tshark --version`.
int tshark_minor() {
  static const int minor = [] {
    auto r = run({"tshark", "--version"});
    const std::string prefix = "(Wireshark) 4.";
    const auto at = r.out.find(prefix);
    return at == std::string::npos ? 0 : std::atoi(r.out.c_str() + at + prefix.size());
  }();
  return minor;
}

bool names(const std::string& path, const std::string& name) {
  return path.size() >= name.size() && path.compare(path.size() - name.size(), name.size(), name) == 0 &&
         (path.size() == name.size() || path[path.size() - name.size() - 1] == '/');
}

Expected expected_for(const std::string& path) {
  Expected e;
  for (const auto& [name, counts] : expected_exemptions())
    if (names(path, name)) e = counts;
  int best = -1;
  for (const auto& l : kLaterWireshark)
    if (names(path, l.capture) && l.minor <= tshark_minor() && l.minor > best) {
      e = l.counts;
      best = l.minor;
    }
  return e;
}

// The HCI captures with no ATT PDU, in tshark's view and fe95's: MiBeacon adverts only, and one
// public btmon capture with no LE traffic (by file name, as expected_exemptions()).
constexpr const char* kWithoutAtt[] = {"mibeacon-history.btsnoop", "mibeacon-objects.btsnoop", "mibeacon-tour.btsnoop",
                                       "mibeacon-tour-pcapng.pcapng", "batteread-btmon-2001/capture.btsnoop",
                                       // the wearables over RFCOMM (BR/EDR): their agreement with tshark is
                                       // WearRfcommAgreement's, frame by frame
                                       "wear-spp-v1.btsnoop", "wear-spp-v2.btsnoop"};

// Captures that start mid-connection on purpose (as many real logs do): Wireshark flags their
// ACL frames as outside any known connection. That, and nothing else, is allowed for them.
bool starts_mid_connection(const std::string& path) {
  return path.find("register-mibeacon") != std::string::npos;
}

// What the capture writer promises of every HCI capture it wrote (captures/): tshark decodes it
// without a malformed packet or an expert warning or error, and every frame as HCI.
void expect_decodes_clean(const TsharkView& v, const std::string& path) {
  EXPECT_EQ(v.expert.find("Malformed"), std::string::npos) << v.expert;
  for (const auto& line : v.expert_rows) {
    const bool allowed = starts_mid_connection(path) &&
                         line.find("Frame is out of any \"connection handle\" session") != std::string::npos;
    EXPECT_TRUE(allowed) << "tshark expert info: " << line;
  }
  ASSERT_FALSE(v.protocols.empty()) << "tshark printed no frame of " << path;
  for (std::size_t i = 0; i < v.protocols.size(); ++i) {
    EXPECT_TRUE(has_protocol(v.protocols[i], {"hci_h4", "hci_mon", "bthci_cmd", "bthci_evt", "bthci_acl"}))
        << "frame " << v.frames[i] << " is not HCI to tshark: " << v.protocols[i];
    EXPECT_FALSE(has_protocol(v.protocols[i], {"_ws.malformed"})) << "frame " << v.frames[i] << ": " << v.protocols[i];
  }
}

// One tshark run per capture for two checks: fe95's ATT view equals tshark's, and (the shipped
// captures, which the writer made) tshark decodes the capture clean.
class TsharkDiff : public ::testing::TestWithParam<std::string> {};

TEST_P(TsharkDiff, AttViewEqualsTshark) {
  if (!have_program("tshark")) GTEST_SKIP() << "tshark not installed";
  const Counts c = compare(GetParam());
  const auto shipped = shipped_hci();
  if (std::find(shipped.begin(), shipped.end(), GetParam()) != shipped.end()) {
    SCOPED_TRACE("the writer's capture decodes clean");
    expect_decodes_clean(c.view, GetParam());
  }
  std::string by_uuid;
  for (const auto& [u, n] : c.typed_by_uuid) by_uuid += " " + u + ":" + std::to_string(n);
  std::printf("[ tshark   ] %s: %zu ATT PDUs (tshark %zu), typed-value %zu (%s ), local-server %zu, differ %zu\n",
              GetParam().c_str(), c.fe95, c.tshark, c.typed, by_uuid.c_str(), c.local, c.differ);
  // Nothing on either side: nothing was compared. Only the captures listed as holding no ATT
  // (adverts only, or BR/EDR only) may do that, and each of them must.
  bool listed = false;
  for (const char* n : kWithoutAtt) listed |= names(GetParam(), n);
  if (c.fe95 == 0 && c.tshark == 0) {
    if (!listed)
      ADD_FAILURE() << "no ATT PDU on either side: nothing was compared (a capture without ATT belongs in "
                       "kWithoutAtt)";
    // A capture listed as holding none: that tshark sees none either is what is asserted.
    std::printf("[ tshark   ] %s: no ATT PDU on either side, as listed\n", GetParam().c_str());
    return;
  }
  EXPECT_FALSE(listed) << "listed in kWithoutAtt, but holds ATT PDUs";
  EXPECT_EQ(c.differ, 0u);
  EXPECT_EQ(c.fe95, c.tshark);
  const Expected e = expected_for(GetParam());
  EXPECT_EQ(c.typed, e.typed) << "typed-value exemptions";
  EXPECT_EQ(c.local, e.local) << "local-server exemptions";
  EXPECT_EQ(c.declaration, 0u) << "declaration exemptions (none in the HCI captures)";
}

INSTANTIATE_TEST_SUITE_P(Shipped, TsharkDiff, ::testing::ValuesIn(shipped_hci()), capture_param);
INSTANTIATE_TEST_SUITE_P(Public, TsharkDiff, ::testing::ValuesIn(public_hci()), capture_param);
GTEST_ALLOW_UNINSTANTIATED_PARAMETERIZED_TEST(TsharkDiff);

// The phone forms tshark reads itself (docs/PHONE_LOGS.md §2, §3): PacketLogger in both byte
// orders, and gzip, zstd and lz4 compressed captures (Wireshark's file_wrappers.c; it has no xz).
// The BTSNOOZ texts and the zip are fe95's alone; the cut logs are compared in PhoneCut below.
std::vector<std::string> phone_tshark_reads() {
  std::vector<std::string> out;
  for (const auto& f : shipped_phone())
    if (f.ends_with(".pklg") || f.ends_with(".gz") || f.ends_with(".zst") || f.ends_with(".lz4")) out.push_back(f);
  return out;
}
INSTANTIATE_TEST_SUITE_P(Phone, TsharkDiff, ::testing::ValuesIn(phone_tshark_reads()), capture_param);

TEST(TsharkDiffInputs, PhoneFormsPresent) {
  EXPECT_EQ(phone_tshark_reads().size(), 5u);
}

// A cut log (the filtered one): the ATT PDUs whose records were cut (captured length below the
// original) are the same frames for tshark and for fe95's count of them (the JSON `file` record's
// cut.att_pdus), and `fe95 att` shows the same frames as cut, with what is left of each.
TEST(PhoneCut, TsharkSeesTheCutAttPdusFe95Counts) {
  if (!have_program("tshark")) GTEST_SKIP() << "tshark not installed";
  const std::string file = shipped_captures() + "/phone/login-kettle-filtered.btsnoop";
  auto t =
      run({"tshark", "-r", file, "-Y", "btatt && frame.cap_len < frame.len", "-T", "fields", "-e", "frame.number"});
  ASSERT_EQ(t.exit_code, 0) << t.err;
  const auto short_att = tsv(t.out, 1).size();
  auto m = run({FE95_BINARY, "analyze", "--json", "-q", file});
  ASSERT_EQ(m.exit_code, 0) << m.err;
  std::size_t att_pdus = 0;
  for (const auto& j : json_lines(m.out))
    if (j["type"] == "file") att_pdus = j["cut"]["att_pdus"].get<std::size_t>();
  EXPECT_GT(att_pdus, 0u);
  EXPECT_EQ(short_att, att_pdus);
  auto a = run({FE95_BINARY, "att", "-q", file});
  ASSERT_EQ(a.exit_code, 0) << a.err;
  std::vector<std::string> cut_frames;
  for (const auto& j : json_lines(a.out))
    if (j.contains("cut")) cut_frames.push_back(std::to_string(j["frame"].get<std::uint64_t>()));
  std::vector<std::string> tshark_frames;
  for (const auto& row : tsv(t.out, 1)) tshark_frames.push_back(row[0]);
  EXPECT_EQ(cut_frames, tshark_frames);
}

// Over-the-air captures (docs/LL_CAPTURES.md §2-§3): fe95's ATT view, keyed by access
// address, equals tshark's, frame by frame. The documented differences are asserted by frame:
//  * a genuine retransmission (same SN, same bytes) that Wireshark passes up to ATT again and fe95
//    drops (sc-justworks frame 50, which Wireshark flags; le_secure_connections frame 60, which it
//    cannot flag: that file's header gives no direction);
//  * nothing else: the public files have a CONNECT_IND for every link with ATT, so Wireshark
//    reassembles what fe95 does.
struct LlExpected {
  const char* capture;
  std::set<std::uint64_t> tshark_only;     // frames Wireshark decodes as ATT and fe95 drops
  std::size_t att;                         // ATT PDUs fe95 shows
  std::size_t typed = 0, declaration = 0;  // the HCI captures' documented differences, counted
  // From Wireshark 4.4 on: frames whose discovery response Wireshark cannot pair with its request
  // on a capture without directions, so it shows their entries as btatt.value (4.0 shows none;
  // fe95, which infers the directions, pairs them as 4.0 does).
  std::set<std::uint64_t> unpaired_from_4_4 = {};
  // Responses Wireshark cannot pair with their requests in any version: it did not reassemble
  // the requests (no CONNECT_IND), so it shows no handle for them.
  std::set<std::uint64_t> unpaired = {};
  // Frames fe95 decodes as ATT and Wireshark does not: fragments reassembled on a link whose
  // CONNECT_IND the capture lacks (Wireshark reassembles only after one).
  std::set<std::uint64_t> fe95_only = {};
  // The typed-value count from Wireshark 4.4 on, where it differs.
  std::optional<std::size_t> typed_from_4_4 = std::nullopt;
};
const LlExpected kLlExpected[] = {
    {"bsniffhub-ll/connection-update.pcap", {}, 16},
    {"bsniffhub-ll/encrypted-packet-501-missing.pcap", {}, 18},
    {"bsniffhub-ll/phy-changed.pcap", {}, 0},
    {"bsniffhub-ll/sc-justworks-fragments-assembly-ltk-BD27012E93C195F13B8F176FE84A2DED.pcap", {50}, 2},
    {"crackle-ll/known_ltk.pcap", {}, 0},
    // le_secure_connections' header gives no direction. 4.0 types the Device Name read by type
    // (frame 101) and cannot pair nothing else; from 4.4 btatt pairs none of these discovery
    // responses with their requests and shows frames 80, 86, 90, 98 with values (and frame 101
    // raw, as fe95).
    {"crackle-ll/le_secure_connections.pcapng", {60}, 37, 1, 0, {80, 86, 90, 98}, {}, {}, 0},
    {"sweyntooth-nordic/capture_dialog_DA14680_truncated_l2cap_crash.pcap", {}, 2},
    {"sweyntooth-nordic/capture_microchip_ATSAMB11_invalid_fragment.pcap", {}, 6},
    // SweynTooth reads every handle: typed values (HID characteristics and descriptors, CCCDs)
    // and declarations read one by one.
    {"sweyntooth-nordic/capture_telink_zero_ltk_installation.pcap", {}, 154, 19, 17},
    {"sweyntooth-nordic/noncompliance_cc2540_truncated_conn_request.pcap", {}, 0},
    {"tesi-ble-nordic/capture.pcapng", {}, 0},
    // captures/: the writer's sniffer captures, typed values as in their HCI twins (CCCD writes);
    // on every link the writer sends one data PDU twice (the 5th: its receiver missed it), which
    // Wireshark flags as a retransmission and passes to ATT again, and fe95 drops.
    {"captures/register-kettle-nrf-sniffer.pcap", {14}, 41, 1},
    {"captures/register-kettle-ll-phdr.pcap", {14}, 41, 1},
    {"captures/login-kettle-nrf-sniffer.pcap", {14}, 32, 1},
    {"captures/register-then-login-nrf-sniffer.pcap", {14, 87}, 45, 2},
    {"captures/mibeacon-tour-nrf-sniffer.pcap", {}, 0},
    // Two links with fragmented PDUs interleaved: link 0x41's resent PDU is a continuation, which
    // Wireshark keeps out of its reassembly as fe95 does; link 0x40's is complete.
    {"captures/gatt-tour-nrf-sniffer.pcap", {19}, 48, 3},
    {"captures/std-scooter-ll-phdr.pcap", {14}, 50},
    // 8-byte fragments throughout (as its HCI twin); the resent PDU is a continuation.
    {"captures/register-nodiscovery-nrf-sniffer.pcap", {}, 15},
    // The same heard from after the CONNECT_IND: Wireshark does not reassemble there, so it shows
    // neither the fragmented requests (fe95 only) nor the handles of their responses (unpaired).
    {"captures/register-midconnection.pcap", {}, 15, 0, 0, {}, {9, 17, 25, 37}, {7, 14, 22, 31, 34, 43, 51}},
};

class LlTsharkDiff : public ::testing::TestWithParam<std::string> {};

TEST_P(LlTsharkDiff, AttViewEqualsTshark) {
  if (!have_program("tshark")) GTEST_SKIP() << "tshark not installed";
  const std::string& path = GetParam();
  std::set<std::uint64_t> tshark_only, unpaired, fe95_only;
  const LlExpected* e = nullptr;
  for (const auto& x : kLlExpected)
    if (path.size() >= std::strlen(x.capture) &&
        path.compare(path.size() - std::strlen(x.capture), std::string::npos, x.capture) == 0)
      e = &x;
  const std::set<std::uint64_t> none;
  std::set<std::uint64_t> allowed = e ? e->unpaired : none;
  if (e && tshark_minor() >= 4) allowed.insert(e->unpaired_from_4_4.begin(), e->unpaired_from_4_4.end());
  const Counts c = compare(path, true, &tshark_only, &allowed, &unpaired, &fe95_only);
  EXPECT_EQ(unpaired, allowed) << "frames Wireshark " << (tshark_minor() >= 4 ? "4.4+" : "4.0") << " shows unpaired";
  std::printf(
      "[ tshark   ] %s: %zu ATT PDUs (tshark %zu), typed-value %zu, declaration %zu, differ %zu, tshark only %zu, "
      "fe95 only %zu\n",
      path.c_str(), c.fe95, c.tshark, c.typed, c.declaration, c.differ, tshark_only.size(), fe95_only.size());
  EXPECT_EQ(c.differ, 0u);
  ASSERT_NE(e, nullptr) << path << ": an LL capture without its expected counts";
  EXPECT_EQ(tshark_only, e->tshark_only);
  EXPECT_EQ(fe95_only, e->fe95_only);
  EXPECT_EQ(c.fe95, e->att);
  EXPECT_EQ(c.typed, e->typed_from_4_4 && tshark_minor() >= 4 ? *e->typed_from_4_4 : e->typed)
      << "typed-value exemptions";
  EXPECT_EQ(c.declaration, e->declaration) << "declaration exemptions";
  EXPECT_EQ(c.tshark, e->att + e->tshark_only.size() - e->fe95_only.size());
}

INSTANTIATE_TEST_SUITE_P(Shipped, LlTsharkDiff, ::testing::ValuesIn(shipped_ll()), capture_param);
INSTANTIATE_TEST_SUITE_P(Public, LlTsharkDiff, ::testing::ValuesIn(public_ll()), capture_param);

TEST(TsharkDiffInputs, PublicLlCapturesPresentOrSkipped) {
  if (shared_captures().empty()) GTEST_SKIP() << "../shared/captures/public is absent";
  EXPECT_EQ(public_ll().size() + shipped_ll().size(), std::size(kLlExpected));  // each has its expected counts
}

TEST(TsharkDiffInputs, PublicCapturesPresentOrSkipped) {
  if (shared_captures().empty()) GTEST_SKIP() << "../shared/captures/public is absent";
  // The public set has 10 HCI captures (btsnoop 1002/2001, pcap 201): all must be picked up.
  EXPECT_GE(public_hci().size(), 10u);
}

TEST(TsharkDiffInputs, ShippedCapturesPresent) {
  EXPECT_GE(shipped_hci().size(), 7u);
}

// ---- MiBeacon adverts: fe95's count against tshark's ----

std::vector<json> beacons(const std::string& capture) {
  auto r = run({FE95_BINARY, "analyze", "--json", "-q", capture});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  std::vector<json> out;
  for (auto& j : json_lines(r.out))
    if (j["type"] == "beacon") out.push_back(j);
  return out;
}

// Public captures: fe95's adverts per device equal tshark's FE95 service data per address.
class PublicAdverts : public ::testing::TestWithParam<std::string> {};

TEST_P(PublicAdverts, CountsMatchTshark) {
  if (!have_program("tshark")) GTEST_SKIP() << "tshark not installed";
  auto t = run({"tshark", "-r", GetParam(), "-Y",
                "btcommon.eir_ad.entry.uuid_16 == 0xfe95 && btcommon.eir_ad.entry.service_data", "-T", "fields", "-e",
                "bthci_evt.bd_addr"});
  std::map<std::string, int> tshark_counts;
  std::istringstream in(t.out);
  std::string line;
  while (std::getline(in, line)) {
    for (auto& c : line) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    ++tshark_counts[line];
  }
  std::map<std::string, int> fe95_counts;
  for (const auto& b : beacons(GetParam())) {
    ++fe95_counts[b["address"].get<std::string>()];
    EXPECT_NE(b["status"], "malformed") << b.dump();
  }
  EXPECT_FALSE(fe95_counts.empty());
  EXPECT_EQ(fe95_counts, tshark_counts);
}

std::vector<std::string> public_mibeacon() {
  std::vector<std::string> out;
  const std::string d = shared_captures();
  if (d.empty()) return out;
  for (const char* f : {"ix7trackerpro-mibeacon/btsnoop_hci.log", "fossibot-lywsd03mmc-mibeacon/btsnoop_hci.log",
                        "lightcontrol-mibeacon-fragments/btsnoop_hci.log"})
    out.push_back(d + "/" + f);
  return out;
}
INSTANTIATE_TEST_SUITE_P(Public, PublicAdverts, ::testing::ValuesIn(public_mibeacon()),
                         [](const auto& p) { return "capture" + std::to_string(p.index); });
GTEST_ALLOW_UNINSTANTIATED_PARAMETERIZED_TEST(PublicAdverts);

TEST(SnifferAdverts, OnTheAirThreeTimesAndOnceDamaged) {
  if (!have_program("tshark")) GTEST_SKIP() << "tshark not installed";
  // fe95 reports each advert of the sniffer twin once (e2e/ll_test.cc); on the air tshark sees
  // each legacy advert three times (channels 37, 38, 39), each extended one once (its
  // AUX_ADV_IND), and one legacy advert once more, damaged.
  const auto hci = beacons(shipped_captures() + "/mibeacon-tour.btsnoop");
  ASSERT_FALSE(hci.empty());
  auto r = run({"tshark", "-r", shipped_captures() + "/mibeacon-tour-nrf-sniffer.pcap", "-Y",
                "btcommon.eir_ad.entry.uuid_16 == 0xfe95 || btcommon.eir_ad.entry.service_data", "-T", "fields", "-e",
                "frame.number"});
  std::size_t frames = 0, legacy = 0;
  for (char c : r.out) frames += c == '\n';
  for (const auto& b : hci) legacy += !b["extended"].get<bool>();
  EXPECT_GT(legacy, 0u);
  EXPECT_GT(hci.size(), legacy);
  EXPECT_EQ(frames, 3 * legacy + (hci.size() - legacy) + 1);
}

}  // namespace
}  // namespace fe95::test
