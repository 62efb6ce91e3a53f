// SPDX-License-Identifier: GPL-2.0-or-later
// `fe95 verify --junit FILE`: the results as JUnit XML, which CI systems (GitHub Actions through a
// test-report action, GitLab's artifacts:reports:junit, Jenkins) show as tests. One <testsuite>
// per capture, one <testcase> per session (a capture with no session gets one for itself);
// failures carry the session's status and its finding codes. Streamed through temporary files:
// memory does not grow with the sessions. Deterministic (no times, no host names).
#pragma once

#include <cstdio>
#include <string>
#include <vector>

namespace fe95::cli {

class JunitReport {
 public:
  // An empty path: the report is off and every call does nothing.
  explicit JunitReport(std::string path);
  ~JunitReport();
  JunitReport(const JunitReport&) = delete;
  JunitReport& operator=(const JunitReport&) = delete;

  void begin_capture(const std::string& file);
  // A session: passed, failed (message: status and codes; details: one line each), or skipped
  // (a standard register: nothing in the capture to check a token against).
  enum class Result { passed, failed, skipped };
  void add_session(const std::string& name, Result result, const std::string& message, const std::string& details);
  // The capture could not be read, or was damaged partway.
  void capture_error(const std::string& message);
  // Shown with the capture's suite (<system-out>): the note on cut packets.
  void note(const std::string& text);
  void end_capture();
  // Writes the file (beside it, then renamed over it). False with the reason on stderr.
  bool finish();

 private:
  void testcase(const std::string& name, const char* element, const std::string& message, const std::string& body,
                const char* type);
  std::string path_;
  std::string file_;
  std::FILE* suite_ = nullptr;  // the current capture's test cases
  std::FILE* body_ = nullptr;   // every finished suite
  std::string notes_;
  unsigned tests_ = 0, failures_ = 0, errors_ = 0, skipped_ = 0;  // this capture
  unsigned all_tests_ = 0, all_failures_ = 0, all_errors_ = 0, all_skipped_ = 0;
  bool sessions_ = false, failed_io_ = false;
};

// XML text with &, <, >, " and ' escaped, and control characters other than tab and newline
// (not allowed in XML 1.0) as U+FFFD.
std::string xml_escape(const std::string& s);

}  // namespace fe95::cli
