// lwm2m-gateway: LwM2M server toward devices, MQTT and HTTP toward the cloud.

#include <exception>
#include <cstring>
#include <iostream>

#include <spdlog/spdlog.h>

#include "gateway/daemon/bootstrap_service.h"
#include "gateway/daemon/command_line.h"
#include "gateway/daemon/credentials_command.h"
#include "gateway/daemon/gateway.h"
#include "gateway/daemon/heap_trim.h"
#include "gateway/daemon/held_signals.h"
#include "gateway/daemon/logging.h"
#include "gateway/core/mapping_rules.h"
#include "gateway/core/object_definitions.h"

int main(int argc, char** argv) {
  using lwm2m::gateway::CommandLine;
  lwm2m::gateway::HeldStopSignals held;  // until the gateway handles them (held_signals.h)
  if (argc > 1 && std::strcmp(argv[1], "credentials") == 0) {
    held.release();
    return lwm2m::gateway::runCredentialsCommand(argc, argv, std::cin, std::cout, std::cerr);
  }
  lwm2m::gateway::restartWithoutThreadCaches(argv);  // returns only if it did not
  CommandLine cl = lwm2m::gateway::parseCommandLine(argc, argv, std::cout, std::cerr);
  if (cl.action != CommandLine::Action::Run) held.release();
  if (cl.action == CommandLine::Action::PrintModels || cl.action == CommandLine::Action::PrintMapping ||
      cl.action == CommandLine::Action::CheckConfig) {
    auto models = lwm2m::gateway::loadObjectModel(cl.config.lwm2m.models);
    if (!models) {
      std::cerr << models.error().message << "\nlwm2m.models: object definitions are invalid\n";
      return 1;
    }
    if (cl.action == CommandLine::Action::PrintModels) {
      std::cout << lwm2m::gateway::describeModels(*models);
      return 0;
    }
    if (cl.action == CommandLine::Action::CheckConfig && !cl.config.lwm2m.models.empty()) {
      std::cout << "lwm2m.models: " << models->objects << " object definitions from " << models->files
                << " files are valid\n";
    }
    auto rules = lwm2m::gateway::loadMapping(cl.config.mapping.path, models->model,
                                                 lwm2m::mapping::LoadPolicy{cl.config.mapping.allowEmpty});
    const std::string source = cl.config.mapping.path.empty() ? "built-in generic mapping" : cl.config.mapping.path;
    if (!rules) {
      std::cerr << rules.error().message << "\n" << source << ": mapping is invalid\n";
      return 1;
    }
    if (cl.action == CommandLine::Action::PrintMapping) {
      std::cout << "# mapping from " << source << "\n" << lwm2m::mapping::describe(*rules);
      return 0;
    }
    std::cout << source << ": mapping is valid\n";
    if (!cl.config.bootstrap.configs.empty()) {
      auto bootstrap = lwm2m::gateway::checkBootstrapConfigs(cl.config);
      if (!bootstrap) {
        std::cerr << bootstrap.error().message << "\n" << cl.config.bootstrap.configs
                  << ": bootstrap configurations are invalid\n";
        return 1;
      }
      std::cout << cl.config.bootstrap.configs << ": bootstrap configurations are valid\n";
    }
    return 0;
  }
  if (cl.action != CommandLine::Action::Run) return cl.exitCode;

  lwm2m::gateway::setupLogging(cl.config.logging.level);
  lwm2m::gateway::tuneMalloc();
  try {
    lwm2m::gateway::Gateway gateway(cl.config);
    held.release();  // its handlers exist: a signal that came while it started is handled now
    gateway.run();
  } catch (const std::exception& e) {
    spdlog::critical("cannot start: {}", e.what());
    return 1;
  }
  return 0;
}
