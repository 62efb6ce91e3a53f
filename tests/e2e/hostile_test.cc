// SPDX-License-Identifier: GPL-2.0-or-later
// Hostile resource use: captures built to make a naive analyzer grow without bound. fe95's peak
// RSS must stay under kCapMiB on each (the caps are documented in README.md, "Caps").
#include <gtest/gtest.h>
#include <malloc.h>
#include <openssl/evp.h>
#include <zlib.h>

#include <cstdlib>
#include <map>
#include <sstream>

#include "fe95/ll/ll.h"
#include "miauth_scenario.h"
#include "phone.h"
#include "scenario.h"
#include "std_scenario.h"
#include "support.h"
#include "writer.h"

#if defined(__SANITIZE_ADDRESS__)
#define FE95_HOSTILE_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define FE95_HOSTILE_ASAN 1
#endif
#endif

#ifdef FE95_HOSTILE_ASAN
// A child's peak RSS includes the pages it shared with this process when forked (Linux carries
// the parent's resident size into the child's high-water mark), and under ASan this process keeps
// up to 256 MiB of freed inputs in its quarantine: the test binary's own quarantine is cut to 8 MiB
// too, so that what is measured is fe95's. (The test code's uses after free are not what the
// sanitizer stage is for; fe95's own runs keep their options, see hostile_argv().)
extern "C" const char* __asan_default_options() {
  return "quarantine_size_mb=8:thread_local_quarantine_size_kb=64";
}
#endif

