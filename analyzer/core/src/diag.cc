// SPDX-License-Identifier: GPL-2.0-or-later
#include "fe95/diag.h"

namespace fe95 {

namespace {

using enum Severity;
constexpr CodeInfo kCodes[] = {
    {Code::capture_truncated_record, Layer::capture, "capture.truncated_record", warning,
     "the record was cut by the capture's snap length: fewer bytes captured than were on the wire"},
    {Code::hci_malformed_event, Layer::hci, "hci.malformed_event", note, "an HCI event shorter than its parameters"},
    {Code::hci_acl_short, Layer::hci, "hci.acl_short", warning, "an ACL packet shorter than its 4-byte header"},
    {Code::hci_acl_length, Layer::hci, "hci.acl_length", warning, "an ACL length field that runs past the packet"},
    {Code::hci_connection_evicted, Layer::hci, "hci.connection_evicted", warning,
     "more live connections than the cap: the one idle longest was dropped"},
    {Code::ll_header, Layer::ll, "ll.header", warning,
     "a sniffer header that does not add up (length, version, no BTLE field): the packet is not decoded"},
    {Code::ll_length, Layer::ll, "ll.length", warning,
     "an LE packet whose length field disagrees with the bytes captured (or exceeds 251)"},
    {Code::ll_connect_ind, Layer::ll, "ll.connect_ind", warning,
     "a CONNECT_IND that is not 34 bytes: no connection is created from it"},
    {Code::ll_crc_bad, Layer::ll, "ll.crc_bad", note,
     "packets whose CRC failed (by the sniffer's flag, or recomputed) were counted and skipped"},
    {Code::ll_encrypted, Layer::ll, "ll.encrypted", note,
     "link-layer encryption started: its PDUs that the sniffer did not decrypt were not decoded"},
    {Code::ll_lost, Layer::ll, "ll.lost", note,
     "the capture ended with the connection up and no LL_TERMINATE_IND: the sniffer may have lost it"},
    {Code::l2cap_start_while_pending, Layer::l2cap, "l2cap.start_while_pending", warning,
     "a new L2CAP start while an SDU on the same link is unfinished"},
    {Code::l2cap_trailing_bytes, Layer::l2cap, "l2cap.trailing_bytes", note, "bytes after a complete L2CAP frame"},
    {Code::l2cap_evicted, Layer::l2cap, "l2cap.evicted", warning,
     "more unfinished L2CAP SDUs than the cap: the one idle longest was dropped"},
    {Code::l2cap_continuation_without_start, Layer::l2cap, "l2cap.continuation_without_start", warning,
     "an ACL continuation fragment with no SDU started on its link"},
    {Code::l2cap_overflow, Layer::l2cap, "l2cap.overflow", warning, "fragments longer than the L2CAP frame they continue"},
    {Code::l2cap_unfinished_at_disconnect, Layer::l2cap, "l2cap.unfinished_at_disconnect", warning,
     "a link closed with an L2CAP SDU unfinished"},
    {Code::att_malformed, Layer::att, "att.malformed", warning, "an ATT PDU shorter or longer than its opcode allows"},
    {Code::gatt_cap, Layer::att, "gatt.cap", warning, "a link's GATT map is full: further discovery is not recorded"},
    {Code::keys_device_evicted, Layer::analysis, "analysis.keys_device_evicted", note,
     "more learned devices than the cap: the one seen least recently was forgotten"},
    {Code::mibeacon_device_evicted, Layer::analysis, "analysis.mibeacon_device_evicted", note,
     "more advertisers than the retransmission tracker holds: the one seen least recently was forgotten"},
    {Code::report_device_evicted, Layer::analysis, "analysis.report_device_evicted", note,
     "more advertisers than the text report summarises: the one seen least recently was summarised early"},
    {Code::draft_byte_order, Layer::miauth, "draft_byte_order", warning,
     "a session start in the 2019 draft's byte order, which the device ignores"},
    {Code::draft_login_key, Layer::miauth, "draft_login_key", warning,
     "the client derived the draft's 4-byte login key instead of the 12-byte one"},
    {Code::client_mac_order, Layer::miauth, "client_mac_order", warning,
     "the client mixed the MAC in printed order instead of over-the-air order"},
    {Code::client_product_id, Layer::miauth, "client_product_id", warning, "the client mixed with a wrong product id"},
    {Code::wrong_product_id, Layer::miauth, "wrong_product_id", note,
     "the configured product id does not verify; another one does"},
    {Code::device_holds_other_token, Layer::miauth, "device_holds_other_token", warning,
     "the client's response fits its token but the device never confirms"},
    {Code::cut_by_disconnect, Layer::miauth, "cut_by_disconnect", warning, "the link dropped before the session finished"},
    {Code::long_login_notification, Layer::miauth, "long_login_notification", note,
     "a login notification longer than 4 bytes; the rest is not understood"},
    {Code::no_device_address, Layer::miauth, "no_device_address", warning,
     "no connection event for the link: the device address (and so the token) is unknown"},
    {Code::t2_unverified, Layer::miauth, "t2_unverified", error, "T2 verifies under no product id for the device"},
    {Code::register_end_mismatch, Layer::miauth, "register_end_mismatch", error,
     "the client's final register write fits no known mistake"},
    {Code::plain_register_end, Layer::miauth, "plain_register_end", note,
     "the client sent the register-end constant unencrypted"},
    {Code::token_mismatch, Layer::miauth, "token_mismatch", error, "no candidate token explains the client's response"},
    {Code::confirmation_mismatch, Layer::miauth, "confirmation_mismatch", error,
     "the response fits the token but the device's confirmation does not"},
    {Code::std_malformed_frame, Layer::stdauth, "std.malformed_frame", warning,
     "a value on the transfer channel (0x0019) that is no rxfer frame"},
    {Code::std_command_during_transfer, Layer::stdauth, "std.command_during_transfer", warning,
     "a new transfer command while another transfer is unfinished (one at a time)"},
    {Code::std_transfer_too_long, Layer::stdauth, "std.transfer_too_long", warning,
     "a transfer command announcing no fragment or more than fe95 follows: the transfer is ignored"},
    {Code::std_unexpected_fragment, Layer::stdauth, "std.unexpected_fragment", warning,
     "a data fragment outside any transfer of its sender, or past the announced count"},
    {Code::std_lost_loop, Layer::stdauth, "std.lost_loop", warning,
     "a receiver asked for lost fragments again and again: the transfer is given up"},
    {Code::std_unfinished_transfer, Layer::stdauth, "std.unfinished_transfer", warning,
     "the session ended with a transfer missing fragments"},
    {Code::std_secure_auth, Layer::stdauth, "std.secure_auth", note,
     "secure auth on 0x0016 (Mijia secure chip): same framing, not decodable"},
    {Code::std_public_key_off_curve, Layer::stdauth, "std.public_key_off_curve", error,
     "a register public key that is not a point of P-256"},
    {Code::std_token_not_in_capture, Layer::stdauth, "std.token_not_in_capture", note,
     "a standard-auth register agrees its token by ECDH: it cannot be recovered from a capture"},
    {Code::std_register_rejected, Layer::stdauth, "std.register_rejected", warning,
     "the device refused the register (failed, or already registered)"},
    {Code::std_not_registered, Layer::stdauth, "std.not_registered", error,
     "a login on a device that holds no token (0xE0)"},
    {Code::std_login_rejected, Layer::stdauth, "std.login_rejected", error, "the device refused the login"},
    {Code::std_device_holds_other_token, Layer::stdauth, "std.device_holds_other_token", error,
     "the app's confirmation fits a candidate token, the device's does not: the device holds another token"},
    {Code::std_app_used_other_token, Layer::stdauth, "std.app_used_other_token", error,
     "the device's confirmation fits the token, the app's does not: the app used another token"},
    {Code::std_no_candidate, Layer::stdauth, "std.no_candidate", error,
     "no candidate token explains the device's (or the app's) confirmation"},
    {Code::session_mic_failed, Layer::stdauth, "session.mic_failed", warning,
     "an encrypted session message whose MIC does not verify under the login's keys"},
    {Code::uart_checksum, Layer::stdauth, "uart.checksum", warning, "a scooter 55 AB frame whose checksum is wrong"},
};

}  // namespace

const char* severity_name(Severity s) {
  switch (s) {
    case Severity::note: return "note";
    case Severity::warning: return "warning";
    case Severity::error: return "error";
  }
  return "?";
}

std::span<const CodeInfo> all_codes() { return kCodes; }

const CodeInfo& code_info(Code c) {
  static_assert(std::size(kCodes) == static_cast<std::size_t>(Code::uart_checksum) + 1,
                "one table row per code");
  return kCodes[static_cast<std::size_t>(c)];
}

}  // namespace fe95
