// SPDX-License-Identifier: GPL-2.0-or-later
// One analysis run: HCI -> ATT (Stack) -> FE95 sessions (miauth::Tracker), and MiBeacon adverts,
// sharing one KeyStore across every capture of the run (fed in timestamp order).
//
// Analysis is the run's orchestrator: it turns the stack's ATT events into the tracker's narrow
// Input, owns the writes to the key store (what the tracker and the adverts prove), and passes
// every event on to the front end's sink, layer diagnostics included.
#pragma once

#include <cstdint>
#include <vector>

#include "fe95/keys.h"
#include "fe95/lru.h"
#include "fe95/miauth/session.h"
#include "fe95/mibeacon.h"
#include "fe95/stack.h"
#include "fe95/stdauth/tracker.h"

namespace fe95 {

struct BeaconEvent {
  const Record& rec;
  const hci::AdvReport& adv;
  BdAddr device;               // the frame's MAC field, else the advertiser address
  const mibeacon::Frame& frame;
  bool retransmission;         // same device, frame counter and payload as the advert before
};

class AnalysisSink : public miauth::Sink {
public:
  virtual void on_diagnostic(const Diagnostic&) {}
  virtual void on_beacon(const BeaconEvent&) {}
  // An over-the-air connection ended: its link-layer summary (Connection::ll).
  virtual void on_link(const Record&, const Connection&, std::uint8_t /*reason*/) {}
};

class Analysis final : public Listener, private miauth::Sink {
public:
  // Devices whose last frame counter is remembered (retransmission detection); past the cap the
  // least recently seen is forgotten (its next advert cannot be called a retransmission).
  static constexpr std::size_t kMaxBeaconDevices = 4096;

  Analysis(KeyStore& keys, AnalysisSink& sink)
      : keys_(keys), sink_(sink), tracker_(keys, *this), standard_(keys, *this) {}
  void on_att(const AttEvent& ev) override;
  void on_disconnect(const Record& rec, const Connection& c, std::uint8_t reason) override;
  void on_advert(const Record& rec, const hci::AdvReport& r) override;
  void on_diagnostic(const Diagnostic& d) override { sink_.on_diagnostic(d); }

private:
  // miauth::Sink: forwarded to the front end; learned keys are applied here first.
  void on_step(const miauth::Session& s, const miauth::StepRecord& r) override { sink_.on_step(s, r); }
  void on_finding(const miauth::Session& s, const miauth::Finding& f) override { sink_.on_finding(s, f); }
  void on_session(const miauth::Session& s) override { sink_.on_session(s); }
  void on_learned(const miauth::Learned& l) override;

  void learn_product_id(const Record& rec, const BdAddr& mac, std::uint16_t pid);
  void report_eviction(const Record& rec, Code code, std::size_t cap, const BdAddr& first);

  struct Last {
    std::uint8_t counter = 0;
    Bytes payload;
  };
  KeyStore& keys_;
  AnalysisSink& sink_;
  miauth::Tracker tracker_;     // legacy (0x0001)
  stdauth::Tracker standard_;   // standard auth (0x0010 + 0x0019)
  std::uint64_t frame_ = 0;  // the record being processed (learned-key evictions report it)
  LruMap<Last> last_{kMaxBeaconDevices};  // by device
  bool keys_cap_reported_ = false, beacon_cap_reported_ = false;
};

}  // namespace fe95