namespace fe95::test {
namespace {

using namespace fe95::writer;

// The peak RSS cap. Under AddressSanitizer (the asan preset builds fe95 and this test alike) fe95
// runs with its quarantine of freed memory cut from 256 MiB to 8 MiB (kAsanOptions, hostile_argv()
// below), so freed blocks no longer pile up; what remains of ASan's cost (shadow memory,
// redzones; 10 MiB more than a normal build on a 6-record capture) gets 32 MiB more. Measured on the
// scaled inputs (below), each test in its own process as ctest runs them: 26-74 MiB under ASan,
// against the 96 MiB cap. (Run all in one process, each child also carries what the earlier
// tests left in this one: see __asan_default_options above.)
constexpr long kNormalCapMiB = 64;
#ifdef FE95_HOSTILE_ASAN
constexpr long kCapMiB = kNormalCapMiB + 32;
#else
constexpr long kCapMiB = kNormalCapMiB;
#endif
// A cap is only worth checking if it is not so high that everything passes it.
static_assert(kCapMiB >= 32 && kCapMiB <= 128, "the hostile-input RSS cap must stay meaningful");

// The command line of a child fe95, with the quarantine limit under ASan (added to ASAN_OPTIONS as
// given, if any); unchanged in a normal build. Only these tests' children get it: the other tests
// keep ASan's full quarantine, which finds more uses after free.
std::vector<std::string> hostile_argv(std::vector<std::string> argv) {
#ifdef FE95_HOSTILE_ASAN
  constexpr const char* kAsanOptions = "quarantine_size_mb=8:thread_local_quarantine_size_kb=64";
  const char* had = std::getenv("ASAN_OPTIONS");
  const std::string v = had && *had ? std::string(had) + ":" + kAsanOptions : kAsanOptions;
  argv.insert(argv.begin(), {"env", "ASAN_OPTIONS=" + v});
#endif
  return argv;
}

// Under the sanitizers each run is 10-30x slower, so the input sizes are divided by kScale there:
// every input still goes past the cap it attacks (10,000 handles against 512 live connections,
// 100,000 session starts against 256 steps per session, 102,200 claimed characteristics), which is
// what a crash or leak would need, and each cap's diagnostic is asserted in every build with its
// exact count. The full sizes run in the normal build of the same CI.
constexpr std::uint64_t kScale = kSanitized ? 10 : 1;

struct Made {
  std::string path;
  std::uint64_t packets = 0;
};

template <typename F>
Made make(const std::string& name, Format f, F&& body) {
  Made m;
  m.path = temp_dir() + "/" + name;
  auto w = open_writer(m.path, f);
  Scenario s(*w, 1700000000LL * 1000000000LL);
  s.set_step_us(10);
  m.packets = body(s);
  EXPECT_TRUE(w->close());
  return m;
}

// One `fe95 analyze` of the capture, in JSON mode (the default here) or as the text report (with
// every advert listed when `beacons`): its peak RSS, and in JSON mode how often each diagnostic code
// and each record type occurred. Stdout goes through grep and uniq, not into this process (a
// million lines are not the test's business); the peak is fe95's (wait4 reports the largest of a
// child and the descendants it waited for, and grep, sort and uniq are small).
struct Peak {
  long mib = 0;
  std::map<std::string, long> codes;    // "hci.connection_evicted" -> count
  std::map<std::string, long> records;  // "session" -> count
};

Peak analyze_peak(const Made& m, bool as_json = true, double* seconds = nullptr, bool beacons = false) {
  std::vector<std::string> argv =
      hostile_argv({"bash", "-c",
                    "\"$@\" | { grep -o '\"code\":\"[^\"]*\"\\|\"type\":\"[a-z]*\"' || true; } | sort | uniq -c; "
                    "exit ${PIPESTATUS[0]}",
                    "_", FE95_BINARY, "analyze", "-q", m.path});
  if (as_json) argv.emplace_back("--json");
  if (beacons) argv.emplace_back("--beacons");
  auto r = run(argv, 600);
  EXPECT_EQ(r.signal, 0);
  EXPECT_EQ(r.exit_code, 0) << r.err;  // 128 + n: fe95 died of signal n
  Peak p;
  p.mib = r.max_rss_kib / 1024;
  if (as_json) {
    std::istringstream in(r.out);
    long n = 0;
    std::string what;
    while (in >> n >> what) {
      const auto colon = what.find("\":\"");
      if (colon == std::string::npos || what.size() < colon + 4) continue;
      const std::string key = what.substr(1, colon - 1), value = what.substr(colon + 3, what.size() - colon - 4);
      (key == "code" ? p.codes : p.records)[value] += n;
    }
  }
  std::printf("[ hostile  ] %s (%s): %llu packets, peak RSS %ld MiB, %.1f s\n",
              m.path.substr(m.path.rfind('/') + 1).c_str(),
              as_json   ? "json"
              : beacons ? "text --beacons"
                        : "text",
              static_cast<unsigned long long>(m.packets), p.mib, r.seconds);
  if (seconds) *seconds = r.seconds;
  return p;
}

long peak_mib(const Made& m, bool as_json = true, double* seconds = nullptr, bool beacons = false) {
  return analyze_peak(m, as_json, seconds, beacons).mib;
}

// The cap is not above everything: a 6-record capture stays far below it in this build, and the
// children run with the quarantine limit.
TEST(Hostile, TheCapIsMeaningfulInThisBuild) {
  Made small{shipped_captures() + "/register-kettle.btsnoop", 0};
  Peak p = analyze_peak(small);
  EXPECT_GT(p.mib, 0);
  EXPECT_LE(p.mib * 2, kCapMiB) << "a small capture takes half the cap: the cap checks nothing";
  EXPECT_EQ(p.records.at("session"), 1);  // the counting sees the records
}

std::vector<std::uint8_t> le16(std::uint16_t v) {
  return {static_cast<std::uint8_t>(v), static_cast<std::uint8_t>(v >> 8)};
}

TEST(Hostile, HundredThousandConnectionHandles) {
  // 27 controllers (Linux monitor adapter index) x 3,840 handles, never disconnected, each used.
  auto m = make("connections.btsnoop", Format::btsnoop_monitor, [](Scenario& s) {
    std::uint64_t n = 0;
    const std::uint64_t total = 100000 / kScale;
    for (std::uint16_t a = 0; a < 27 && n < total; ++a) {
      s.set_adapter(a);
      for (std::uint16_t h = 0; h < 0x0f00 && n < total; ++h, ++n) {
        s.connect(h, *BdAddr::parse("C4:7C:8D:00:00:01"));
        s.write_req(h, 0x0010, {0x00, 0xbc, 0x43, 0xcd}, false);
      }
    }
    return n;
  });
  Peak p = analyze_peak(m);
  EXPECT_LE(p.mib, kCapMiB);
  // The cap of 512 live connections held: every handle past it evicted the one idle longest.
  EXPECT_EQ(p.codes["hci.connection_evicted"], static_cast<long>(m.packets) - 512);
}

TEST(Hostile, UnfinishedMaximumSdus) {
  // 2,000 links each start a 65,535-byte L2CAP SDU and feed it almost to the end, never finishing.
  auto m = make("sdus.btsnoop", Format::btsnoop_h4, [](Scenario& s) {
    std::uint64_t n = 0;
    std::vector<std::uint8_t> chunk(1000, 0xab);
    for (std::uint16_t h = 1; h <= 2000; ++h) {
      std::vector<std::uint8_t> start{static_cast<std::uint8_t>(h), static_cast<std::uint8_t>(0x20 | h >> 8), 0, 0};
      std::vector<std::uint8_t> l2{0xff, 0xff, 0x04, 0x00, 0x52, 0x10, 0x00};
      start[2] = static_cast<std::uint8_t>(l2.size());
      start.insert(start.end(), l2.begin(), l2.end());
      s.acl(Direction::rcvd, start);
      ++n;
      for (int k = 0; k < 64; ++k, ++n) {  // 64,000 of the 65,535 bytes
        std::vector<std::uint8_t> cont{static_cast<std::uint8_t>(h), static_cast<std::uint8_t>(0x10 | h >> 8)};
        auto len = le16(static_cast<std::uint16_t>(chunk.size()));
        cont.insert(cont.end(), len.begin(), len.end());
        cont.insert(cont.end(), chunk.begin(), chunk.end());
        s.acl(Direction::rcvd, cont);
      }
    }
    return n;
  });
  Peak p = analyze_peak(m);
  EXPECT_LE(p.mib, kCapMiB);
  EXPECT_EQ(p.codes["l2cap.evicted"], 2000 - 64);  // 64 unfinished SDUs kept at once
}

TEST(Hostile, MillionsOfClaimedGattHandlesAndEndlessDiscovery) {
  auto m = make("gatt.btsnoop", Format::btsnoop_h4, [](Scenario& s) {
    std::uint64_t n = 0;
    s.connect(0x0040, *BdAddr::parse("C4:7C:8D:00:00:02"));
    s.mtu_exchange(0x0040, 517, 517);
    // Read By Type responses of 73 characteristic declarations each, over and over: 1,000,000
    // claimed characteristics in all, with 65,535 distinct handles.
    std::uint32_t h = 1;
    for (std::uint64_t round = 0; round < 14000 / kScale; ++round) {
      std::vector<std::uint8_t> req{0x08, 0x01, 0x00, 0xff, 0xff, 0x03, 0x28};
      s.att(0x0040, Direction::sent, req);
      std::vector<std::uint8_t> rsp{0x09, 0x07};
      for (int e = 0; e < 73; ++e, ++n) {
        const auto decl = static_cast<std::uint16_t>(h % 0xfffe + 1),
                   val = static_cast<std::uint16_t>((h + 1) % 0xfffe + 1);
        auto d = le16(decl), v = le16(val);
        rsp.insert(rsp.end(), {d[0], d[1], 0x1a, v[0], v[1], 0x01, 0x00});
        h += 2;
      }
      s.att(0x0040, Direction::rcvd, rsp);
    }
    return n;
  });
  Peak p = analyze_peak(m);
  EXPECT_LE(p.mib, kCapMiB);
  EXPECT_EQ(p.codes["gatt.cap"], 1);  // the link's GATT map filled up, said once
}

TEST(Hostile, MillionFe95SessionStarts) {
  auto m = make("starts.btsnoop", Format::btsnoop_h4, [](Scenario& s) {
    s.connect(0x0040, *BdAddr::parse("C4:7C:8D:00:00:03"));
    std::uint64_t n = 0;
    for (; n < 1000000 / kScale; ++n)
      s.write_cmd(0x0040, 0x0010,
                  {static_cast<std::uint8_t>(n & 1 ? 0x00 : 0x90), static_cast<std::uint8_t>(n & 1 ? 0xbc : 0xca),
                   static_cast<std::uint8_t>(n & 1 ? 0x43 : 0x85), static_cast<std::uint8_t>(n & 1 ? 0xcd : 0xde)});
    return n;
  });
  Peak p = analyze_peak(m);
  EXPECT_LE(p.mib, kCapMiB);
  // Each start ends the one before: every session is written as it ends, none is kept.
  EXPECT_EQ(p.records["session"], static_cast<long>(m.packets));
}

// Standard auth on one link (docs/STANDARD_AUTH.md §2): a command claiming 65,535 fragments and
// its fragments, an endless lost-ack loop, a message never finished (one fragment resent forever),
// then a verified login and 200,000 encrypted UART messages. Memory stays flat; each abuse is one
// named finding; the session keeps 1,024 messages and counts the rest.
TEST(Hostile, StandardAuthTransfersAndSessionFlood) {
  const std::uint64_t n = 200000 / kScale;
  const StdHandles h;
  auto m = make("stdauth.btsnoop", Format::btsnoop_h4, [&](Scenario& s) {
    std::uint64_t packets = 0;
    s.connect(0x0040, *BdAddr::parse("E8:5D:86:0A:1B:2C"));
    auto w = [&](const Bytes& v) { s.write_cmd(0x0040, h.transfer, v), ++packets; };
    auto d = [&](const Bytes& v) { s.notify(0x0040, h.transfer, v), ++packets; };
    s.write_cmd(0x0040, h.control, {0x24, 0x00, 0x00, 0x00});
    w({0x00, 0x00, 0x00, 0x0b, 0xff, 0xff});  // 65,535 fragments announced
    for (std::uint64_t i = 1; i <= n; ++i) {
      Bytes frag{static_cast<std::uint8_t>(i), static_cast<std::uint8_t>(i >> 8)};
      frag.resize(20, 0xaa);
      w(frag);
    }
    w({0x00, 0x00, 0x00, 0x0b, 0x02, 0x00});  // two fragments; the device keeps asking for the second
    w({0x01, 0x00, 0x11, 0x22});
    for (std::uint64_t i = 0; i < n; ++i) d({0x00, 0x00, 0x01, 0x05, 0x02, 0x00});
    w({0x00, 0x00, 0x00, 0x0b, 0x40, 0x00});  // 64 fragments; only the first ever comes, again and again
    for (std::uint64_t i = 0; i < n; ++i) w({0x01, 0x00, 0x33, 0x44});
    // A well-formed login on the same link, then the flood of session messages.
    StdLogin l;
    l.app_token =
        l.device_token.emplace(miauth::Token{0x0c, 0xf5, 0x61, 0x50, 0x03, 0x81, 0x0d, 0x89, 0xc2, 0x33, 0xa1, 0x2a});
    l.app_random.fill(0x5a);
    l.dev_random.fill(0xa5);
    std::optional<stdauth::SessionKeys> k;
    const StdPdus login = std_login(h, StdStyle{}, l, &k);
    play(s, 0x0040, login);
    packets += login.size();
    for (std::uint64_t i = 0; i < n; ++i) {
      const StdPdus msg =
          std_uart(h, *k, stdauth::Sender::device, static_cast<std::uint32_t>(i + 1), {0x23, 0x01, 0x10, 0x01});
      play(s, 0x0040, msg);
      packets += msg.size();
    }
    s.disconnect(0x0040);
    return packets;
  });
  EXPECT_LE(peak_mib(m), kCapMiB);
  auto r = run({FE95_BINARY, "analyze", "--json", "-q", "--token", "0cf5615003810d89c233a12a", m.path}, 600);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::vector<nlohmann::json> sessions;
  std::size_t messages = 0;
  for (auto& j : json_lines(r.out)) {
    if (j["type"] == "session") sessions.push_back(j);
    if (j["type"] == "message") ++messages;
  }
  ASSERT_EQ(sessions.size(), 2u);  // the abused login, ended by the next one; the good login
  std::multiset<std::string> codes;
  for (const auto& f : sessions[0]["diagnostics"]) codes.insert(f["code"].get<std::string>());
  EXPECT_EQ(codes.count("std.transfer_too_long"), 1u);
  EXPECT_EQ(codes.count("std.lost_loop"), 1u);
  EXPECT_EQ(codes.count("std.unfinished_transfer"), 1u);  // the message never finished, at the session's end
  EXPECT_LE(sessions[0]["diagnostics"].size(), 64u);
  EXPECT_LE(sessions[0]["steps"].size(), 2048u);
  EXPECT_EQ(sessions[1]["status"], "verified");
  EXPECT_EQ(sessions[1]["messages"]["decrypted"], 1024);
  EXPECT_EQ(sessions[1]["messages"]["not_kept"], n - 1024);
  EXPECT_EQ(messages, 1024u);
}

// Over the air (link type 272): n CONNECT_INDs with distinct access addresses, each with a data
// PDU; n data PDUs of unknown access addresses (mid-connection links); n advertisers; extended
// advertising chains that never end. Connections stay capped (512), the per-address tables bounded;
// every packet is read. n = 250,000 (100,000 under the sanitizers): 2n access addresses are 7.6x
// (3x) the largest of those tables (65,536 addresses; README, Caps), and every table is forgotten
// at once when full, so a larger n repeats the same cycle (a million took 44 s of a CI's 295).
TEST(Hostile, OverTheAirFloods) {
  const std::uint64_t n = kSanitized ? 100000 : 250000;
  Made m;
  m.path = temp_dir() + "/air.pcap";
  {
    auto w = open_writer(m.path, Format::pcap_nordic);
    std::int64_t ns = 1700000000LL * 1000000000LL;
    Bytes le;
    auto put = [&](std::uint32_t aa, std::uint32_t init, const Bytes& pdu, std::uint8_t channel, bool adv,
                   Direction d) {
      le.clear();
      for (int i = 0; i < 4; ++i) le.push_back(static_cast<std::uint8_t>(aa >> (8 * i)));
      le.insert(le.end(), pdu.begin(), pdu.end());
      const std::uint32_t crc = ll::air_crc(init, pdu);
      for (int i = 0; i < 3; ++i) le.push_back(static_cast<std::uint8_t>(crc >> (8 * i)));
      Packet p;
      p.ts_ns = ns += 10000000;  // 10 ms apart
      p.dir = d;
      p.type = PacketType::ll;
      p.data = le;
      p.channel = channel;
      p.advertising = adv;
      w->write(p);
      ++m.packets;
    };
    for (std::uint64_t i = 0; i < n; ++i) {
      const auto aa = static_cast<std::uint32_t>(0x10000000u + i);
      Bytes ind{0x05, 34, 0x66, 0x55, 0x44, 0x33, 0x22, 0x11};
      for (int k = 0; k < 6; ++k) ind.push_back(static_cast<std::uint8_t>(i >> (8 * (k % 4))));
      for (int k = 0; k < 4; ++k) ind.push_back(static_cast<std::uint8_t>(aa >> (8 * k)));
      ind.insert(ind.end(), {0x56, 0x34, 0x12, 2, 0, 0, 6, 0, 0, 0, 72, 0, 0xff, 0xff, 0xff, 0xff, 0x1f, 7});
      put(ll::kAdvAccessAddress, ll::kAdvCrcInit, ind, 37, true, Direction::sent);
      put(aa, 0x123456, {0x02, 0x07, 0x03, 0x00, 0x04, 0x00, 0x12, 0x10, 0x00}, 5, false, Direction::sent);
      put(static_cast<std::uint32_t>(0x20000000u + i), 0x123456, {0x02, 0x05, 0x01, 0x00, 0x04, 0x00, 0x13}, 6, false,
          Direction::rcvd);
      Bytes adv{0x02, 6 + 3, 0, 0, 0, 0, 0, 0, 0x02, 0x01, 0x06};
      for (int k = 0; k < 4; ++k) adv[2 + static_cast<std::size_t>(k)] = static_cast<std::uint8_t>(i >> (8 * k));
      put(ll::kAdvAccessAddress, ll::kAdvCrcInit, adv, 38, true, Direction::unknown);
      // An AUX_ADV_IND with AdvA, ADI and AuxPtr: a chain whose next piece never comes.
      Bytes aux{0x07,
                0,
                1 + 6 + 2 + 3,
                0x19,
                1,
                2,
                3,
                4,
                5,
                6,
                static_cast<std::uint8_t>(i),
                static_cast<std::uint8_t>(i >> 8),
                0x09,
                0x2c,
                0x00,
                0x02,
                0x01,
                0x06};
      aux[1] = static_cast<std::uint8_t>(aux.size() - 2);
      put(ll::kAdvAccessAddress, ll::kAdvCrcInit, aux, 9, true, Direction::unknown);
    }
    ASSERT_TRUE(w->close());
  }
  Peak p = analyze_peak(m);
  EXPECT_LE(p.mib, kCapMiB);
  // 2n links (n from CONNECT_INDs, n heard mid-connection), 512 live at once: the others evicted,
  // the last 512 still up at the end of the capture.
  EXPECT_EQ(p.codes["hci.connection_evicted"], static_cast<long>(2 * n) - 512);
  EXPECT_EQ(p.codes["ll.lost"], 512);
}

TEST(Hostile, MillionDistinctAdvertisers) {
  // A MiBeacon v2 advert from each of 1,000,000 addresses: every per-device table (learned product
  // ids, retransmission tracking, the text report's summaries) meets its cap and evicts.
  auto m = make("adverts.btsnoop", Format::btsnoop_h4, [](Scenario& s) {
    const std::uint64_t n = 1000000 / kScale;
    for (std::uint64_t i = 0; i < n; ++i) {
      BdAddr a;
      for (std::size_t k = 0; k < 6; ++k) a.le[k] = static_cast<std::uint8_t>(k < 4 ? i >> (8 * k) : 0xc4);
      s.advert(
          a, cat({ad_flags(0x06), ad_service_data16(0xfe95, {0x00, 0x20, 0x5b, 0x05, static_cast<std::uint8_t>(i)})}));
    }
    return n;
  });
  double json_s = 0, text_s = 0;
  Peak p = analyze_peak(m, true, &json_s);
  EXPECT_LE(p.mib, kCapMiB);
  EXPECT_EQ(p.records["beacon"], static_cast<long>(m.packets));  // every advert, as it comes
  EXPECT_EQ(p.codes["analysis.keys_device_evicted"], 1);         // the per-device tables' caps, said once
  EXPECT_EQ(p.codes["analysis.mibeacon_device_evicted"], 1);
  EXPECT_LE(peak_mib(m, false, &text_s), kCapMiB);
  EXPECT_LE(peak_mib(m, false, nullptr, true), kCapMiB);  // --beacons: each line printed as it comes
  // Not a speed assertion (the benchmark measures): the times are recorded. A per-device cost
  // that grew with the number of devices (a linear search) would run into the timeout here.
  ::testing::Test::RecordProperty("json_seconds", std::to_string(json_s));
  ::testing::Test::RecordProperty("text_seconds", std::to_string(text_s));
  // The report says how many advertisers it did not list one by one, and the cap's diagnostic.
  auto r = run({FE95_BINARY, "analyze", "-q", m.path}, 600);
  EXPECT_NE(r.out.find("adverts of " + std::to_string(1000000 / kScale - 4096) + " more devices"), std::string::npos)
      << r.out.substr(r.out.size() > 2000 ? r.out.size() - 2000 : 0);
  EXPECT_NE(r.out.find("analysis.report_device_evicted"), std::string::npos);
  EXPECT_NE(r.out.find("analysis.keys_device_evicted"), std::string::npos);
}

TEST(Hostile, HundredThousandSessionsInTheTextReportAndVerify) {
  // 100,000 verified logins, each on its own link. The text report and `fe95 verify` print the
  // sessions as they end (the report in batches of 256): memory does not grow with their number,
  // where keeping them for the end of the file took about 1 KiB each. Every session is printed.
  MiDevice dev;
  dev.mac = *BdAddr::parse("C4:7C:8D:6A:12:34");
  dev.token = {0x01, 0x5c, 0xcb, 0xa8, 0x80, 0x0a, 0xbd, 0xc1, 0x2e, 0xb8, 0xed, 0x82};
  const std::uint64_t n = 100000 / kScale;
  auto m = make("sessions.btsnoop", Format::btsnoop_h4, [&](Scenario& s) {
    std::uint64_t packets = 0;
    for (std::uint64_t i = 0; i < n; ++i) {
      s.connect(0x0040, dev.mac);
      LoginOptions lo;
      lo.tick = {static_cast<std::uint8_t>(i), static_cast<std::uint8_t>(i >> 8), static_cast<std::uint8_t>(i >> 16),
                 1};
      lo.reads = false;
      mi_login(s, 0x0040, dev, dev.token, lo);
      s.disconnect(0x0040);
      packets += 8;
    }
    return packets;
  });
  const std::string token = to_hex(dev.token);
  for (const std::string mode : {"text", "verify"}) {
    std::vector<std::string> argv{FE95_BINARY, mode == "text" ? "analyze" : "verify", "-q", "--token", token, m.path};
    if (mode == "verify") argv.erase(argv.begin() + 2);  // verify has no progress bar to quiet
    auto r = run(hostile_argv(argv), 600);
    EXPECT_EQ(r.signal, 0);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    std::printf("[ hostile  ] sessions.btsnoop (%s): %llu sessions, peak RSS %ld MiB, %.1f s\n", mode.c_str(),
                static_cast<unsigned long long>(n), r.max_rss_kib / 1024, r.seconds);
    EXPECT_LE(r.max_rss_kib / 1024, kCapMiB) << mode;
    std::uint64_t lines = 0;
    const std::string each = mode == "text" ? "\n    login    frames " : "\nPASS ";
    for (std::size_t at = 0; (at = r.out.find(each, at)) != std::string::npos; at += each.size()) ++lines;
    if (mode == "verify" && r.out.rfind("PASS ", 0) == 0) ++lines;  // the first line has no newline before it
    EXPECT_EQ(lines, n) << mode;
    if (mode == "text") {
      EXPECT_NE(r.out.find(std::to_string(n) + " FE95 sessions (" + std::to_string(n) + " verified)"),
                std::string::npos)
          << r.out.substr(r.out.size() > 400 ? r.out.size() - 400 : 0);
      // Printed in batches of 256 as they end (README "Output"): the one device gets a device line
      // per batch, so a report that held every session to the end would show one.
      std::uint64_t device_lines = 0;
      for (std::size_t at = 0; (at = r.out.find("\n  device C4:7C:8D:6A:12:34", at)) != std::string::npos; ++at)
        ++device_lines;
      EXPECT_EQ(device_lines, (n + 255) / 256);
    } else
      EXPECT_NE(r.out.find(std::to_string(n) + " passed, 0 failed"), std::string::npos);
  }
}

// ---- archives and compressed streams (docs/PHONE_LOGS.md §3): bounded memory whatever they claim,
// a clear error, and the captures (or records) before the damage still reported.

// Runs `fe95 analyze --json` and returns its result, printing the peak RSS. A child's peak RSS
// includes what it shared with this process when forked: the inputs are built and freed before,
// and the freed heap is given back first.
RunResult analyze_hostile(const std::string& what, const std::vector<std::string>& inputs) {
  malloc_trim(0);
  std::vector<std::string> argv{FE95_BINARY, "analyze", "--json", "-q"};
  argv.insert(argv.end(), inputs.begin(), inputs.end());
  auto r = run(hostile_argv(argv), 600);
  EXPECT_EQ(r.signal, 0) << what;
  std::printf("[ hostile  ] %s: exit %d, peak RSS %ld MiB, %.1f s\n", what.c_str(), r.exit_code, r.max_rss_kib / 1024,
              r.seconds);
  EXPECT_LE(r.max_rss_kib / 1024, kCapMiB) << what;
  return r;
}

std::vector<nlohmann::json> records_of(const std::string& out, const std::string& type) {
  std::vector<nlohmann::json> v;
  for (auto& j : json_lines(out))
    if (j["type"] == type) v.push_back(j);
  return v;
}

std::string scenario_bytes(const char* name, Format f = Format::btsnoop_h4) {
  const std::string path = temp_dir() + "/" + name;
  write_scenario(*find_scenario(name), f, Packing::none, path);
  return read_file(path);
}

// Replaces the 4-byte little-endian field at `offset` of every zip header with signature `sig`
// whose name is `name` (APPNOTE 4.3.7 local header: sizes at 18 and 22, name length at 26, name at
// 30; 4.3.12 central header: sizes at 20 and 24, name length at 28, name at 46). A test's patch of
// a writer-made zip, not a zip reader.
void patch_zip(std::string& zip, const char* sig, std::size_t field, std::size_t name_len_at, std::size_t name_at,
               const std::string& name, std::uint32_t value) {
  for (std::size_t at = 0; (at = zip.find(sig, at, 4)) != std::string::npos; at += 4) {
    if (at + name_at + name.size() > zip.size()) continue;
    const auto len = static_cast<std::size_t>(static_cast<std::uint8_t>(zip[at + name_len_at]) |
                                              static_cast<std::uint8_t>(zip[at + name_len_at + 1]) << 8);
    if (len != name.size() || zip.compare(at + name_at, len, name) != 0) continue;
    for (int i = 0; i < 4; ++i) zip[at + field + static_cast<std::size_t>(i)] = static_cast<char>(value >> (8 * i));
  }
}

TEST(Hostile, ZipMemberClaimingFourGibibytes) {
  const std::string big = "FS/data/misc/bluetooth/logs/btsnoop_hci.log";
  const std::string zip_path = temp_dir() + "/claims.zip";
  write_zip(zip_path,
            {{"FS/data/misc/bluetooth/logs/btsnoop_hci.log.last", scenario_bytes("register-kettle")},
             {big, scenario_bytes("login-kettle")}},
            1700000000);
  const std::string made_zip = read_file(zip_path);
  std::string zip = made_zip;
  // Its uncompressed and compressed sizes both claim 4 GiB - 16, in both headers. Nothing is
  // allocated by the claim: the member streams, and its deflate stream ends where it ends.
  for (std::size_t field : {18u, 22u}) patch_zip(zip, "PK\x03\x04", field, 26, 30, big, 0xfffffff0u);
  for (std::size_t field : {20u, 24u}) patch_zip(zip, "PK\x01\x02", field, 28, 46, big, 0xfffffff0u);
  ASSERT_NE(zip, made_zip);
  write_file(zip_path, zip);
  // Whether the member can be read at all is libarchive's decision, and releases differ: Debian
  // 12's 3.6.2 gives what the deflate stream holds; Debian 13's 3.7.4 (and unstable's) checks the
  // claimed size against it at the end and gives nothing ("ZIP compressed data is wrong size").
  // libarchive itself, asked directly, says which this machine has; fe95 must then read the
  // member as what it holds, or report it as a damaged input (exit 3) after the one before it.
  bool refused = false, listed = false;
  for (const auto& [name, data] : unpacked(zip_path))
    if (name == big) {
      listed = true;
      refused = data == "<read error>";  // not one byte before the error
    }
  ASSERT_TRUE(listed) << "libarchive lists no " << big;
  auto r = analyze_hostile("zip member claiming 4 GiB", {"--token", "015ccba8800abdc12eb8ed82", zip_path});
  auto sessions = records_of(r.out, "session");
  if (!refused) {
    EXPECT_EQ(r.exit_code, 0) << r.err;
    ASSERT_EQ(sessions.size(), 2u) << r.out;
    EXPECT_EQ(sessions[1]["status"], "verified");
  } else {
    std::printf("[ hostile  ] this libarchive refuses the member: it must be reported as damaged\n");
    EXPECT_EQ(r.exit_code, 3) << r.err;
    ASSERT_EQ(sessions.size(), 1u) << r.out;
    EXPECT_EQ(sessions[0]["kind"], "register");
    EXPECT_EQ(sessions[0]["status"], "verified");
    EXPECT_NE(r.err.find("claims.zip!" + big + ": "), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("read error"), std::string::npos) << r.err;
  }
  // The same zip cut in the middle of that member: the first member is reported, the second
  // says where it stopped.
  const std::size_t at = zip.find(big, zip.find("PK\x03\x04", 30)) + big.size() + 200;
  write_file(zip_path, zip.substr(0, at));
  r = analyze_hostile("zip cut inside a member", {zip_path});
  EXPECT_EQ(r.exit_code, 3);
  sessions = records_of(r.out, "session");
  ASSERT_GE(sessions.size(), 1u) << r.out << r.err;
  EXPECT_EQ(sessions[0]["kind"], "register");
  EXPECT_EQ(sessions[0]["status"], "verified");
  EXPECT_NE(r.err.find("claims.zip"), std::string::npos) << r.err;
}

TEST(Hostile, TenThousandZipMembers) {
  // A bugreport-shaped zip with 10,000 files in the log folder, each a small capture.
  const std::size_t n = 10000 / kScale;
  const std::string zip_path = temp_dir() + "/many.zip";
  {
    const std::string one = scenario_bytes("login-kettle");
    std::vector<std::pair<std::string, std::string>> members;
    for (std::size_t i = 0; i < n; ++i)
      members.emplace_back("FS/data/misc/bluetooth/logs/btsnoop_hci_" + std::to_string(100000 + i) + ".log", one);
    write_zip(zip_path, members, 1700000000);
  }
  auto r = analyze_hostile("zip with " + std::to_string(n) + " members", {zip_path});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(records_of(r.out, "file").size(), 64u);  // the cap
  EXPECT_NE(r.err.find("many.zip: " + std::to_string(n - 64) +
                       " more files of the log folders not read (at most 64 "
                       "captures per zip)"),
            std::string::npos)
      << r.err;
}

TEST(Hostile, CompressionBomb) {
  // A real capture, then 1 GiB of zeros (for the sanitizers 100 MiB): gzip packs it about 1,000:1.
  const std::string path = temp_dir() + "/bomb.btsnoop.gz";
  gzFile gz = gzopen(path.c_str(), "wb9");
  ASSERT_TRUE(gz);
  const std::string head = scenario_bytes("register-kettle");
  gzwrite(gz, head.data(), static_cast<unsigned>(head.size()));
  const std::string zeros(1u << 20, '\0');
  const std::size_t mib = 1024 / kScale;
  for (std::size_t i = 0; i < mib; ++i) gzwrite(gz, zeros.data(), static_cast<unsigned>(zeros.size()));
  gzclose(gz);
  const auto packed = read_file(path).size();
  std::printf("[ hostile  ] bomb: %zu MiB in %zu bytes (%zu:1)\n", mib, packed, (mib << 20) / packed);
  EXPECT_GE((mib << 20) / packed, 1000u);
  auto r = analyze_hostile("compression bomb", {path});
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_NE(r.err.find("a compression bomb, not a capture (stopped)"), std::string::npos) << r.err;
  const auto sessions = records_of(r.out, "session");
  ASSERT_EQ(sessions.size(), 1u);  // the register before the zeros
  EXPECT_EQ(sessions[0]["status"], "verified");
  EXPECT_LT(r.seconds, 60.0);  // a hang guard, not a speed test: it stops at 32 MiB, not 1 GiB
}

TEST(Hostile, TruncatedCompressedStreams) {
  // 12,000 copies of the tour's records (9 MB; lz4 blocks are 4 MiB), cut at two thirds: every
  // whole block before the cut is read (libarchive hands out whole blocks), then the error. Not
  // scaled down under the sanitizers: a smaller stream would fit in one lz4 block.
  const std::string dir = temp_dir();
  {
    const std::string tour = scenario_bytes("gatt-tour");
    std::string big = tour.substr(0, 16);
    for (std::size_t i = 0; i < 12000; ++i) big += tour.substr(16);
    write_file(dir + "/big.btsnoop", big);
  }
  for (Packing p : {Packing::gzip, Packing::zstd, Packing::lz4, Packing::xz}) {
    const std::string full = dir + "/big.btsnoop" + packing_extension(p);
    const std::string cut = full + ".cut";
    {
      compress_file(dir + "/big.btsnoop", full, p);
      const std::string bytes = read_file(full);
      write_file(cut, bytes.substr(0, bytes.size() * 2 / 3));
    }
    auto r = analyze_hostile(std::string("truncated ") + packing_extension(p), {cut});
    EXPECT_EQ(r.exit_code, 3) << packing_extension(p);
    const auto file = records_of(r.out, "file");
    ASSERT_EQ(file.size(), 1u);
    EXPECT_EQ(file[0]["status"], "damaged") << packing_extension(p) << ": " << r.err;
    EXPECT_GT(file[0]["records"].get<int>(), 1000) << packing_extension(p);  // what came before the damage
    EXPECT_NE(r.err.find("read error"), std::string::npos) << r.err;
  }
}

// A bugreport text whose BTSNOOZ section holds `records` then `zeros` zero bytes (zlib of zeros:
// about 1,000:1), base64 in lines of 128 as the phone writes it.
std::string snooz_text(const std::string& records, std::size_t zeros) {
  std::string blob(9, '\0');
  blob[0] = 2;
  z_stream z{};
  deflateInit(&z, 9);
  std::string out(1u << 16, '\0');
  const std::string chunk(1u << 20, '\0');
  auto pump = [&](const std::string& in, int flush) {
    z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
    z.avail_in = static_cast<uInt>(in.size());
    do {
      z.next_out = reinterpret_cast<Bytef*>(out.data());
      z.avail_out = static_cast<uInt>(out.size());
      deflate(&z, flush);
      blob.append(out.data(), out.size() - z.avail_out);
    } while (z.avail_out == 0);
  };
  pump(records, Z_NO_FLUSH);
  for (std::size_t left = zeros; left; left -= std::min(left, chunk.size()))
    pump(left >= chunk.size() ? chunk : chunk.substr(0, left), Z_NO_FLUSH);
  pump("", Z_FINISH);
  deflateEnd(&z);
  std::string b64(4 * ((blob.size() + 2) / 3) + 1, '\0');
  b64.resize(static_cast<std::size_t>(EVP_EncodeBlock(reinterpret_cast<unsigned char*>(b64.data()),
                                                      reinterpret_cast<const unsigned char*>(blob.data()),
                                                      static_cast<int>(blob.size()))));
  std::string text = "--- BEGIN:BTSNOOP_LOG_SUMMARY (0 bytes in) ---\n";
  for (std::size_t at = 0; at < b64.size(); at += 128) text += b64.substr(at, 128) + "\n";
  return text + "--- END:BTSNOOP_LOG_SUMMARY ---\n";
}

TEST(Hostile, SnoozSectionsThatLie) {
  // Two good records (a command and its event), then a record longer than the section.
  std::string good;
  auto v2 = [&](std::string data, std::uint16_t len, std::uint8_t type) {
    const std::uint16_t orig = len;
    good += std::string{static_cast<char>(len),
                        static_cast<char>(len >> 8),
                        static_cast<char>(orig),
                        static_cast<char>(orig >> 8),
                        0,
                        0,
                        0,
                        0,
                        static_cast<char>(type)};
    good += data;
  };
  v2(std::string("\x03\x0c\x00", 3), 4, 0x20);
  v2(std::string("\x0e\x04\x01\x03\x0c\x00", 6), 7, 0x10);
  std::string longer = good;
  longer += std::string{static_cast<char>(0xff),
                        static_cast<char>(0xff),
                        static_cast<char>(0xff),
                        static_cast<char>(0xff),
                        0,
                        0,
                        0,
                        0,
                        0x11};
  longer += std::string("\x40\x00", 2);
  const std::string dir = temp_dir();
  write_file(dir + "/long.txt", snooz_text(longer, 0));
  auto r = analyze_hostile("BTSNOOZ record longer than its section", {dir + "/long.txt"});
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_NE(r.err.find("BTSNOOZ record 3 claims 65534 bytes, the section has 2 left"), std::string::npos) << r.err;
  auto file = records_of(r.out, "file");
  ASSERT_EQ(file.size(), 1u);
  EXPECT_EQ(file[0]["records"], 2);
  // A section whose zlib stream inflates to 1 GiB: read up to the cap, no further.
  write_file(dir + "/bomb.txt", snooz_text(good, (1u << 30) / kScale));
  r = analyze_hostile("BTSNOOZ section inflating to 1 GiB", {dir + "/bomb.txt"});
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_NE(r.err.find("decodes to more than 16 MiB"), std::string::npos) << r.err;
  file = records_of(r.out, "file");
  ASSERT_EQ(file.size(), 1u);
  EXPECT_EQ(file[0]["records"], 2);  // the good records; the zeros are no record (length 0)
}

}  // namespace
}  // namespace fe95::test
