// SPDX-License-Identifier: GPL-2.0-or-later
// BTSNOOZ: the Bluetooth summary an Android bugreport keeps in its main text (docs/PHONE_LOGS.md
// §1; AOSP btif/src/btif_debug_btsnoop.cc writes it, system/tools/scripts/btsnooz.py reads it):
//
//   --- BEGIN:BTSNOOP_LOG_SUMMARY (N bytes in) ---
//   base64 in lines of 128 characters of: a 9-byte preamble (u8 version 1 or 2, u64le time of the
//   last packet in microseconds since 1970), then a zlib stream of records
//     v2: u16le length (with the type byte), u16le original length (the same), u32le
//         microseconds since the previous packet, u8 type; length - 1 bytes of the packet
//     v1: the same without the original length
//   --- END:BTSNOOP_LOG_SUMMARY ---
//
// The phone keeps 256 KiB of records, so the decoded section is held in memory (capped far above
// that). Base64 through OpenSSL, the zlib stream through zlib.
#include <openssl/evp.h>
#include <zlib.h>

#include <algorithm>
#include <cstring>

#include "capture/internal.h"

namespace fe95 {

namespace {

constexpr std::string_view kBegin = "--- BEGIN:BTSNOOP_LOG_SUMMARY";
constexpr std::string_view kEnd = "--- END:BTSNOOP_LOG_SUMMARY";
constexpr std::size_t kPreamble = 9;
// A phone writes at most 256 KiB of records (BTSNOOP_MEM_BUFFER_SIZE); a section that decodes to
// more is damaged or hostile, and is read no further.
constexpr std::size_t kMaxSnoozBytes = 16u << 20;
// Longer lines are handled in pieces (a marker is only looked for at a piece's start).
constexpr std::size_t kMaxLine = 1u << 16;

// Record types: the stack's BT_EVT_* values shifted right by 8 (btif_debug_btsnoop.cc).
enum SnoozType : std::uint8_t {
  kInEvent = 0x10,
  kInAcl = 0x11,
  kInSco = 0x12,
  kInIso = 0x17,
  kOutCommand = 0x20,
  kOutAcl = 0x21,
  kOutSco = 0x22,
  kOutIso = 0x2d,
};

// Lines of a ByteSource, each valid until the next call.
class LineReader {
 public:
  explicit LineReader(ByteSource& src) : src_(src) {}
  bool next(std::string_view& line) {
    if (pending_) {
      src_.consume(pending_);
      pending_ = 0;
    }
    start_ = src_.position();
    const std::uint8_t* p = src_.need(1);
    if (!p) return false;
    std::size_t have = src_.available();
    for (;;) {
      const std::size_t look = std::min(have, kMaxLine);
      if (const void* nl = std::memchr(p, '\n', look)) {
        const auto len = static_cast<std::size_t>(static_cast<const std::uint8_t*>(nl) - p);
        line = std::string_view(reinterpret_cast<const char*>(p), len);
        pending_ = len + 1;
        ++number_;
        return true;
      }
      if (have >= kMaxLine) {  // a very long line: this piece, then the rest
        line = std::string_view(reinterpret_cast<const char*>(p), kMaxLine);
        pending_ = kMaxLine;
        return true;
      }
      if (const std::uint8_t* q = src_.need(have + 1)) {
        p = q;
        have = src_.available();
        continue;
      }
      have = src_.available();  // the last line, without a newline
      p = have ? src_.need(have) : nullptr;
      if (!p) return false;
      line = std::string_view(reinterpret_cast<const char*>(p), have);
      pending_ = have;
      ++number_;
      return true;
    }
  }
  [[nodiscard]] std::size_t number() const { return number_; }  // of the line last returned
  [[nodiscard]] std::uint64_t start() const { return start_; }  // its offset

