// SPDX-License-Identifier: GPL-2.0-or-later
// Diagnostics: malformed or suspicious input is data, not a crash (Wireshark expert info).
//
// One table of codes (diag.cc) drives every front end: the JSON `code`, the text report's `!`
// lines, the Wireshark plugin's expert infos (registered from the table, looked up by index) and
// the README's table (a test fails when the README misses a code).
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "fe95/bytes.h"

namespace fe95 {

enum class Severity : std::uint8_t { note, warning, error };
const char* severity_name(Severity s);

// Where a code comes from: a layer below the sessions (capture, HCI, L2CAP, ATT/GATT, RFCOMM), the
// analysis' own caps, or a family's session machine (a finding about one session).
enum class Layer : std::uint8_t { capture, hci, ll, l2cap, att, analysis, miauth, stdauth, rfcomm, miwear };

enum class Code : std::uint8_t {
  // capture
  capture_truncated_record,
  // hci
  hci_malformed_event,
  hci_acl_short,
  hci_acl_length,
  hci_connection_evicted,
  // ll (LE sniffer captures)
  ll_header,
  ll_length,
  ll_connect_ind,
  ll_crc_bad,
  ll_encrypted,
  ll_lost,
  // l2cap
  l2cap_start_while_pending,
  l2cap_trailing_bytes,
  l2cap_evicted,
  l2cap_continuation_without_start,
  l2cap_overflow,
  l2cap_unfinished_at_disconnect,
  // att / gatt
  att_malformed,
  gatt_cap,
  // analysis caps, and MiBeacon adverts
  keys_device_evicted,
  mibeacon_device_evicted,
  report_device_evicted,
  mibeacon_trailing_bytes,
  // Mi auth findings (one session each)
  draft_byte_order,
  draft_login_key,
  client_mac_order,
  client_product_id,
  wrong_product_id,
  device_holds_other_token,
  cut_by_disconnect,
  long_login_notification,
  no_device_address,
  t2_unverified,
  register_end_mismatch,
  plain_register_end,
  token_mismatch,
  confirmation_mismatch,
  // standard auth (0x0010 + 0x0019) findings, one session each
  std_malformed_frame,
  std_command_during_transfer,
  std_transfer_too_long,
  std_unexpected_fragment,
  std_lost_loop,
  std_unfinished_transfer,
  std_secure_auth,
  std_public_key_off_curve,
  std_token_not_in_capture,
  std_register_rejected,
  std_not_registered,
  std_login_rejected,
  std_device_holds_other_token,
  std_app_used_other_token,
  std_no_candidate,
  session_mic_failed,
  uart_checksum,
  // BR/EDR: the L2CAP channel tracker and RFCOMM (docs/MIWEAR.md §11), link diagnostics
  l2cap_channel_evicted,
  rfcomm_malformed_frame,
  rfcomm_fcs_bad,
  rfcomm_unknown_frame_type,
  rfcomm_reserved_dlci,
  rfcomm_mux_malformed,
  rfcomm_data_on_closed_dlc,
  rfcomm_credit_abuse,
  rfcomm_credit_overflow,
  rfcomm_frame_too_long,
  rfcomm_trailing_bytes,
  // the wearables (docs/MIWEAR.md) findings, one session each: the auth, the messages, the files,
  // then the framings' problems (miwear/common.h ProblemKind, in its order)
  miwear_watch_holds_other_key,
  miwear_phone_used_other_key,
  miwear_auth_rejected,
  miwear_watch_error,
  miwear_user_id_rejected,
  miwear_tag_failed,
  miwear_not_protobuf,
  miwear_protobuf_limit,
  miwear_activity_crc_bad,
  miwear_activity_malformed,
  miwear_upload_md5_bad,
  miwear_upload_crc_bad,
  miwear_upload_malformed,
  miwear_sppv2_seq_gap,
  miwear_v1_malformed_frame,
  miwear_v1_chunk_without_start,
  miwear_v1_chunk_out_of_range,
  miwear_v1_too_many_chunks,
  miwear_v1_message_too_long,
  miwear_v1_start_during_transfer,
  miwear_v1_unfinished_transfer,
  miwear_v1_nack,
  miwear_sppv2_crc_bad,
  miwear_sppv2_garbage,
  miwear_sppv2_unfinished,
  miwear_sppv2_malformed_payload,
  miwear_sppv1_garbage,
  miwear_sppv1_bad_trailer,
  miwear_sppv1_unfinished,
  miwear_stream_overflow,
  // a key given in one role fits another (a session finding, or a note on a device's adverts)
  key_in_other_role,
};

struct CodeInfo {
  Code code;
  Layer layer;
  const char* name;  // stable, as printed: "l2cap.continuation_without_start", "client_mac_order"
  Severity severity;
  const char* meaning;  // one line
};

// Every code, in enum order (all_codes()[i].code == Code(i)).
std::span<const CodeInfo> all_codes();
const CodeInfo& code_info(Code c);
inline const char* code_name(Code c) {
  return code_info(c).name;
}

// A diagnostic: typed data, no sentence. Layers fill the arguments their code names; describe()
// (diag.cc) words every code in one place, for every front end.
struct Diagnostic {
  std::uint64_t frame = 0;   // 1-based frame number, 0 when it concerns the file as a whole
  std::uint64_t offset = 0;  // byte offset in the file where known, else 0
  Code code = Code::hci_malformed_event;
  std::string raw_hex;  // the bytes concerned (possibly truncated), lower-case hex
  // Arguments, by code (describe() says which a code uses).
  std::uint64_t count = 0;              // how many: bytes, packets, devices
  std::uint64_t total = 0;              // out of how many, or a second count
  std::uint64_t limit = 0;              // a cap, or the size the protocol wants
  std::uint64_t at = 0;                 // another frame the diagnostic names (a start, the last PDU)
  std::optional<std::uint16_t> handle;  // a connection or attribute handle
  std::optional<std::uint8_t> byte;     // an opcode, an event code, a length field
  std::uint8_t reason = 0;              // a reason of the code's own (an ATT parse error, a sniffer header error)
  std::string name;                     // what a layer calls the thing concerned: a link's label, a device address
  [[nodiscard]] Severity severity() const { return code_info(code).severity; }
};

// A diagnostic about one capture record (anything with its frame and file offset): the code and
// the first bytes concerned (at most 32, as hex). Every layer's diagnostics start here.
inline constexpr std::size_t kDiagRawBytes = 32;
template <class Rec>
Diagnostic record_diagnostic(const Rec& rec, Code code, ByteView raw) {
  Diagnostic d;
  d.frame = rec.frame;
  d.offset = rec.offset;
  d.code = code;
  d.raw_hex = to_hex(raw.first(raw.size() < kDiagRawBytes ? raw.size() : kDiagRawBytes));
  return d;
}

// One line a person understands (no command-line flags: those are the front ends' own).
std::string describe(const Diagnostic& d);

}  // namespace fe95
