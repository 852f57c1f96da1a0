// lwm2m-gateway's command line with CLI11: defaults < --config file < overrides.
#include "gateway/daemon/command_line.h"

#include <CLI/CLI.hpp>

#include <optional>
#include <ostream>
#include <string>

namespace lwm2m::gateway {
namespace {

constexpr const char* kDescription =
    "lwm2m-gateway: an LwM2M server for local devices (CoAP over UDP and DTLS) that bridges\n"
    "them to the cloud over MQTT (mapped values, events and commands) and HTTP\n"
    "(REST API, health).\n";

constexpr const char* kFooter = R"(How the configuration is built:
  built-in defaults, then the --config file, then the override options above
  (an override wins over the file). Every key has a default, so the daemon
  starts without any file. The gateway.yaml shipped with the gateway lists
  every key with its default; --print-config shows the effective values.

Object definitions: the built-in OMA core and IPSO objects, then the OMA DDF
  XML files of lwm2m.models (or --models), later ones winning; reloaded on
  SIGHUP. --print-models lists them. Objects without a definition still work
  (Read, Observe, Discover, Delete, Execute; values typed by the command).

Mapping rules (which MQTT topics carry what, which commands are accepted)
  come from --mapping (a file or a directory of them) or, without one, the
  built-in generic preset (deploy/mapping/generic.yaml). They are reloaded on
  SIGHUP and when a file changes; --print-mapping lists the rules in force.

Examples:
  lwm2m-gateway --config /etc/lwm2m-gateway/gateway.yaml
  lwm2m-gateway --config gateway.yaml --check-config
  lwm2m-gateway --config gateway.yaml --mqtt tcp://broker.local:1883 --print-config
  lwm2m-gateway --coap [::]:5683 --http 0.0.0.0:8080 --log-level debug
  lwm2m-gateway --mapping /usr/share/lwm2m-gateway/mapping/emqx.yaml --print-mapping
  lwm2m-gateway --models /etc/lwm2m-gateway/models --print-models

Device credentials (PSK identities and keys, certificate names) live in
  {storage.data_dir}/credentials.db; manage them with
  lwm2m-gateway credentials add|list|remove (see lwm2m-gateway credentials --help).

Exit status:
  0 success; 1 invalid configuration; 2 malformed command line.)";

// Adapts one of the config checks to CLI11: the empty string means valid.
CLI::Validator validator(std::optional<std::string> (*check)(std::string_view)) {
  return CLI::Validator(
      [check](std::string& value) -> std::string { return check(value).value_or(""); }, "");
}

std::optional<std::string> checkNonEmpty(std::string_view value) {
  if (value.empty()) return std::string("must not be empty");
  return std::nullopt;
}

struct Overrides {
  std::optional<std::string> coap, coaps, bootstrap, http, mqtt, dataDir, mapping, logLevel;
  std::vector<std::string> models;

  void applyTo(GatewayConfig& config) const {
    if (coap) config.coap.listen = *coap;
    if (coaps) {
      config.coaps.enabled = true;
      config.coaps.listen = *coaps;
    }
    if (bootstrap) {
      config.bootstrap.enabled = true;
      config.bootstrap.listen = *bootstrap;
    }
    if (http) config.http.listen = *http;
    if (mqtt) config.mqtt.uri = *mqtt;
    if (dataDir) config.storage.dataDir = *dataDir;
    if (mapping) config.mapping.path = *mapping;
    if (!models.empty()) config.lwm2m.models = models;
    if (logLevel) config.logging.level = *logLevel;
  }
};

}  // namespace

std::string_view gatewayVersion() { return LWM2M_GATEWAY_VERSION; }

