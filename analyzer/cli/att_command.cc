// `fe95 att`: every ATT PDU as one JSON object per line (schema in README.md).
#include "commands.h"
#include "common.h"

namespace fe95::cli {

namespace {

Json diagnostic_json(const std::string& file, const Diagnostic& d) {
  Json j;
  j["type"] = "diagnostic";
  j["file"] = file;
  j["frame"] = d.frame;
  j["severity"] = severity_name(d.severity);
  j["code"] = d.code;
  j["message"] = d.message;
  if (!d.raw_hex.empty()) j["raw"] = d.raw_hex;
  return j;
}

class AttPrinter final : public Listener {
public:
  AttPrinter(std::string file, bool diagnostics) : file_(std::move(file)), diagnostics_(diagnostics) {}

  void on_att(const AttEvent& ev) override {
    const att::Pdu& p = ev.pdu;
    Json j;
    j["type"] = "att";
    j["file"] = file_;
    j["frame"] = ev.rec.frame;
    if (ev.first_frame != ev.rec.frame) j["first_frame"] = ev.first_frame;
    j["time"] = iso_time(ev.rec.ts_ns);
    if (ev.rec.adapter) j["adapter"] = ev.rec.adapter;
    j["conn"] = ev.conn.handle;
    j["dir"] = direction_name(ev.rec.dir);
    j["opcode"] = p.opcode;
    j["op"] = p.info ? p.info->name : "Unknown";
    if (p.has_handle) j["handle"] = p.handle;
    const std::uint16_t req_type = ev.request && ev.request->type.len == 2 ? ev.request->type.u16() : 0;
    if (auto hs = att::listed_handles(p, req_type); !hs.empty()) j["handles"] = hs;
    if (p.has_value) j["value"] = to_hex(p.value);
    if (p.opcode == att::kReadByTypeRsp && ev.request) {
      auto values = att::listed_values(p, req_type);
      if (!values.empty()) {
        Json vs = Json::array();
        for (auto v : values) vs.push_back(to_hex(v));
        j["values"] = vs;
      }
    }
    if (ev.service) j["service"] = ev.service->uuid.str();
    if (ev.attribute) j["uuid"] = ev.attribute->uuid.str();
    if (ev.request) j["request_frame"] = ev.request->frame;
    if (p.opcode == att::kMtuRsp) j["mtu"] = ev.conn.mtu;
    if (ev.conn.known) j["peer"] = ev.conn.peer.str();
    write_line(stdout, j);
  }
  void on_diagnostic(const Diagnostic& d) override {
    if (diagnostics_) write_line(stdout, diagnostic_json(file_, d));
  }

private:
  std::string file_;
  bool diagnostics_;
};

}  // namespace

int run_att(const AttOptions& opt) {
  int rc = kExitOk;
  for (const auto& file : expand_inputs(opt.inputs)) {
    AttPrinter printer(file, opt.diagnostics);
    Stack stack(printer);
    Progress progress(opt.quiet, file);
    const CaptureOutcome o = run_capture_file(file, stack, progress.fn());
    std::fflush(stdout);
    if (o.status != CaptureOutcome::Status::ok) {
      error_line(file, o);
      rc = kExitInput;
    }
  }
  return rc;
}

}  // namespace fe95::cli
