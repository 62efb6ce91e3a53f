// SPDX-License-Identifier: GPL-2.0-or-later
// The standard-auth session machine (docs/STANDARD_AUTH.md): a family of the session layer, beside
// the legacy one. It consumes the layer's Input, emits its events (session::Sink: steps, findings,
// sessions, learned tokens) with sessions of its own type (stdauth::Session), reads the key store
// and never writes it.
//
// Per link: opcodes on the control point 0x0010 start register and login sessions; the transfer
// channel 0x0019 (found by discovery or by its framing) is reassembled into messages; a login is
// verified against every candidate token; after a verified login the session's messages on the
// Nordic UART (scooter 55 AB frames) and the stdio service (mi_session blobs) are decrypted.
#pragma once

#include <cstdint>
#include <optional>
#include <unordered_map>

#include "fe95/keys/keys.h"
#include "fe95/session/session.h"
#include "fe95/stdauth/session.h"
#include "fe95/stdauth/transport.h"

namespace fe95::stdauth {

class Tracker {
 public:
  // Steps kept per session (every step is still reported to the sink), findings per session.
  static constexpr std::size_t kMaxSteps = 2048;
  static constexpr std::size_t kMaxFindings = 64;

  Tracker(const KeyStore& keys, session::Sink& sink) : keys_(keys), sink_(sink) {}
  // Whether on_att() can do anything with this PDU: inline, so that the PDUs of a capture with no
  // standard auth (most of them) cost a test, not a call.
  [[nodiscard]] bool wants(const session::Input& in) const {
    if (!links_.empty() || in.role == session::Role::secure_auth) return true;
    const std::size_t n = in.value.size();
    if ((n != 1 && n != 4) || (in.opcode != 0x12 && in.opcode != 0x52)) return false;  // write request/command
    const std::uint8_t op = in.value[0];
    return op == 0xa2 || op == 0xa4 || op == 0x15 || op == 0x24 || op == 0x13 || op == 0x14;
  }
  void on_att(const session::Input& in);
  void on_link_end(std::int64_t ts_ns, std::uint64_t link, session::EndReason why);

 private:
  struct Uart {
    Bytes buf;
    std::vector<std::uint64_t> frames;
  };
  struct Link {
    std::optional<Session> session;
    Channel channel;
    std::uint16_t control = 0, transfer = 0;
    bool transfer_from_discovery = false;
    std::optional<std::uint32_t> last_counter[2];  // by Sender
    Uart uart[2];                                  // by Sender
    std::uint16_t nus[2] = {0, 0};                 // the UART handle, by Sender
    bool secure_reported = false;
  };

  void start(Link& l, const session::Input& in, session::Kind kind);
  void finish(Link& l, session::EndReason why);
  void conclude(Link& l, Session& s);
  void on_transfer(Link& l, const session::Input& in, Sender from);
  void on_message(Session& s, const Message& m);
  void on_uart(Link& l, const session::Input& in, Sender from);
  void uart_frame(Link& l, Session& s, Sender from, ByteView frame, std::vector<std::uint64_t> frames,
                  const session::Input& in);
  bool on_stdio(Link& l, const session::Input& in, Sender from, bool known);
  bool on_read(Link& l, const session::Input& in);
  void resolve_login(Session& s);
  session::StepRecord& add_step(Session& s, const session::Input& in, Step step);
  void emit_step(Session& s);
  void add_finding(Session& s, session::Finding f);
  void add_message(Session& s, SessionMessage m);

  const KeyStore& keys_;
  session::Sink& sink_;
  std::unordered_map<std::uint64_t, Link> links_;  // by Input::link; erased at the link's end
  session::StepRecord overflow_;                   // the step reported when a session's list is full
  bool step_stored_ = true;
};

}  // namespace fe95::stdauth
