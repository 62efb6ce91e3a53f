// `fe95 analyze`: FE95 sessions per device, as a readable report or JSON Lines.
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <unistd.h>

#include "commands.h"
#include "common.h"
#include "fe95/analysis.h"
#include "session_output.h"

namespace fe95::cli {

namespace {

class Collector final : public AnalysisSink {
public:
  Collector(std::string file, bool json) : file_(std::move(file)), json_(json) {}
  void on_session(const miauth::Session& s) override {
    if (json_) write_line(stdout, session_json(file_, s));
    else sessions.push_back(s);
  }
  std::vector<miauth::Session> sessions;

private:
  std::string file_;
  bool json_;
};

// Writes the merged keys next to the target and renames it over: a failed run leaves the old file.
bool export_keys(const std::string& path, const std::vector<KeyEntry>& existing, const std::vector<KeyEntry>& learned) {
  const std::string text = format_keys(merge_keys(existing, learned));
  const std::string tmp = path + ".tmp." + std::to_string(::getpid());
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out << text;
    out.flush();
    if (!out) {
      std::fprintf(stderr, "fe95: %s: cannot write: %s\n", tmp.c_str(), std::strerror(errno));
      std::filesystem::remove(tmp);
      return false;
    }
  }
  std::error_code ec;
  std::filesystem::rename(tmp, path, ec);
  if (ec) {
    std::fprintf(stderr, "fe95: %s: cannot replace: %s\n", path.c_str(), ec.message().c_str());
    std::filesystem::remove(tmp);
    return false;
  }
  return true;
}

}  // namespace

int run_analyze(const AnalyzeOptions& opt) {
  KeyStore keys;
  std::vector<KeyEntry> existing;
  if (!load_keys(keys, opt.tokens, opt.mac, opt.pid, opt.keys_file)) return kExitUsage;
  if (!opt.export_keys.empty() && std::filesystem::exists(opt.export_keys)) {
    // The export file's own lines are kept whatever happens; read them (and check them) first.
    KeyStore scratch;
    if (!load_keys(scratch, {}, "", "", opt.export_keys, &existing)) return kExitUsage;
  }
  int rc = kExitOk;
  std::vector<FileSessions> report;
  for (const auto& file : ordered_inputs(opt.inputs)) {
    Collector sink(file, opt.json);
    Analysis analysis(keys, sink);
    Stack stack(analysis);
    Progress progress(opt.quiet, file);
    CaptureOutcome o = run_capture_file(file, stack, progress.fn());
    std::fflush(stdout);
    if (o.status != CaptureOutcome::Status::ok) {
      error_line(file, o);
      rc = kExitInput;
    }
    if (!opt.json) report.push_back({file, o, std::move(sink.sessions)});
  }
  if (!opt.json) print_report(stdout, report);
  if (!opt.export_keys.empty() && !export_keys(opt.export_keys, existing, keys.learned())) return kExitInput;
  return rc;
}

int run_verify(const VerifyOptions& opt) {
  KeyStore keys;
  std::vector<KeyEntry> entries;
  if (opt.tokens.empty() && opt.keys_file.empty()) {
    std::fprintf(stderr, "fe95: verify needs --token HEX or --keys FILE\n");
    return kExitUsage;
  }
  if (!load_keys(keys, opt.tokens, opt.mac, opt.pid, opt.keys_file, &entries)) return kExitUsage;
  // The expected tokens: a register session passes only if it recovers one of them.
  std::vector<miauth::Token> expected;
  for (const auto& t : opt.tokens) expected.push_back(*parse_token(t));
  for (const auto& e : entries)
    if (e.token) expected.push_back(*e.token);

  bool unusable = false;
  std::size_t sessions = 0, passed = 0;
  for (const auto& file : ordered_inputs(opt.inputs)) {
    Collector sink(file, false);
    Analysis analysis(keys, sink);
    Stack stack(analysis);
    CaptureOutcome o = run_capture_file(file, stack);
    if (o.status != CaptureOutcome::Status::ok) {
      error_line(file, o);
      unusable = true;
    }
    for (const auto& s : sink.sessions) {
      ++sessions;
      bool ok = s.status == miauth::Status::verified;
      std::string why = miauth::status_name(s.status);
      if (ok && s.kind == miauth::Kind::register_session &&
          std::find(expected.begin(), expected.end(), *s.token) == expected.end()) {
        ok = false;
        why = "unexpected_token";
      }
      passed += ok;
      std::printf("%s %s frames %llu-%llu %s %s%s%s\n", ok ? "PASS" : "FAIL", file.c_str(),
                  static_cast<unsigned long long>(s.first_frame), static_cast<unsigned long long>(s.last_frame),
                  s.device ? s.device->str().c_str() : "(unknown)", miauth::kind_name(s.kind), ok ? "" : " ",
                  ok ? "" : why.c_str());
    }
  }
  std::printf("%zu passed, %zu failed\n", passed, sessions - passed);
  if (unusable) return kExitUsage;
  if (sessions == 0) {
    std::fprintf(stderr, "fe95: no FE95 session in the input\n");
    return kExitNotVerified;
  }
  return passed == sessions ? kExitOk : kExitNotVerified;
}

}  // namespace fe95::cli
