// SPDX-License-Identifier: GPL-2.0-or-later
// Pieces shared by the fuzz targets.
#pragma once

#include <cstdint>

#include "fe95/analysis.h"
#include "fe95/pipeline.h"

namespace fe95::fuzz {

// A sink that touches everything it is given (so the fuzzer exercises the record contents).
class Sink final : public AnalysisSink {
public:
  void on_session(const miauth::Session& s) override { touched += s.steps.size() + s.findings.size(); }
  void on_step(const miauth::Session&, const miauth::StepRecord& r) override { touched += r.plaintext.size(); }
  void on_finding(const miauth::Session&, const miauth::Finding& f) override { touched += f.frames.size(); }
  void on_beacon(const BeaconEvent& b) override { touched += b.frame.objects.size(); }
  void on_diagnostic(const Diagnostic& d) override { touched += d.message.size(); }
  std::size_t touched = 0;
};

// Keys that make the decrypting paths reachable: the docs/PROTOCOL.md §7 token for any device.
inline void seed_keys(KeyStore& keys) {
  keys.add_option_token({0x01, 0x5c, 0xcb, 0xa8, 0x80, 0x0a, 0xbd, 0xc1, 0x2e, 0xb8, 0xed, 0x82});
}

// Runs a capture image through the whole analysis.
inline void analyze(ByteView capture) {
  auto opened = open_capture_memory(capture);
  if (!opened.reader) return;
  KeyStore keys;
  seed_keys(keys);
  Sink sink;
  Analysis analysis(keys, sink);
  Stack stack(analysis);
  run_capture(*opened.reader, stack);
}

}  // namespace fe95::fuzz
