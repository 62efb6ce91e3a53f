// SPDX-License-Identifier: GPL-2.0-or-later
// `fe95 att`: every ATT PDU as one JSON object per line (schema in README.md), streamed: one
// record per PDU is the hot path, so no DOM is built (JsonWriter, as for analyze).
#include "commands.h"
#include "common.h"
#include "json_writer.h"
#include "session_output.h"

namespace fe95::cli {

namespace {

// The Stack's links and ATT PDUs go through the ATT bearer (request pairing, GATT maps), as for
// analyze; its events are printed.
class AttPrinter final : public Listener, private att::Listener {
 public:
  AttPrinter(const std::string& file, bool diagnostics)
      : file_json_(Json(file).dump(-1, ' ', false, Json::error_handler_t::replace)),
        diagnostics_(diagnostics),
        bearers_(*this) {}
  ~AttPrinter() override { flush(); }
  AttPrinter(const AttPrinter&) = delete;
  AttPrinter& operator=(const AttPrinter&) = delete;

  // Whole lines only: output written before an error is complete JSON Lines.
  void flush() { buf_.flush_to(stdout); }

  void on_link_up(const Record&, const Connection& c) override { bearers_.open(c.link); }
  void on_att(const Record& rec, std::uint64_t first_frame, const Connection& c, ByteView pdu) override {
    bearers_.pdu(rec, first_frame, c.link, pdu);
  }
  void on_cut_att(const Record& rec, std::uint64_t first_frame, const Connection& c, ByteView pdu,
                  std::uint32_t cut) override {
    bearers_.pdu(rec, first_frame, c.link, pdu, cut);
  }

  void on_att(const att::Event& ev) override {
    const att::Pdu& p = ev.pdu;
    JsonWriter w(buf_);
    w.begin_object().key("type").plain("att").key("file").raw(file_json_).key("frame").number(ev.rec.frame);
    if (ev.first_frame != ev.rec.frame) w.key("first_frame").number(ev.first_frame);
    w.key("time").time(ev.rec.ts_ns);
    if (ev.rec.adapter) w.key("adapter").number(std::uint64_t{ev.rec.adapter});
    if (!ev.link.label.empty())
      w.key("link").text(ev.link.label);
    else
      w.key("conn").number(std::uint64_t{ev.link.handle});
    w.key("dir").plain(direction_name(ev.rec.dir));
    w.key("opcode").number(std::uint64_t{p.opcode}).key("op").plain(p.info ? p.info->name : "Unknown");
    if (p.has_handle) w.key("handle").number(std::uint64_t{p.handle});
    const std::uint16_t req_type = ev.request && ev.request->type.len == 2 ? ev.request->type.u16() : 0;
    if (auto hs = att::listed_handles(p, req_type); !hs.empty()) {
      w.key("handles").begin_array();
      for (auto h : hs) w.number(std::uint64_t{h});
      w.end_array();
    }
    if (p.has_value) w.key("value").hex(p.value);
    if (ev.cut) w.key("cut").number(std::uint64_t{ev.cut});
    if (p.opcode == att::kReadByTypeRsp && ev.request) {
      if (auto values = att::listed_values(p, req_type); !values.empty()) {
        w.key("values").begin_array();
        for (auto v : values) w.hex(v);
        w.end_array();
      }
    }
    if (ev.service) w.key("service").plain(ev.service->uuid.str());
    if (ev.attribute) w.key("uuid").plain(ev.attribute->uuid.str());
    if (ev.request) w.key("request_frame").number(ev.request->frame);
    if (ev.request && ev.request->type.len) w.key("attribute_type").plain(ev.request->type.str());
    if (p.opcode == att::kMtuRsp) w.key("mtu").number(std::uint64_t{ev.state.mtu});
    if (ev.link.known) w.key("peer").address(ev.link.peer);
    w.end_object();
    end_line();
  }

  void on_disconnect(const Record& rec, const Connection& c, std::uint8_t reason) override {
    bearers_.close(c.link, rec.frame);
    if (!c.ll) return;
    write_link(buf_, file_json_, rec, c, reason);
    end_line_written();
  }

  void on_diagnostic(const Diagnostic& d) override {
    if (!diagnostics_) return;
    write_diagnostic(buf_, file_json_, d);
    if (buf_.size() > (1u << 16)) flush();
  }

 private:
  void end_line() {
    buf_.push_back('\n');
    end_line_written();
  }
  void end_line_written() {
    if (buf_.size() > (1u << 16)) flush();
  }
  std::string file_json_;
  OutBuffer buf_;
  bool diagnostics_;
  att::Bearers bearers_;
};

}  // namespace

int run_att(const AttOptions& opt) {
  int rc = kExitOk;
  for (const auto& file : expand_inputs(opt.inputs)) {
    AttPrinter printer(file, opt.diagnostics);
    Stack stack(printer);
    Progress progress(opt.quiet, file);
    const CaptureOutcome o = run_capture_file(file, stack, progress.fn());
    printer.flush();
    std::fflush(stdout);
    cut_note(file, o);
    if (o.status != CaptureOutcome::Status::ok) {
      error_line(file, o);
      rc = kExitInput;
    }
  }
  return rc;
}

}  // namespace fe95::cli
