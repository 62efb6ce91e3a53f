// SPDX-License-Identifier: GPL-2.0-or-later
#include "session_output.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "fe95/keys/formats.h"
#include "fe95/mibeacon/products.h"
#include "json_writer.h"
#include "wear_output.h"

namespace fe95::cli {

using session::Session;

std::string objects_text(const std::vector<mibeacon::Object>& objects) {
  std::string out;
  for (const auto& o : objects) {
    if (!out.empty()) out += ", ";
    if (o.values.empty()) {
      // Unknown ids, and known ids with data they are not decoded from: the bytes as they are.
      char id[8];
      std::snprintf(id, sizeof id, "0x%04x", o.id);
      out += std::string(o.name ? o.name : id) + "=" + to_hex(o.data);
      if (!o.note.empty()) out += " (" + o.note + ")";
      continue;
    }
    for (std::size_t i = 0; i < o.values.size(); ++i)
      out += (i ? ", " : "") + mibeacon::format_value(o.values[i], true);
  }
  return out;
}

std::string beacon_line(const BeaconEvent& b) {
  char head[160];
  std::snprintf(head, sizeof head, "    frame %llu  %s  pid %u  v%u  counter %u  %s%s",
                static_cast<unsigned long long>(b.rec.frame), b.device.str().c_str(), b.frame.product_id,
                b.frame.fc.version(), b.frame.counter, mibeacon::status_name(b.frame.status),
                b.retransmission ? " (retransmission)" : "");
  std::string line = head;
  const std::string objs = objects_text(b.frame.objects);
  if (!objs.empty()) line += "  " + objs;
  if (!b.frame.trailing.empty()) line += "  (trailing " + to_hex(b.frame.trailing) + ")";
  if (!b.frame.reason.empty()) line += "  (" + b.frame.reason + ")";
  return line;
}

void write_message_place(JsonWriter& w, const session::Session& s) {
  w.key("device");
  if (s.device)
    w.address(*s.device);
  else
    w.null();
  if (s.link.empty())
    w.key("conn").number(std::uint64_t{s.conn});
  else
    w.key("link").text(s.link);
  if (s.adapter) w.key("adapter").number(std::uint64_t{s.adapter});
  w.key("session").begin_array().number(s.first_frame).number(s.last_frame).end_array();
}

namespace {

// The standard-auth part of a session record (README, "JSON Lines").
void write_standard(JsonWriter& w, const stdauth::Session& s) {
  const stdauth::Data& d = s.data;
  w.key("handles").begin_object().key("control").number(std::uint64_t{d.control_handle});
  w.key("transfer")
      .number(std::uint64_t{d.transfer_handle})
      .key("from_discovery")
      .boolean(d.from_discovery)
      .end_object();
  if (s.token) w.key("token").hex(*s.token).key("token_source").plain(source_name(*s.token_source));
  w.key("transport").begin_object().key("dmtu").number(std::uint64_t{d.dmtu}).key("negotiated").boolean(d.negotiated);
  w.end_object();
  if (d.firmware) w.key("firmware").text(*d.firmware);
  if (d.product_id) {
    w.key("product_id").number(std::uint64_t{*d.product_id});
    if (const char* name = product_name(*d.product_id)) w.key("model").plain(name);
  }
  if (s.kind == session::Kind::register_session) {
    if (d.protocol_version) w.key("protocol_version").number(std::uint64_t{*d.protocol_version});
    if (d.io_capability) w.key("io_capability").hex(*d.io_capability);
    if (d.previous_did) w.key("previous_did").text(*d.previous_did);
    if (d.app_public)
      w.key("app_public_key").hex(*d.app_public).key("app_public_key_on_curve").boolean(*d.app_public_on_curve);
    if (d.device_public)
      w.key("device_public_key")
          .hex(*d.device_public)
          .key("device_public_key_on_curve")
          .boolean(*d.device_public_on_curve);
    if (d.did_ciphertext_len) w.key("did_ciphertext_length").number(std::uint64_t{d.did_ciphertext_len});
    if (d.app_verdict) w.key("app_verdict").plain(stdauth::opcode_name(*d.app_verdict));
  } else {
    if (d.app_random) w.key("app_random").hex(*d.app_random);
    if (d.dev_random) w.key("dev_random").hex(*d.dev_random);
    if (d.dev_confirmation) {
      w.key("dev_confirmation").hex(*d.dev_confirmation);
      if (d.dev_confirmation_ok) w.key("dev_confirmation_ok").boolean(*d.dev_confirmation_ok);
    }
    if (d.app_confirmation) {
      w.key("app_confirmation").hex(*d.app_confirmation);
      if (d.app_confirmation_ok) w.key("app_confirmation_ok").boolean(*d.app_confirmation_ok);
    }
    if (d.keys) {
      w.key("keys").begin_object().key("dev_key").hex(d.keys->dev_key).key("app_key").hex(d.keys->app_key);
      w.key("dev_iv").hex(d.keys->dev_iv).key("app_iv").hex(d.keys->app_iv).end_object();
    }
  }
  if (d.result) {
    w.key("result").begin_object().key("code").number(std::uint64_t{*d.result});
    w.key("name").plain(stdauth::opcode_name(*d.result)).key("frame").number(d.result_frame).end_object();
  }
  w.key("messages").begin_object().key("decrypted").number(std::uint64_t{d.messages.size() - d.mic_failures});
  w.key("mic_failed").number(std::uint64_t{d.mic_failures}).key("undecrypted").number(std::uint64_t{d.undecrypted});
  w.key("zero_frames").number(std::uint64_t{d.zero_frames}).key("not_kept").number(std::uint64_t{d.messages_dropped});
  w.end_object();
}

void write_message(OutBuffer& out, const std::string& file_json, const Session& s, const stdauth::SessionMessage& m) {
  JsonWriter w(out);
  w.begin_object().key("type").plain("message").key("file").raw(file_json);
  write_message_place(w, s);
  w.key("frames").begin_array();
  for (auto f : m.frames) w.number(f);
  w.end_array().key("from").plain(stdauth::sender_name(m.from)).key("channel").plain(stdauth::channel_name(m.channel));
  w.key("handle").number(std::uint64_t{m.handle}).key("counter").number(std::uint64_t{m.counter});
  w.key("wire").hex(m.wire).key("mic_ok").boolean(m.mic_ok);
  if (m.channel == stdauth::MessageChannel::uart) w.key("checksum_ok").boolean(m.checksum_ok);
  if (m.mic_ok) w.key("plaintext").hex(m.plaintext);
  if (m.uart) {
    const auto& u = *m.uart;
    w.key("uart").begin_object().key("d").number(std::uint64_t{u.d});
    if (*stdauth::uart_address_name(u.d)) w.key("d_name").plain(stdauth::uart_address_name(u.d));
    w.key("t").number(std::uint64_t{u.t}).key("c").number(std::uint64_t{u.c}).key("data").hex(u.data);
    if (printable(u.data)) w.key("text").text(std::string(u.data.begin(), u.data.end()));
    w.key("tail").hex(u.tail).end_object();
  }
  w.end_object();
  out.push_back('\n');
}

// The legacy part of a session record (README, "JSON Lines").
void write_legacy(JsonWriter& w, const miauth::Session& s) {
  w.key("handles").begin_object().key("event").number(std::uint64_t{s.event_handle});
  w.key("token").number(std::uint64_t{s.token_handle}).key("from_discovery").boolean(s.gatt_known).end_object();
  if (s.token) w.key("token").hex(*s.token).key("token_source").plain(source_name(*s.token_source));
  if (s.product_id) {
    w.key("product_id").number(std::uint64_t{*s.product_id});
    w.key("product_id_source").plain(source_name(*s.product_id_source));
    if (const char* name = product_name(*s.product_id)) w.key("model").plain(name);  // our constants
  }
  if (s.kind == session::Kind::register_session) {
    if (s.t2_verified) w.key("t2_verified").boolean(*s.t2_verified);
    if (s.end_form != miauth::EndForm::none) w.key("register_end").plain(miauth::end_form_name(s.end_form));
  } else {
    if (s.tick) w.key("tick").hex(*s.tick);
    if (s.session_key) w.key("session_key").hex(*s.session_key);
  }
  if (s.firmware) w.key("firmware").text(*s.firmware);
  if (s.device_id) w.key("device_id").text(*s.device_id);
  if (s.beacon_key) w.key("beacon_key").hex(*s.beacon_key);
  if (s.bond_ok) w.key("bond").plain(*s.bond_ok ? "ok" : "failed");
  if (!s.wifi.empty()) {
    w.key("wifi").begin_array();
    for (const auto& r : s.wifi) {
      w.begin_object().key("frame").number(r.frame).key("type").plain(r.type_name).key("data").hex(r.data);
      if (r.text) w.key("text").text(std::string(r.data.begin(), r.data.end()));
      if (r.continues) w.key("continues").boolean(true);
      w.end_object();
    }
    w.end_array();
  }
}

}  // namespace

void write_session(OutBuffer& out, const std::string& file_json, const Session& s) {
  const auto* legacy = session::as<miauth::Session>(s);
  const auto* standard = session::as<stdauth::Session>(s);
  const auto* wear = session::as<miwear::Session>(s);
  JsonWriter w(out);
  w.begin_object();
  w.key("type").plain("session").key("protocol").plain(s.family->name);
  w.key("file").raw(file_json).key("kind").plain(term(s.kind).name);
  w.key("device");
  if (s.device)
    w.address(*s.device);
  else
    w.null();
  if (s.device_source) w.key("device_source").plain(source_name(*s.device_source));
  if (s.link.empty())
    w.key("conn").number(std::uint64_t{s.conn});
  else
    w.key("link").text(s.link);
  if (s.adapter) w.key("adapter").number(std::uint64_t{s.adapter});
  w.key("frames").begin_array().number(s.first_frame).number(s.last_frame).end_array();
  w.key("time").time(s.start_ns);
  w.key("status").plain(term(s.status).name).key("end").plain(term(s.end_reason).name);
  if (standard) write_standard(w, *standard);
  if (legacy) write_legacy(w, *legacy);
  if (wear) write_wear(w, *wear);
  w.key("steps").begin_array();
  for (const auto& r : s.steps) {
    w.begin_object().key("frame").number(r.frame).key("step").plain(s.step_term(r).name);
    w.key("handle").number(std::uint64_t{r.handle}).key("value").hex(r.value);
    if (r.cut) w.key("cut").boolean(true);
    if (!r.plaintext.empty()) w.key("plaintext").hex(r.plaintext);
    if (const Term* what = s.value_term(r)) w.key("what").plain(what->name);
    if (standard && stdauth::step_of(r) == stdauth::Step::frame && !r.cut) {
      const stdauth::Frame f = stdauth::parse_frame(r.value);
      w.key("frame_kind").plain(stdauth::frame_kind_name(f.kind));
      if (!r.message.empty())
        w.key("message").hex(r.message).key("message_type").plain(stdauth::data_type_name(r.message_type));
    }
    if (r.counter) w.key("counter").number(std::uint64_t{*r.counter});
    if (standard && stdauth::step_of(r) == stdauth::Step::session_message && stdauth::is_zero_frame(r.message))
      w.key("zero_frame").boolean(true);
    w.end_object();
  }
  w.end_array().key("diagnostics").begin_array();
  for (const auto& f : s.findings) {
    w.begin_object()
        .key("code")
        .plain(code_name(f.code))
        .key("message")
        .text(s.describe(f))
        .key("frames")
        .begin_array();
    for (auto fr : f.frames) w.number(fr);
    w.end_array().end_object();
  }
  w.end_array().end_object();
  out.push_back('\n');
  if (standard)
    for (const auto& m : standard->data.messages) write_message(out, file_json, s, m);
  if (wear) write_wear_messages(out, file_json, *wear);
}

void write_beacon(OutBuffer& out, const std::string& file_json, const BeaconEvent& b) {
  const auto& f = b.frame;
  JsonWriter w(out);
  w.begin_object();
  w.key("type").plain("beacon").key("file").raw(file_json).key("frame").number(b.rec.frame);
  w.key("time").time(b.rec.ts_ns).key("device").address(b.device).key("address").address(b.adv.addr);
  w.key("rssi").number(std::int64_t{b.adv.rssi}).key("extended").boolean(b.adv.extended);
  w.key("product_id").number(std::uint64_t{f.product_id});
  if (const Product* p = find_product(f.product_id)) w.key("model").plain(p->model).key("model_name").plain(p->name);
  w.key("counter").number(std::uint64_t{f.counter}).key("version").number(std::uint64_t{f.fc.version()});
  w.key("frame_control").begin_object().key("raw").number(std::uint64_t{f.fc.raw});
  w.key("encrypted").boolean(f.fc.encrypted()).key("mac_included").boolean(f.fc.mac_included());
  w.key("capability_included")
      .boolean(f.fc.capability_included())
      .key("object_included")
      .boolean(f.fc.object_included());
  w.key("mesh")
      .boolean(f.fc.mesh())
      .key("registered")
      .boolean(f.fc.registered())
      .key("solicited")
      .boolean(f.fc.solicited());
  w.key("auth_mode").number(std::uint64_t{f.fc.auth_mode()}).end_object();
  if (f.capability) w.key("capability").number(std::uint64_t{*f.capability});
  if (f.io_capability) w.key("io_capability").number(std::uint64_t{*f.io_capability});
  w.key("status").plain(mibeacon::status_name(f.status));
  if (!f.reason.empty()) w.key("reason").text(f.reason);
  if (f.key_source) w.key("key_source").plain(fe95::source_name(*f.key_source));
  if (f.fc.encrypted()) w.key("ciphertext").hex(f.payload);
  if (f.ext_counter) w.key("ext_counter").number(std::uint64_t{*f.ext_counter});
  if (!f.plaintext.empty()) w.key("plaintext").hex(f.plaintext);
  w.key("objects").begin_array();
  for (const auto& o : f.objects) {
    w.begin_object().key("id").number(std::uint64_t{o.id}).key("name");
    if (o.name)
      w.plain(o.name);
    else
      w.null();
    w.key("data").hex(o.data);
    for (const auto& v : o.values) {
      w.key(v.name).begin_object().key("value").number(v.value).key("unit").plain(v.unit);
      if (v.text) w.key("text").plain(v.text);
      w.end_object();
    }
    if (!o.note.empty()) w.key("note").text(o.note);
    w.end_object();
  }
  w.end_array();
  if (!f.trailing.empty()) w.key("trailing").hex(f.trailing);
  w.key("retransmission").boolean(b.retransmission).end_object();
  out.push_back('\n');
}

namespace {

const char* link_end(const Connection& c, std::uint8_t reason) {
  if (reason == kReasonEndOfCapture) return "end_of_capture";
  if (reason == kReasonSuperseded) return "superseded";
  if (reason == kReasonEvicted) return "evicted";
  return c.ll->terminated ? "terminated" : "disconnected";
}

const char* direction_source(const ll::Link& l) {
  if (l.dir_inferred == 0) return "header";
  return l.dir_header == 0 ? "inferred" : "mixed";
}

}  // namespace

void write_link(OutBuffer& out, const std::string& file_json, const Record& rec, const Connection& c,
                std::uint8_t reason) {
  const ll::Link& l = *c.ll;
  JsonWriter w(out);
  char aa[9];
  std::snprintf(aa, sizeof aa, "%08x", l.access_address);
  w.begin_object().key("type").plain("link").key("file").raw(file_json).key("link").text(c.link.label);
  w.key("access_address").plain(aa).key("instance").number(std::uint64_t{l.instance});
  w.key("addresses").plain(l.from_connect_ind ? "connect_ind" : "unknown");
  if (l.from_connect_ind) w.key("central").address(l.central).key("peripheral").address(c.link.peer);
  if (l.interval) w.key("interval_us").number(std::uint64_t{l.interval} * 1250);
  w.key("frames").begin_array().number(l.first_frame).number(c.last_frame).end_array();
  w.key("pdus").number(l.pdus).key("empty").number(l.empty).key("duplicates").number(l.duplicates);
  w.key("crc_bad").number(l.crc_bad).key("encrypted").number(l.encrypted).key("control").number(l.control);
  w.key("direction").plain(direction_source(l)).key("direction_inferred").number(l.dir_inferred);
  if (l.sn_anomalies) w.key("sn_anomalies").number(l.sn_anomalies);
  if (l.dir_disagreements) w.key("direction_disagreements").number(l.dir_disagreements);
  if (l.connection_updates) w.key("connection_updates").number(l.connection_updates);
  if (l.phy_updates) w.key("phy_updates").number(l.phy_updates);
  if (l.enc_request_frame) w.key("encryption_request_frame").number(l.enc_request_frame);
  if (l.enc_start_frame) w.key("encryption_start_frame").number(l.enc_start_frame);
  if (!l.pairing.empty()) w.key("pairing").plain(l.pairing);
  w.key("end").plain(link_end(c, reason)).key("end_frame").number(rec.frame).end_object();
  out.push_back('\n');
}

std::string link_line(const Connection& c, std::uint8_t reason) {
  const ll::Link& l = *c.ll;
  std::string line = "  link " + c.link.label + ": ";
  line += l.from_connect_ind ? "central " + l.central.str() + " -> peripheral " + c.link.peer.str()
                             : std::string("no CONNECT_IND (addresses unknown; --mac gives the device's)");
  line += ", frames " + std::to_string(l.first_frame) + "-" + std::to_string(c.last_frame) + ", " +
          std::to_string(l.pdus) + " PDUs (" + std::to_string(l.empty) + " empty, " + std::to_string(l.duplicates) +
          " retransmissions dropped, " + std::to_string(l.crc_bad) + " CRC-bad, " + std::to_string(l.encrypted) +
          " encrypted), direction " + direction_source(l);
  if (l.dir_disagreements)
    line += " (" + std::to_string(l.dir_disagreements) + " event openers the header calls the peripheral's)";
  if (l.enc_start_frame) line += ", encryption from frame " + std::to_string(l.enc_start_frame);
  if (!l.pairing.empty()) line += " (" + l.pairing + " pairing)";
  line += std::string(", ") + link_end(c, reason);
  return line;
}

void write_diagnostic(OutBuffer& out, const std::string& file_json, const Diagnostic& d) {
  JsonWriter w(out);
  w.begin_object().key("type").plain("diagnostic").key("file").raw(file_json).key("frame").number(d.frame);
  w.key("severity")
      .plain(severity_name(d.severity()))
      .key("code")
      .plain(code_name(d.code))
      .key("message")
      .text(describe(d));
  if (!d.raw_hex.empty()) w.key("raw").plain(d.raw_hex);
  w.end_object();
  out.push_back('\n');
}

namespace {

// Text in double quotes for the report: printable ASCII as is, quote and backslash escaped, any
// other byte as \xNN (a password may hold anything).
std::string quoted(ByteView b) {
  std::string out = "\"";
  for (const std::uint8_t c : b) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c >= 0x20 && c < 0x7f) {
      out += static_cast<char>(c);
    } else {
      char esc[5];
      std::snprintf(esc, sizeof esc, "\\x%02x", c);
      out += esc;
    }
  }
  return out + "\"";
}

