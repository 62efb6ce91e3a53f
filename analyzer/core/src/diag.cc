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
    {Code::l2cap_overflow, Layer::l2cap, "l2cap.overflow", warning,
     "fragments longer than the L2CAP frame they continue"},
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
    {Code::mibeacon_trailing_bytes, Layer::analysis, "mibeacon.trailing_bytes", note,
     "a MiBeacon advert ends in 1 or 2 bytes after its last object, too few for an object: ignored"},
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
    {Code::cut_by_disconnect, Layer::miauth, "cut_by_disconnect", warning,
     "the link dropped before the session finished"},
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
    // BR/EDR (docs/MIWEAR.md §11): each once per link, the first occurrence
    {Code::l2cap_channel_evicted, Layer::l2cap, "l2cap.channel_evicted", warning,
     "more dynamic channels open on a BR/EDR link than the cap: the oldest was forgotten"},
    {Code::rfcomm_malformed_frame, Layer::rfcomm, "rfcomm.malformed_frame", warning,
     "an RFCOMM frame too short, with an extended address, or whose length disagrees with its L2CAP SDU"},
    {Code::rfcomm_fcs_bad, Layer::rfcomm, "rfcomm.fcs_bad", warning,
     "an RFCOMM frame whose FCS does not verify: dropped, as its receiver drops it"},
    {Code::rfcomm_unknown_frame_type, Layer::rfcomm, "rfcomm.unknown_frame_type", warning,
     "an RFCOMM control octet that is none of SABM, UA, DM, DISC, UIH"},
    {Code::rfcomm_reserved_dlci, Layer::rfcomm, "rfcomm.reserved_dlci", warning,
     "an RFCOMM frame on reserved DLCI 62 or 63"},
    {Code::rfcomm_mux_malformed, Layer::rfcomm, "rfcomm.mux_malformed", warning,
     "a multiplexer command on DLCI 0 that does not parse"},
    {Code::rfcomm_data_on_closed_dlc, Layer::rfcomm, "rfcomm.data_on_closed_dlc", note,
     "RFCOMM data on a DLC the capture saw closed or refused: still delivered"},
    {Code::rfcomm_credit_abuse, Layer::rfcomm, "rfcomm.credit_abuse", warning,
     "RFCOMM data sent with no credit left (credit-based flow control): still delivered"},
    {Code::rfcomm_credit_overflow, Layer::rfcomm, "rfcomm.credit_overflow", warning,
     "RFCOMM credits granted past 65,535: saturated"},
    {Code::rfcomm_frame_too_long, Layer::rfcomm, "rfcomm.frame_too_long", note,
     "an RFCOMM information field longer than the DLC's negotiated maximum frame size"},
    {Code::rfcomm_trailing_bytes, Layer::rfcomm, "rfcomm.trailing_bytes", note, "bytes after an RFCOMM frame's FCS"},
    // the wearables (docs/MIWEAR.md)
    {Code::miwear_watch_holds_other_key, Layer::miwear, "miwear.watch_holds_other_key", error,
     "the watch's proof (step 2) fits none of the auth keys given: the watch holds another key"},
    {Code::miwear_phone_used_other_key, Layer::miwear, "miwear.phone_used_other_key", error,
     "the watch's proof fits the auth key, the phone's (step 3) does not: the phone used another key"},
    {Code::miwear_auth_rejected, Layer::miwear, "miwear.auth_rejected", error,
     "the watch's result (step 4) is not success"},
    {Code::miwear_watch_error, Layer::miwear, "miwear.watch_error", error,
     "the watch answered the auth with an error code (4: not bound, after a reset or an unbind)"},
    {Code::miwear_user_id_rejected, Layer::miwear, "miwear.user_id_rejected", warning,
     "an older watch's plaintext user-id auth answered with a status other than 1"},
    {Code::miwear_tag_failed, Layer::miwear, "miwear.tag_failed", warning,
     "an AES-CCM message whose 4-byte tag does not verify: its plaintext is shown all the same"},
    {Code::miwear_not_protobuf, Layer::miwear, "miwear.not_protobuf", note,
     "a message that does not parse as a protobuf envelope: its bytes are shown"},
    {Code::miwear_protobuf_limit, Layer::miwear, "miwear.protobuf_limit", note,
     "a protobuf nested deeper, or with more fields, than fe95 decodes: the rest is kept as bytes"},
    {Code::miwear_activity_crc_bad, Layer::miwear, "miwear.activity_crc_bad", warning,
     "an activity file whose CRC-32 does not match its contents"},
    {Code::miwear_activity_malformed, Layer::miwear, "miwear.activity_malformed", warning,
     "an activity file part out of order or short, a file too short for its id and CRC, or unfinished"},
    {Code::miwear_upload_md5_bad, Layer::miwear, "miwear.upload_md5_bad", warning,
     "an upload whose MD5 does not match the file it carries"},
    {Code::miwear_upload_crc_bad, Layer::miwear, "miwear.upload_crc_bad", warning,
     "an upload whose CRC-32 does not match its contents"},
    {Code::miwear_upload_malformed, Layer::miwear, "miwear.upload_malformed", warning,
     "an upload part out of order or short, an upload whose header or size does not add up, or unfinished"},
    {Code::miwear_sppv2_seq_gap, Layer::miwear, "miwear.sppv2.seq_gap", note,
     "an SPPv2 DATA packet whose sequence number does not follow its direction's last: a packet is missing"},
    {Code::miwear_v1_malformed_frame, Layer::miwear, "miwear.v1.malformed_frame", warning,
     "a value on a BLE-V1 characteristic that is no rxfer frame"},
    {Code::miwear_v1_chunk_without_start, Layer::miwear, "miwear.v1.chunk_without_start", warning,
     "a BLE-V1 chunk with no chunked message of its sender announced"},
    {Code::miwear_v1_chunk_out_of_range, Layer::miwear, "miwear.v1.chunk_out_of_range", warning,
     "a BLE-V1 chunk past the count its start announced: ignored"},
    {Code::miwear_v1_too_many_chunks, Layer::miwear, "miwear.v1.too_many_chunks", warning,
     "a BLE-V1 start announcing no chunk or more than fe95 follows: the message is ignored"},
    {Code::miwear_v1_message_too_long, Layer::miwear, "miwear.v1.message_too_long", warning,
     "BLE-V1 chunks adding up to more bytes than fe95 keeps: the message is ignored"},
    {Code::miwear_v1_start_during_transfer, Layer::miwear, "miwear.v1.start_during_transfer", warning,
     "a new BLE-V1 message while the sender's chunked message is unfinished"},
    {Code::miwear_v1_unfinished_transfer, Layer::miwear, "miwear.v1.unfinished_transfer", warning,
     "the link ended with a BLE-V1 chunked message missing chunks"},
    {Code::miwear_v1_nack, Layer::miwear, "miwear.v1.nack", note, "a BLE-V1 receiver refused a message"},
    {Code::miwear_sppv2_crc_bad, Layer::miwear, "miwear.sppv2.crc_bad", warning,
     "an SPPv2 packet whose CRC-16 fails: dropped, the stream resynchronised on A5 A5"},
    {Code::miwear_sppv2_garbage, Layer::miwear, "miwear.sppv2.garbage", warning,
     "bytes of an SPPv2 stream that belong to no packet: skipped"},
    {Code::miwear_sppv2_unfinished, Layer::miwear, "miwear.sppv2.unfinished", note,
     "an SPPv2 stream ended inside a packet"},
    {Code::miwear_sppv2_malformed_payload, Layer::miwear, "miwear.sppv2.malformed_payload", warning,
     "an SPPv2 session config or DATA payload too short for its fields"},
    {Code::miwear_sppv1_garbage, Layer::miwear, "miwear.sppv1.garbage", warning,
     "bytes of an SPP-V1 stream that belong to no frame: skipped"},
    {Code::miwear_sppv1_bad_trailer, Layer::miwear, "miwear.sppv1.bad_trailer", warning,
     "an SPP-V1 frame that does not end in EF: dropped, the stream resynchronised on BA DC FE"},
    {Code::miwear_sppv1_unfinished, Layer::miwear, "miwear.sppv1.unfinished", note,
     "an SPP-V1 stream ended inside a frame"},
    {Code::miwear_stream_overflow, Layer::miwear, "miwear.stream_overflow", warning,
     "more bytes of a wearable stream buffered than the cap, no packet completing: the oldest were dropped"},
    {Code::key_in_other_role, Layer::analysis, "key_in_other_role", note,
     "a key given in one role (token, beacon key, bind key) fits another: fe95 used it there"},
};

}  // namespace

