// SPDX-License-Identifier: GPL-2.0-or-later
// `fe95 analyze`: FE95 sessions per device, as a readable report or JSON Lines.
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>

#include "commands.h"
#include "common.h"
#include "fe95/analysis/analysis.h"
#include "fe95/keys/formats.h"
#include "junit.h"
#include "readings.h"
#include "session_output.h"

namespace fe95::cli {

namespace {

// Receives one capture's results and prints them as they come: JSON Lines, the text report
// (session batches, --beacons lines, then the file's summary), or verify's PASS/FAIL lines.
// Nothing grows with the file: JSON and session batches are flushed, advert summaries are an LRU.
class Collector final : public AnalysisSink {
 public:
  enum class Mode { json, text, verify };
  using SessionFn = std::function<void(const session::Session&)>;
  Collector(std::string file, Mode mode, bool list_beacons, SessionFn on_verify = {},
            ReadingsWriter* readings = nullptr)
      : file_(std::move(file)),
        file_json_(Json(file_).dump(-1, ' ', false, Json::error_handler_t::replace)),
        mode_(mode),
        list_beacons_(list_beacons),
        on_verify_(std::move(on_verify)),
        readings_(readings) {}
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
  void on_session(const session::Session& s) override {
    ++summary_.sessions;
    summary_.verified += s.status == session::Status::verified;
    switch (mode_) {
      case Mode::json:
        write_session(buf_, file_json_, s);
        if (buf_.size() > kFlushBytes) flush();
        break;
      case Mode::text:
        batch_.push_back(s.clone());
        if (batch_.size() >= kSessionBatch) flush();
        break;
      case Mode::verify:
        on_verify_(s);
        break;
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
    if (readings_) readings_->add(file_, b);
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
        d.limit = kMaxReportDevices;
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
      if (o.cut.any()) j["cut"] = cut_json(o);
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
      case CaptureOutcome::Status::ok:
        return "ok";
      case CaptureOutcome::Status::unreadable:
        return "unreadable";
      case CaptureOutcome::Status::damaged:
        return "damaged";
    }
    return "?";
  }
  static constexpr std::size_t kFlushBytes = 1 << 16;
  std::string file_, file_json_;
  Mode mode_;
  bool list_beacons_;
  SessionFn on_verify_;
  ReadingsWriter* readings_;
  OutBuffer buf_;
  std::vector<std::unique_ptr<session::Session>> batch_;
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
    // It must be fe95's CSV: rewriting another tool's file (Home Assistant's storage, a YAML
    // configuration) in fe95's format would destroy it.
    std::ifstream in(opt.export_keys, std::ios::binary);
    std::string head(4096, '\0');
    in.read(head.data(), static_cast<std::streamsize>(head.size()));
    head.resize(static_cast<std::size_t>(in.gcount()));
    if (const KeysFormat f = detect_keys_format(head); f != KeysFormat::fe95_csv) {
      std::fprintf(stderr,
                   "fe95: %s: this is %s, not fe95's keys CSV; --export-keys writes fe95's CSV: name another file "
                   "(read this one with --keys)\n",
                   opt.export_keys.c_str(), keys_format_name(f));
      return kExitUsage;
    }
    KeyStore scratch;
    KeyOptions existing_file;
    existing_file.keys_file = opt.export_keys;
    if (!load_keys(scratch, existing_file, &existing)) return kExitUsage;
  }
  ReadingsWriter readings;
  if (!opt.readings.empty()) {
    std::string why;
    if (!readings.open(opt.readings, opt.json, why)) {
      std::fprintf(stderr, "fe95: --readings %s: cannot write: %s\n", opt.readings.c_str(), why.c_str());
      return kExitUsage;
    }
  }
  int rc = kExitOk;
  Totals total;
  const auto inputs = ordered_inputs(opt.inputs);
  for (const auto& file : inputs) {
    Collector sink(file, opt.json ? Collector::Mode::json : Collector::Mode::text, opt.beacons, {},
                   opt.readings.empty() ? nullptr : &readings);
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
      std::printf(
          "total: %llu captures (%llu unreadable or damaged), %llu records, %llu FE95 sessions (%llu verified), "
          "%llu MiBeacon adverts\n",
          static_cast<unsigned long long>(total.files), static_cast<unsigned long long>(total.bad_files),
          static_cast<unsigned long long>(total.records), static_cast<unsigned long long>(total.sessions),
          static_cast<unsigned long long>(total.verified), static_cast<unsigned long long>(total.adverts));
    }
  }
  if (!readings.close()) {
    std::fprintf(stderr, "fe95: --readings %s: write failed: %s\n", opt.readings.c_str(), std::strerror(errno));
    rc = kExitInput;
  }
  if (!opt.export_keys.empty() && !export_keys(opt.export_keys, existing, keys.learned())) return kExitInput;
  return rc;
}

