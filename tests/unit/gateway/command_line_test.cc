#include "gateway/daemon/command_line.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <vector>

namespace lwm2m::gateway {
namespace {

using Action = CommandLine::Action;

struct Run {
  CommandLine result;
  std::string out;
  std::string err;
};

Run run(std::vector<std::string> args) {
  args.insert(args.begin(), "lwm2m-gateway");
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  std::ostringstream out, err;
  Run r{parseCommandLine(static_cast<int>(args.size()), argv.data(), out, err), "", ""};
  r.out = out.str();
  r.err = err.str();
  return r;
}

std::string writeFile(const std::string& name, const std::string& text) {
  const std::string path = ::testing::TempDir() + name;
  std::ofstream(path) << text;
  return path;
}

TEST(CommandLine, NoArgumentsRunsWithDefaults) {
  auto r = run({});
  EXPECT_EQ(r.result.action, Action::Run);
  EXPECT_EQ(r.result.exitCode, 0);
  EXPECT_EQ(r.result.config, GatewayConfig{});
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(r.err, "");
}

TEST(CommandLine, HelpDescribesEveryOptionAndExits) {
  auto r = run({"--help"});
  EXPECT_EQ(r.result.action, Action::Exit);
  EXPECT_EQ(r.result.exitCode, 0);
  for (const char* text : {"--config", "--print-config", "--check-config", "--version", "--coap",
                           "--http", "--mqtt", "--data-dir", "--mapping", "--log-level",
                           "HOST:PORT", "Examples:", "Exit status:"}) {
    EXPECT_NE(r.out.find(text), std::string::npos) << text << "\n" << r.out;
  }
}

TEST(CommandLine, VersionPrintsTheVersion) {
  auto r = run({"--version"});
  EXPECT_EQ(r.result.action, Action::Exit);
  EXPECT_EQ(r.result.exitCode, 0);
  EXPECT_EQ(r.out, "lwm2m-gateway " + std::string(gatewayVersion()) + "\n");
  EXPECT_FALSE(gatewayVersion().empty());
}

TEST(CommandLine, OverridesWinOverTheFile) {
  const auto path = writeFile("cl_overrides.yaml",
                              "coap:\n  listen: 0.0.0.0:1\nmqtt:\n  uri: tcp://a:1\n  qos: 0\n"
                              "logging:\n  level: warn\n");
  auto r = run({"--config", path, "--coap", "[::1]:5690", "--http", "127.0.0.1:0", "--mqtt",
                "ws://b:80/mqtt", "--data-dir", "/tmp/d", "--mapping", "/etc/m", "--log-level",
                "trace"});
  ASSERT_EQ(r.result.action, Action::Run) << r.err;
  const auto& c = r.result.config;
  EXPECT_EQ(c.coap.listen, "[::1]:5690");
  EXPECT_EQ(c.http.listen, "127.0.0.1:0");
  EXPECT_EQ(c.mqtt.uri, "ws://b:80/mqtt");
  EXPECT_EQ(c.mqtt.qos, 0);  // from the file: no override for it
  EXPECT_EQ(c.storage.dataDir, "/tmp/d");
  EXPECT_EQ(c.mapping.path, "/etc/m");
  EXPECT_EQ(c.logging.level, "trace");
}

TEST(CommandLine, PrintConfigShowsTheEffectiveConfiguration) {
  const auto path = writeFile("cl_print.yaml", "mqtt:\n  qos: 2\n");
  auto r = run({"--config", path, "--print-config", "--log-level", "debug"});
  EXPECT_EQ(r.result.action, Action::PrintConfig);
  EXPECT_EQ(r.result.exitCode, 0);
  auto printed = loadConfigText(r.out, "printed");
  ASSERT_TRUE(printed.ok()) << printed.error().message;
  EXPECT_EQ(printed->mqtt.qos, 2);
  EXPECT_EQ(printed->logging.level, "debug");
  EXPECT_EQ(*printed, r.result.config);
}

TEST(CommandLine, CheckConfigAcceptsAValidFile) {
  const auto path = writeFile("cl_valid.yaml", "http:\n  listen: 127.0.0.1:9000\n");
  auto r = run({"--config", path, "--check-config"});
  EXPECT_EQ(r.result.action, Action::CheckConfig);
  EXPECT_EQ(r.result.exitCode, 0);
  EXPECT_EQ(r.out, path + ": configuration is valid\n");
}

TEST(CommandLine, CheckConfigPrintsEveryErrorAndFails) {
  const auto path = writeFile("cl_invalid.yaml", "mqtt:\n  qos: 5\n  uri: ftp://x\n");
  auto r = run({"--config", path, "--check-config"});
  EXPECT_EQ(r.result.action, Action::Exit);
  EXPECT_EQ(r.result.exitCode, 1);
  EXPECT_NE(r.err.find(path + ":2: mqtt.qos: must be 0, 1 or 2 (got 5)"), std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find(path + ":3: mqtt.uri: unsupported scheme 'ftp'"), std::string::npos)
      << r.err;
}

TEST(CommandLine, InvalidFileStopsARunToo) {
  auto r = run({"--config", "/nonexistent.yaml"});
  EXPECT_EQ(r.result.action, Action::Exit);
  EXPECT_EQ(r.result.exitCode, 1);
  EXPECT_NE(r.err.find("/nonexistent.yaml: cannot open"), std::string::npos) << r.err;
}

TEST(CommandLine, BadOverrideIsAUsageError) {
  auto r = run({"--coap", "localhost"});
  EXPECT_EQ(r.result.action, Action::Exit);
  EXPECT_EQ(r.result.exitCode, 2);
  EXPECT_NE(r.err.find("--coap"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("missing ':PORT'"), std::string::npos) << r.err;

  auto level = run({"--log-level", "loud"});
  EXPECT_EQ(level.result.exitCode, 2);
  EXPECT_NE(level.err.find("must be trace, debug"), std::string::npos) << level.err;

  auto mqtt = run({"--mqtt", "http://x"});
  EXPECT_EQ(mqtt.result.exitCode, 2);
  EXPECT_NE(mqtt.err.find("unsupported scheme 'http'"), std::string::npos) << mqtt.err;
}

TEST(CommandLine, UnknownOptionsAndConflictsAreUsageErrors) {
  auto unknown = run({"--colour"});
  EXPECT_EQ(unknown.result.action, Action::Exit);
  EXPECT_EQ(unknown.result.exitCode, 2);
  EXPECT_NE(unknown.err.find("--colour"), std::string::npos) << unknown.err;

  auto both = run({"--print-config", "--check-config"});
  EXPECT_EQ(both.result.exitCode, 2);
  EXPECT_NE(both.err.find("cannot be used together"), std::string::npos) << both.err;
}

}  // namespace
}  // namespace lwm2m::gateway
