// The daemon's command line as a user meets it: --version, --check-config on
// good and bad files, --print-config, and a start-up failure that says why.

#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include "tests/integration/gateway_process.h"

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

}  // namespace
}  // namespace lwm2m::testing
