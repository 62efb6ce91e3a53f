// SPDX-License-Identifier: GPL-2.0-or-later
// `fe95 analyze`: FE95 sessions per device, as a readable report or JSON Lines.
#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <functional>
#include <fstream>
#include <unistd.h>

#include "commands.h"
#include "common.h"
#include "fe95/analysis.h"
#include "session_output.h"

namespace fe95::cli {

namespace {

// Receives one capture's results and prints them as they come: JSON Lines, the text report
// (session batches, --beacons lines, then the file's summary), or verify's PASS/FAIL lines.
// Nothing grows with the file: JSON and session batches are flushed, advert summaries are an LRU.
class Collector final : public AnalysisSink {
public:
  enum class Mode { json, text, verify };
  using SessionFn = std::function<void(const miauth::Session&)>;
  Collector(std::string file, Mode mode, bool list_beacons, SessionFn on_verify = {})
      : file_(std::move(file)), file_json_(Json(file_).dump()), mode_(mode), list_beacons_(list_beacons),
        on_verify_(std::move(on_verify)) {}
  ~Collector() override { flush(); }
  Collector(const Collector&) = delete;
  Collector& operator=(const Collector&) = delete;
  // Whole lines only: output written before an error is complete JSON Lines.
  void flush() {
    buf_.flush_to(stdout);
    if (!batch_.empty()) {
      print_sessions(stdout, batch_);
      batch_.clear();
    }
  }
  void on_session(const miauth::Session& s) override {
    ++summary_.sessions;
    summary_.verified += s.status == miauth::Status::verified;
    switch (mode_) {
      case Mode::json:
        write_session(buf_, file_json_, s);
        if (buf_.size() > kFlushBytes) flush();
        break;
      case Mode::text:
        batch_.push_back(s);
        if (batch_.size() >= kSessionBatch) flush();
        break;
      case Mode::verify: on_verify_(s); break;
    }
  }
  void on_diagnostic(const Diagnostic& d) override {
    ++summary_.diagnostics;
    if (mode_ == Mode::json) {
      write_diagnostic(buf_, file_json_, d);
      if (buf_.size() > kFlushBytes) flush();
    } else if (summary_.first_diagnostics.size() < kShownDiagnostics) {
      summary_.first_diagnostics.push_back(d);
    }
  }
  void on_link(const Record& rec, const Connection& c, std::uint8_t reason) override {
    ++summary_.links_total;
    if (mode_ == Mode::json) {
      write_link(buf_, file_json_, rec, c, reason);
      if (buf_.size() > kFlushBytes) flush();
    } else if (mode_ == Mode::text && summary_.links.size() < kShownLinks) {
      summary_.links.push_back(link_line(c, reason));
    }
  }
  void on_beacon(const BeaconEvent& b) override {
    ++summary_.adverts;
    if (mode_ == Mode::json) {
      write_beacon(buf_, file_json_, b);
      if (buf_.size() > kFlushBytes) flush();
      return;
    }
    if (mode_ != Mode::text) return;
    std::optional<std::pair<std::uint64_t, BeaconSummary>> evicted;
    BeaconSummary& it = beacons_.get(b.device.key(), &evicted);
    if (evicted) {  // past the cap: the least recently seen joins the "more devices" line
      ++summary_.other_beacons.devices;
      summary_.other_beacons.frames += evicted->second.frames;
      if (summary_.other_beacons.devices == 1) {
        Diagnostic d;
        d.frame = b.rec.frame;
        d.offset = b.rec.offset;
        d.code = Code::report_device_evicted;
        d.message = "more than " + std::to_string(kMaxReportDevices) +
                    " advertisers: the report lists the most recently seen and counts the others";
        on_diagnostic(d);
      }
    }
    if (it.frames == 0) {
      it.device = b.device;
      it.first_frame = b.rec.frame;
    }
    const auto& f = b.frame;
    it.product_id = f.product_id;
    it.last_frame = b.rec.frame;
    ++it.frames;
    if (std::find(it.versions.begin(), it.versions.end(), f.fc.version()) == it.versions.end())
      it.versions.push_back(f.fc.version());
    it.encrypted += f.fc.encrypted();
    it.decrypted += f.status == mibeacon::Status::decrypted;
    it.no_key += f.status == mibeacon::Status::encrypted_no_key;
    it.wrong_key += f.status == mibeacon::Status::wrong_key;
    it.malformed += f.status == mibeacon::Status::malformed;
    it.retransmissions += b.retransmission;
    if (!f.objects.empty()) it.last_objects = f.objects;  // reuses the vector's storage
    if (list_beacons_) {
      flush();  // sessions that ended before this advert come first
      const std::string line = beacon_line(b);
      std::fprintf(stdout, "%s\n", line.c_str());
    }
  }
  // The end of the capture: the file record (JSON) or the report's summary lines (text).
  void finish(const CaptureOutcome& o) {
    flush();
    summary_.outcome = o;
    if (mode_ == Mode::json) {
      Json j;
      j["type"] = "file";
      j["file"] = file_;
      j["format"] = o.format;
      j["status"] = outcome_name(o.status);
      if (!o.error.empty()) {
        j["error"] = o.error;
        j["error_offset"] = o.error_offset;
      }
      j["records"] = o.records;
      j["sessions"] = summary_.sessions;
      j["adverts"] = summary_.adverts;
      j["diagnostics"] = summary_.diagnostics;
      write_line(stdout, j);
    } else if (mode_ == Mode::text) {
      // The per-device summaries, in order of first appearance.
      beacons_.for_each([&](std::uint64_t, const BeaconSummary& b) { summary_.beacons.push_back(b); });
      std::sort(summary_.beacons.begin(), summary_.beacons.end(),
                [](const auto& a, const auto& b) { return a.first_frame < b.first_frame; });
      print_file_tail(stdout, summary_);
    }
    std::fflush(stdout);
  }
  [[nodiscard]] const FileSummary& summary() const { return summary_; }

private:
  static const char* outcome_name(CaptureOutcome::Status s) {
    switch (s) {
      case CaptureOutcome::Status::ok: return "ok";
      case CaptureOutcome::Status::unreadable: return "unreadable";
      case CaptureOutcome::Status::damaged: return "damaged";
    }
    return "?";
  }
  static constexpr std::size_t kFlushBytes = 1 << 16;
  std::string file_, file_json_;
  Mode mode_;
  bool list_beacons_;
  SessionFn on_verify_;
  OutBuffer buf_;
  std::vector<miauth::Session> batch_;
  FileSummary summary_;
  LruMap<BeaconSummary> beacons_{kMaxReportDevices};
};

// Runs one capture through the analysis into the collector. The text report's head line is
// printed as soon as the capture is open, so that sessions can follow it as they end.
CaptureOutcome analyze_file(const std::string& file, KeyStore& keys, Collector& sink, bool text_head,
                            const ProgressFn& progress = {}) {
  OpenResult opened = open_capture(file);
  if (text_head) print_file_head(stdout, file, opened.reader ? opened.reader->format() : "", opened.error);
  CaptureOutcome o;
  if (!opened.reader) {
    o.status = CaptureOutcome::Status::unreadable;
    o.error = opened.error;
    o.error_offset = opened.error_offset;
  } else {
    Analysis analysis(keys, sink);
    Stack stack(analysis);
    o = run_capture(*opened.reader, stack, progress);
  }
  sink.finish(o);
  return o;
}

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

namespace {

struct Totals {
  std::uint64_t files = 0, bad_files = 0, records = 0, bytes = 0, sessions = 0, verified = 0, adverts = 0;
};

}  // namespace

int run_analyze(const AnalyzeOptions& opt) {
  KeyStore keys;
  std::vector<KeyEntry> existing;
  if (!load_keys(keys, opt.keys)) return kExitUsage;
  for (const auto& bk : opt.bind_keys) {
    // MAC=HEX: 32 hex digits are a v4/v5 bind key, 24 (optionally + FFFFFFFF) a legacy beacon key.
    const auto eq = bk.find('=');
    KeyEntry e;
    if (eq != std::string::npos) {
      e.mac = BdAddr::parse(bk.substr(0, eq));
      const std::string key = bk.substr(eq + 1);
      // 24 hex + FFFFFFFF (cloud form) is also 32 digits: keep both readings, the frame's
      // version picks the one that applies.
      e.bind_key = parse_bind_key(key);
      e.beacon_key = parse_beacon_key(key);
    }
    if (!e.mac || (!e.bind_key && !e.beacon_key)) {
      std::fprintf(stderr,
                   "fe95: --bindkey \"%s\": expected MAC=KEY, KEY 32 hex digits (bind key) or 24 (beacon key)\n",
                   bk.c_str());
      return kExitUsage;
    }
    keys.add_entry(e, Source::option);
  }
  if (!opt.export_keys.empty() && std::filesystem::exists(opt.export_keys)) {
    // The export file's own lines are kept whatever happens; read them (and check them) first.
    KeyStore scratch;
    if (!load_keys(scratch, KeyOptions{{}, "", "", opt.export_keys}, &existing)) return kExitUsage;
  }
  int rc = kExitOk;
  Totals total;
  const auto inputs = ordered_inputs(opt.inputs);
  for (const auto& file : inputs) {
    Collector sink(file, opt.json ? Collector::Mode::json : Collector::Mode::text, opt.beacons);
    Progress progress(opt.quiet, file);
    const CaptureOutcome o = analyze_file(file, keys, sink, !opt.json, progress.fn());
    ++total.files;
    total.records += o.records;
    total.bytes += o.bytes;
    total.sessions += sink.summary().sessions;
    total.verified += sink.summary().verified;
    total.adverts += sink.summary().adverts;
    if (o.status != CaptureOutcome::Status::ok) {
      ++total.bad_files;
      rc = kExitInput;
      error_line(file, o);
    }
  }
  if (inputs.size() > 1) {
    if (opt.json) {
      Json j;
      j["type"] = "total";
      j["files"] = total.files;
      j["bad_files"] = total.bad_files;
      j["records"] = total.records;
      j["sessions"] = total.sessions;
      j["verified"] = total.verified;
      j["adverts"] = total.adverts;
      write_line(stdout, j);
    } else {
      std::printf("total: %llu captures (%llu unreadable or damaged), %llu records, %llu FE95 sessions (%llu verified), "
                  "%llu MiBeacon adverts\n",
                  static_cast<unsigned long long>(total.files), static_cast<unsigned long long>(total.bad_files),
                  static_cast<unsigned long long>(total.records), static_cast<unsigned long long>(total.sessions),
                  static_cast<unsigned long long>(total.verified), static_cast<unsigned long long>(total.adverts));
    }
  }
  if (!opt.export_keys.empty() && !export_keys(opt.export_keys, existing, keys.learned())) return kExitInput;
  return rc;
}

int run_verify(const VerifyOptions& opt) {
  KeyStore keys;
  std::vector<KeyEntry> entries;
  if (opt.keys.tokens.empty() && opt.keys.keys_file.empty()) {
    std::fprintf(stderr, "fe95: verify needs --token HEX or --keys FILE\n");
    return kExitUsage;
  }
  if (!load_keys(keys, opt.keys, &entries)) return kExitUsage;
  // The expected tokens: a register session passes only if it recovers one of them.
  std::vector<miauth::Token> expected;
  for (const auto& t : opt.keys.tokens) expected.push_back(*parse_token(t));
  for (const auto& e : entries)
    if (e.token) expected.push_back(*e.token);

  bool unusable = false;
  std::size_t sessions = 0, passed = 0;
  for (const auto& file : ordered_inputs(opt.inputs)) {
    // Each session's line as it ends: memory stays flat however many sessions the file holds.
    Collector sink(file, Collector::Mode::verify, false, [&](const miauth::Session& s) {
      if (s.standard && s.kind == miauth::Kind::register_session) {
        // ECDH: nothing in the capture to check a token against. Shown, not judged.
        std::printf("INFO %s frames %llu-%llu %s standard register %s (the token is not in the capture)\n",
                    file.c_str(), static_cast<unsigned long long>(s.first_frame),
                    static_cast<unsigned long long>(s.last_frame), s.device ? s.device->str().c_str() : "(unknown)",
                    miauth::status_name(s.status));
        return;
      }
      ++sessions;
      bool ok = s.status == miauth::Status::verified;
      // Why a session fails: its status and the first finding that explains it.
      std::string why = miauth::status_name(s.status);
      if (!s.findings.empty()) why += std::string(" (") + code_name(s.findings.front().code) + ")";
      if (ok && s.kind == miauth::Kind::register_session &&
          std::find(expected.begin(), expected.end(), *s.token) == expected.end()) {
        ok = false;
        why = "unexpected_token (the register recovered " + to_hex(*s.token) + ", not an expected token)";
      }
      passed += ok;
      std::printf("%s %s frames %llu-%llu %s %s%s%s\n", ok ? "PASS" : "FAIL", file.c_str(),
                  static_cast<unsigned long long>(s.first_frame), static_cast<unsigned long long>(s.last_frame),
                  s.device ? s.device->str().c_str() : "(unknown)", miauth::kind_name(s.kind), ok ? "" : " ",
                  ok ? "" : why.c_str());
    });
    const CaptureOutcome o = analyze_file(file, keys, sink, false);
    if (o.status != CaptureOutcome::Status::ok) {
      error_line(file, o);
      unusable = true;
    }
  }
  std::printf("%zu passed, %zu failed\n", passed, sessions - passed);
  if (unusable) return kExitUsage;
  if (sessions == 0) {
    std::fprintf(stderr, "fe95: no FE95 session to verify in the input (standard registers are shown, not judged)\n");
    return kExitNotVerified;
  }
  return passed == sessions ? kExitOk : kExitNotVerified;
}

}  // namespace fe95::cli
