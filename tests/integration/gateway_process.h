#pragma once
// The real lwm2m-gateway binary, started on free loopback ports for one test,
// plus the real peers the tests talk to it with: the device simulator, curl
// and libcoap's coap-client.

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "tests/support/mosquitto.h"
#include "tests/support/ports.h"
#include "tests/support/process.h"

namespace lwm2m::testing {

struct CommandResult {
  int exitCode = -1;
  std::string output;  // stdout
};

// Runs a command to completion (killed after `timeout`) and captures its stdout.
CommandResult runCommand(const std::vector<std::string>& argv,
                         std::chrono::milliseconds timeout = std::chrono::seconds(20));

struct HttpResponse {
  int status = 0;
  std::string body;
  std::string contentType;  // "" when the answer had none
  std::string location;     // the Location header, "" when absent
};
// GET with curl; status 0 when nothing answered.
HttpResponse httpGet(const std::string& url);
// POST (or another method) with a JSON body.
HttpResponse httpSend(const std::string& method, const std::string& url, const std::string& body = {});

class GatewayProcess {
 public:
  // Starts the gateway with CoAP on coapHost:free port (127.0.0.1 or ::1), HTTP
  // on a free port, MQTT at mqttUri, a fresh data directory, and `extraArgs`.
  // Returns once the gateway has started: its ports bound, its mapping and
  // stored state read (throws after 15 s, or when it exits, with its log).
  GatewayProcess(const std::string& mqttUri, const std::string& coapHost = "127.0.0.1",
                 std::vector<std::string> extraArgs = {});
  ~GatewayProcess();

  std::uint16_t coapPort() const { return coapPort_; }
  std::string coapAddress() const;  // "127.0.0.1:P" or "[::1]:P", as lwm2m-sim --server wants
  std::string coapUri() const { return "coap://" + coapAddress(); }
  std::string httpUrl(const std::string& path) const;
  std::string log() const;
  // SIGTERM; returns the exit status (bounded wait).
  int terminate();
  // SIGKILL, as a power cut or an OOM kill would; returns once it is gone.
  void kill();
  // Starts again with the same ports, data directory and arguments.
  void restart();
  std::filesystem::path dataDir() const { return dir_ / "data"; }
  // The running gateway's process id (0 when not running).
  int pid() const { return process_ ? process_->pid() : 0; }

 private:
  std::filesystem::path dir_;
  std::string coapHost_;
  std::uint16_t coapPort_;
  std::uint16_t httpPort_;
  std::vector<std::string> argv_;
  std::optional<Process> process_;
};

// True once the gateway's log contains `text` (polled until `timeout`).
bool waitForLog(const GatewayProcess& gateway, const std::string& text,
                std::chrono::milliseconds timeout = std::chrono::seconds(10));

// The code of the last response in `coap-client -v 6` output ("2.05"), ""
// when none was printed.
std::string coapResponseCode(const std::string& output);

// lwm2m-sim with its stdout lines readable: "registered sim-0001 rd/…".
class Simulator {
 public:
  explicit Simulator(const std::vector<std::string>& args);
  ~Simulator();
  // Waits for a line starting with `prefix`; returns it, or nullopt on timeout.
  std::optional<std::string> waitForLine(const std::string& prefix,
                                         std::chrono::milliseconds timeout = std::chrono::seconds(10));
  int terminate() { return process_.terminate(); }
  std::optional<int> waitForExit(std::chrono::milliseconds timeout) { return process_.waitFor(timeout); }
  pid_t pid() const { return process_.pid(); }  // e.g. to SIGSTOP the device mid-transfer

 private:
  Process process_;
  LineReader reader_;
};

}  // namespace lwm2m::testing