int run_verify(const VerifyOptions& opt) {
  KeyStore keys;
  std::vector<KeyEntry> entries;
  if (opt.keys.tokens.empty() && opt.keys.token_files.empty() && opt.keys.keys_file.empty() &&
      opt.keys.auth_keys.empty()) {
    std::fprintf(stderr, "fe95: verify needs --token HEX, --token-file FILE, --authkey MAC=HEX or --keys FILE\n");
    return kExitUsage;
  }
  if (!load_keys(keys, opt.keys, &entries)) return kExitUsage;
  // The expected tokens: a register session passes only if it recovers one of them.
  std::vector<Token> expected;
  for (const auto& t : opt.keys.tokens) expected.push_back(*parse_token(t));
  for (const auto& c : keys.tokens(std::nullopt)) expected.push_back(c.token);  // --token-file too
  for (const auto& e : entries)
    if (e.token) expected.push_back(*e.token);

  JunitReport junit(opt.junit);
  bool unusable = false;
  std::size_t sessions = 0, passed = 0;
  for (const auto& file : ordered_inputs(opt.inputs)) {
    junit.begin_capture(file);
    // Each session's line as it ends: memory stays flat however many sessions the file holds.
    Collector sink(file, Collector::Mode::verify, false, [&](const session::Session& s) {
      char frames[64];
      std::snprintf(frames, sizeof frames, "frames %llu-%llu", static_cast<unsigned long long>(s.first_frame),
                    static_cast<unsigned long long>(s.last_frame));
      const std::string device = s.device ? s.device->str() : "(unknown)";
      const bool standard = session::as<stdauth::Session>(s) != nullptr;
      // A wearable's auth is a login of its own family (docs/MIWEAR.md §3): named as such.
      const char* what = session::as<miwear::Session>(s) ? "wearable" : term(s.kind).name;
      const std::string name = std::string(standard ? "standard " : "") + what + " " + device + " " + frames;
      if (standard && s.kind == session::Kind::register_session) {
        // ECDH: nothing in the capture to check a token against. Shown, not judged.
        std::printf("INFO %s %s %s standard register %s (the token is not in the capture)\n", file.c_str(), frames,
                    device.c_str(), term(s.status).name);
        junit.add_session(name, JunitReport::Result::skipped,
                          std::string("standard register ") + term(s.status).name +
                              ": its token is agreed by ECDH, not in the capture",
                          "");
        return;
      }
      if (s.status == session::Status::truncated) {
        // The capture cut its PDUs: nothing to check, neither a pass nor a failure.
        std::printf("INFO %s %s %s %s truncated (the capture cut its PDUs: nothing to check)\n", file.c_str(), frames,
                    device.c_str(), term(s.kind).name);
        junit.add_session(name, JunitReport::Result::skipped,
                          std::string(term(s.kind).name) + " truncated: the capture cut its PDUs, nothing to check",
                          "");
        return;
      }
      ++sessions;
      bool ok = s.status == session::Status::verified;
      // Why a session fails: its status and the first finding that explains it.
      std::string why = term(s.status).name;
      if (!s.findings.empty()) why += std::string(" (") + code_name(s.findings.front().code) + ")";
      if (ok && s.kind == session::Kind::register_session &&
          std::find(expected.begin(), expected.end(), *s.token) == expected.end()) {
        ok = false;
        why = "unexpected_token (the register recovered " + to_hex(*s.token) + ", not an expected token)";
      }
      passed += ok;
      std::printf("%s %s %s %s %s%s%s\n", ok ? "PASS" : "FAIL", file.c_str(), frames, device.c_str(), what,
                  ok ? "" : " ", ok ? "" : why.c_str());
      if (ok) {
        junit.add_session(name, JunitReport::Result::passed, "", "");
        return;
      }
      // The failure: the status and every finding code; one line per finding below it.
      std::string message = std::string("status ") + term(s.status).name;
      std::string details = std::string("status: ") + term(s.status).name + "\n";
      if (why.rfind("unexpected_token", 0) == 0) {
        message = why;
        details += why + "\n";
      }
      for (std::size_t i = 0; i < s.findings.size(); ++i) {
        const auto& f = s.findings[i];
        message += (i == 0 ? ": " : ", ") + std::string(code_name(f.code));
        std::string fr;
        for (auto n : f.frames) fr += (fr.empty() ? "" : ",") + std::to_string(n);
        details += std::string(code_name(f.code)) + " [frames " + fr + "]: " + s.describe(f) + "\n";
      }
      junit.add_session(name, JunitReport::Result::failed, message, details);
    });
    const CaptureOutcome o = analyze_file(file, keys, sink, false);
    cut_note(file, o);
    if (o.cut.any()) junit.note(o.cut.message(o.format));
    if (o.status != CaptureOutcome::Status::ok) {
      error_line(file, o);
      junit.capture_error(o.status == CaptureOutcome::Status::unreadable
                              ? "not read: " + o.error
                              : "damaged at offset " + std::to_string(o.error_offset) + ": " + o.error);
      unusable = true;
    }
    junit.end_capture();
  }
  std::printf("%zu passed, %zu failed\n", passed, sessions - passed);
  if (!junit.finish()) return kExitUsage;
  if (unusable) return kExitUsage;
  if (sessions == 0) {
    std::fprintf(stderr,
                 "fe95: no FE95 session to verify in the input (standard registers and truncated sessions are shown, "
                 "not judged)\n");
    return kExitNotVerified;
  }
  return passed == sessions ? kExitOk : kExitNotVerified;
}

}  // namespace fe95::cli
