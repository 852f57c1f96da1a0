// The daemon's command line as a user meets it: --version, --check-config on
// good and bad files, --print-config, a start-up failure that says why, and a
// SIGTERM while it starts.

#include <signal.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include <gtest/gtest.h>

#include "tests/integration/gateway_process.h"
#include "tests/support/process.h"

namespace lwm2m::testing {
namespace {

std::string writeFile(const std::string& name, const std::string& text) {
  auto path = std::filesystem::temp_directory_path() / (name + "-" + std::to_string(::getpid()) + ".yaml");
  std::ofstream(path) << text;
  return path.string();
}

CommandResult gatewayWithStderr(std::vector<std::string> args) {
  std::string cmd = std::string(LWM2M_GATEWAY_BIN);
  for (auto& a : args) cmd += " '" + a + "'";
  return runCommand({"sh", "-c", cmd + " 2>&1"});
}

TEST(CommandLine, VersionAndHelp) {
  auto v = gatewayWithStderr({"--version"});
  EXPECT_EQ(v.exitCode, 0);
  EXPECT_NE(v.output.find("0.1.0"), std::string::npos) << v.output;
  auto h = gatewayWithStderr({"--help"});
  EXPECT_EQ(h.exitCode, 0);
  for (auto flag : {"--coap", "--http", "--mqtt", "--data-dir", "--mapping", "--log-level", "--check-config"}) {
    EXPECT_NE(h.output.find(flag), std::string::npos) << flag;
  }
}

TEST(CommandLine, CheckConfigNamesFileLineAndKey) {
  auto file = writeFile("bad", "coap:\n  listen: \"0.0.0.0:5683\"\nmqtt:\n  qos: 5\n  colour: blue\n");
  auto r = gatewayWithStderr({"--config", file, "--check-config"});
  EXPECT_EQ(r.exitCode, 1);
  const std::string name = std::filesystem::path(file).filename().string();
  EXPECT_NE(r.output.find(name + ":4"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("mqtt.qos"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("mqtt.colour"), std::string::npos) << r.output;
  std::filesystem::remove(file);
}

TEST(CommandLine, PrintConfigShowsOverridesAndLoadsBack) {
  auto r = gatewayWithStderr({"--coap", "127.0.0.1:5699", "--log-level", "debug", "--print-config"});
  ASSERT_EQ(r.exitCode, 0) << r.output;
  EXPECT_NE(r.output.find("127.0.0.1:5699"), std::string::npos);
  auto file = writeFile("printed", r.output);
  auto check = gatewayWithStderr({"--config", file, "--check-config"});
  EXPECT_EQ(check.exitCode, 0) << check.output;
  std::filesystem::remove(file);
}

TEST(CommandLine, PortInUseFailsStartUpWithTheAddress) {
  Mosquitto broker;
  GatewayProcess first(broker.uri());
  // A data directory of its own: a fixed path would be shared with other
  // checkouts running the suite (and their schema versions).
  const auto dataDir = std::filesystem::temp_directory_path() / ("lwm2m-it-inuse-" + std::to_string(::getpid()));
  auto r = gatewayWithStderr({"--coap", first.coapAddress(), "--http", "127.0.0.1:0", "--mqtt", broker.uri(),
                              "--data-dir", dataDir.string()});
  std::filesystem::remove_all(dataDir);
  EXPECT_EQ(r.exitCode, 1);
  EXPECT_NE(r.output.find(first.coapAddress().substr(0, first.coapAddress().find(':'))), std::string::npos)
      << r.output;
  EXPECT_NE(r.output.find("cannot start"), std::string::npos) << r.output;
}

// The signals a process holds blocked, from /proc/PID/status (SigBlk); 0 if unreadable.
unsigned long long blockedSignals(int pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("SigBlk:", 0) == 0) return std::stoull(line.substr(7), nullptr, 16);
  }
  return 0;
}

// A service manager or a script may stop the gateway at any moment, also
// while it still opens its database and builds its parts. Such a SIGTERM used
// to end it with the signal's default action (exit status 143, no clean stop);
// now it is held until the gateway handles it.
TEST(CommandLine, ASigtermWhileItStartsStopsItCleanly) {
  Mosquitto broker;
  const auto dir = std::filesystem::temp_directory_path() / ("lwm2m-it-early-term-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const std::string log = (dir / "gateway.log").string();
  Process gateway = Process::start({LWM2M_GATEWAY_BIN, "--coap", "127.0.0.1:0", "--http", "127.0.0.1:0", "--mqtt",
                                    broker.uri(), "--data-dir", (dir / "data").string(), "--log-level", "info"},
                                   {log});
  // Its main() has begun once it holds SIGTERM (bounded wait); send it then,
  // before the start is done (the start takes tens of milliseconds).
  constexpr unsigned long long kSigterm = 1ULL << (SIGTERM - 1);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while ((blockedSignals(gateway.pid()) & kSigterm) == 0 && gateway.running() &&
         std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::microseconds(200));
  }
  EXPECT_NE(blockedSignals(gateway.pid()) & kSigterm, 0u) << "the starting gateway never held SIGTERM";
  ::kill(gateway.pid(), SIGTERM);
  const auto status = gateway.waitFor(std::chrono::seconds(10));
  ASSERT_TRUE(status.has_value()) << "still running 10 s after SIGTERM";
  EXPECT_EQ(*status, 0);
  std::stringstream text;
  text << std::ifstream(log).rdbuf();
  EXPECT_NE(text.str().find("lwm2m-gateway stopped"), std::string::npos) << text.str();
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace lwm2m::testing
