// SPDX-License-Identifier: GPL-2.0-or-later
#include "wear_output.h"

#include <algorithm>

#include "fe95/miwear/protobuf.h"
#include "session_output.h"

namespace fe95::cli {

namespace {

using miwear::Dir;
using miwear::Message;

const char* who(Dir from) {
  return from == Dir::to_watch ? "phone" : "watch";
}

// The protobuf wire format without a schema (docs/MIWEAR.md §6): one object per field, nested
// messages where a length-delimited field parses as one (both readings kept: `bytes` and `message`).
void write_fields(JsonWriter& w, std::span<const miwear::pb::Field> fields) {
  using miwear::pb::WireType;
  w.begin_array();
  for (const auto& f : fields) {
    w.begin_object().key("field").number(std::uint64_t{f.number}).key("wire").plain(miwear::pb::wire_type_name(f.wire));
    switch (f.wire) {
      case WireType::varint:
      case WireType::i64:
      case WireType::i32:
        w.key("value").number(f.value);
        break;
      case WireType::len:
        w.key("bytes").hex(f.bytes);
        if (printable(f.bytes)) w.key("text").text(std::string(f.bytes.begin(), f.bytes.end()));
        break;
      default:
        break;
    }
    if (f.message) {
      w.key("message");
      write_fields(w, f.children);
    }
    w.end_object();
  }
  w.end_array();
}

std::string short_hex(ByteView b, std::size_t max = 48) {
  return b.size() <= max ? to_hex(b) : to_hex(b.first(max)) + "…";
}

std::string envelope_text(const Message& m) {
  if (!m.type) return "";
  std::string name = std::to_string(*m.type) + "/" + (m.subtype ? std::to_string(*m.subtype) : std::string("?"));
  const char* t = miwear::type_name(*m.type);
  const char* c = m.subtype ? miwear::command_name(*m.type, *m.subtype) : "";
  if (*c)
    name = std::string(c) + " (" + name + ")";
  else if (*t)
    name = std::string(t) + " (" + name + ")";
  if (m.error) name += ", error " + std::to_string(*m.error);
  return name;
}

}  // namespace

void write_wear(JsonWriter& w, const miwear::Session& s) {
  const miwear::Data& d = s.data;
  w.key("transport").begin_object().key("name").plain(miwear::transport_name(d.transport));
  if (d.dlci) w.key("dlci").number(std::uint64_t{*d.dlci});
  if (!over_rfcomm(d.transport)) {
    w.key("handles").begin_object();
    const std::pair<const char*, std::uint16_t> handles[] = {
        {"read", d.read_handle},     {"write", d.write_handle}, {"activity", d.activity_handle},
        {"upload", d.upload_handle}, {"v2_rx", d.v2_rx_handle}, {"v2_tx", d.v2_tx_handle}};
    for (const auto& [name, h] : handles)
      if (h) w.key(name).number(std::uint64_t{h});
    w.end_object().key("from_discovery").boolean(d.from_discovery);
  }
  if (d.spp_version) w.key("spp_version").number(std::uint64_t{*d.spp_version});
  if (d.sppv2_version || d.sppv2_max_packet || d.sppv2_tx_window || d.sppv2_timeout_ms) {
    w.key("sppv2").begin_object();
    if (d.sppv2_version) w.key("version").text(*d.sppv2_version);
    if (d.sppv2_max_packet) w.key("max_packet").number(std::uint64_t{*d.sppv2_max_packet});
    if (d.sppv2_tx_window) w.key("tx_window").number(std::uint64_t{*d.sppv2_tx_window});
    if (d.sppv2_timeout_ms) w.key("timeout_ms").number(std::uint64_t{*d.sppv2_timeout_ms});
    w.end_object();
  }
  w.end_object();
  if (d.user_id_auth)
    w.key("auth").plain("user_id");
  else if (!d.phone_nonce.empty() || !d.watch_nonce.empty())
    w.key("auth").plain("nonce_exchange");
  if (!d.phone_nonce.empty()) w.key("phone_nonce").hex(d.phone_nonce);
  if (!d.watch_nonce.empty()) w.key("watch_nonce").hex(d.watch_nonce);
  if (!d.watch_hmac.empty()) {
    w.key("watch_hmac").hex(d.watch_hmac);
    if (d.watch_proof_ok) w.key("watch_hmac_ok").boolean(*d.watch_proof_ok);
  }
  if (!d.phone_hmac.empty()) {
    w.key("phone_hmac").hex(d.phone_hmac);
    if (d.phone_proof_ok) w.key("phone_hmac_ok").boolean(*d.phone_proof_ok);
  }
  if (!d.watch_hmac.empty()) w.key("auth_keys_tried").number(std::uint64_t{d.candidates});
  if (d.auth_key) w.key("auth_key").hex(*d.auth_key).key("auth_key_source").plain(source_name(*d.auth_key_source));
  if (d.keys) {
    w.key("keys").begin_object().key("dec_key").hex(d.keys->dec_key).key("enc_key").hex(d.keys->enc_key);
    w.key("dec_nonce").hex(d.keys->dec_nonce).key("enc_nonce").hex(d.keys->enc_nonce).end_object();
  }
  if (!d.device_info_sealed.empty() && d.device_info_tag_ok) {
    w.key("device_info").begin_object().key("tag_ok").boolean(*d.device_info_tag_ok);
    if (const auto& i = d.device_info) {
      if (i->device_type) {
        w.key("device_type").number(*i->device_type);
        if (*miwear::device_type_name(*i->device_type))
          w.key("device_type_name").plain(miwear::device_type_name(*i->device_type));
      }
      if (i->system_version) w.key("system_version").number(static_cast<double>(*i->system_version));
      if (i->model) w.key("model").text(*i->model);
      if (i->app_capability) w.key("app_capability").number(*i->app_capability);
      if (i->region) w.key("region").text(*i->region);
    }
    w.end_object();
  }
  if (d.result) {
    w.key("result").begin_object().key("code").number(*d.result);
    if (d.capability) w.key("capability").number(*d.capability);
    w.key("frame").number(d.result_frame).end_object();
  }
  if (d.error_code) {
    w.key("error").begin_object().key("code").number(*d.error_code);
    if (*miwear::auth_error_name(*d.error_code)) w.key("name").plain(miwear::auth_error_name(*d.error_code));
    w.key("frame").number(d.error_frame).end_object();
  }
  if (d.user_id) w.key("user_id").number(*d.user_id);
  if (d.user_id_status) w.key("user_id_status").number(*d.user_id_status);
  w.key("messages")
      .begin_object()
      .key("total")
      .number(d.messages_total)
      .key("kept")
      .number(std::uint64_t{d.messages.size()});
  w.key("decrypted")
      .number(d.decrypted)
      .key("tag_failed")
      .number(d.tag_failed)
      .key("undecrypted")
      .number(d.undecrypted);
  w.key("plain").number(d.plain).key("retransmissions").number(d.retransmissions).key("not_kept").number(d.not_kept);
  w.end_object();
  w.key("files").begin_array();
  for (const auto& f : d.files) {
    w.begin_object().key("kind").plain(miwear::file_kind_name(f.kind));
    w.key("frames").begin_array().number(f.first_frame).number(f.last_frame).end_array();
    w.key("parts").number(std::uint64_t{f.parts}).key("size").number(f.size).key("complete").boolean(f.complete);
    w.key("crc_ok").boolean(f.crc_ok);
    if (f.activity) {
      const auto& a = *f.activity;
      w.key("file_id").hex(f.id).key("timestamp").time(std::int64_t{a.timestamp} * 1000000000LL);
      w.key("timezone_quarters").number(std::int64_t{a.timezone}).key("version").number(std::uint64_t{a.version});
      w.key("type").number(std::uint64_t{a.type});
      if (*miwear::activity_type_name(a.type)) w.key("type_name").plain(miwear::activity_type_name(a.type));
      w.key("subtype").number(std::uint64_t{a.subtype});
      if (*miwear::activity_subtype_name(a.type, a.subtype))
        w.key("subtype_name").plain(miwear::activity_subtype_name(a.type, a.subtype));
      w.key("detail").number(std::uint64_t{a.detail});
      if (*miwear::activity_detail_name(a.detail)) w.key("detail_name").plain(miwear::activity_detail_name(a.detail));
    }
    if (f.upload_type) {
      w.key("type").number(std::uint64_t{*f.upload_type});
      if (*miwear::upload_type_name(*f.upload_type)) w.key("type_name").plain(miwear::upload_type_name(*f.upload_type));
      w.key("declared_size").number(std::uint64_t{*f.declared_size}).key("size_ok").boolean(f.size_ok);
      w.key("md5").hex(f.md5);
      if (f.md5_ok) w.key("md5_ok").boolean(*f.md5_ok);
    }
    w.end_object();
  }
  w.end_array();
  if (d.files_not_kept) w.key("files_not_kept").number(d.files_not_kept);
  if (!d.repeated.empty()) {
    w.key("repeated").begin_object();
    for (const auto& [code, n] : d.repeated) w.key(code_name(code)).number(n);
    w.end_object();
  }
}

void write_wear_messages(OutBuffer& out, const std::string& file_json, const miwear::Session& s) {
  for (const Message& m : s.data.messages) {
    JsonWriter w(out);
    w.begin_object().key("type").plain("message").key("protocol").plain(s.family->name).key("file").raw(file_json);
    write_message_place(w, s);
    w.key("frames").begin_array();
    for (auto f : m.frames) w.number(f);
    w.end_array();
    if (m.more_frames) w.key("more_frames").number(m.more_frames);
    w.key("from").plain(who(m.from)).key("transport").plain(miwear::transport_name(m.transport));
    w.key("channel").number(std::uint64_t{m.channel});
    if (const std::string n = miwear::channel_name(m.transport, m.channel); !n.empty()) w.key("channel_name").plain(n);
    w.key("content").plain(miwear::content_name(m.content)).key("encrypted").boolean(m.encrypted);
    if (m.counter) w.key("counter").number(std::uint64_t{*m.counter}).key("counter_on_wire").boolean(m.counter_on_wire);
    if (m.tag_ok) w.key("tag_ok").boolean(*m.tag_ok);
    if (m.encrypted) w.key("decrypted").boolean(m.decrypted);
    w.key("wire").hex(m.wire);
    if (m.readable()) w.key("plaintext").hex(m.plaintext);
    if (m.part) w.key("part").number(std::uint64_t{*m.part}).key("parts").number(std::uint64_t{m.parts.value_or(0)});
    if (m.type) {
      w.key("envelope").begin_object().key("type").number(std::uint64_t{*m.type});
      if (*miwear::type_name(*m.type)) w.key("type_name").plain(miwear::type_name(*m.type));
      if (m.subtype) {
        w.key("subtype").number(std::uint64_t{*m.subtype});
        if (*miwear::command_name(*m.type, *m.subtype)) w.key("name").plain(miwear::command_name(*m.type, *m.subtype));
      }
      if (m.error) w.key("error").number(*m.error);
      w.end_object();
    }
    if (m.readable() && m.content == miwear::Content::protobuf) {
      const miwear::pb::Tree t = miwear::pb::decode(m.plaintext);
      w.key("protobuf");
      write_fields(w, t.fields);
      if (!t.complete)
        w.key("protobuf_error").text(t.error).key("protobuf_error_offset").number(std::uint64_t{t.error_offset});
    }
    w.end_object();
    out.push_back('\n');
  }
}

std::string wear_status_line(const miwear::Session& s) {
  using session::Status;
  const miwear::Data& d = s.data;
  std::string what;
  switch (s.status) {
    case Status::verified:
      what = d.user_id_auth ? "the watch accepted the user id (the plaintext auth of older watches)"
                            : "the watch's proof and the phone's check out with the auth key";
      break;
    case Status::failed:
      what = "the traffic contradicts the auth key, or the watch refused (see below)";
      break;
    case Status::no_key:
      what = "no auth key to check the watch's proof with: pass --authkey MAC=HEX (Mi Fitness' auth_key)";
      break;
    default:
      what = d.phone_nonce.empty() && !d.user_id_auth
                 ? "no auth in the capture (it started later): nothing to verify, nothing to decrypt"
                 : std::string("the session ends before it is complete (") + term(s.end_reason).name + ")";
      break;
  }
  return what + " [wearable, " + miwear::transport_name(d.transport) + "]";
}

void print_wear(std::FILE* out, const miwear::Session& s) {
  const miwear::Data& d = s.data;
  std::string t = miwear::transport_name(d.transport);
  if (d.dlci)
    t += " over RFCOMM DLCI " + std::to_string(*d.dlci);
  else
    t += std::string(" over FE95") + (d.from_discovery ? "" : " (handles from the traffic)");
  if (d.spp_version) t += ", SPP-V1 version answer " + std::to_string(*d.spp_version);
  if (d.sppv2_version) t += ", SPPv2 " + *d.sppv2_version;
  if (d.sppv2_max_packet) t += " max packet " + std::to_string(*d.sppv2_max_packet);
  std::fprintf(out, "      transport    %s\n", t.c_str());
  if (d.auth_key)
    std::fprintf(out, "      auth key     %s (%s)\n", to_hex(*d.auth_key).c_str(), source_name(*d.auth_key_source));
  if (d.keys)
    std::fprintf(out, "      keys         dec %s enc %s, nonce dec %s enc %s\n", to_hex(d.keys->dec_key).c_str(),
                 to_hex(d.keys->enc_key).c_str(), to_hex(d.keys->dec_nonce).c_str(), to_hex(d.keys->enc_nonce).c_str());
  if (d.device_info) {
    const auto& i = *d.device_info;
    std::string p = i.model ? *i.model : std::string("(no model)");
    if (i.device_type) {
      const char* n = miwear::device_type_name(*i.device_type);
      p += std::string(", ") + (*n ? n : std::to_string(*i.device_type).c_str());
    }
    if (i.system_version) p += ", system " + std::to_string(static_cast<int>(*i.system_version));
    if (i.region) p += ", region " + *i.region;
    if (i.app_capability) p += ", app capability " + std::to_string(*i.app_capability);
    if (d.device_info_tag_ok && !*d.device_info_tag_ok) p += " (tag failed)";
    std::fprintf(out, "      phone        %s\n", p.c_str());
  }
  if (d.result)
    std::fprintf(out, "      result       %llu%s (frame %llu)%s\n", static_cast<unsigned long long>(*d.result),
                 *d.result == 1 ? " success" : "", static_cast<unsigned long long>(d.result_frame),
                 d.capability ? (", capability " + std::to_string(*d.capability)).c_str() : "");
  if (d.error_code)
    std::fprintf(out, "      error        %llu %s (frame %llu)\n", static_cast<unsigned long long>(*d.error_code),
                 miwear::auth_error_name(*d.error_code), static_cast<unsigned long long>(d.error_frame));
  if (d.user_id)
    std::fprintf(out, "      user id      %llu%s\n", static_cast<unsigned long long>(*d.user_id),
                 d.user_id_status ? (", status " + std::to_string(*d.user_id_status)).c_str() : "");
  for (const Message& m : d.messages) {
    std::string text;
    if (!m.readable())
      text = "not decrypted";
    else if (m.plaintext.empty())
      text = "(empty)";
    else if (m.part)
      text = "part " + std::to_string(*m.part) + " of " + std::to_string(m.parts.value_or(0));
    else {
      text = envelope_text(m);
      text += (text.empty() ? "" : "  ") + short_hex(m.plaintext);
    }
    if (m.tag_ok && !*m.tag_ok) text += " (tag failed)";
    const std::string ch = miwear::channel_name(m.transport, m.channel);
    std::string counter = m.counter ? "  counter " + std::to_string(*m.counter) : "";
    std::fprintf(out, "      message      frame %llu  %s -> %s  %s%s  %s\n",
                 static_cast<unsigned long long>(m.frames.empty() ? 0 : m.frames.back()), who(m.from),
                 who(miwear::reverse(m.from)), ch.empty() ? std::to_string(m.channel).c_str() : ch.c_str(),
                 counter.c_str(), text.c_str());
  }
  for (const auto& f : d.files) {
    std::string what = miwear::file_kind_name(f.kind);
    if (f.activity) {
      const auto& a = *f.activity;
      what += " " + to_hex(f.id) + " " + miwear::activity_type_name(a.type) + "/" +
              miwear::activity_subtype_name(a.type, a.subtype) + "/" + miwear::activity_detail_name(a.detail);
    }
    if (f.upload_type) {
      const char* n = miwear::upload_type_name(*f.upload_type);
      what += " " + (*n ? std::string(n) : "type " + std::to_string(*f.upload_type)) + ", MD5 " +
              (f.md5_ok.value_or(false) ? "ok" : "bad");
    }
    std::fprintf(out, "      file         %s, %u parts, %llu bytes, CRC-32 %s (frames %llu-%llu)\n", what.c_str(),
                 static_cast<unsigned>(f.parts), static_cast<unsigned long long>(f.size), f.crc_ok ? "ok" : "bad",
                 static_cast<unsigned long long>(f.first_frame), static_cast<unsigned long long>(f.last_frame));
  }
  if (d.messages_total)
    std::fprintf(
        out,
        "      messages     %llu: %llu decrypted (%llu tag failed), %llu plain, %llu not decrypted, %llu resent "
        "packets dropped, %llu not kept\n",
        static_cast<unsigned long long>(d.messages_total), static_cast<unsigned long long>(d.decrypted),
        static_cast<unsigned long long>(d.tag_failed), static_cast<unsigned long long>(d.plain),
        static_cast<unsigned long long>(d.undecrypted), static_cast<unsigned long long>(d.retransmissions),
        static_cast<unsigned long long>(d.not_kept));
}

}  // namespace fe95::cli
