// SPDX-License-Identifier: GPL-2.0-or-later
#include "support.h"

#include <archive.h>
#include <archive_entry.h>
#include <fcntl.h>
#include <poll.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <sstream>

#include "commands.h"
#include "fe95/capture/capture.h"

namespace fe95::test {

namespace {

// Forks; the child gets stdout and stderr as pipes (stdout /dev/null unless keep_stdout) and stdin
// from /dev/null, then runs `child` (which exits, never returns); the parent collects both
// streams, kills the child at the deadline, and reaps it.
RunResult run_child(const std::function<void()>& child, int timeout_s, bool keep_stdout) {
  RunResult r;
  int out_pipe[2], err_pipe[2];
  // Nothing this process buffered may reach the child's copy of the streams.
  std::fflush(nullptr);
  std::cout.flush();
  std::cerr.flush();
  if (pipe(out_pipe) != 0 || pipe(err_pipe) != 0) return r;
  const pid_t pid = fork();
  if (pid == 0) {
    dup2(out_pipe[1], 1);
    dup2(err_pipe[1], 2);
    close(out_pipe[0]);
    close(err_pipe[0]);
    close(out_pipe[1]);
    close(err_pipe[1]);
    int devnull = ::open("/dev/null", O_RDWR);
    if (devnull >= 0) {
      dup2(devnull, 0);
      if (!keep_stdout) dup2(devnull, 1);
    }
    child();
    _exit(127);
  }
  close(out_pipe[1]);
  close(err_pipe[1]);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(timeout_s);
  std::array<pollfd, 2> fds{{{out_pipe[0], POLLIN, 0}, {err_pipe[0], POLLIN, 0}}};
  int open_fds = 2;
  char buf[65536];
  while (open_fds > 0) {
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      kill(pid, SIGKILL);
      break;
    }
    if (poll(fds.data(), 2, static_cast<int>(std::min<long long>(left.count(), 1000))) < 0 && errno != EINTR) break;
    for (int i = 0; i < 2; ++i) {
      if (fds[static_cast<std::size_t>(i)].fd < 0 || !(fds[static_cast<std::size_t>(i)].revents & (POLLIN | POLLHUP)))
        continue;
      const ssize_t n = read(fds[static_cast<std::size_t>(i)].fd, buf, sizeof buf);
      if (n <= 0) {
        close(fds[static_cast<std::size_t>(i)].fd);
        fds[static_cast<std::size_t>(i)].fd = -1;
        --open_fds;
      } else {
        (i == 0 ? r.out : r.err).append(buf, static_cast<std::size_t>(n));
      }
    }
  }
  for (auto& f : fds)
    if (f.fd >= 0) close(f.fd);
  int status = 0;
  rusage ru{};
  wait4(pid, &status, 0, &ru);
  r.max_rss_kib = ru.ru_maxrss;
  r.seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - (deadline - std::chrono::seconds(timeout_s)))
          .count();
  if (WIFEXITED(status)) r.exit_code = WEXITSTATUS(status);
  if (WIFSIGNALED(status)) r.signal = WTERMSIG(status);
  return r;
}

std::vector<char*> c_args(const std::vector<std::string>& argv) {
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  return args;
}

}  // namespace

RunResult run(const std::vector<std::string>& argv, int timeout_s, bool keep_stdout) {
  return run_child(
      [&] {
        auto args = c_args(argv);
        execvp(args[0], args.data());
      },
      timeout_s, keep_stdout);
}

namespace {
// The real stderr while call_fe95 has redirected fd 2, for the hang guard's last words.
int g_saved_stderr = -1;
const char* g_current_call = "";

extern "C" void hang_guard(int) {
  if (g_saved_stderr >= 0) {
    const char prefix[] = "\nfe95 test: a call of the CLI ran past its hang guard: ";
    (void)!::write(g_saved_stderr, prefix, sizeof prefix - 1);
    (void)!::write(g_saved_stderr, g_current_call, std::strlen(g_current_call));
    (void)!::write(g_saved_stderr, "\n", 1);
  }
  _exit(125);
}

std::string slurp(std::FILE* f) {
  std::string s;
  std::rewind(f);
  char buf[65536];
  for (std::size_t n; (n = std::fread(buf, 1, sizeof buf, f)) > 0;) s.append(buf, n);
  std::fclose(f);
  return s;
}
}  // namespace

