// SPDX-License-Identifier: GPL-2.0-or-later
// The readers of what phones hand over (docs/PHONE_LOGS.md): PacketLogger in both byte orders,
// BTSNOOZ v1 and v2 decoded into records with their original lengths, compressed captures
// (gzip, zstd, lz4, xz) streamed through libarchive, zip members, and the account of cut ACL
// packets. Every input comes from the writer, byte-exact; damaged ones are built from them.
#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <zlib.h>

#include "capture/internal.h"
#include "fe95/capture/archive.h"
#include "fe95/capture/capture.h"
#include "phone.h"
#include "support.h"

namespace fe95::phone_capture_test {
namespace {

using writer::Format;
using writer::Packing;

struct Seen {
  std::int64_t ts_ns;
  Direction dir;
  PacketType type;
  Bytes data;
  std::uint32_t cut;
  bool operator==(const Seen&) const = default;
};

struct Read {
  std::string format, error;
  std::vector<Seen> records;
  std::vector<std::uint64_t> offsets;
  std::uint64_t position = 0;
};

Read read_all(OpenResult o, bool expect_open = true) {
  Read out;
  if (expect_open) {
    EXPECT_TRUE(o.reader) << o.error;
  }
  if (!o.reader) {
    out.error = o.error;
    return out;
  }
  out.format = o.reader->format();
  Record r;
  ReadStatus st;
  while ((st = o.reader->next(r)) == ReadStatus::ok) {
    out.records.push_back({r.ts_ns, r.dir, r.type, Bytes(r.data.begin(), r.data.end()), r.cut});
    out.offsets.push_back(r.offset);
  }
  if (st == ReadStatus::error) out.error = o.reader->error();
  out.position = o.reader->position();
  return out;
}

Read read_path(const std::string& path, bool expect_open = true) {
  return read_all(open_capture(path), expect_open);
}

std::string made(const char* scenario, Format f, Packing p = Packing::none) {
  const std::string path =
      test::temp_dir() + "/" + scenario + writer::format_extension(f) + writer::packing_extension(p);
  writer::write_scenario(*writer::find_scenario(scenario), f, p, path);
  return path;
}

// The reference: the same scenario as an Android btsnoop (microsecond timestamps, as every phone
// format here keeps them).
const Read& kettle() {
  static const Read r = read_path(made("register-kettle", Format::btsnoop_h4));
  return r;
}

TEST(Pklg, BothByteOrdersGiveTheBtsnoopRecords) {
  ASSERT_EQ(kettle().records.size(), 45u);
  for (Format f : {Format::pklg, Format::pklg_le}) {
    const Read r = read_path(made("register-kettle", f));
    EXPECT_EQ(r.format, f == Format::pklg ? "PacketLogger (big-endian)" : "PacketLogger (little-endian)");
    EXPECT_EQ(r.error, "");
    EXPECT_EQ(r.records, kettle().records) << r.format;
    EXPECT_EQ(r.offsets.front(), 0u);  // no file header
  }
}

TEST(Pklg, NotesAreFramesAndDamageIsAnError) {
  // A note record (type 0xfc) between two commands: counted as a frame, not HCI.
  auto rec = [](std::uint8_t type, Bytes data) {
    Bytes b;
    const auto len = static_cast<std::uint32_t>(9 + data.size());
    for (int i = 3; i >= 0; --i) b.push_back(static_cast<std::uint8_t>(len >> (8 * i)));
    for (int x : {0x65, 0x55, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01})
      b.push_back(static_cast<std::uint8_t>(x));  // 1700069376 s, 1 us
    b.push_back(type);
    b.insert(b.end(), data.begin(), data.end());
    return b;
  };
  Bytes file = rec(0x00, {0x03, 0x0c, 0x00});
  const Bytes note = rec(0xfc, {'h', 'i'});
  file.insert(file.end(), note.begin(), note.end());
  const Bytes event = rec(0x01, {0x0e, 0x04, 0x01, 0x03, 0x0c, 0x00});
  file.insert(file.end(), event.begin(), event.end());
  Read r = read_all(open_capture_memory(file));
  ASSERT_EQ(r.records.size(), 3u);
  EXPECT_EQ(r.format, "PacketLogger (big-endian)");
  EXPECT_EQ(r.records[0].type, PacketType::command);
  EXPECT_EQ(r.records[1].type, PacketType::unknown);
  EXPECT_EQ(r.records[2].type, PacketType::event);
  EXPECT_EQ(r.records[2].ts_ns, 1700069376LL * 1000000000 + 1000);
  // Cut in the middle of the last record: the first two stay, then the error.
  file.resize(file.size() - 3);
  r = read_all(open_capture_memory(file));
  EXPECT_EQ(r.records.size(), 2u);
  EXPECT_NE(r.error.find("truncated record"), std::string::npos) << r.error;
}

// What the phone keeps of each packet (AOSP btif_debug_btsnoop.cc): SCO never, ACL 14 bytes
// unless on L2CAP channel 1, the rest whole; the original length is the packet's.
std::vector<Seen> as_snooz_keeps(const std::vector<Seen>& full) {
  std::vector<Seen> out;
  for (Seen s : full) {
    if (s.type == PacketType::sco) continue;
    if (s.type == PacketType::acl && s.data.size() > 8 && !(s.data[6] == 1 && s.data[7] == 0) && s.data.size() > 14) {
      s.cut = static_cast<std::uint32_t>(s.data.size() - 14);
      s.data.resize(14);
    }
    out.push_back(s);
  }
  return out;
}

TEST(Snooz, Version2DecodesRecordsWithTheirOriginalLengths) {
  const Read r = read_path(made("register-kettle", Format::snooz));
  EXPECT_EQ(r.format, "BTSNOOZ v2 (bugreport text, BTSNOOP_LOG_SUMMARY)");
  EXPECT_EQ(r.error, "");
  const auto expected = as_snooz_keeps(kettle().records);
  EXPECT_EQ(r.records, expected);
  std::size_t cut = 0;
  for (const auto& s : r.records) cut += s.cut > 0;
  EXPECT_EQ(cut, 22u);  // every ATT PDU longer than opcode, handle and 3 value bytes
}

TEST(Snooz, Version1InfersTheCutFromTheAclHeader) {
  const Read r = read_path(made("register-kettle", Format::snooz_v1));
  EXPECT_EQ(r.format, "BTSNOOZ v1 (bugreport text, BTSNOOP_LOG_SUMMARY)");
  EXPECT_EQ(r.records, as_snooz_keeps(kettle().records));
}

// A BTSNOOZ section built by hand: preamble + zlib of `records`, base64 in 128-character lines.
std::string section(int version, const Bytes& records, std::uint64_t last_us, bool end_line = true) {
  Bytes blob{static_cast<std::uint8_t>(version)};
  for (int i = 0; i < 8; ++i) blob.push_back(static_cast<std::uint8_t>(last_us >> (8 * i)));
  uLongf zlen = compressBound(static_cast<uLong>(records.size()));
  Bytes z(zlen);
  compress2(z.data(), &zlen, records.data(), static_cast<uLong>(records.size()), Z_DEFAULT_COMPRESSION);
  blob.insert(blob.end(), z.begin(), z.begin() + static_cast<std::ptrdiff_t>(zlen));
  std::string b64(4 * ((blob.size() + 2) / 3) + 1, '\0');
  b64.resize(static_cast<std::size_t>(
      EVP_EncodeBlock(reinterpret_cast<unsigned char*>(b64.data()), blob.data(), static_cast<int>(blob.size()))));
  std::string text =
      "header line\n--- BEGIN:BTSNOOP_LOG_SUMMARY (" + std::to_string(records.size()) + " bytes in) ---\n";
  for (std::size_t at = 0; at < b64.size(); at += 128) text += b64.substr(at, 128) + "\n";
  if (end_line) text += "--- END:BTSNOOP_LOG_SUMMARY ---\ntrailer\n";
  return text;
}

// v2 record: length (with type), original length, delta us, type, data.
void v2(Bytes& out, Bytes data, std::uint16_t orig, std::uint32_t delta, std::uint8_t type, std::uint16_t len = 0) {
  if (!len) len = static_cast<std::uint16_t>(data.size() + 1);
  for (std::uint16_t v : {len, orig}) {
    out.push_back(static_cast<std::uint8_t>(v));
    out.push_back(static_cast<std::uint8_t>(v >> 8));
  }
  for (int i = 0; i < 4; ++i) out.push_back(static_cast<std::uint8_t>(delta >> (8 * i)));
  out.push_back(type);
  out.insert(out.end(), data.begin(), data.end());
}

Read read_text(const std::string& text, bool expect_open = true) {
  const std::string path = test::temp_dir() + "/bugreport.txt";
  test::write_file(path, text);
  return read_path(path, expect_open);
}

TEST(Snooz, TimesCountBackFromTheLastPacket) {
  Bytes recs;
  v2(recs, {0x03, 0x0c, 0x00}, 4, 0, 0x20);                       // command, first: no delta
  v2(recs, {0x0e, 0x04, 0x01, 0x03, 0x0c, 0x00}, 7, 1500, 0x10);  // event 1.5 ms later
  v2(recs, {0x40, 0x00, 0x05, 0x00}, 30, 250, 0x11);              // ACL in, 25 bytes cut
  const std::uint64_t last = 1700000000000000ULL;                 // us since 1970
  const Read r = read_text(section(2, recs, last));
  ASSERT_EQ(r.records.size(), 3u) << r.error;
  EXPECT_EQ(r.records[0].ts_ns, static_cast<std::int64_t>(last - 1750) * 1000);
  EXPECT_EQ(r.records[1].ts_ns, static_cast<std::int64_t>(last - 250) * 1000);
  EXPECT_EQ(r.records[2].ts_ns, static_cast<std::int64_t>(last) * 1000);
  EXPECT_EQ(r.records[0].type, PacketType::command);
  EXPECT_EQ(r.records[0].dir, Direction::sent);
  EXPECT_EQ(r.records[1].type, PacketType::event);
  EXPECT_EQ(r.records[2].dir, Direction::rcvd);
  EXPECT_EQ(r.records[2].cut, 25u);
}

TEST(Snooz, ARecordLongerThanItsSectionEndsTheCaptureAfterTheGoodOnes) {
  Bytes recs;
  v2(recs, {0x03, 0x0c, 0x00}, 4, 0, 0x20);
  v2(recs, {0x0e, 0x04, 0x01, 0x03, 0x0c, 0x00}, 7, 10, 0x10);
  v2(recs, {0x40, 0x00}, 400, 10, 0x11, 400);  // claims 399 bytes, 2 follow
  const Read r = read_text(section(2, recs, 1700000000000000ULL));
  EXPECT_EQ(r.records.size(), 2u);
  EXPECT_NE(r.error.find("BTSNOOZ record 3 claims 399 bytes, the section has 2 left"), std::string::npos) << r.error;
}

TEST(Snooz, DamagedSectionsSayWhy) {
  Bytes recs;
  v2(recs, {0x03, 0x0c, 0x00}, 4, 0, 0x20);
  // No END line and the base64 cut: the zlib stream stops short.
  std::string text = section(2, recs, 1);
  std::string cut = text.substr(0, text.find("\n", text.find("BEGIN")) + 21);  // 20 base64 characters
  Read r = read_text(cut);
  EXPECT_NE(r.error.find("no END line"), std::string::npos) << r.error;
  // Base64 damaged.
  std::string bad = text;
  bad[bad.find("\n", bad.find("BEGIN")) + 3] = '*';
  r = read_text(bad, false);
  EXPECT_EQ(r.error, "the BTSNOOZ section's base64 is damaged at line 3");
  // An unknown version cannot be read at all.
  const std::string path = test::temp_dir() + "/v3.txt";
  test::write_file(path, section(3, recs, 1));
  auto o = open_capture(path);
  EXPECT_FALSE(o.reader);
  EXPECT_EQ(o.error, "unsupported BTSNOOZ version 3 (fe95 reads 1 and 2)");
  // Text with no section: not a capture.
  r = read_text("plain text\nno section here\n", false);
  EXPECT_NE(r.error.find("without a BTSNOOP_LOG_SUMMARY section"), std::string::npos) << r.error;
}

TEST(Compressed, EachCompressionGivesTheSameRecords) {
  const std::pair<Packing, const char*> packings[] = {
      {Packing::gzip, "gzip"}, {Packing::zstd, "zstd"}, {Packing::lz4, "lz4"}, {Packing::xz, "xz"}};
  for (const auto& [p, name] : packings) {
    const std::string path = made("register-kettle", Format::btsnoop_h4, p);
    const Read r = read_path(path);
    EXPECT_EQ(r.error, "") << name;
    EXPECT_EQ(r.records, kettle().records) << name;
    EXPECT_EQ(r.offsets, kettle().offsets) << "offsets count decompressed bytes";
    EXPECT_EQ(r.format, std::string("btsnoop/1002 (H4), ") + name + "-compressed");
    // Progress counts compressed bytes: the whole file at the end.
    EXPECT_EQ(r.position, test::read_file(path).size()) << name;
  }
}

TEST(Compressed, PcapngThroughLibpcapFromADecompressedStream) {
  const Read plain = read_path(made("register-kettle", Format::pcapng_phdr));
  const Read r = read_path(made("register-kettle", Format::pcapng_phdr, Packing::lz4));
  EXPECT_EQ(r.format, "pcapng/201, lz4-compressed");
  ASSERT_EQ(r.records.size(), 45u);
  EXPECT_EQ(r.records, plain.records);
  EXPECT_EQ(r.offsets, plain.offsets);  // libpcap's ftell through the stdio stream over the source
}

TEST(Compressed, ATruncatedStreamKeepsTheRecordsBeforeIt) {
  // 3,000 copies of the tour's records (2.3 MB): libarchive hands out whole blocks (64 KiB for
  // gzip), and every block before the damage is read.
  const std::string tour = test::read_file(made("gatt-tour", Format::btsnoop_h4));
  std::string big = tour.substr(0, 16);
  for (int i = 0; i < 3000; ++i) big += tour.substr(16);
  const std::string dir = test::temp_dir();
  test::write_file(dir + "/big.btsnoop", big);
  writer::compress_file(dir + "/big.btsnoop", dir + "/big.gz", Packing::gzip);
  const std::string whole = test::read_file(dir + "/big.gz");
  test::write_file(dir + "/cut.gz", whole.substr(0, whole.size() * 2 / 3));
  const Read r = read_path(dir + "/cut.gz");
  EXPECT_GT(r.records.size(), 60000u);
  EXPECT_LT(r.records.size(), 180000u);
  EXPECT_EQ(r.error, "read error: truncated gzip input");
}

TEST(Compressed, AnotherCompressionInsideIsRefused) {
  // gzip inside gzip is one chain to libarchive (read through); xz inside gzip is refused.
  const std::string twice = test::temp_dir() + "/twice.gz";
  writer::compress_file(made("login-kettle", Format::btsnoop_h4, Packing::gzip), twice, Packing::gzip);
  EXPECT_EQ(read_path(twice).records.size(), 36u);
  const std::string mixed = test::temp_dir() + "/mixed.gz";
  writer::compress_file(made("login-kettle", Format::btsnoop_h4, Packing::xz), mixed, Packing::gzip);
  auto o = open_capture(mixed);
  EXPECT_FALSE(o.reader);
  EXPECT_EQ(o.error, "gzip-compressed: compressed twice (xz inside a compressed stream): not a capture");
}

TEST(Zip, TheBugreportListsItsCapturesByContent) {
  const std::string zip = test::temp_dir() + "/bugreport.zip";
  writer::write_bugreport_kettle(zip);
  EXPECT_TRUE(is_zip(zip));
  const ZipListing z = list_zip_captures(zip);
  EXPECT_EQ(z.error, "");
  std::vector<std::string> names;
  for (const auto& m : z.members) names.push_back(m.name);
  const std::vector<std::string> expected{
      writer::kBugreportText, "FS/data/log/bt/btsnoop_hci.log.filtered", "FS/data/misc/bluetooth/logs/btsnoop_hci.log",
      "FS/data/misc/bluetooth/logs/btsnoop_hci.log.last", "FS/data/misc/bluetooth/logs/btsnooz_hci.log"};
  EXPECT_EQ(names, expected);
  ASSERT_EQ(z.members.size(), 5u);
  EXPECT_EQ(z.members[0].format, "BTSNOOZ v2 (bugreport text, BTSNOOP_LOG_SUMMARY)");
  // The register (.last) was a day before the login.
  EXPECT_EQ(z.members[3].first_ts_ns + 86400LL * 1000000000, z.members[2].first_ts_ns);
  ASSERT_EQ(z.skipped.size(), 1u);
  EXPECT_EQ(z.skipped[0].first, "FS/data/log/bt/bt_stack.conf");
  // A member opens by name as ZIP!MEMBER, like a file.
  const Read last = read_path(member_path(zip, "FS/data/misc/bluetooth/logs/btsnoop_hci.log.last"));
  EXPECT_EQ(last.records, kettle().records);
  auto missing = open_capture(member_path(zip, "FS/nothing"));
  EXPECT_FALSE(missing.reader);
  EXPECT_EQ(missing.error, "no member \"FS/nothing\" in this zip");
  // The zip itself is not a capture: the error says what it holds.
  auto whole = open_capture(zip);
  EXPECT_FALSE(whole.reader);
  EXPECT_NE(whole.error.find("a zip with 5 Bluetooth captures"), std::string::npos) << whole.error;
}

TEST(Zip, SplitMemberNeedsAnExistingZip) {
  const std::string dir = test::temp_dir();
  test::write_file(dir + "/a.zip", "PK\x05\x06");
  std::string zip, member;
  EXPECT_TRUE(split_member(dir + "/a.zip!FS/x!y", zip, member));
  EXPECT_EQ(zip, dir + "/a.zip");
  EXPECT_EQ(member, "FS/x!y");
  EXPECT_FALSE(split_member(dir + "/b.zip!FS/x", zip, member));
  test::write_file(dir + "/odd!name", "x");  // a real file with '!' in its name stays a file
  EXPECT_FALSE(split_member(dir + "/odd!name", zip, member));
}

Record acl(Bytes data, std::uint32_t cut) {
  static Bytes keep;
  keep = std::move(data);
  Record r;
  r.type = PacketType::acl;
  r.data = keep;
  r.cut = cut;
  return r;
}

TEST(CutTally, CountsWhatEachFormatKeepsAndNamesTheFix) {
  CutTally t;
  EXPECT_FALSE(t.any());
  // A write request on channel 4, cut after opcode, handle and 3 value bytes (BTSNOOZ).
  t.add(acl({0x40, 0x00, 0x0b, 0x00, 0x07, 0x00, 0x04, 0x00, 0x12, 0x10, 0x00, 0xaa, 0xbb, 0xcc}, 5));
  // A continuation fragment: no L2CAP header.
  t.add(acl({0x40, 0x10, 0x0b, 0x00, 1, 2, 3, 4, 5, 6}, 3));
  // Not cut: not counted.
  t.add(acl({0x40, 0x00, 0x05, 0x00, 0x01, 0x00, 0x04, 0x00, 0x0a}, 0));
  EXPECT_TRUE(t.any());
  EXPECT_EQ(t.acl, 2u);
  EXPECT_EQ(t.att, 1u);
  EXPECT_EQ(t.att_value_kept, 3);
  EXPECT_EQ(t.message("BTSNOOZ v2 (bugreport text, BTSNOOP_LOG_SUMMARY)"),
            "ATT values cut to 3 bytes (2 records): a BTSNOOZ summary keeps only the first 14 bytes of each ACL "
            "packet; set Developer options → Bluetooth HCI snoop log → Enabled and take the bugreport again");
  EXPECT_EQ(t.message("btsnoop/1002 (H4)"),
            "ATT values cut to 3 bytes (2 records): a filtered or snooz log; set Developer options → Bluetooth HCI "
            "snoop log → Enabled and take the bugreport again");
  EXPECT_EQ(t.message("pcap/201"),
            "ATT values cut to 3 bytes (2 records): the capture's snap length; capture again "
            "without one (tcpdump -s 0, Wireshark's default)");
  // Only the L2CAP header kept (the rfcomm profile filter): no ATT value at all.
  CutTally h;
  h.add(acl({0x40, 0x00, 0x0b, 0x00, 0x07, 0x00, 0x04, 0x00}, 7));
  EXPECT_EQ(h.att_value_kept, -1);
  EXPECT_EQ(h.message("btsnoop/1002 (H4)").rfind("ATT PDUs cut before their handle (1 record)", 0), 0u);
}

}  // namespace
}  // namespace fe95::phone_capture_test