// "1 retransmission", "2 retransmissions".
std::string count_of(std::uint64_t n, const char* noun) {
  return std::to_string(n) + " " + noun + (n == 1 ? "" : "s");
}

std::string explain_status(const Session& s) {
  using session::Status;
  const auto* legacy = session::as<miauth::Session>(s);
  switch (s.status) {
    case Status::verified:
      if (!legacy) return "the device's confirmation (and the app's, when sent) check out with the token";
      return s.kind == session::Kind::register_session
                 ? std::string("token recovered from T1, confirmed by T2 and by the client's final write (") +
                       miauth::end_form_name(legacy->end_form) + ")"
                 : "the response and the device's confirmation both decrypt with the token";
    case Status::failed:
      return "the traffic contradicts the token (see below)";
    case Status::other_token:
      return "the client's response fits its token; the device never confirms";
    case Status::incomplete:
      return std::string("the session ends before it is complete (") + term(s.end_reason).name + ")";
    case Status::no_token:
      return !legacy ? "no token to verify with: pass --token or --keys (a standard register does not reveal it)"
                     : "no token to verify with: pass --token or --keys, or include the register capture";
    case Status::registered:
      return "the device accepted the register; its token was agreed by ECDH and is not in the capture";
    case Status::no_key:
      return "no auth key to verify the watch's proof with: pass --authkey MAC=HEX or an auth_key in --keys";
    case Status::truncated:
      return "the capture cut " + std::to_string(s.cut_pdus) + (s.cut_pdus == 1 ? " PDU" : " PDUs") +
             " of the session: the steps are shown, nothing is checked against the token (see the capture's note)";
  }
  return "";
}