RunResult call_fe95(const std::vector<std::string>& args, int hang_guard_s) {
  std::vector<std::string> argv{FE95_BINARY};
  argv.insert(argv.end(), args.begin(), args.end());
  const std::string what = [&] {
    std::string w = "fe95";
    for (const auto& a : args) w += " " + a;
    return w;
  }();
  RunResult r;
  // Nothing of this process's own output may land in the call's streams, and back.
  std::fflush(nullptr);
  std::cout.flush();
  std::cerr.flush();
  std::FILE* out = std::tmpfile();
  std::FILE* err = std::tmpfile();
  if (!out || !err) {
    ADD_FAILURE() << "tmpfile: " << std::strerror(errno);
    return r;
  }
  const int saved_out = ::dup(1), saved_err = ::dup(2);
  ::dup2(::fileno(out), 1);
  ::dup2(::fileno(err), 2);
  g_saved_stderr = saved_err;
  g_current_call = what.c_str();
  struct sigaction sa {
  }, old{};
  sa.sa_handler = hang_guard;
  ::sigaction(SIGALRM, &sa, &old);
  ::alarm(static_cast<unsigned>(hang_guard_s));
  const auto t0 = std::chrono::steady_clock::now();
  // An exception out of run_main would end the program by std::terminate (SIGABRT): reported so,
  // with what it said, after the streams are back.
  std::string escaped;
  try {
    auto a = c_args(argv);
    r.exit_code = fe95::cli::run_main(static_cast<int>(argv.size()), a.data());
  } catch (const std::exception& e) {
    escaped = e.what();
  } catch (...) {
    escaped = "(not a std::exception)";
  }
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  ::alarm(0);
  ::sigaction(SIGALRM, &old, nullptr);
  std::fflush(nullptr);
  std::cout.flush();
  std::cerr.flush();
  std::cout.clear();
  std::cerr.clear();
  ::dup2(saved_out, 1);
  ::dup2(saved_err, 2);
  ::close(saved_out);
  ::close(saved_err);
  g_saved_stderr = -1;
  g_current_call = "";
  r.out = slurp(out);
  r.err = slurp(err);
  if (!escaped.empty()) {
    r.exit_code = -1;
    r.signal = SIGABRT;
    r.err += "fe95 test: an exception left fe95::cli::run_main: " + escaped + "\n";
  }
  return r;
}

bool have_program(const std::string& name) {
  return run({"sh", "-c", "command -v " + name}).exit_code == 0;
}

TsharkView tshark_view(const std::string& capture, const std::vector<std::string>& fields) {
  std::vector<std::string> argv{"tshark", "-r", capture,        "-z", "expert,warn",    "-T",
                                "fields", "-e", "frame.number", "-e", "frame.protocols"};
  for (const auto& f : fields) argv.insert(argv.end(), {"-e", f});
  auto r = run(argv);
  TsharkView v;
  v.exit_code = r.exit_code;
  v.err = r.err;
  std::istringstream in(r.out);
  for (std::string line; std::getline(in, line);) {
    const auto tab = line.find('\t');
    const bool frame_row = tab != std::string::npos && tab > 0 &&
                           std::all_of(line.begin(), line.begin() + static_cast<std::ptrdiff_t>(tab),
                                       [](unsigned char ch) { return std::isdigit(ch) != 0; });
    if (!frame_row) {
      v.expert += line + "\n";
      const auto first = line.find_first_not_of(' ');
      if (first != std::string::npos && std::isdigit(static_cast<unsigned char>(line[first])))
        v.expert_rows.push_back(line);
      continue;
    }
    auto cells = tsv(line, 2 + fields.size()).front();
    v.frames.push_back(std::stoull(cells[0]));
    v.protocols.push_back(cells[1]);
    v.fields.emplace_back(cells.begin() + 2, cells.end());
  }
  return v;
}

bool has_protocol(const std::string& protocols, std::initializer_list<const char*> any) {
  std::istringstream in(protocols);
  for (std::string p; std::getline(in, p, ':');)
    for (const char* a : any)
      if (p == a) return true;
  return false;
}

std::vector<std::string> files_under(const std::string& dir) {
  std::vector<std::string> out;
  std::error_code ec;
  if (dir.empty() || !std::filesystem::is_directory(dir, ec)) return out;
  for (const auto& e : std::filesystem::recursive_directory_iterator(dir, ec))
    if (e.is_regular_file(ec)) out.push_back(e.path().string());
  std::sort(out.begin(), out.end());
  return out;
}

bool is_ll_format(const std::string& format) {
  // "pcap/272 (Nordic BLE sniffer)": the link type after the slash.
  const auto slash = format.find('/');
  if (slash == std::string::npos || format.rfind("pcap", 0) != 0) return false;
  const int dlt = std::atoi(format.c_str() + slash + 1);
  return dlt == 251 || dlt == 256 || dlt == 272 || dlt == 157 || dlt == 192;
}

std::vector<std::string> hci_captures(const std::vector<std::string>& files) {
  std::vector<std::string> out;
  for (const auto& f : files)
    if (auto o = open_capture(f); o.reader && !is_ll_format(o.reader->format())) out.push_back(f);
  return out;
}

