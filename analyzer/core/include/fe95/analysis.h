// One analysis run: HCI -> ATT (Stack) -> FE95 sessions (miauth::Tracker), and MiBeacon adverts,
// sharing one KeyStore across every capture of the run (fed in timestamp order).
#pragma once

#include <cstdint>
#include <unordered_map>
#include <vector>

#include "fe95/keys.h"
#include "fe95/miauth/session.h"
#include "fe95/mibeacon.h"
#include "fe95/stack.h"

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
};

class Analysis final : public Listener {
public:
  // Devices whose last frame counter is remembered (retransmission detection).
  static constexpr std::size_t kMaxBeaconDevices = 1024;

  Analysis(KeyStore& keys, AnalysisSink& sink) : keys_(keys), sink_(sink), tracker_(keys, sink) {}
  void on_att(const AttEvent& ev) override { tracker_.on_att(ev); }
  void on_disconnect(const Record& rec, const Connection& c, std::uint8_t reason) override {
    tracker_.on_disconnect(rec, c, reason);
  }
  void on_advert(const Record& rec, const hci::AdvReport& r) override;
  void on_diagnostic(const Diagnostic& d) override { sink_.on_diagnostic(d); }

private:
  struct Last {
    std::uint8_t counter;
    Bytes payload;
  };
  KeyStore& keys_;
  AnalysisSink& sink_;
  miauth::Tracker tracker_;
  std::unordered_map<std::uint64_t, Last> last_;  // by device; at most kMaxBeaconDevices
};

}  // namespace fe95
