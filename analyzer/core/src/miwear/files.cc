// SPDX-License-Identifier: GPL-2.0-or-later
#include "fe95/miwear/files.h"

#include <openssl/evp.h>

#include <algorithm>
#include <cstring>

namespace fe95::miwear {

namespace {

constexpr std::array<std::uint32_t, 256> make_crc_table() {
  std::array<std::uint32_t, 256> t{};
  for (std::uint32_t i = 0; i < 256; ++i) {
    std::uint32_t c = i;
    for (int k = 0; k < 8; ++k) c = (c & 1) ? 0xedb88320u ^ (c >> 1) : c >> 1;
    t[i] = c;
  }
  return t;
}
constexpr auto kCrcTable = make_crc_table();

void put16(Bytes& out, std::uint16_t v) {
  out.push_back(static_cast<std::uint8_t>(v));
  out.push_back(static_cast<std::uint8_t>(v >> 8));
}
void put32(Bytes& out, std::uint32_t v) {
  for (int i = 0; i < 4; ++i) out.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
}

Bytes md5_of(ByteView data) {
  Bytes out(16);
  unsigned int n = 0;
  if (EVP_Digest(data.data(), data.size(), out.data(), &n, EVP_md5(), nullptr) != 1 || n != 16) return {};
  return out;
}

}  // namespace

std::uint32_t crc32(ByteView data, std::uint32_t crc) {
  crc = ~crc;
  for (const std::uint8_t b : data) crc = kCrcTable[(crc ^ b) & 0xff] ^ (crc >> 8);
  return ~crc;
}

std::optional<ActivityFileId> parse_activity_file_id(ByteView b) {
  if (b.size() != kActivityFileIdLen) return std::nullopt;
  ActivityFileId id;
  id.timestamp = load_u32le(b.data());
  id.timezone = static_cast<std::int8_t>(b[4]);
  id.version = b[5];
  id.type = static_cast<std::uint8_t>(b[6] >> 7 & 1);
  id.subtype = static_cast<std::uint8_t>((b[6] & 0x7f) >> 2);
  id.detail = static_cast<std::uint8_t>(b[6] & 3);
  return id;
}

Bytes encode_activity_file_id(const ActivityFileId& id) {
  Bytes out;
  put32(out, id.timestamp);
  out.push_back(static_cast<std::uint8_t>(id.timezone));
  out.push_back(id.version);
  out.push_back(static_cast<std::uint8_t>((id.type & 1) << 7 | (id.subtype & 0x1f) << 2 | (id.detail & 3)));
  return out;
}

const char* activity_type_name(std::uint8_t type) {
  switch (type) {
    case 0:
      return "activity";
    case 1:
      return "sports";
    default:
      return "";
  }
}

const char* activity_subtype_name(std::uint8_t type, std::uint8_t subtype) {
  // XiaomiActivityFileId.Subtype, in snake case.
  struct Row {
    std::uint8_t type, subtype;
    const char* name;
  };
  static constexpr Row kRows[] = {
      {0, 0x00, "activity_daily"},
      {0, 0x03, "activity_sleep_stages"},
      {0, 0x06, "activity_manual_samples"},
      {0, 0x08, "activity_sleep"},
      {1, 0x01, "outdoor_running"},
      {1, 0x02, "outdoor_walking_v1"},
      {1, 0x03, "treadmill"},
      {1, 0x06, "outdoor_cycling_v2"},
      {1, 0x07, "indoor_cycling"},
      {1, 0x08, "freestyle"},
      {1, 0x09, "pool_swimming"},
      {1, 0x0b, "elliptical"},
      {1, 0x0d, "rowing"},
      {1, 0x0e, "jump_roping"},
      {1, 0x10, "hiit"},
      {1, 0x16, "outdoor_walking_v2"},
      {1, 0x17, "outdoor_cycling"},
  };
  for (const auto& r : kRows)
    if (r.type == type && r.subtype == subtype) return r.name;
  return "";
}

const char* activity_detail_name(std::uint8_t detail) {
  switch (detail) {
    case 0:
      return "details";
    case 1:
      return "summary";
    case 2:
      return "gps_track";
    default:
      return "";
  }
}

const char* upload_type_name(std::uint8_t type) {
  switch (type) {
    case 16:
      return "watchface";
    case 32:
      return "firmware";
    case 50:
      return "notification_icon";
    case 64:
      return "third_party_app";
    default:
      return "";
  }
}

const char* file_kind_name(FileKind k) {
  return k == FileKind::activity ? "activity" : "upload";
}

Bytes activity_file(const ActivityFileId& id, ByteView records) {
  Bytes out = encode_activity_file_id(id);
  out.push_back(0);
  out.insert(out.end(), records.begin(), records.end());
  put32(out, crc32(out));
  return out;
}

Bytes upload_file(std::uint8_t type, ByteView file) {
  Bytes out{0x00, type};
  const Bytes md5 = md5_of(file);
  out.insert(out.end(), md5.begin(), md5.end());
  put32(out, static_cast<std::uint32_t>(file.size()));
  out.insert(out.end(), file.begin(), file.end());
  put32(out, crc32(out));
  return out;
}

std::vector<Bytes> file_parts(ByteView whole, std::size_t part_data) {
  std::vector<Bytes> out;
  part_data = std::max<std::size_t>(part_data, 1);
  const std::size_t total = (whole.size() + part_data - 1) / part_data;
  for (std::size_t i = 0; i < total; ++i) {
    Bytes p;
    put16(p, static_cast<std::uint16_t>(total));
    put16(p, static_cast<std::uint16_t>(i + 1));
    const ByteView piece = whole.subspan(i * part_data, std::min(part_data, whole.size() - i * part_data));
    p.insert(p.end(), piece.begin(), piece.end());
    out.push_back(std::move(p));
  }
  return out;
}

struct FileStream::Md5 {
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  Md5() {
    if (ctx && EVP_DigestInit_ex(ctx, EVP_md5(), nullptr) != 1) {
      EVP_MD_CTX_free(ctx);
      ctx = nullptr;
    }
  }
  ~Md5() { EVP_MD_CTX_free(ctx); }
  Md5(const Md5&) = delete;
  Md5& operator=(const Md5&) = delete;
  void update(ByteView b) {
    if (ctx && !b.empty()) EVP_DigestUpdate(ctx, b.data(), b.size());
  }
  Bytes final() {
    Bytes out(16);
    unsigned int n = 0;
    if (!ctx || EVP_DigestFinal_ex(ctx, out.data(), &n) != 1 || n != 16) return {};
    return out;
  }
};

FileStream::FileStream(FileKind kind) : kind_(kind) {}
FileStream::~FileStream() = default;
FileStream::FileStream(FileStream&&) noexcept = default;
FileStream& FileStream::operator=(FileStream&&) noexcept = default;

std::optional<FileStream::Part> FileStream::parse_part(ByteView m) {
  if (m.size() < 4) return std::nullopt;
  return Part{load_u16le(m.data()), load_u16le(m.data() + 2), m.subspan(4)};
}

void FileStream::reset() {
  total_ = next_ = 0;
  size_ = 0;
  head_.clear();
  tail_len_ = 0;
  crc_ = 0;
  md5_.reset();
}

void FileStream::take(ByteView data) {
  // The head (the upload's 22 bytes; the activity id and byte 7 are within them).
  if (head_.size() < kUploadHeaderLen) {
    const std::size_t n = std::min(kUploadHeaderLen - head_.size(), data.size());
    head_.insert(head_.end(), data.begin(), data.begin() + static_cast<std::ptrdiff_t>(n));
  }
  // The upload's file bytes [22, 22 + declared size) through MD5, as they pass.
  if (kind_ == FileKind::upload && md5_ && head_.size() == kUploadHeaderLen) {
    const std::uint64_t begin = kUploadHeaderLen, end = begin + load_u32le(head_.data() + 18);
    const std::uint64_t at = size_, stop = size_ + data.size();
    const std::uint64_t from = std::max(at, begin), to = std::min(stop, end);
    if (from < to) md5_->update(data.subspan(static_cast<std::size_t>(from - at), static_cast<std::size_t>(to - from)));
  }
  size_ += data.size();
  // CRC-32 of everything but the last 4 bytes, which are held back (they are the CRC once the
  // file ends).
  const std::size_t n = tail_len_ + data.size();
  if (n <= 4) {
    std::memcpy(tail_.data() + tail_len_, data.data(), data.size());
    tail_len_ = n;
    return;
  }
  const std::size_t out = n - 4;  // bytes leaving the window, oldest first
  const std::size_t from_tail = std::min(out, tail_len_);
  crc_ = crc32(ByteView(tail_.data(), from_tail), crc_);
  const std::size_t from_data = out - from_tail;
  crc_ = crc32(data.first(from_data), crc_);
  std::array<std::uint8_t, 4> t{};
  std::size_t k = 0;
  for (std::size_t i = from_tail; i < tail_len_; ++i) t[k++] = tail_[i];
  for (std::size_t i = from_data; i < data.size(); ++i) t[k++] = data[i];
  tail_ = t;
  tail_len_ = 4;
}

FileReport FileStream::finish() {
  FileReport r;
  r.kind = kind_;
  r.first_frame = first_frame_;
  r.last_frame = last_frame_;
  r.parts = total_;
  r.size = size_;
  const std::size_t need = kind_ == FileKind::activity ? kActivityFileIdLen + 1 + 4 + 1 : kUploadHeaderLen + 4;
  // GB drops an activity file under 13 bytes (XiaomiActivityFileFetcher l.113-118).
  r.complete = size_ >= need && tail_len_ == 4;
  if (tail_len_ == 4) {
    r.crc = load_u32le(tail_.data());
    r.crc_computed = crc_;
    r.crc_ok = r.complete && r.crc == r.crc_computed;
  }
  if (kind_ == FileKind::activity) {
    if (head_.size() >= kActivityFileIdLen) {
      r.id.assign(head_.begin(), head_.begin() + kActivityFileIdLen);
      r.activity = parse_activity_file_id(r.id);
    }
    if (head_.size() > kActivityFileIdLen) r.byte7 = head_[kActivityFileIdLen];
  } else if (head_.size() == kUploadHeaderLen) {
    r.upload_type = head_[1];
    r.md5.assign(head_.begin() + 2, head_.begin() + 18);
    r.declared_size = load_u32le(head_.data() + 18);
    r.size_ok = size_ == kUploadHeaderLen + std::uint64_t{*r.declared_size} + 4;
    if (md5_) r.md5_computed = md5_->final();
    r.md5_ok = r.size_ok && !r.md5_computed.empty() && r.md5_computed == r.md5;
  } else {
    r.size_ok = false;
  }
  return r;
}

FileStream::Result FileStream::feed(ByteView message, std::uint64_t frame) {
  Result r;
  r.part = parse_part(message);
  if (!r.part) {
    r.trouble = Trouble::short_part;
    return r;
  }
  const Part& p = *r.part;
  if (p.number == 1) {  // part 1 starts a file (GB resets its buffer, l.96-99)
    reset();
    total_ = p.total;
    next_ = 1;
    first_frame_ = frame;
    if (kind_ == FileKind::upload) md5_ = std::make_unique<Md5>();
  }
  if (next_ == 0 || p.number != next_ || p.total != total_ || p.total == 0) {
    r.trouble = Trouble::out_of_order;
    r.expected = next_;
    reset();
    return r;
  }
  last_frame_ = frame;
  take(p.data);
  if (p.number < total_) {
    ++next_;
    return r;
  }
  r.file = finish();
  if (!r.file->complete) r.trouble = Trouble::short_file;
  reset();
  return r;
}

}  // namespace fe95::miwear