std::vector<std::string> ll_captures(const std::vector<std::string>& files) {
  std::vector<std::string> out;
  for (const auto& f : files)
    if (auto o = open_capture(f); o.reader && is_ll_format(o.reader->format())) out.push_back(f);
  return out;
}

std::vector<nlohmann::json> json_lines(const std::string& text) {
  std::vector<nlohmann::json> out;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line))
    if (!line.empty()) out.push_back(nlohmann::json::parse(line));
  return out;
}

std::vector<std::vector<std::string>> tsv(const std::string& text, std::size_t columns) {
  std::vector<std::vector<std::string>> rows;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    std::vector<std::string> cells;
    std::stringstream ls(line);
    std::string cell;
    while (std::getline(ls, cell, '\t')) cells.push_back(cell);
    cells.resize(columns);
    rows.push_back(std::move(cells));
  }
  return rows;
}

std::string temp_dir() {
  const char* base = std::getenv("TMPDIR");
  std::string tmpl = std::string(base && *base ? base : "/tmp") + "/fe95-test-XXXXXX";
  std::vector<char> buf(tmpl.begin(), tmpl.end());
  buf.push_back('\0');
  const char* d = mkdtemp(buf.data());
  return d ? d : "/tmp";
}

std::string shared_captures() {
  std::error_code ec;
  return std::filesystem::is_directory(FE95_SHARED_CAPTURES, ec) ? FE95_SHARED_CAPTURES : "";
}

std::string shipped_captures() {
  return std::string(FE95_SOURCE_DIR) + "/captures";
}

namespace {
// captures/ without captures/phone/: the phone forms have tests of their own (shipped_phone()).
std::vector<std::string> shipped_files() {
  auto files = files_under(shipped_captures());
  const std::string phone = shipped_captures() + "/phone/";
  std::erase_if(files, [&](const std::string& f) { return f.rfind(phone, 0) == 0; });
  return files;
}
}  // namespace

std::vector<std::string> shipped_hci() {
  return hci_captures(shipped_files());
}
std::vector<std::string> public_hci() {
  return hci_captures(files_under(shared_captures()));
}
std::vector<std::string> shipped_ll() {
  return ll_captures(shipped_files());
}
std::vector<std::string> shipped_phone() {
  return files_under(shipped_captures() + "/phone");
}
std::vector<std::string> public_ll() {
  return ll_captures(files_under(shared_captures()));
}

void write_file(const std::string& path, const std::string& bytes) {
  std::ofstream f(path, std::ios::binary);
  f.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

std::string read_file(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  std::ostringstream s;
  s << f.rdbuf();
  return s.str();
}

std::string capture_param_name(const std::string& path, std::size_t index) {
  std::string n = path.substr(path.find_last_of('/') + 1) + "_" + std::to_string(index);
  for (auto& ch : n)
    if (!std::isalnum(static_cast<unsigned char>(ch))) ch = '_';
  return n;
}

bool is_packed(const std::string& path) {
  for (const char* ext : {".gz", ".zst", ".lz4", ".xz", ".zip"}) {
    const std::string e = ext;
    if (path.size() > e.size() && path.compare(path.size() - e.size(), e.size(), e) == 0) return true;
  }
  return false;
}

std::vector<std::pair<std::string, std::string>> unpacked(const std::string& path) {
  std::vector<std::pair<std::string, std::string>> out;
  archive* a = archive_read_new();
  archive_read_support_filter_all(a);
  archive_read_support_format_zip(a);
  archive_read_support_format_raw(a);
  if (archive_read_open_filename(a, path.c_str(), 1 << 16) != ARCHIVE_OK) {
    out.emplace_back("<error>", archive_error_string(a) ? archive_error_string(a) : "open failed");
    archive_read_free(a);
    return out;
  }
  archive_entry* e = nullptr;
  while (archive_read_next_header(a, &e) == ARCHIVE_OK) {
    // Block by block, as fe95 reads (analyzer/core/src/capture/archive.cc): a block that comes
    // with a warning is data; an error ends the member.
    std::string data;
    const void* block = nullptr;
    std::size_t size = 0;
    la_int64_t offset = 0;
    int rc;
    while ((rc = archive_read_data_block(a, &block, &size, &offset)) >= ARCHIVE_WARN && rc != ARCHIVE_EOF)
      if (size) data.append(static_cast<const char*>(block), size);
    if (rc < ARCHIVE_WARN) data += "<read error>";
    out.emplace_back(archive_entry_pathname(e) ? archive_entry_pathname(e) : "", std::move(data));
  }
  archive_read_free(a);
  return out;
}

}  // namespace fe95::test