const char* severity_name(Severity s) {
  switch (s) {
    case Severity::note:
      return "note";
    case Severity::warning:
      return "warning";
    case Severity::error:
      return "error";
  }
  return "?";
}

std::span<const CodeInfo> all_codes() {
  return kCodes;
}

const CodeInfo& code_info(Code c) {
  static_assert(std::size(kCodes) == static_cast<std::size_t>(Code::key_in_other_role) + 1, "one table row per code");
  return kCodes[static_cast<std::size_t>(c)];
}

}  // namespace fe95

// ---- the wording of every layer's diagnostics (the families word their findings: session.h) ----

#include "fe95/att/att.h"
#include "fe95/capture/capture.h"
#include "fe95/keys/keys.h"

namespace fe95 {

namespace {

std::string n(std::uint64_t v) {
  return std::to_string(v);
}

// The role a given_as_* source names, in words.
const char* given_role(Source s) {
  switch (s) {
    case Source::given_as_token:
      return "token";
    case Source::given_as_beacon_key:
      return "beacon key";
    case Source::given_as_bind_key:
      return "bind key";
    default:
      return "key";
  }
}

const char* header_error(std::uint8_t reason) {
  switch (static_cast<LlHeaderError>(reason)) {
    case LlHeaderError::short_header:
      return "shorter than its header";
    case LlHeaderError::length_mismatch:
      return "its length fields disagree with the bytes captured";
    case LlHeaderError::bad_version:
      return "an unknown nRF Sniffer header version";
    case LlHeaderError::no_btle_field:
      return "no BTLE field or an unknown DLT";
    case LlHeaderError::none:
      break;
  }
  return "";
}

}  // namespace

std::string key_in_other_role(Source given, const std::string& device, const char* fits, const std::string& outcome) {
  return std::string("the key given as the ") + given_role(given) + " of " + device + " is its " + fits + ": " +
         outcome;
}

std::string describe(const Diagnostic& d) {
  const std::string handle = d.handle ? hex16(*d.handle) : std::string("?");
  switch (d.code) {
    case Code::capture_truncated_record:
      return "record cut by the capture's snap length: " + n(d.count) + " of " + n(d.total) +
             " bytes captured; not dissected";
    case Code::hci_malformed_event:
      return "HCI event 0x" + to_hex(std::array<std::uint8_t, 1>{d.byte.value_or(0)}) +
             " is shorter than its parameters";
    case Code::hci_acl_short:
      return "ACL packet shorter than its 4-byte header";
    case Code::hci_acl_length:
      return "ACL length field runs past the packet";
    case Code::hci_connection_evicted:
      return "more than " + n(d.limit) + " live connections; dropped handle " + handle + " (idle since frame " +
             n(d.at) + ")";
    case Code::ll_header:
      return std::string("sniffer header: ") + header_error(d.reason);
    case Code::ll_length:
      if (d.byte) return "LE packet length field " + n(*d.byte) + " for " + n(d.count) + " bytes captured";
      return "LE packet of " + n(d.count) + " bytes: shorter than its header and CRC";
    case Code::ll_connect_ind:
      return "CONNECT_IND of " + n(d.count) + " bytes (34 expected): ignored";
    case Code::ll_crc_bad:
      return n(d.count) + " packets with a bad CRC skipped (" + n(d.total) + " advertising, " + n(d.count - d.total) +
             " data)";
    case Code::ll_encrypted:
      // reason: the pairing seen before (0 none, 1 legacy, 2 LE Secure Connections).
      return d.name + ": link-layer encryption" + (d.at ? " started at frame " + n(d.at) : std::string(" in use")) +
             (d.reason == 1   ? " (pairing: legacy)"
              : d.reason == 2 ? " (pairing: LE Secure Connections)"
                              : "") +
             "; PDUs the sniffer did not decrypt are counted, not decoded";
    case Code::ll_lost:
      return d.name + ": the capture ended with the connection up (last PDU at frame " + n(d.at) +
             ", no LL_TERMINATE_IND)";
    case Code::l2cap_start_while_pending:
      return "new L2CAP start on handle " + handle + " while the SDU started in frame " + n(d.at) + " is unfinished (" +
             n(d.count) + " of " + n(d.total) + " bytes); dropped it";
    case Code::l2cap_trailing_bytes:
      return n(d.count) + " bytes after the L2CAP frame ignored";
    case Code::l2cap_evicted:
      return "more than " + n(d.limit) + " unfinished L2CAP SDUs; dropped the one started in frame " + n(d.at);
    case Code::l2cap_continuation_without_start:
      return "ACL continuation fragment with no SDU started on this link; ignored";
    case Code::l2cap_overflow:
      return "fragment overflows the L2CAP frame started in frame " + n(d.at) + " (" + n(d.count) + " bytes for " +
             n(d.limit) + "); dropped the SDU";
    case Code::l2cap_unfinished_at_disconnect:
      return "link closed with an unfinished L2CAP SDU started in frame " + n(d.at);
    case Code::att_malformed:
      return std::string("ATT PDU ") +
             (d.byte ? "opcode 0x" + to_hex(std::array<std::uint8_t, 1>{*d.byte}) + " " : "") +
             att::parse_error_name(static_cast<att::ParseError>(d.reason));
    case Code::gatt_cap:
      return "GATT map of handle " + handle + " is full; further discovery on this link is not recorded";
    case Code::keys_device_evicted:
    case Code::mibeacon_device_evicted:
      return "more than " + n(d.limit) + " devices (reached at " + d.name +
             "): the least recently seen are forgotten from here on";
    case Code::report_device_evicted:
      return "more than " + n(d.limit) + " advertisers: the report lists the most recently seen and counts the others";
    case Code::mibeacon_trailing_bytes:
      return "MiBeacon advert of " + d.name + ": " + n(d.count) + (d.count == 1 ? " byte" : " bytes") +
             " after the last object, too few for an object: ignored";
    case Code::key_in_other_role:
      // name: the device; reason: the given_as_* source (the role the key was given in).
      return key_in_other_role(static_cast<Source>(d.reason), d.name, "beacon key", "its adverts decrypt with it");
    case Code::std_secure_auth:
      return "secure auth on handle " + (d.handle ? n(*d.handle) : std::string("?")) +
             " (0x0016, Mijia secure chip): the framing is standard auth's, the cryptography is not decodable";
    case Code::l2cap_channel_evicted:
      return "more than " + n(d.limit) + " dynamic channels open on the link: the oldest (PSM " + n(d.count) +
             ", opened at frame " + n(d.at) + ") is forgotten";
    case Code::rfcomm_malformed_frame:
    case Code::rfcomm_fcs_bad:
    case Code::rfcomm_unknown_frame_type:
    case Code::rfcomm_reserved_dlci:
    case Code::rfcomm_mux_malformed:
    case Code::rfcomm_data_on_closed_dlc:
    case Code::rfcomm_credit_abuse:
    case Code::rfcomm_credit_overflow:
    case Code::rfcomm_frame_too_long:
    case Code::rfcomm_trailing_bytes:
      // byte: the DLCI; name: the RFCOMM layer's account of the frame. Once per kind and link.
      return "DLCI " + n(d.byte.value_or(0)) + ": " + (d.name.empty() ? code_info(d.code).meaning : d.name) +
             " (further ones on this link are not reported)";
    default:
      return code_info(d.code).meaning;
  }
}

}  // namespace fe95
