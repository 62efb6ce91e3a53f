// One analysis run: HCI -> ATT (Stack) -> FE95 sessions (miauth::Tracker) and MiBeacon adverts,
// sharing one KeyStore across every capture of the run (fed in timestamp order).
#pragma once

#include "fe95/keys.h"
#include "fe95/miauth/session.h"
#include "fe95/stack.h"

namespace fe95 {

class AnalysisSink : public miauth::Sink {
public:
  virtual void on_diagnostic(const Diagnostic&) {}
  virtual void on_advert(const Record&, const hci::AdvReport&) {}
};

class Analysis final : public Listener {
public:
  Analysis(KeyStore& keys, AnalysisSink& sink) : sink_(sink), tracker_(keys, sink) {}
  void on_att(const AttEvent& ev) override { tracker_.on_att(ev); }
  void on_disconnect(const Record& rec, const Connection& c, std::uint8_t reason) override {
    tracker_.on_disconnect(rec, c, reason);
  }
  void on_advert(const Record& rec, const hci::AdvReport& r) override { sink_.on_advert(rec, r); }
  void on_diagnostic(const Diagnostic& d) override { sink_.on_diagnostic(d); }

private:
  AnalysisSink& sink_;
  miauth::Tracker tracker_;
};

}  // namespace fe95
