// SPDX-License-Identifier: GPL-2.0-or-later
// Pieces shared by the fuzz targets.
#pragma once

#include <cstdint>
#include <map>

#include "fe95/analysis/analysis.h"
#include "fe95/analysis/pipeline.h"

namespace fe95::fuzz {

// A sink that touches everything it is given (so the fuzzer exercises the record contents).
class Sink final : public AnalysisSink {
 public:
  void on_session(const session::Session& s) override {
    touched += s.steps.size() + s.findings.size();
    for (const auto& f : s.findings) touched += s.describe(f).size();  // the wording of every finding
  }
  void on_step(const session::Session&, const session::StepRecord& r) override { touched += r.plaintext.size(); }
  void on_finding(const session::Session&, const session::Finding& f) override { touched += f.frames.size(); }
  void on_beacon(const BeaconEvent& b) override { touched += b.frame.objects.size(); }
  void on_diagnostic(const Diagnostic& d) override { touched += describe(d).size(); }
  std::size_t touched = 0;
};

// Keys that make the decrypting paths reachable: the docs/PROTOCOL.md §7 token and the standard-auth
// token of docs/STANDARD_AUTH.md (the §6 V7/V8 vectors) for any device.
inline void seed_keys(KeyStore& keys) {
  keys.add_option_token({0x01, 0x5c, 0xcb, 0xa8, 0x80, 0x0a, 0xbd, 0xc1, 0x2e, 0xb8, 0xed, 0x82});
  keys.add_option_token({0x0c, 0xf5, 0x61, 0x50, 0x03, 0x81, 0x0d, 0x89, 0xc2, 0x33, 0xa1, 0x2a});
}

// Feeds a session machine (legacy or standard) with ATT PDUs decoded from the rest of the input:
// each PDU is [opcode][dir][handle lo][handle hi][length][value...]; a byte 0xff as opcode ends the
// link (dir names the end reason). Roles by handle, as discovery would give them; `server` the GATT
// map a session start consults.
template <class Tracker>
void feed_pdus(Cursor& c, Tracker& tracker, const std::map<std::uint16_t, session::Role>& roles,
               const gatt::Server* server) {
  static const BdAddr kPeer = *BdAddr::parse("C4:7C:8D:6A:12:34");
  std::uint64_t frame = 0, link = 1;
  std::uint8_t op = 0, dir = 0, len = 0;
  std::uint16_t handle = 0;
  ByteView value;
  while (c.u8(op) && c.u8(dir) && c.u16le(handle) && c.u8(len) && c.bytes(len, value)) {
    ++frame;
    const auto ts = static_cast<std::int64_t>(frame) * 1000000;
    if (op == 0xff) {
      tracker.on_link_end(ts, link++, static_cast<session::EndReason>(dir % 4));
      continue;
    }
    if (!att::opcode_info(op)) continue;
    session::Input in;
    in.frame = frame;
    in.ts_ns = ts;
    in.link = link;
    in.conn = 0x40;
    in.peer = &kPeer;
    in.dir = (dir & 1) ? Direction::rcvd : Direction::sent;
    in.opcode = op;
    in.handle = handle;
    in.value = value;
    auto r = roles.find(handle);
    in.role = r == roles.end() ? session::Role::unknown : r->second;
    in.server = server;
    tracker.on_att(in);
  }
  tracker.on_link_end(static_cast<std::int64_t>(frame + 1) * 1000000, link, session::EndReason::end_of_capture);
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
