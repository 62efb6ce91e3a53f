// SPDX-License-Identifier: GPL-2.0-or-later
// The wording of the legacy Mi auth findings: one sentence per code from its typed arguments,
// shared by the CLI (JSON `message`, the text report) and the Wireshark plugin (expert info).
// Front-end specific hints (command-line flags) are the front ends' own.
#include <cstdio>

#include "fe95/miauth/session.h"

namespace fe95::miauth {

namespace {

std::string hex_or_unknown(const std::optional<Token>& t) {
  return t ? to_hex(*t) : "(unknown)";
}

}  // namespace

std::string describe(const Finding& f) {
  switch (f.code) {
    case Code::key_in_other_role:
      return key_in_other_role(f.claimed_source.value_or(Source::option), f.mac ? f.mac->str() : std::string("?"),
                               "token", std::string(term(f.kind).name) + " verified with it");
    case Code::draft_byte_order:
      return "session start written in the 2019 draft's byte order (" + to_hex(f.value) + " instead of " +
             to_hex(f.kind == Kind::register_session ? ByteView(kRegisterStart) : ByteView(kLoginStart)) +
             "); the device ignores such a session";
    case Code::wrong_product_id:
      return "T2 does not verify with product id " + std::to_string(f.claimed_product_id.value_or(0)) + " (from " +
             (f.claimed_source ? source_name(*f.claimed_source) : "?") + "); it verifies with " +
             std::to_string(f.product_id.value_or(0)) + ", which would have worked";
    case Code::cut_by_disconnect:
      return "the link dropped " + std::to_string(f.ms) + " ms " +
             (f.flag ? "after the connection" : "after the session start") + ", before the session finished";
    case Code::no_device_address:
      return "the capture has no connection event for this link: the device address is needed to recover the token";
    case Code::t2_unverified:
      return "T2 verifies under no product id for " + (f.mac ? f.mac->str() : std::string("?")) +
             ": the device answered for another address, or T1/T2 are not a register pair";
    case Code::client_mac_order:
      if (!f.mac) return "the client mixed the device address in printed byte order instead of over-the-air order";
      {
        // One printed form for every address (as the device field shows it), the order in words.
        char first[3], last[3];
        std::snprintf(first, sizeof first, "%02X", f.mac->le[5]);
        std::snprintf(last, sizeof last, "%02X", f.mac->le[0]);
        return "the client fed the device address " + f.mac->str() + " to mixA in printed byte order (" + first +
               " first) instead of the over-the-air order the protocol uses (" + last + " first); its token was " +
               hex_or_unknown(f.token) + ", the device holds " + hex_or_unknown(f.device_token);
      }
    case Code::client_product_id: {
      char low[8];
      std::snprintf(low, sizeof low, "0x%02x", f.byte.value_or(0));
      return std::string("the client mixed with a wrong product id (low byte ") + low + "); the device is product id " +
             std::to_string(f.product_id.value_or(0)) + ", which would have worked; the client's token was " +
             hex_or_unknown(f.token);
    }
    case Code::register_end_mismatch:
      return "the client's final write is neither rc4(token, 92ab54fa) nor the plain constant";
    case Code::plain_register_end:
      return "the client sent the register-end constant unencrypted (some kettle firmware accepts it)";
    case Code::draft_login_key:
      return "the client derived the 2019 draft's 4-byte session key (token[0:4] ^ tick) with token " +
             hex_or_unknown(f.token) + "; the device uses 12 bytes";
    case Code::token_mismatch:
      return "no candidate token (" + std::to_string(f.count) + " tried) explains the client's response";
    case Code::confirmation_mismatch:
      return "the response fits the token but the confirmation does not decrypt to c9589a36";
    case Code::device_holds_other_token:
      return "the client's response fits token " + hex_or_unknown(f.token) +
             " but the device never confirms: it holds another token";
    case Code::long_login_notification:
      return "login notification of " + std::to_string(f.value.size()) +
             " bytes; decoded the first 4, not understood: " +
             to_hex(ByteView(f.value).subspan(std::min<std::size_t>(4, f.value.size())));
    default:
      return code_info(f.code).meaning;  // not a session finding: the table's line
  }
}

}  // namespace fe95::miauth