void print_standard(std::FILE* out, const stdauth::Session& s) {
  const stdauth::Data& d = s.data;
  if (d.negotiated)
    std::fprintf(out, "      transport    DMTU %u (negotiated after 0xA4)\n", d.dmtu);
  else
    std::fprintf(out, "      transport    DMTU %u (the default: no 0xA4 negotiation seen)\n", d.dmtu);
  if (d.firmware) std::fprintf(out, "      firmware     %s\n", d.firmware->c_str());
  if (d.product_id) {
    const char* name = product_name(*d.product_id);
    std::fprintf(out, "      product id   %u%s%s\n", *d.product_id, name ? " " : "", name ? name : "");
  }
  if (d.protocol_version)
    std::fprintf(out, "      device info  protocol version %u, IO capability %s%s%s\n", *d.protocol_version,
                 d.io_capability ? to_hex(*d.io_capability).c_str() : "?", d.previous_did ? ", previous DID " : "",
                 d.previous_did ? quoted(ByteView(reinterpret_cast<const std::uint8_t*>(d.previous_did->data()),
                                                  d.previous_did->size()))
                                      .c_str()
                                : "");
  if (d.app_public)
    std::fprintf(out, "      app key      %s (%s)\n", to_hex(*d.app_public).c_str(),
                 *d.app_public_on_curve ? "on P-256" : "NOT on P-256");
  if (d.device_public)
    std::fprintf(out, "      device key   %s (%s)\n", to_hex(*d.device_public).c_str(),
                 *d.device_public_on_curve ? "on P-256" : "NOT on P-256");
  if (d.did_ciphertext_len) std::fprintf(out, "      device id    %zu bytes, encrypted\n", d.did_ciphertext_len);
  if (d.keys)
    std::fprintf(out, "      keys         dev %s app %s, iv dev %s app %s\n", to_hex(d.keys->dev_key).c_str(),
                 to_hex(d.keys->app_key).c_str(), to_hex(d.keys->dev_iv).c_str(), to_hex(d.keys->app_iv).c_str());
  if (d.result)
    std::fprintf(out, "      result       0x%02x %s (frame %llu)\n", *d.result, stdauth::opcode_name(*d.result),
                 static_cast<unsigned long long>(d.result_frame));
  for (const auto& m : d.messages) {
    std::string text = m.mic_ok ? to_hex(m.plaintext) : "MIC failed";
    if (m.uart) {
      char head[64];
      std::snprintf(head, sizeof head, "D 0x%02x T 0x%02x c 0x%02x data ", m.uart->d, m.uart->t, m.uart->c);
      text = head + (printable(m.uart->data) ? quoted(m.uart->data) : to_hex(m.uart->data));
    }
    std::fprintf(out, "      message      frame %llu  %s  %s  counter %u  %s\n",
                 static_cast<unsigned long long>(m.frames.front()),
                 m.from == stdauth::Sender::app ? "app -> device" : "device -> app", stdauth::channel_name(m.channel),
                 m.counter, text.c_str());
  }
  if (d.messages_dropped || d.undecrypted || d.zero_frames)
    std::fprintf(out, "      messages     %zu not kept, %zu not decrypted, %zu pre-login zero frames\n",
                 d.messages_dropped, d.undecrypted, d.zero_frames);
}

}  // namespace