CommandLine parseCommandLine(int argc, char** argv, std::ostream& out, std::ostream& err) {
  CLI::App app(kDescription, "lwm2m-gateway");
  app.footer(kFooter);
  app.get_formatter()->column_width(32);
  app.set_help_flag("-h,--help", "Print this help and exit");
  app.set_version_flag("--version", "lwm2m-gateway " + std::string(gatewayVersion()),
                       "Print the version and exit");

  std::string configFile;
  bool printConfig = false;
  bool checkConfig = false;
  bool printMapping = false;
  bool printModels = false;
  Overrides overrides;

  app.add_option("-c,--config", configFile, "Configuration file, YAML or JSON")
      ->type_name("FILE");
  app.add_flag("--print-config", printConfig, "Print the effective configuration and exit");
  app.add_flag("--check-config", checkConfig, "Check the configuration, report every error, exit");
  app.add_flag("--print-mapping", printMapping, "Print the mapping rules that would be in force and exit");
  app.add_flag("--print-models", printModels, "Print the object definitions that would be in force and exit");

  const std::string group = "Overrides (win over the configuration file)";
  app.add_option("--coap", overrides.coap, "CoAP listen address (coap.listen)")
      ->type_name("HOST:PORT")->check(validator(checkListenAddress))->group(group);
  app.add_option("--coaps", overrides.coaps,
                 "CoAP over DTLS listen address; turns it on (coaps.enabled, coaps.listen)")
      ->type_name("HOST:PORT")->check(validator(checkListenAddress))->group(group);
  app.add_option("--bootstrap", overrides.bootstrap,
                 "Bootstrap server listen address; turns it on (bootstrap.enabled, bootstrap.listen)")
      ->type_name("HOST:PORT")->check(validator(checkListenAddress))->group(group);
  app.add_option("--http", overrides.http, "REST API listen address (http.listen)")
      ->type_name("HOST:PORT")->check(validator(checkListenAddress))->group(group);
  app.add_option("--mqtt", overrides.mqtt,
                 "MQTT broker (mqtt.uri): tcp, ssl, mqtt, mqtts, ws, wss")
      ->type_name("URI")->check(validator(checkMqttUri))->group(group);
  app.add_option("--data-dir", overrides.dataDir,
                 "State directory (storage.data_dir)")
      ->type_name("DIR")->check(validator(checkNonEmpty))->group(group);
  app.add_option("--mapping", overrides.mapping,
                 "Mapping file or directory (mapping.path)")
      ->type_name("PATH")->group(group);
  app.add_option("--models", overrides.models,
                 "DDF file or directory of object definitions; repeat for several (lwm2m.models)")
      ->type_name("PATH")->take_all()->group(group);
  app.add_option("--log-level", overrides.logLevel,
                 "trace|debug|info|warn|error|off (logging.level)")
      ->type_name("LEVEL")->check(validator(checkLogLevel))->group(group);

  CommandLine result;
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e, out, err);  // prints help, version or the error
    result.action = CommandLine::Action::Exit;
    result.exitCode = code == 0 ? 0 : 2;
    return result;
  }
  if (int(printConfig) + int(checkConfig) + int(printMapping) + int(printModels) > 1) {
    err << "--print-config, --check-config, --print-mapping and --print-models cannot be used together\n"
        << "Run with --help for more information.\n";
    result.action = CommandLine::Action::Exit;
    result.exitCode = 2;
    return result;
  }

  if (!configFile.empty()) {
    auto loaded = loadConfigFile(configFile);
    if (!loaded) {
      err << loaded.error().message << "\n";
      if (checkConfig) err << configFile << ": configuration is invalid\n";
      result.action = CommandLine::Action::Exit;
      result.exitCode = 1;
      return result;
    }
    result.config = std::move(loaded).value();
  }
  overrides.applyTo(result.config);

  if (printConfig) {
    out << toYaml(result.config);
    result.action = CommandLine::Action::PrintConfig;
  } else if (printMapping) {
    result.action = CommandLine::Action::PrintMapping;
  } else if (printModels) {
    result.action = CommandLine::Action::PrintModels;
  } else if (checkConfig) {
    out << (configFile.empty() ? std::string("built-in defaults") : configFile)
        << ": configuration is valid\n";
    result.action = CommandLine::Action::CheckConfig;
  }
  return result;
}

}  // namespace lwm2m::gateway
