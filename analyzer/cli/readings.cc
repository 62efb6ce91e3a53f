// SPDX-License-Identifier: GPL-2.0-or-later
#include "readings.h"

#include <cerrno>
#include <charconv>
#include <cstring>

#include "common.h"
#include "fe95/mibeacon/products.h"

namespace fe95::cli {

namespace {
constexpr std::size_t kFlushBytes = 1 << 16;
}

std::string csv_cell(std::string_view s) {
  if (s.find_first_of(",\"\r\n") == std::string_view::npos) return std::string(s);
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

ReadingsWriter::~ReadingsWriter() {
  close();
}

bool ReadingsWriter::open(const std::string& path, bool json, std::string& error) {
  out_ = std::fopen(path.c_str(), "wb");
  if (!out_) {
    error = std::strerror(errno);
    return false;
  }
  json_ = json;
  if (!json_) {
    buf_.append(kReadingsHeader);
    buf_.push_back('\n');
  }
  return true;
}

void ReadingsWriter::add(const std::string& file, const BeaconEvent& b) {
  if (!out_ || b.retransmission) return;
  if (file != file_) {
    file_ = file;
    file_cell_ = json_ ? Json(file).dump(-1, ' ', false, Json::error_handler_t::replace) : csv_cell(file);
  }
  const char* model = product_name(b.frame.product_id);
  char time[kIsoTimeLen];
  write_iso_time(time, b.rec.ts_ns);
  const std::string_view when(time, kIsoTimeLen);
  const std::string device = b.device.str();
  for (const auto& o : b.frame.objects)
    for (const auto& v : o.values) {
      ++rows_;
      if (json_) {
        JsonWriter w(buf_);
        w.begin_object().key("type").plain("reading").key("time").time(b.rec.ts_ns).key("device").address(b.device);
        if (model) w.key("model").plain(model);
        w.key("quantity").plain(v.name).key("value").number(v.value).key("unit").plain(v.unit);
        w.key("frame").number(b.rec.frame);
        if (v.text) w.key("text").plain(v.text);
        w.key("file").raw(file_cell_).end_object();
      } else {
        // Model codes, keys, units and texts are fe95's own constants: no comma or quote.
        char value[32];
        auto [end, ec] = std::to_chars(value, value + sizeof value, v.value);
        buf_.append(when);
        buf_.push_back(',');
        buf_.append(device);
        buf_.push_back(',');
        buf_.append(model ? csv_cell(model) : "");
        buf_.push_back(',');
        buf_.append(v.name);
        buf_.push_back(',');
        buf_.append(std::string_view(value, static_cast<std::size_t>(end - value)));
        buf_.push_back(',');
        buf_.append(v.unit);
        buf_.push_back(',');
        buf_.append(std::to_string(b.rec.frame));
        buf_.push_back(',');
        buf_.append(v.text ? v.text : "");
        buf_.push_back(',');
        buf_.append(file_cell_);
      }
      buf_.push_back('\n');
    }
  if (buf_.size() > kFlushBytes) flush();
}

void ReadingsWriter::flush() {
  if (!out_) return;
  buf_.flush_to(out_);
  if (std::ferror(out_)) failed_ = true;
}

bool ReadingsWriter::close() {
  if (!out_) return !failed_;
  flush();
  if (std::fclose(out_) != 0) failed_ = true;
  out_ = nullptr;
  return !failed_;
}

}  // namespace fe95::cli
