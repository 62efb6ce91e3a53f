// SPDX-License-Identifier: GPL-2.0-or-later
// The wording of the standard-auth findings: one sentence per code from its typed arguments,
// shared by the CLI (JSON `message`, the text report) and the Wireshark plugin (expert info).
#include <cstdio>

#include "fe95/stdauth/session.h"
#include "fe95/stdauth/transport.h"

namespace fe95::stdauth {

namespace {

std::string hex_or_unknown(const std::optional<Token>& t) {
  return t ? to_hex(*t) : "(unknown)";
}
const char* who(std::uint8_t sender) {
  return sender_name(static_cast<Sender>(sender));
}
std::string of_total(const session::Finding& f) {
  return std::to_string(f.count) + " of " + (f.total ? std::to_string(*f.total) : std::string("?"));
}

constexpr Term kSteps[] = {
    {"opcode", "Opcode to the control point (0x0010)", "an opcode the app wrote to the control point"},
    {"result", "Result from the device (0x0010)", "the device's result on the control point"},
    {"frame", "Transfer frame (0x0019)", "a frame of the transfer channel"},
    {"session_message", "Encrypted session message", "a piece of an encrypted message after the login"},
    {"read", "Read in clear", "a read of a characteristic the FE95 service keeps in clear (0x0004, 0x0002)"},
};

constexpr Term kValues[] = {
    {"", "Not recognised", "nothing known"},
    {"firmware", "Firmware version", "characteristic 0x0004, in clear"},
    {"product_id", "Product id", "characteristic 0x0002, in clear"},
};

}  // namespace

const session::Family Session::kFamily{"standard", "Standard auth (ECDH, HMAC, AES-CCM)", kSteps, kValues,
                                       &stdauth::describe};

std::string describe(const session::Finding& f) {
  switch (f.code) {
    case Code::key_in_other_role:
      return key_in_other_role(f.claimed_source.value_or(Source::option), f.mac ? f.mac->str() : std::string("?"),
                               "token", std::string(term(f.kind).name) + " verified with it");
    case Code::std_token_not_in_capture:
      return "the register agreed its token by ECDH (P-256): the capture holds only the two public keys, so the "
             "token cannot be recovered from it; take the device's 12-byte token from the Xiaomi cloud (the BLE "
             "device's token) or from the client that registered it to verify the next login";
    case Code::std_not_registered:
      return "the device answered 0xE0 (not registered): it holds no token, so no login can succeed until it is "
             "registered";
    case Code::std_app_used_other_token:
      return "the device's confirmation fits token " + hex_or_unknown(f.token) +
             ", the app's confirmation does not: the app computed with another token";
    case Code::std_device_holds_other_token:
      return "the app's confirmation fits token " + hex_or_unknown(f.token) +
             ", the device's confirmation does not: the device holds another token (re-registered, or another "
             "device)";
    case Code::std_no_candidate:
      return "none of the " + std::to_string(f.count) + " candidate token" + (f.count == 1 ? "" : "s") +
             " explains the device's confirmation: the device holds a token that was not given";
    case Code::std_malformed_frame:
      return "a " + std::to_string(f.value.size()) + "-byte value that is no rxfer frame: " + to_hex(f.value);
    case Code::std_command_during_transfer:
      return std::string("a new ") + who(f.sender) + " command while the " + who(f.other_sender) + "'s transfer of " +
             of_total(f) + " fragments is unfinished";
    case Code::std_transfer_too_long:
      return "a command announcing " + std::to_string(f.total.value_or(0)) + " fragments (at most " +
             std::to_string(f.number) + " are followed, at least 1 is needed)";
    case Code::std_unexpected_fragment:
      if (f.total)  // past the count its transfer announced
        return "fragment " + std::to_string(f.number) + " of a transfer of " + std::to_string(*f.total) + " fragments";
      return "fragment " + std::to_string(f.number) + " from the " + who(f.sender) + " with no transfer of the " +
             who(f.sender) + " announced";
    case Code::std_lost_loop:
      return "more than " + std::to_string(f.number) + " lost-acks in one transfer: it is given up";
    case Code::std_unfinished_transfer:
      return std::string("the ") + who(f.sender) + "'s transfer of " + data_type_name(f.type) + " ended with " +
             of_total(f) + " fragments";
    case Code::std_public_key_off_curve:
      return std::string("the ") + who(f.sender) + "'s public key (" + std::to_string(f.value.size()) +
             " bytes) is not a point of P-256";
    case Code::uart_checksum:
      return "checksum " + to_hex(f.value) + " where the frame sums to " +
             to_hex(std::array{static_cast<std::uint8_t>(f.number), static_cast<std::uint8_t>(f.number >> 8)});
    case Code::session_mic_failed:
      if (static_cast<MessageChannel>(f.type) == MessageChannel::uart)
        return std::string("the ") + who(f.sender) + "'s 55 AB frame with counter " + std::to_string(f.number) +
               " does not verify under the login's " + (f.sender == 0 ? "app" : "device") + " key";
      return std::string("the ") + who(f.sender) + "'s stdio blob with counter " + std::to_string(f.number) +
             " does not verify under the login's keys";
    case Code::std_register_rejected:
      return f.byte == 0xe1 ? "the device answered 0xE1 (already registered): it keeps its token"
                            : "the device answered 0x12 (register failed)";
    case Code::std_login_rejected: {
      const std::uint8_t r = f.byte.value_or(0);
      return "the device answered 0x" + to_hex(std::array{r}) + " (" + opcode_name(r) + ")";
    }
    default:
      return code_info(f.code).meaning;  // a code with no arguments: the table's line
  }
}

}  // namespace fe95::stdauth
