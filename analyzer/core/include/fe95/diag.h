// SPDX-License-Identifier: GPL-2.0-or-later
// Diagnostics: malformed or suspicious input is data, not a crash (Wireshark expert info).
//
// One table of codes (diag.cc) drives every front end: the JSON `code`, the text report's `!`
// lines, the Wireshark plugin's expert infos (registered from the table, looked up by index) and
// the README's table (a test fails when the README misses a code).
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "fe95/bytes.h"

namespace fe95 {

enum class Severity : std::uint8_t { note, warning, error };
const char* severity_name(Severity s);

// Where a code comes from: a layer below the sessions (capture, HCI, L2CAP, ATT/GATT), the
// analysis' own caps, or the Mi auth session machine (a finding about one session).
enum class Layer : std::uint8_t { capture, hci, ll, l2cap, att, analysis, miauth, stdauth };

enum class Code : std::uint8_t {
  // capture
  capture_truncated_record,
  // hci
  hci_malformed_event, hci_acl_short, hci_acl_length, hci_connection_evicted,
  // ll (LE sniffer captures)
  ll_header, ll_length, ll_connect_ind, ll_crc_bad, ll_encrypted, ll_lost,
  // l2cap
  l2cap_start_while_pending, l2cap_trailing_bytes, l2cap_evicted, l2cap_continuation_without_start, l2cap_overflow,
  l2cap_unfinished_at_disconnect,
  // att / gatt
  att_malformed, gatt_cap,
  // analysis caps
  keys_device_evicted, mibeacon_device_evicted, report_device_evicted,
  // Mi auth findings (one session each)
  draft_byte_order, draft_login_key, client_mac_order, client_product_id, wrong_product_id,
  device_holds_other_token, cut_by_disconnect, long_login_notification, no_device_address, t2_unverified,
  register_end_mismatch, plain_register_end, token_mismatch, confirmation_mismatch,
  // standard auth (0x0010 + 0x0019) findings, one session each
  std_malformed_frame, std_command_during_transfer, std_transfer_too_long, std_unexpected_fragment, std_lost_loop,
  std_unfinished_transfer, std_secure_auth, std_public_key_off_curve, std_token_not_in_capture, std_register_rejected,
  std_not_registered, std_login_rejected, std_device_holds_other_token, std_app_used_other_token, std_no_candidate,
  session_mic_failed, uart_checksum,
};

struct CodeInfo {
  Code code;
  Layer layer;
  const char* name;     // stable, as printed: "l2cap.continuation_without_start", "client_mac_order"
  Severity severity;
  const char* meaning;  // one line
};

// Every code, in enum order (all_codes()[i].code == Code(i)).
std::span<const CodeInfo> all_codes();
const CodeInfo& code_info(Code c);
inline const char* code_name(Code c) { return code_info(c).name; }

struct Diagnostic {
  std::uint64_t frame = 0;    // 1-based frame number, 0 when it concerns the file as a whole
  std::uint64_t offset = 0;   // byte offset in the file where known, else 0
  Code code = Code::hci_malformed_event;
  std::string message;        // one line a person understands
  std::string raw_hex;        // the bytes concerned (possibly truncated), lower-case hex
  [[nodiscard]] Severity severity() const { return code_info(code).severity; }
};

}  // namespace fe95
