// SPDX-License-Identifier: GPL-2.0-or-later
#include "junit.h"

#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

namespace fe95::cli {

namespace {

// Appends the whole of from (rewound) to to.
bool copy_all(std::FILE* from, std::FILE* to) {
  std::rewind(from);
  char buf[1 << 15];
  for (std::size_t n; (n = std::fread(buf, 1, sizeof buf, from)) > 0;)
    if (std::fwrite(buf, 1, n, to) != n) return false;
  return !std::ferror(from);
}

}  // namespace

std::string xml_escape(const std::string& s) {
  std::string out;
  out.reserve(s.size());
  for (const char c : s) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&apos;";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20 && c != '\t' && c != '\n')
          out += "\xef\xbf\xbd";
        else
          out += c;
    }
  }
  return out;
}

JunitReport::JunitReport(std::string path) : path_(std::move(path)) {
  if (path_.empty()) return;
  body_ = std::tmpfile();
  suite_ = std::tmpfile();
  failed_io_ = !body_ || !suite_;
}

JunitReport::~JunitReport() {
  if (suite_) std::fclose(suite_);
  if (body_) std::fclose(body_);
}

void JunitReport::begin_capture(const std::string& file) {
  if (path_.empty()) return;
  file_ = file;
  notes_.clear();
  tests_ = failures_ = errors_ = skipped_ = 0;
  sessions_ = false;
  if (suite_) std::fclose(suite_);
  suite_ = std::tmpfile();
  failed_io_ = failed_io_ || !suite_;
}

void JunitReport::testcase(const std::string& name, const char* element, const std::string& message,
                           const std::string& body, const char* type) {
  if (!suite_) return;
  std::fprintf(suite_, "    <testcase name=\"%s\" classname=\"%s\"", xml_escape(name).c_str(),
               xml_escape(file_).c_str());
  if (!element) {
    std::fputs("/>\n", suite_);
    return;
  }
  std::fprintf(suite_, ">\n      <%s message=\"%s\"", element, xml_escape(message).c_str());
  if (type) std::fprintf(suite_, " type=\"%s\"", type);
  if (body.empty())
    std::fputs("/>\n", suite_);
  else
    std::fprintf(suite_, ">%s</%s>\n", xml_escape(body).c_str(), element);
  std::fputs("    </testcase>\n", suite_);
}

void JunitReport::add_session(const std::string& name, Result result, const std::string& message,
                              const std::string& details) {
  if (path_.empty()) return;
  sessions_ = true;
  ++tests_;
  switch (result) {
    case Result::passed:
      testcase(name, nullptr, "", "", nullptr);
      break;
    case Result::failed:
      ++failures_;
      testcase(name, "failure", message, details, "fe95.verify");
      break;
    case Result::skipped:
      ++skipped_;
      testcase(name, "skipped", message, "", nullptr);
      break;
  }
}

void JunitReport::capture_error(const std::string& message) {
  if (path_.empty()) return;
  ++tests_;
  ++errors_;
  testcase(file_, "error", message, "", "fe95.input");
}

void JunitReport::note(const std::string& text) {
  if (!path_.empty()) notes_ += text + "\n";
}

void JunitReport::end_capture() {
  if (path_.empty() || !suite_ || !body_) return;
  // A capture without a session is one test case of its own: verify fails on it.
  if (!sessions_ && errors_ == 0) {
    ++tests_;
    ++failures_;
    testcase(file_, "failure", "no FE95 session in this capture", "", "fe95.verify");
  }
  std::fprintf(body_, "  <testsuite name=\"%s\" tests=\"%u\" failures=\"%u\" errors=\"%u\" skipped=\"%u\">\n",
               xml_escape(file_).c_str(), tests_, failures_, errors_, skipped_);
  failed_io_ = failed_io_ || !copy_all(suite_, body_);
  if (!notes_.empty()) std::fprintf(body_, "    <system-out>%s</system-out>\n", xml_escape(notes_).c_str());
  std::fputs("  </testsuite>\n", body_);
  all_tests_ += tests_;
  all_failures_ += failures_;
  all_errors_ += errors_;
  all_skipped_ += skipped_;
}

bool JunitReport::finish() {
  if (path_.empty()) return true;
  const std::string tmp = path_ + ".tmp." + std::to_string(::getpid());
  std::FILE* out = std::fopen(tmp.c_str(), "wb");
  bool ok = out && !failed_io_;
  if (out) {
    std::fprintf(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    std::fprintf(out, "<testsuites name=\"fe95 verify\" tests=\"%u\" failures=\"%u\" errors=\"%u\" skipped=\"%u\">\n",
                 all_tests_, all_failures_, all_errors_, all_skipped_);
    ok = ok && copy_all(body_, out);
    std::fputs("</testsuites>\n", out);
    ok = std::fflush(out) == 0 && !std::ferror(out) && ok;
    ok = std::fclose(out) == 0 && ok;
  }
  std::error_code ec;
  if (ok) std::filesystem::rename(tmp, path_, ec);
  if (!ok || ec) {
    std::fprintf(stderr, "fe95: %s: cannot write the JUnit report: %s\n", path_.c_str(),
                 ec ? ec.message().c_str() : std::strerror(errno));
    std::filesystem::remove(tmp, ec);
    return false;
  }
  return true;
}

}  // namespace fe95::cli