void print_file_head(std::FILE* out, const std::string& file, const std::string& format, const std::string& error) {
  if (error.empty())
    std::fprintf(out, "%s: %s\n", file.c_str(), format.c_str());
  else
    std::fprintf(out, "%s: not read (%s)\n", file.c_str(), error.c_str());
}

void print_sessions(std::FILE* out, const std::vector<std::unique_ptr<Session>>& batch) {
  // Per device, in order of first appearance within the batch.
  std::vector<std::string> order;
  std::map<std::string, std::vector<const Session*>> by_device;
  for (const auto& s : batch) {
    const std::string d = s->device ? s->device->str() : "(unknown address)";
    if (!by_device.count(d)) order.push_back(d);
    by_device[d].push_back(s.get());
  }
  for (const auto& d : order) {
    const auto& list = by_device[d];
    std::string pid;
    for (const auto* s : list)
      if (const auto* l = session::as<miauth::Session>(*s); l && l->product_id) {
        pid = "product id " + std::to_string(*l->product_id);
        if (const char* n = product_name(*l->product_id)) pid += " " + std::string(n);
        pid += ", from " + std::string(source_name(*l->product_id_source));
        break;
      }
    std::fprintf(out, "  device %s%s%s%s\n", d.c_str(), pid.empty() ? "" : " (", pid.c_str(), pid.empty() ? "" : ")");
    for (const auto* s : list) {
      const auto* legacy = session::as<miauth::Session>(*s);
      const auto* standard = session::as<stdauth::Session>(*s);
      const auto* wear = session::as<miwear::Session>(*s);
      char where[48];
      if (s->link.empty())
        std::snprintf(where, sizeof where, "conn 0x%04x", s->conn);
      else
        std::snprintf(where, sizeof where, "%s", s->link.c_str());
      std::fprintf(out, "    %-8s frames %llu-%llu  %s  %s\n", term(s->kind).name,
                   static_cast<unsigned long long>(s->first_frame), static_cast<unsigned long long>(s->last_frame),
                   where, term(s->status).name);
      if (wear)
        std::fprintf(out, "      %s\n", wear_status_line(*wear).c_str());
      else
        std::fprintf(out, "      %s%s\n", explain_status(*s).c_str(), standard ? " [standard auth]" : "");
      if (s->token)
        std::fprintf(out, "      token        %s (%s)\n", to_hex(*s->token).c_str(), source_name(*s->token_source));
      if (legacy && legacy->session_key)
        std::fprintf(out, "      session key  %s\n", to_hex(*legacy->session_key).c_str());
      if (standard) print_standard(out, *standard);
      if (wear) print_wear(out, *wear);
      if (legacy) {
        if (legacy->firmware) std::fprintf(out, "      firmware     %s\n", legacy->firmware->c_str());
        if (legacy->device_id) std::fprintf(out, "      device id    %s\n", legacy->device_id->c_str());
        if (legacy->beacon_key) std::fprintf(out, "      beacon key   %s\n", to_hex(*legacy->beacon_key).c_str());
        if (legacy->bond_ok) std::fprintf(out, "      bond         %s\n", *legacy->bond_ok ? "ok" : "failed");
        for (const auto& w : legacy->wifi) {
          if (w.text)
            std::fprintf(out, "      wifi         %s %s (%s)\n", w.type_name.c_str(), quoted(w.data).c_str(),
                         to_hex(w.data).c_str());
          else
            std::fprintf(out, "      wifi         %s %s\n", w.type_name.c_str(), to_hex(w.data).c_str());
        }
      }
      for (const auto& fd : s->findings) {
        std::string frames;
        for (auto fr : fd.frames) frames += (frames.empty() ? "" : ",") + std::to_string(fr);
        std::string more;
        if (wear)
          if (auto it = wear->data.repeated.find(fd.code); it != wear->data.repeated.end())
            more = " (and " + std::to_string(it->second) + " more like it)";
        std::fprintf(out, "      ! %s [frames %s]: %s%s%s\n", code_name(fd.code), frames.c_str(),
                     s->describe(fd).c_str(), fd.code == Code::no_device_address ? " (pass --mac)" : "", more.c_str());
      }
    }
  }
}