 private:
  ByteSource& src_;
  std::size_t pending_ = 0, number_ = 0;
  std::uint64_t start_ = 0;
};

struct Decoded {
  int version = 0;
  std::uint64_t last_us = 0;
  std::vector<std::uint8_t> records;  // inflated
  std::string damage;                 // why the section stops early ("" when whole)
  std::uint64_t damage_offset = 0;
};

// Decodes the section after the BEGIN line: base64 (OpenSSL) -> preamble + zlib stream (zlib).
// Returns "" or the error that makes the section unusable (bad preamble); damage is recorded in d.
std::string decode_section(LineReader& lines, Decoded& d) {
  EVP_ENCODE_CTX* b64 = EVP_ENCODE_CTX_new();
  EVP_DecodeInit(b64);
  z_stream z{};
  inflateInit(&z);
  std::vector<std::uint8_t> bin(kMaxLine);  // base64 out of one line
  std::vector<std::uint8_t> out(1u << 16);
  std::uint8_t preamble[kPreamble];
  std::size_t preamble_have = 0;
  bool ended = false, stream_end = false;
  std::string fatal;
  auto damage = [&](std::uint64_t at, std::string m) {
    if (d.damage.empty()) {
      d.damage = std::move(m);
      d.damage_offset = at;
    }
  };
  // Feeds decoded bytes: the preamble first, the rest to zlib.
  auto feed = [&](const std::uint8_t* p, std::size_t n, std::uint64_t at) {
    while (n && preamble_have < kPreamble) {
      preamble[preamble_have++] = *p++;
      --n;
      if (preamble_have == kPreamble) {
        d.version = static_cast<std::int8_t>(preamble[0]);
        std::uint64_t ts = 0;
        for (int i = 8; i >= 1; --i) ts = ts << 8 | preamble[i];
        d.last_us = ts;
        if (d.version != 1 && d.version != 2) {
          fatal = "unsupported BTSNOOZ version " + std::to_string(d.version) + " (fe95 reads 1 and 2)";
          return;
        }
      }
    }
    z.next_in = const_cast<std::uint8_t*>(p);
    z.avail_in = static_cast<uInt>(n);
    while (z.avail_in && !stream_end && d.damage.empty()) {
      z.next_out = out.data();
      z.avail_out = static_cast<uInt>(out.size());
      const int rc = inflate(&z, Z_NO_FLUSH);
      const std::size_t got = out.size() - z.avail_out;
      if (d.records.size() + got > kMaxSnoozBytes) {
        damage(at, "the BTSNOOZ section decodes to more than " + std::to_string(kMaxSnoozBytes >> 20) +
                       " MiB (a phone writes at most 256 KiB): read no further");
        return;
      }
      // Room for the cap at once: growing by doubling would touch up to twice as much.
      if (d.records.capacity() < kMaxSnoozBytes && d.records.size() + got > d.records.capacity())
        d.records.reserve(kMaxSnoozBytes);
      d.records.insert(d.records.end(), out.begin(), out.begin() + static_cast<std::ptrdiff_t>(got));
      if (rc == Z_STREAM_END)
        stream_end = true;
      else if (rc != Z_OK && rc != Z_BUF_ERROR) {
        damage(at, std::string("the BTSNOOZ section's zlib stream is damaged at line ") +
                       std::to_string(lines.number()) + " (" + (z.msg ? z.msg : "zlib error") + ")");
        return;
      }
    }
  };
  std::string_view line;
  while (fatal.empty() && lines.next(line)) {
    if (line.find(kEnd) != std::string_view::npos) {
      ended = true;
      break;
    }
    if (stream_end || !d.damage.empty()) continue;  // read to the END line, nothing more to decode
    int n = 0;
    if (EVP_DecodeUpdate(b64, bin.data(), &n, reinterpret_cast<const unsigned char*>(line.data()),
                         static_cast<int>(line.size())) < 0) {
      damage(lines.start(), "the BTSNOOZ section's base64 is damaged at line " + std::to_string(lines.number()));
      continue;
    }
    feed(bin.data(), static_cast<std::size_t>(n), lines.start());
  }
  if (fatal.empty() && d.damage.empty() && !stream_end) {
    // What the decoder still holds (a section cut mid-line: up to a line of it is lost).
    int n = 0;
    if (EVP_DecodeFinal(b64, bin.data(), &n) >= 0 && n > 0)
      feed(bin.data(), static_cast<std::size_t>(n), lines.start());
  }
  EVP_ENCODE_CTX_free(b64);
  inflateEnd(&z);
  if (!fatal.empty()) return fatal;
  if (preamble_have < kPreamble)
    return d.damage.empty() ? "the BTSNOOP_LOG_SUMMARY section is empty or shorter than its 9-byte preamble" : d.damage;
  if (!stream_end)
    damage(lines.start(), ended ? "the BTSNOOZ section's zlib stream is cut short"
                                : "the BTSNOOZ section has no END line: the bugreport text is cut short");
  return "";
}

class SnoozReader final : public CaptureReader {
 public:
  SnoozReader(Decoded d, std::uint64_t size) : d_(std::move(d)) {
    size_ = size;
    header_ = d_.version == 2 ? 9 : 7;
    // btsnooz.py's first pass: the last packet's time minus every delta is the first's.
    std::size_t at = 0;
    std::uint64_t deltas = 0;
    while (d_.records.size() - at >= header_) {
      const std::uint16_t len = load_u16le(&d_.records[at]);
      if (len == 0) {
        record_damage(at, "BTSNOOZ record " + std::to_string(count_ + 1) + " has length 0 (it counts its type byte)");
        break;
      }
      if (d_.records.size() - at - header_ < std::size_t{len} - 1u) {
        record_damage(at, "BTSNOOZ record " + std::to_string(count_ + 1) + " claims " + std::to_string(len - 1) +
                              " bytes, the section has " + std::to_string(d_.records.size() - at - header_) + " left");
        break;
      }
      deltas += load_u32le(&d_.records[at + header_ - 5]);
      at += header_ + len - 1u;
      ++count_;
    }
    if (at < d_.records.size() && at + header_ > d_.records.size())
      record_damage(at, "truncated BTSNOOZ record header (" + std::to_string(d_.records.size() - at) + " of " +
                            std::to_string(header_) + " bytes)");
    ts_us_ = d_.last_us >= deltas ? d_.last_us - deltas : 0;
  }

