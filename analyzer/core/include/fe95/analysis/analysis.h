// SPDX-License-Identifier: GPL-2.0-or-later
// One analysis run: links and ATT PDUs -> the ATT bearer -> the FE95 session machines, and MiBeacon
// adverts, sharing one KeyStore across every capture of the run (fed in timestamp order).
//
// Analysis is the run's orchestrator, and the one core both front ends feed. Its input is narrow:
// links opening and closing (fe95::Link), raw ATT PDUs per link, adverts. The CLI's Stack produces
// it (Analysis is a stack Listener); the Wireshark plugin produces it from the fields and bytes
// Wireshark dissected. Everything after that happens here, once: the ATT bearer (request pairing,
// GATT maps), the characteristic roles, the session machines, MiBeacon decoding with its
// retransmission rule, and every write to the key store (what the sessions and adverts prove).
// The front end's sink gets the events, layer diagnostics included.
#pragma once

#include <cstdint>
#include <vector>

#include "fe95/att/bearer.h"
#include "fe95/keys/keys.h"
#include "fe95/lru.h"
#include "fe95/miauth/session.h"
#include "fe95/mibeacon/mibeacon.h"
#include "fe95/miwear/tracker.h"
#include "fe95/session/session.h"
#include "fe95/stack/stack.h"
#include "fe95/stdauth/tracker.h"

namespace fe95 {

struct BeaconEvent {
  const Record& rec;
  const hci::AdvReport& adv;
  BdAddr device;  // the frame's MAC field, else the advertiser address
  const mibeacon::Frame& frame;
  bool retransmission;  // same device, frame counter and payload as the advert before
};

class AnalysisSink : public session::Sink {
 public:
  // Every ATT PDU, as the bearer parsed and paired it, before the session machines see it.
  virtual void on_att(const att::Event&) {}
  virtual void on_diagnostic(const Diagnostic&) {}
  virtual void on_beacon(const BeaconEvent&) {}
  // An over-the-air connection ended: its link-layer summary (Connection::ll).
  virtual void on_link(const Record&, const Connection&, std::uint8_t /*reason*/) {}
};

class Analysis final : public Listener, private att::Listener, private session::Sink {
 public:
  // Devices whose last frame counter is remembered (retransmission detection); past the cap the
  // least recently seen is forgotten (its next advert cannot be called a retransmission).
  static constexpr std::size_t kMaxBeaconDevices = 4096;

  Analysis(KeyStore& keys, AnalysisSink& sink)
      : keys_(keys), sink_(sink), bearers_(*this), tracker_(keys, *this), standard_(keys, *this), wear_(keys, *this) {}

  // ---- the narrow input (the plugin calls these; the Stack's events below come down to them) ----
  // A connection event: link.known, its peer and time set.
  void link_up(const Link& link);
  // The link closed (rec: the record that closed it, or the capture's last): its sessions end.
  void link_down(const Record& rec, const Link& link, session::EndReason why);
  // One ATT PDU of a link, as sent (rec.dir: who sent it; rec.frame, rec.ts_ns: where and when).
  // `cut`: bytes of the PDU the capture left out (a filtered or snooz log, a snap length); `pdu`
  // then holds its first bytes only, and the sessions over it end `truncated`.
  void att(const Record& rec, std::uint64_t first_frame, const Link& link, ByteView pdu, std::uint32_t cut = 0) {
    frame_ = rec.frame;
    bearers_.pdu(rec, first_frame, link, pdu, cut);
  }
  // One FE95 service data entry of an advert (the MiBeacon frame), with the advertiser's address.
  void beacon(const Record& rec, const hci::AdvReport& adv, ByteView service_data);
  // One RFCOMM information field of a BR/EDR link's DLC (rec.dir: its sender): the bytes of that
  // (DLCI, direction) stream, as RFCOMM delivers them (docs/MIWEAR.md §11-§12).
  void rfcomm(const Record& rec, const Link& link, std::uint8_t dlci, ByteView data);
  // Another dissector declared `handle` the FE95 token characteristic (the plugin's Decode As).
  void declare_token_handle(const Link& link, std::uint16_t handle);

  // ---- stack::Listener: the CLI's Stack ----
  void on_link_up(const Record&, const Connection& c) override { link_up(c.link); }
  void on_att(const Record& rec, std::uint64_t first_frame, const Connection& c, ByteView pdu) override {
    att(rec, first_frame, c.link, pdu);
  }
  void on_cut_att(const Record& rec, std::uint64_t first_frame, const Connection& c, ByteView pdu,
                  std::uint32_t cut) override {
    att(rec, first_frame, c.link, pdu, cut);
  }
  void on_disconnect(const Record& rec, const Connection& c, std::uint8_t reason) override;
  void on_advert(const Record& rec, const hci::AdvReport& r) override;
  void on_rfcomm(const Record& rec, const Connection& c, std::uint8_t dlci, ByteView data) override {
    rfcomm(rec, c.link, dlci, data);
  }
  void on_diagnostic(const Diagnostic& d) override { sink_.on_diagnostic(d); }

 private:
  // att::Listener: every PDU the bearer parsed.
  void on_att(const att::Event& ev) override;

  // session::Sink: forwarded to the front end; learned keys are applied here first.
  void on_step(const session::Session& s, const session::StepRecord& r) override { sink_.on_step(s, r); }
  void on_finding(const session::Session& s, const session::Finding& f) override { sink_.on_finding(s, f); }
  void on_session(const session::Session& s) override { sink_.on_session(s); }
  void on_learned(const session::Learned& l) override;

  void learn_product_id(const Record& rec, const BdAddr& mac, std::uint16_t pid);
  void report_eviction(const Record& rec, Code code, std::size_t cap, const BdAddr& first);

  struct Last {
    std::uint8_t counter = 0;
    Bytes payload;
    // A token that decrypted the device's v2/v3 adverts as its beacon key (said once).
    std::optional<BeaconKey> key_in_other_role;
  };
  // A v2/v3 advert no beacon key decrypts: the tokens given, as its beacon key.
  void try_other_roles(const Record& rec, mibeacon::Frame& f, const mibeacon::Frame& before, const BdAddr& device);
  KeyStore& keys_;
  AnalysisSink& sink_;
  att::Bearers bearers_;
  miauth::Tracker tracker_;               // legacy (0x0001)
  stdauth::Tracker standard_;             // standard auth (0x0010 + 0x0019)
  miwear::Tracker wear_;                  // the wearables (FE95 0x0051-0x005F, RFCOMM)
  std::uint64_t frame_ = 0;               // the record being processed (learned-key evictions report it)
  LruMap<Last> last_{kMaxBeaconDevices};  // by device
  bool keys_cap_reported_ = false, beacon_cap_reported_ = false;
};

}  // namespace fe95