void print_file_tail(std::FILE* out, const FileSummary& f) {
  for (const auto& b : f.beacons) {
    std::string versions;
    for (auto v : b.versions) versions += (versions.empty() ? "v" : "/v") + std::to_string(v);
    const Product* p = find_product(b.product_id);
    const std::string model = p ? std::string(" (") + p->model + ", " + p->name + ")" : "";
    std::fprintf(out, "  adverts %s: product id %u%s, %s (%llu-%llu), %s", b.device.str().c_str(), b.product_id,
                 model.c_str(), count_of(b.frames, "MiBeacon frame").c_str(),
                 static_cast<unsigned long long>(b.first_frame), static_cast<unsigned long long>(b.last_frame),
                 versions.c_str());
    if (b.encrypted == 0)
      std::fprintf(out, ", not encrypted");
    else
      std::fprintf(out, ", %llu encrypted (%llu decrypted, %llu no key, %llu wrong key)",
                   static_cast<unsigned long long>(b.encrypted), static_cast<unsigned long long>(b.decrypted),
                   static_cast<unsigned long long>(b.no_key), static_cast<unsigned long long>(b.wrong_key));
    if (b.retransmissions) std::fprintf(out, ", %s", count_of(b.retransmissions, "retransmission").c_str());
    if (b.malformed) std::fprintf(out, ", %llu malformed", static_cast<unsigned long long>(b.malformed));
    std::fprintf(out, "\n");
    if (!b.last_objects.empty()) std::fprintf(out, "    latest: %s\n", objects_text(b.last_objects).c_str());
  }
  if (f.other_beacons.devices)
    std::fprintf(
        out, "  adverts of %llu more devices (not listed: the report summarises %zu at most), %llu MiBeacon frames\n",
        static_cast<unsigned long long>(f.other_beacons.devices), kMaxReportDevices,
        static_cast<unsigned long long>(f.other_beacons.frames));
  if (f.diagnostics) {
    std::fprintf(out, "  %s%s\n", count_of(f.diagnostics, "diagnostic").c_str(),
                 f.diagnostics > f.first_diagnostics.size() ? " (the first listed; all with --json)" : "");
    for (const auto& d : f.first_diagnostics)
      std::fprintf(out, "    ! %s [frame %llu]: %s\n", code_name(d.code), static_cast<unsigned long long>(d.frame),
                   describe(d).c_str());
  }
  if (f.outcome.cut.any()) std::fprintf(out, "  ! %s\n", f.outcome.cut.message(f.outcome.format).c_str());
  for (const auto& l : f.links) std::fprintf(out, "%s\n", l.c_str());
  if (f.links_total > f.links.size())
    std::fprintf(out, "  links: %llu more over-the-air connections (all with --json)\n",
                 static_cast<unsigned long long>(f.links_total - f.links.size()));
  const auto& o = f.outcome;
  if (o.status == CaptureOutcome::Status::unreadable) return;  // the head line said why
  std::fprintf(out, "  %llu records, ", static_cast<unsigned long long>(o.records));
  if (f.sessions == 0)
    std::fprintf(out, "no FE95 session");
  else
    std::fprintf(out, "%s (%llu verified)", count_of(f.sessions, "FE95 session").c_str(),
                 static_cast<unsigned long long>(f.verified));
  std::fprintf(out, ", %s", count_of(f.adverts, "MiBeacon advert").c_str());
  if (!o.error.empty())
    std::fprintf(out, "; stopped at offset %llu: %s", static_cast<unsigned long long>(o.error_offset), o.error.c_str());
  std::fprintf(out, "\n");
}

