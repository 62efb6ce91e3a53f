// SPDX-License-Identifier: GPL-2.0-or-later
// Capture readers: each format and datalink becomes the same normalised record.
#include "fe95/capture/capture.h"

#include <gtest/gtest.h>

#include "scenario.h"
#include "support.h"

namespace fe95 {
namespace {

using writer::Format;

struct Seen {
  std::uint64_t frame;
  std::int64_t ts_ns;
  Direction dir;
  PacketType type;
  std::uint16_t adapter;
  Bytes data;
  bool operator==(const Seen&) const = default;
};

std::vector<Seen> read_all(const std::string& path, std::string* format = nullptr) {
  auto o = open_capture(path);
  EXPECT_TRUE(o.reader) << o.error;
  std::vector<Seen> out;
  if (!o.reader) return out;
  if (format) *format = o.reader->format();
  Record r;
  while (o.reader->next(r) == ReadStatus::ok)
    out.push_back({r.frame, r.ts_ns, r.dir, r.type, r.adapter, Bytes(r.data.begin(), r.data.end())});
  EXPECT_TRUE(o.reader->error().empty()) << o.reader->error();
  return out;
}

std::string make(Format f, std::uint16_t adapter = 0) {
  const std::string path = test::temp_dir() + "/c" + writer::format_extension(f);
  auto w = writer::open_writer(path, f);
  writer::Scenario s(*w, 1700000000LL * 1000000000LL + 123456000);
  s.set_adapter(adapter);
  s.connect(0x0040, *BdAddr::parse("C4:7C:8D:6A:12:34"));
  s.write_req(0x0040, 0x0010, {0x90, 0xca, 0x85, 0xde});
  s.notify(0x0040, 0x0012, Bytes(12, 0xab));
  s.disconnect(0x0040);
  EXPECT_TRUE(w->close());
  return path;
}

TEST(Capture, EveryFormatGivesTheSameRecords) {
  std::string fmt;
  const auto reference = read_all(make(Format::btsnoop_h4), &fmt);
  EXPECT_EQ(fmt, "btsnoop/1002 (H4)");
  ASSERT_EQ(reference.size(), 7u);  // command, status, connection, write, response, notification, disconnection
  EXPECT_EQ(reference[0].frame, 1u);
  EXPECT_EQ(reference[0].type, PacketType::command);
  EXPECT_EQ(reference[0].dir, Direction::sent);
  EXPECT_EQ(reference[2].type, PacketType::event);
  for (Format f : {Format::btsnoop_h1, Format::btsnoop_monitor, Format::pcap_phdr, Format::pcap_phdr_ns,
                   Format::pcap_monitor, Format::pcapng_phdr, Format::pcapng_monitor}) {
    SCOPED_TRACE(writer::format_name(f));
    EXPECT_EQ(read_all(make(f)), reference);
  }
}

TEST(Capture, H4WithoutPseudoHeaderInfersDirectionWhereItCan) {
  const auto recs = read_all(make(Format::pcap_h4));
  ASSERT_FALSE(recs.empty());
  EXPECT_EQ(recs[0].dir, Direction::sent);     // command
  EXPECT_EQ(recs[1].dir, Direction::rcvd);     // event
  EXPECT_EQ(recs[3].dir, Direction::unknown);  // ACL: the link type has no direction
}

TEST(Capture, MonitorAdapterIndexIsKept) {
  for (Format f : {Format::btsnoop_monitor, Format::pcap_monitor}) {
    const auto recs = read_all(make(f, 3));
    ASSERT_FALSE(recs.empty());
    EXPECT_EQ(recs[0].adapter, 3);
  }
}

TEST(Capture, TimestampsAreNanosecondsSinceTheUnixEpoch) {
  const auto recs = read_all(make(Format::pcap_phdr_ns));
  ASSERT_FALSE(recs.empty());
  // Scenario steps are 1.25 ms; the first packet comes one step after the start.
  EXPECT_EQ(recs[0].ts_ns, 1700000000LL * 1000000000LL + 123456000 + 1250000);
}

TEST(Capture, MemoryReaderMatchesFileReader) {
  const std::string path = make(Format::btsnoop_h4);
  const std::string bytes = test::read_file(path);
  auto o = open_capture_memory(ByteView(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size()));
  ASSERT_TRUE(o.reader);
  std::size_t n = 0;
  Record r;
  while (o.reader->next(r) == ReadStatus::ok) ++n;
  EXPECT_EQ(n, read_all(path).size());
}

TEST(Capture, MonitorNotesAreFramesButNotHci) {
  // btsnoop 2001 with a "system note" (opcode 12) then an event: frame numbers count both.
  Bytes f{'b', 't', 's', 'n', 'o', 'o', 'p', 0, 0, 0, 0, 1, 0, 0, 0x07, 0xd1};
  auto rec = [&](std::uint32_t flags, Bytes data) {
    auto be = [&](std::uint32_t v) {
      for (int i = 3; i >= 0; --i) f.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
    };
    be(static_cast<std::uint32_t>(data.size()));
    be(static_cast<std::uint32_t>(data.size()));
    be(flags);
    be(0);
    be(0x00e03ab4);
    be(0x4a0e2000);
    f.insert(f.end(), data.begin(), data.end());
  };
  rec(12, {'h', 'i', 0});
  rec(3, {0x0e, 0x04, 0x01, 0x03, 0x0c, 0x00});
  auto o = open_capture_memory(f);
  ASSERT_TRUE(o.reader);
  Record r;
  ASSERT_EQ(o.reader->next(r), ReadStatus::ok);
  EXPECT_EQ(r.type, PacketType::unknown);
  ASSERT_EQ(o.reader->next(r), ReadStatus::ok);
  EXPECT_EQ(r.frame, 2u);
  EXPECT_EQ(r.type, PacketType::event);
  EXPECT_EQ(o.reader->next(r), ReadStatus::end);
}

TEST(Capture, UnsupportedDatalinkAndVersion) {
  Bytes f{'b', 't', 's', 'n', 'o', 'o', 'p', 0, 0, 0, 0, 1, 0, 0, 0x03, 0xea};  // datalink 1002? no: 1002 is 0x3ea
  EXPECT_TRUE(open_capture_memory(f).reader);
  f[15] = 0xeb;  // 1003
  auto o = open_capture_memory(f);
  EXPECT_FALSE(o.reader);
  EXPECT_NE(o.error.find("datalink 1003"), std::string::npos);
  f[15] = 0xea;
  f[11] = 2;
  o = open_capture_memory(f);
  EXPECT_FALSE(o.reader);
  EXPECT_NE(o.error.find("version 2"), std::string::npos);
}

}  // namespace
}  // namespace fe95
