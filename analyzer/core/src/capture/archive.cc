// SPDX-License-Identifier: GPL-2.0-or-later
// Compressed captures (gzip, zstd, lz4, xz) and the members of zip archives (Android bugreports),
// both read through libarchive's streaming API: no decompressor or zip reader of our own, and a
// fixed window of decompressed bytes, so memory does not grow with the data (docs/PHONE_LOGS.md §3).
#include "fe95/capture/archive.h"

#include <archive.h>
#include <archive_entry.h>
#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "capture/internal.h"

namespace fe95 {

namespace {

// Raw stream: the whole input is one compressed stream; libarchive's "raw" format gives its
// decompressed bytes as the data of a single entry.
void support_filter(struct archive* a, Compression c) {
  switch (c) {
    case Compression::gzip:
      archive_read_support_filter_gzip(a);
      break;
    case Compression::zstd:
      archive_read_support_filter_zstd(a);
      break;
    case Compression::lz4:
      archive_read_support_filter_lz4(a);
      break;
    case Compression::xz:
      archive_read_support_filter_xz(a);
      break;
    case Compression::none:
      break;
  }
}

// libarchive reads the compressed bytes from a ByteSource through these callbacks. A window
// handed out stays valid until the next read, when it is consumed.
struct CallbackInput {
  std::unique_ptr<ByteSource> src;
  std::size_t pending = 0;
};

la_ssize_t read_callback(struct archive* a, void* data, const void** buf) {
  auto* in = static_cast<CallbackInput*>(data);
  if (in->pending) {
    in->src->consume(in->pending);
    in->pending = 0;
  }
  const std::uint8_t* p = in->src->need(1);
  if (!p) {
    if (!in->src->io_error().empty()) {
      archive_set_error(a, EIO, "%s", in->src->io_error().c_str());
      return -1;
    }
    return 0;  // end of the compressed bytes
  }
  *buf = p;
  in->pending = in->src->available();
  return static_cast<la_ssize_t>(in->pending);
}

std::string archive_message(struct archive* a, const char* fallback) {
  const char* e = archive_error_string(a);
  return e && *e ? e : fallback;
}

// Where a bugreport keeps the snoop logs (docs/PHONE_LOGS.md §1): AOSP's folder and the vendor one.
constexpr const char* kLogFolders[] = {"FS/data/misc/bluetooth/logs/", "FS/data/log/bt/"};

bool in_log_folder(const std::string& name) {
  return std::any_of(std::begin(kLogFolders), std::end(kLogFolders),
                     [&](const char* f) { return name.rfind(f, 0) == 0 && name.size() > std::strlen(f); });
}

// The bugreport's own text (BTSNOOZ, §1) lies at the top of the zip: bugreport-….txt, or
// dumpstate.txt on older releases.
bool top_level_text(const std::string& name) {
  return name.find('/') == std::string::npos && name.size() > 4 && name.compare(name.size() - 4, 4, ".txt") == 0;
}

struct ZipReader {
  struct archive* a = nullptr;
  std::string error;
  ~ZipReader() {
    if (a) archive_read_free(a);
  }
};

// path names the zip file, unless from_memory (libarchive would read stdin for an empty name).
bool open_zip(ZipReader& z, const std::string& path, bool from_memory, ByteView memory) {
  z.a = archive_read_new();
  archive_read_support_format_zip(z.a);
  const int rc = from_memory ? archive_read_open_memory(z.a, memory.data(), memory.size())
                             : archive_read_open_filename(z.a, path.c_str(), 1u << 16);
  if (rc != ARCHIVE_OK) {
    z.error = archive_message(z.a, "libarchive cannot open the zip");
    return false;
  }
  return true;
}

// Walks the zip's entries; for each regular one calls fn(name, entry); fn returns false to stop.
// Returns the error that ended the walk early, or "".
template <class Fn>
std::string walk_zip(ZipReader& z, Fn fn) {
  struct archive_entry* e = nullptr;
  for (;;) {
    const int rc = archive_read_next_header(z.a, &e);
    if (rc == ARCHIVE_EOF) return "";
    if (rc < ARCHIVE_WARN) return archive_message(z.a, "damaged zip directory");
    const char* name = archive_entry_pathname(e);
    if (!name || archive_entry_filetype(e) != AE_IFREG) continue;
    if (!fn(std::string(name), e)) return "";
  }
}

ZipListing list_zip(const std::string& path, bool from_memory, ByteView memory) {
  ZipListing out;
  ZipReader z;
  if (!open_zip(z, path, from_memory, memory)) {
    out.error = z.error;
    return out;
  }
  std::size_t texts = 0;
  out.error = walk_zip(z, [&](const std::string& name, struct archive_entry* e) {
    const bool log = in_log_folder(name);
    if (!log && !top_level_text(name)) return true;
    if (!log && ++texts > kMaxZipTexts) {
      ++out.texts_not_scanned;
      return true;
    }
    if (out.members.size() >= kMaxZipCaptures) {
      if (log) ++out.captures_not_read;
      return true;
    }
    // Read the member as fe95 would (a capture by content, or a text with a BTSNOOZ section).
    StreamOrigin origin;
    origin.size = archive_entry_size_is_set(e) ? static_cast<std::uint64_t>(archive_entry_size(e)) : 0;
    OpenResult r = open_stream(std::make_unique<ArchiveSource>(z.a, false), origin);
    if (r.reader) {
      ZipMember m;
      m.name = name;
      m.format = r.reader->format();
      Record rec;
      if (r.reader->next(rec) == ReadStatus::ok) m.first_ts_ns = rec.ts_ns;
      out.members.push_back(std::move(m));
    } else if (log) {
      (r.unreadable ? out.unreadable : out.skipped).push_back({name, r.error});
    }
    return true;
  });
  return out;
}

OpenResult open_member(const std::string& path, bool from_memory, ByteView memory, const std::string& member) {
  OpenResult r;
  auto z = std::make_unique<ZipReader>();
  if (!open_zip(*z, path, from_memory, memory)) {
    r.error = z->error;
    return r;
  }
  struct archive_entry* found = nullptr;
  const std::string walk_error = walk_zip(*z, [&](const std::string& name, struct archive_entry* e) {
    if (name != member) return true;
    found = e;
    return false;
  });
  if (!found) {
    r.error = walk_error.empty() ? "no member \"" + member + "\" in this zip" : walk_error;
    return r;
  }
  StreamOrigin origin;
  origin.size = archive_entry_size_is_set(found) ? static_cast<std::uint64_t>(archive_entry_size(found)) : 0;
  struct archive* a = z->a;
  z->a = nullptr;  // the source owns it from here
  return open_stream(std::make_unique<ArchiveSource>(a, true), origin);
}

}  // namespace

Compression detect_compression(const std::uint8_t* p, std::size_t n) {
  if (n >= 3 && p[0] == 0x1f && p[1] == 0x8b && p[2] == 0x08) return Compression::gzip;  // RFC 1952
  if (n >= 4 && load_u32le(p) == 0xfd2fb528) return Compression::zstd;                   // RFC 8878 frame
  if (n >= 4 && load_u32le(p) == 0x184d2204) return Compression::lz4;                    // LZ4 frame format
  if (n >= 6 && std::memcmp(p,
                            "\xfd"
                            "7zXZ\0",
                            6) == 0)
    return Compression::xz;  // .xz file format
  return Compression::none;
}

const char* compression_name(Compression c) {
  switch (c) {
    case Compression::gzip:
      return "gzip";
    case Compression::zstd:
      return "zstd";
    case Compression::lz4:
      return "lz4";
    case Compression::xz:
      return "xz";
    case Compression::none:
      return "none";
  }
  return "?";
}

bool is_zip_magic(const std::uint8_t* p, std::size_t n) {
  // A local file header, or the end record of an empty zip (APPNOTE 4.3.7, 4.3.16).
  return n >= 4 && p[0] == 'P' && p[1] == 'K' && ((p[2] == 3 && p[3] == 4) || (p[2] == 5 && p[3] == 6));
}

ArchiveSource::ArchiveSource(struct archive* a, bool owns, std::shared_ptr<void> under)
    : a_(a), owns_(owns), under_(std::move(under)), buf_(kBufferBytes), raw_base_(archive_filter_bytes(a, -1)) {}

ArchiveSource::~ArchiveSource() {
  if (owns_ && a_) archive_read_free(a_);
}

std::uint64_t ArchiveSource::raw_position() const {
  if (raw_counter_) return raw_counter_();
  const std::int64_t raw = archive_filter_bytes(a_, -1) - raw_base_;
  return raw > 0 ? static_cast<std::uint64_t>(raw) : 0;
}

const std::uint8_t* ArchiveSource::need(std::size_t n) {
  if (end_ - begin_ >= n) return buf_.data() + begin_;
  if (n > buf_.size() || done_) return nullptr;
  std::memmove(buf_.data(), buf_.data() + begin_, end_ - begin_);
  end_ -= begin_;
  begin_ = 0;
  while (end_ < n) {
    if (block_used_ == block_size_) {
      // Block by block (archive_read_data would drop the bytes of a call that ends in an error):
      // a damaged stream still gives every whole block before the damage.
      const void* block = nullptr;
      std::size_t size = 0;
      la_int64_t offset = 0;
      const int rc = archive_read_data_block(a_, &block, &size, &offset);
      if (rc == ARCHIVE_EOF) {
        done_ = true;  // end of the stream
        return nullptr;
      }
      if (rc < ARCHIVE_WARN) {
        io_error_ = archive_message(a_, "decompression failed");
        done_ = true;
        return nullptr;
      }
      block_ = static_cast<const std::uint8_t*>(block);
      block_size_ = size;
      block_used_ = 0;
      produced_ += size;
      if (produced_ > kExpansionFloor && produced_ / kMaxExpansion > raw_position()) {
        io_error_ = "more than " + std::to_string(kMaxExpansion) + " decompressed bytes per compressed byte after " +
                    std::to_string(kExpansionFloor >> 20) + " MiB: a compression bomb, not a capture (stopped)";
        done_ = true;
        return nullptr;
      }
    }
    const std::size_t take = std::min(buf_.size() - end_, block_size_ - block_used_);
    if (take) std::memcpy(buf_.data() + end_, block_ + block_used_, take);  // an empty block may be null
    end_ += take;
    block_used_ += take;
  }
  return buf_.data();
}

void ArchiveSource::consume(std::size_t n) {
  begin_ += n;
  pos_ += n;
}

std::size_t ArchiveSource::available() const {
  return end_ - begin_;
}

std::unique_ptr<ArchiveSource> open_compressed(std::unique_ptr<ByteSource> src, Compression c, std::string& error) {
  auto in = std::make_shared<CallbackInput>();
  in->src = std::move(src);
  struct archive* a = archive_read_new();
  support_filter(a, c);
  archive_read_support_format_raw(a);
  struct archive_entry* e = nullptr;
  if (archive_read_open(a, in.get(), nullptr, read_callback, nullptr) != ARCHIVE_OK ||
      archive_read_next_header(a, &e) < ARCHIVE_WARN) {
    error = std::string(compression_name(c)) + ": " + archive_message(a, "cannot decompress");
    archive_read_free(a);
    return nullptr;
  }
  CallbackInput* counted = in.get();
  auto src_out = std::make_unique<ArchiveSource>(a, true, std::move(in));
  src_out->set_raw_counter([counted] { return counted->src->position() + counted->pending; });
  return src_out;
}

bool split_member(const std::string& path, std::string& zip, std::string& member) {
  struct stat st {};
  if (::stat(path.c_str(), &st) == 0) return false;  // the whole is a file: not a member
  for (std::size_t bang = path.find('!'); bang != std::string::npos; bang = path.find('!', bang + 1)) {
    const std::string head = path.substr(0, bang);
    if (::stat(head.c_str(), &st) == 0 && S_ISREG(st.st_mode)) {
      zip = head;
      member = path.substr(bang + 1);
      return !member.empty();
    }
  }
  return false;
}

OpenResult open_zip_member(const std::string& zip, const std::string& member) {
  return open_member(zip, false, {}, member);
}

bool is_zip(const std::string& path) {
  std::uint8_t h[4] = {};
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (!f) return false;
  const std::size_t n = std::fread(h, 1, sizeof h, f);
  std::fclose(f);
  return is_zip_magic(h, n);
}

ZipListing list_zip_captures(const std::string& path) {
  return list_zip(path, false, {});
}
ZipListing list_zip_captures_memory(ByteView data) {
  return list_zip("", true, data);
}
OpenResult open_zip_member_memory(ByteView data, const std::string& member) {
  return open_member("", true, data, member);
}

std::string member_path(const std::string& zip, const std::string& member) {
  return zip + "!" + member;
}

}  // namespace fe95