namespace {

// The whole of a small file (a keys or token file), or nullopt with errno's message printed.
std::optional<std::string> slurp(const std::string& path, const char* what) {
  std::error_code ec;
  const auto size = std::filesystem::file_size(path, ec);
  if (!ec && size > kMaxKeysFileBytes) {
    std::fprintf(stderr, "fe95: %s: larger than %zu MiB: not a %s\n", path.c_str(), kMaxKeysFileBytes >> 20, what);
    return std::nullopt;
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    std::fprintf(stderr, "fe95: %s: cannot read the %s\n", path.c_str(), what);
    return std::nullopt;
  }
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace

bool load_keys(KeyStore& keys, const KeyOptions& opt, std::vector<KeyEntry>* file_entries) {
  const auto& [tokens, mac, pid, keys_file, token_files, auth_keys] = opt;
  for (const auto& t : tokens) {
    auto tok = parse_token(t);
    if (!tok) {
      std::fprintf(stderr, "fe95: --token \"%s\": expected 24 hex digits (12 bytes)\n", t.c_str());
      return false;
    }
    keys.add_option_token(*tok);
  }
  for (const auto& f : token_files) {
    const auto bytes = slurp(f, "token file");
    if (!bytes) return false;
    std::string why;
    const auto tok = parse_token_file(*bytes, why);
    if (!tok) {
      std::fprintf(stderr, "fe95: %s: %s\n", f.c_str(), why.c_str());
      return false;
    }
    // A candidate for every device, like --token (miauth saves one token per device it binds).
    keys.add_option_token(*tok);
  }
  if (!mac.empty()) {
    auto m = BdAddr::parse(mac);
    if (!m) {
      std::fprintf(stderr, "fe95: --mac \"%s\": expected an address like AA:BB:CC:DD:EE:FF\n", mac.c_str());
      return false;
    }
    keys.set_option_mac(*m);
  }
  if (!pid.empty()) {
    auto p = parse_product_id(pid);
    if (!p) {
      std::fprintf(stderr, "fe95: --pid \"%s\": expected a product id from 0 to 65535 (decimal or 0x hex)\n",
                   pid.c_str());
      return false;
    }
    keys.set_option_pid(*p);
  }
  for (const auto& a : auth_keys) {
    // MAC=HEX (docs/MIWEAR.md §3: the 32 hex digits of Mi Fitness' auth_key).
    const auto eq = a.find('=');
    KeyEntry e;
    if (eq != std::string::npos) {
      e.mac = BdAddr::parse(a.substr(0, eq));
      e.auth_key = parse_auth_key(a.substr(eq + 1));
    }
    if (!e.mac || !e.auth_key) {
      std::fprintf(stderr, "fe95: --authkey \"%s\": expected MAC=KEY, KEY 32 hex digits (0x accepted)\n", a.c_str());
      return false;
    }
    keys.add_entry(e, Source::option);
  }
  if (!keys_file.empty()) {
    const auto text = slurp(keys_file, "keys file");
    if (!text) return false;
    KeysFile file;
    if (auto err = parse_keys_file(*text, file)) {
      if (err->line)
        std::fprintf(stderr, "fe95: %s:%zu: %s\n", keys_file.c_str(), err->line, err->message.c_str());
      else if (!err->field.empty())
        std::fprintf(stderr, "fe95: %s: %s: %s\n", keys_file.c_str(), err->field.c_str(), err->message.c_str());
      else
        std::fprintf(stderr, "fe95: %s: %s\n", keys_file.c_str(), err->message.c_str());
      return false;
    }
    for (const auto& n : file.notes) {
      if (n.line)
        std::fprintf(stderr, "fe95: %s:%zu: %s\n", keys_file.c_str(), n.line, n.message.c_str());
      else
        std::fprintf(stderr, "fe95: %s: %s: %s\n", keys_file.c_str(), n.field.c_str(), n.message.c_str());
    }
    if (file.format != KeysFormat::fe95_csv)
      std::fprintf(stderr, "fe95: %s: %s, %zu %s with keys\n", keys_file.c_str(), keys_format_name(file.format),
                   file.entries.size(), file.entries.size() == 1 ? "device" : "devices");
    for (const auto& e : file.entries) keys.add_entry(e, Source::keys_file);
    if (file_entries) *file_entries = file.entries;
  }
  return true;
}

std::vector<std::string> ordered_inputs(const std::vector<std::string>& inputs) {
  std::vector<std::pair<std::int64_t, std::string>> v;
  for (const auto& f : expand_inputs(inputs)) v.emplace_back(first_timestamp(f), f);
  std::stable_sort(v.begin(), v.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  std::vector<std::string> out;
  for (auto& p : v) out.push_back(std::move(p.second));
  return out;
}

}  // namespace fe95::cli
