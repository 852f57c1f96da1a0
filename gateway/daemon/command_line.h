#pragma once
// The lwm2m-gateway command line: which configuration file, which action, and
// overrides that win over the file.

#include <iosfwd>
#include <string_view>

#include "gateway/daemon/config.h"

namespace lwm2m::gateway {

// The version the daemon reports in --version and GET /health, e.g. "0.1.0".
std::string_view gatewayVersion();

struct CommandLine {
  // Run: start the daemon with `config`.
  // PrintConfig / CheckConfig: the effective configuration was printed / checked
  //   and found valid; exit with exitCode (0). The caller also checks the mapping.
  // PrintMapping: the configuration is valid; the caller prints the mapping rules.
  // PrintModels: the configuration is valid; the caller prints the object definitions.
  // Exit: --help or --version was shown (exitCode 0), or the command line or the
  //   configuration was wrong and the errors were printed (exitCode 1; 2 for a
  //   malformed command line).
  // CheckConfig also has the caller check the mapping and the object definitions.
  enum class Action { Run, PrintConfig, CheckConfig, PrintMapping, PrintModels, Exit };
  Action action = Action::Run;
  int exitCode = 0;
  GatewayConfig config;
};

// Parses the arguments, loads --config (if any), applies the overrides and
// checks the result. Prints help, version, the printed configuration and every
// error itself: `out` for what the user asked for, `err` for problems.
// The caller runs the daemon only for Action::Run, else returns exitCode.
CommandLine parseCommandLine(int argc, char** argv, std::ostream& out, std::ostream& err);

}  // namespace lwm2m::gateway
