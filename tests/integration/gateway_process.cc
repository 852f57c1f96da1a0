#include "tests/integration/gateway_process.h"

#include <signal.h>
#include <unistd.h>

#include <fstream>
#include <regex>
#include <sstream>
#include <stdexcept>
#include <thread>

namespace lwm2m::testing {
namespace {

std::filesystem::path makeTempDir() {
  std::string pattern = (std::filesystem::temp_directory_path() / "lwm2m-it-XXXXXX").string();
  if (!mkdtemp(pattern.data())) throw std::runtime_error("mkdtemp failed");
  return pattern;
}

}  // namespace

CommandResult runCommand(const std::vector<std::string>& argv, std::chrono::milliseconds timeout) {
  Process::Output out;
  out.pipeStdout = true;
  Process p = Process::start(argv, out);
  LineReader reader(p.stdoutFd());
  CommandResult result;
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    auto line = reader.readLine(left);
    if (!line) break;
    result.output += *line + "\n";
  }
  auto status = p.waitFor(std::chrono::milliseconds(100));
  result.exitCode = status ? *status : p.terminate();
  return result;
}

HttpResponse httpGet(const std::string& url) { return httpSend("GET", url); }

HttpResponse httpSend(const std::string& method, const std::string& url, const std::string& body) {
  // After the body: a marker line, then the status, content type and Location,
  // each on a line of its own (runCommand reads whole lines).
  static const std::string kMarker = "\n--lwm2m-test-curl--\n";
  std::vector<std::string> argv{"curl", "-s", "-g", "--max-time", "5", "-X", method,
                                "-w", kMarker + "%{http_code}\n%{content_type}\n%header{location}\n"};
  if (!body.empty()) {
    argv.insert(argv.end(), {"-H", "Content-Type: application/json", "--data-binary", body});
  }
  argv.push_back(url);
  auto r = runCommand(argv);
  HttpResponse response;
  const auto marker = r.output.rfind(kMarker);
  if (marker == std::string::npos) return response;
  response.body = r.output.substr(0, marker);
  std::istringstream tail(r.output.substr(marker + kMarker.size()));
  std::string status;
  std::getline(tail, status);
  std::getline(tail, response.contentType);
  std::getline(tail, response.location);
  try {
    response.status = std::stoi(status);
  } catch (...) {
    response.status = 0;
  }
  return response;
}

namespace {

// The last line Gateway's constructor logs (gateway/daemon/gateway.cc); the
// harness runs the gateway at debug level, so it is always there.
constexpr const char* kStartedLine = "HTTP API on ";

std::size_t countOf(const std::string& text, const std::string& what) {
  std::size_t count = 0;
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + what.size())) ++count;
  return count;
}

}  // namespace

GatewayProcess::GatewayProcess(const std::string& mqttUri, const std::string& coapHost,
                               std::vector<std::string> extraArgs)
    : dir_(makeTempDir()), coapHost_(coapHost), coapPort_(freeUdpPort()), httpPort_(freeTcpPort()) {
  std::vector<std::string> argv = {LWM2M_GATEWAY_BIN,
                                   "--coap", coapAddress(),
                                   "--http", "127.0.0.1:" + std::to_string(httpPort_),
                                   "--mqtt", mqttUri,
                                   "--data-dir", (dir_ / "data").string(),
                                   "--log-level", "debug"};
  argv.insert(argv.end(), extraArgs.begin(), extraArgs.end());
  argv_ = std::move(argv);
  restart();
}

void GatewayProcess::restart() {
  if (process_) process_->terminate();
  Process::Output out;
  out.file = (dir_ / "gateway.log").string();
  // The log is appended to across restarts: this start's line is one more.
  const std::size_t startsBefore = countOf(log(), kStartedLine);
  process_ = Process::start(argv_, out);
  // Its ports are bound while the gateway is built, before it has read its
  // mapping and stored state: a test that writes a watched file as soon as
  // the HTTP port accepts would race the first read. The line the gateway
  // logs last when it is built says it is done.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(15);
  while (countOf(log(), kStartedLine) <= startsBefore) {
    if (!process_->running() || std::chrono::steady_clock::now() > deadline) {
      throw std::runtime_error("gateway did not start; its log:\n" + log());
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

void GatewayProcess::kill() {
  if (!process_) return;
  ::kill(process_->pid(), SIGKILL);
  process_->waitFor(std::chrono::seconds(10));
}

GatewayProcess::~GatewayProcess() {
  if (process_) process_->terminate();
  std::error_code ec;
  std::filesystem::remove_all(dir_, ec);
}

std::string GatewayProcess::coapAddress() const {
  const bool v6 = coapHost_.find(':') != std::string::npos;
  return (v6 ? "[" + coapHost_ + "]" : coapHost_) + ":" + std::to_string(coapPort_);
}

std::string GatewayProcess::httpUrl(const std::string& path) const {
  return "http://127.0.0.1:" + std::to_string(httpPort_) + path;
}

std::string GatewayProcess::log() const {
  std::ifstream in(dir_ / "gateway.log");
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

int GatewayProcess::terminate() { return process_ ? process_->terminate(std::chrono::seconds(10)) : -1; }

Simulator::Simulator(const std::vector<std::string>& args)
    : process_([&] {
        std::vector<std::string> argv{LWM2M_SIM_BIN};
        argv.insert(argv.end(), args.begin(), args.end());
        Process::Output out;
        out.pipeStdout = true;
        return Process::start(argv, out);
      }()),
      reader_(process_.stdoutFd()) {}

Simulator::~Simulator() { process_.terminate(); }

std::optional<std::string> Simulator::waitForLine(const std::string& prefix,
                                                  std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    auto line = reader_.readLine(left);
    if (!line) return std::nullopt;
    if (line->rfind(prefix, 0) == 0) return line;
  }
  return std::nullopt;
}

std::string coapResponseCode(const std::string& output) {
  static const std::regex response(R"(t:(ACK|CON|NON) c:([2-5]\.\d\d))");
  std::string code;
  std::smatch m;
  for (auto from = output.cbegin(); std::regex_search(from, output.cend(), m, response); from = m.suffix().first) {
    code = m[2];
  }
  return code;
}

bool waitForLog(const GatewayProcess& gateway, const std::string& text,
                std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (gateway.log().find(text) != std::string::npos) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return false;
}

}  // namespace lwm2m::testing