  [[nodiscard]] std::string format() const override {
    return "BTSNOOZ v" + std::to_string(d_.version) + " (bugreport text, BTSNOOP_LOG_SUMMARY)";
  }
  [[nodiscard]] std::uint64_t position() const override { return size_; }

  ReadStatus next(Record& rec) override {
    if (index_ == count_) {
      if (d_.damage.empty()) return ReadStatus::end;
      return fail(d_.damage_offset, d_.damage);
    }
    const std::uint8_t* h = &d_.records[pos_];
    const std::uint16_t len = load_u16le(h);
    const std::uint16_t orig = d_.version == 2 ? load_u16le(h + 2) : len;
    ts_us_ += load_u32le(h + header_ - 5);
    const std::uint8_t type = h[header_ - 1];
    reset_record(rec);
    rec.frame = ++index_;
    rec.offset = pos_;
    rec.ts_ns = ts_us_ > static_cast<std::uint64_t>(INT64_MAX / 1000) ? 0 : static_cast<std::int64_t>(ts_us_) * 1000;
    rec.data = ByteView(h + header_, len - 1u);
    switch (type) {
      case kInEvent:
        rec.type = PacketType::event;
        rec.dir = Direction::rcvd;
        break;
      case kInAcl:
        rec.type = PacketType::acl;
        rec.dir = Direction::rcvd;
        break;
      case kInSco:
        rec.type = PacketType::sco;
        rec.dir = Direction::rcvd;
        break;
      case kInIso:
        rec.type = PacketType::iso;
        rec.dir = Direction::rcvd;
        break;
      case kOutCommand:
        rec.type = PacketType::command;
        rec.dir = Direction::sent;
        break;
      case kOutAcl:
        rec.type = PacketType::acl;
        rec.dir = Direction::sent;
        break;
      case kOutSco:
        rec.type = PacketType::sco;
        rec.dir = Direction::sent;
        break;
      case kOutIso:
        rec.type = PacketType::iso;
        rec.dir = Direction::sent;
        break;
      default:
        break;  // not a type the stack writes: counted as a frame
    }
    rec.cut = orig > len ? orig - len : 0u;
    if (d_.version == 1) rec.cut = inferred_cut(rec);
    pos_ += header_ + len - 1u;
    return ReadStatus::ok;
  }

 private:
  void record_damage(std::size_t at, std::string m) {
    if (!d_.damage.empty()) return;  // the text's own damage explains this one
    d_.damage = std::move(m) + " (offset in the decoded summary)";
    d_.damage_offset = at;
  }
  // Version 1 keeps no original length; the packet's own length field tells what was cut.
  static std::uint32_t inferred_cut(const Record& rec) {
    std::size_t whole = 0;
    if (rec.type == PacketType::acl && rec.data.size() >= 4)
      whole = 4u + load_u16le(rec.data.data() + 2);
    else if (rec.type == PacketType::event && rec.data.size() >= 2)
      whole = 2u + rec.data[1];
    return whole > rec.data.size() ? static_cast<std::uint32_t>(whole - rec.data.size()) : 0u;
  }

  Decoded d_;
  std::size_t header_ = 9, pos_ = 0;
  std::uint64_t count_ = 0, index_ = 0;
  std::uint64_t ts_us_ = 0;
};

}  // namespace

bool looks_like_text(const std::uint8_t* p, std::size_t n) {
  std::size_t control = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const std::uint8_t c = p[i];
    if (c == 0) return false;
    if (c < 0x20 && c != '\t' && c != '\n' && c != '\r' && c != '\f' && c != '\v' && c != 0x1b) ++control;
  }
  return control * 100 <= n;
}

bool has_snooz_section(ByteSource& src) {
  LineReader lines(src);
  std::string_view line;
  while (lines.next(line))
    if (line.find(kBegin) != std::string_view::npos) return true;
  return false;
}

OpenResult open_snooz(std::unique_ptr<ByteSource> src) {
  OpenResult r;
  LineReader lines(*src);
  std::string_view line;
  bool found = false;
  while (lines.next(line))
    if (line.find(kBegin) != std::string_view::npos) {
      found = true;
      break;
    }
  if (!src->io_error().empty()) {
    r.error = "read error: " + src->io_error();
    r.unreadable = true;
    return r;
  }
  if (!found) {
    r.error = "a text file without a BTSNOOP_LOG_SUMMARY section: neither a capture nor a bugreport with a BTSNOOZ log";
    return r;
  }
  Decoded d;
  if (std::string fatal = decode_section(lines, d); !fatal.empty()) {
    r.error = fatal;
    r.error_offset = lines.start();
    return r;
  }
  if (!src->io_error().empty() && d.damage.empty()) {
    d.damage = "read error: " + src->io_error();
    d.damage_offset = src->position();
  }
  r.reader = std::make_unique<SnoozReader>(std::move(d), src->position());
  return r;
}

}  // namespace fe95
