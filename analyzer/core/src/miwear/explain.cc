// SPDX-License-Identifier: GPL-2.0-or-later
// The wording of the wearables' findings: one sentence per code from its typed arguments, shared by
// the CLI (JSON `message`, the text report) and the Wireshark plugin (expert info). The arguments
// each code uses:
//   sender (0 the phone, 1 the watch), count, total, number, byte, value, flag, type (Content):
//   watch_holds_other_key  count: auth keys tried
//   auth_rejected          number: the result
//   watch_error            number: the error code
//   user_id_rejected       number: the status
//   tag_failed             sender; flag: the step-3 device info (else a message: number its counter)
//   not_protobuf           sender, count: bytes, number: where parsing stopped
//   protobuf_limit         sender, flag: depth (else fields), number: the limit
//   activity_*, upload_*   byte: FileTrouble (malformed), number/count (see below), value: the id
//   framings               the Problem's facts (miwear/common.h)
#include "fe95/miwear/session.h"
#include "fe95/miwear/sppv2.h"

namespace fe95::miwear {

namespace {

const char* who(std::uint8_t sender) {
  return sender ? "the watch" : "the phone";
}
std::string of_total(const session::Finding& f) {
  return std::to_string(f.count) + " of " + (f.total ? std::to_string(*f.total) : std::string("?"));
}
std::string hex32(std::uint64_t v) {
  const std::uint8_t b[4] = {static_cast<std::uint8_t>(v >> 24), static_cast<std::uint8_t>(v >> 16),
                             static_cast<std::uint8_t>(v >> 8), static_cast<std::uint8_t>(v)};
  return to_hex(b);
}

}  // namespace

std::string describe(const session::Finding& f) {
  switch (f.code) {
    case Code::miwear_watch_holds_other_key:
      return "the watch's proof fits none of the " + std::to_string(f.count) + " auth key" + (f.count == 1 ? "" : "s") +
             " given: the watch holds another key (it was bound again, or the key belongs to another device)";
    case Code::miwear_phone_used_other_key:
      return "the watch's proof fits the auth key, the phone's does not: the phone computed with another key";
    case Code::miwear_auth_rejected:
      return "the watch answered the auth with result " + std::to_string(f.number) + ", not 1 (success)";
    case Code::miwear_watch_error: {
      const char* name = auth_error_name(f.number);
      std::string s = "the watch answered the auth with error code " + std::to_string(f.number);
      if (*name) s += std::string(" (") + name + ")";
      if (f.number == 4) s += ": it is not bound to an account (reset, or unbound in the app); bind it again";
      return s;
    }
    case Code::miwear_user_id_rejected:
      return "the watch answered the user-id auth with status " + std::to_string(f.number) + ", not 1";
    case Code::miwear_tag_failed:
      if (f.flag)
        return "the phone's encrypted device info (step 3) does not verify under the session's key: shown decrypted "
               "all the same";
      return std::string("a message from ") + who(f.sender) + " (counter " + std::to_string(f.number) +
             ") whose AES-CCM tag does not verify: its plaintext is shown all the same";
    case Code::miwear_not_protobuf:
      return std::string("a ") + std::to_string(f.count) + "-byte message from " + who(f.sender) +
             " that does not parse as a protobuf envelope (stops at byte " + std::to_string(f.number) +
             "): shown as bytes";
    case Code::miwear_protobuf_limit:
      return std::string("a message from ") + who(f.sender) +
             (f.flag ? " nested deeper than " + std::to_string(f.number) + " levels"
                     : " with more than " + std::to_string(f.number) + " fields") +
             ": the rest is kept as bytes";
    case Code::miwear_activity_crc_bad:
      return "activity file " + to_hex(f.value) + ": CRC-32 " + hex32(f.count) + " where its bytes give " +
             hex32(f.number);
    case Code::miwear_upload_md5_bad:
      return "an upload of type " + std::to_string(f.byte.value_or(0)) + " whose MD5 does not match the " +
             std::to_string(f.count) + " bytes it carries";
    case Code::miwear_upload_crc_bad:
      return "an upload of type " + std::to_string(f.byte.value_or(0)) + ": CRC-32 " + hex32(f.count) +
             " where its bytes give " + hex32(f.number);
    case Code::miwear_activity_malformed:
    case Code::miwear_upload_malformed: {
      const char* what = f.code == Code::miwear_activity_malformed ? "an activity file" : "an upload";
      switch (f.type) {
        case 1:
          return std::string("a part of ") + what + " shorter than its 4-byte header";
        case 2:
          return std::string("part ") + std::to_string(f.count) + " of " + what + " where part " +
                 (f.number ? std::to_string(f.number) : std::string("1")) + " was due: the file is dropped";
        case 3:
          return std::string(what) + " of " + std::to_string(f.count) + " bytes, too short for its head and CRC";
        case 4:
          return std::string(what) + " announcing " + std::to_string(f.number) + " bytes that carries " +
                 std::to_string(f.count);
        case 5:
          return std::string(what) + " unfinished at the end of the session: " + of_total(f) + " parts";
        default:
          return code_info(f.code).meaning;
      }
    }
    case Code::miwear_sppv2_seq_gap:
      return std::string("an SPPv2 DATA packet from ") + who(f.sender) + " with sequence number " +
             std::to_string(f.number) + ", not the one after the previous: a packet is missing from the capture";
    case Code::miwear_v1_malformed_frame:
      return "a " + std::to_string(f.count) + "-byte value that is no rxfer frame: " + to_hex(f.value);
    case Code::miwear_v1_chunk_without_start:
      return "chunk " + std::to_string(f.number) + " from " + who(f.sender) + " with no chunked message announced";
    case Code::miwear_v1_chunk_out_of_range:
      return "chunk " + std::to_string(f.number) + " of a message of " + std::to_string(f.total.value_or(0)) +
             " chunks: ignored";
    case Code::miwear_v1_too_many_chunks:
      return "a start from " + std::string(who(f.sender)) + " announcing " + std::to_string(f.total.value_or(0)) +
             " chunks (1 to " + std::to_string(f.number) + " are followed): the message is ignored";
    case Code::miwear_v1_message_too_long:
      return std::string("chunks from ") + who(f.sender) + " adding up to more than " + std::to_string(f.number) +
             " bytes: the message is ignored";
    case Code::miwear_v1_start_during_transfer:
      return std::string("a new message from ") + who(f.sender) + " with " + of_total(f) +
             " chunks of its previous one received: that one is dropped";
    case Code::miwear_v1_unfinished_transfer:
      return std::string("the link ended with ") + of_total(f) + " chunks of a message from " + who(f.sender);
    case Code::miwear_v1_nack:
      return std::string(who(f.sender)) + " refused a message (status " + std::to_string(f.byte.value_or(0)) + ")";
    case Code::miwear_sppv2_crc_bad:
      return std::string("an SPPv2 ") + v2_type_name(f.byte.value_or(0xff)) + " packet from " + who(f.sender) +
             " (seq " + std::to_string(f.number) + ", " + std::to_string(f.count) +
             " bytes) whose CRC-16 fails: dropped";
    case Code::miwear_sppv2_garbage:
    case Code::miwear_sppv1_garbage:
      return std::to_string(f.count) + " bytes from " + who(f.sender) + " that belong to no " +
             (f.code == Code::miwear_sppv2_garbage ? "SPPv2 packet" : "SPP-V1 frame") + ": skipped";
    case Code::miwear_sppv2_unfinished:
    case Code::miwear_sppv1_unfinished:
      return std::string("the stream from ") + who(f.sender) + " ended " + std::to_string(f.count) + " bytes into " +
             (f.code == Code::miwear_sppv2_unfinished ? "a packet" : "a frame");
    case Code::miwear_sppv2_malformed_payload:
      return std::string("an SPPv2 ") + v2_type_name(f.byte.value_or(0xff)) + " packet from " + who(f.sender) + " of " +
             std::to_string(f.count) + " bytes, too short for its fields";
    case Code::miwear_sppv1_bad_trailer:
      return "an SPP-V1 frame of " + std::to_string(f.count) + " bytes from " + who(f.sender) + " ending in " +
             to_hex(std::array{f.byte.value_or(0)}) + ", not ef: dropped";
    case Code::miwear_stream_overflow:
      return std::to_string(f.count) + " buffered bytes from " + who(f.sender) + " dropped: nothing completes within " +
             std::to_string(f.number) + " bytes";
    default:
      return code_info(f.code).meaning;  // a code with no arguments: the table's line
  }
}

}  // namespace fe95::miwear
