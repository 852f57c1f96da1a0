// lwm2m-gateway: LwM2M server toward devices, MQTT and HTTP toward the cloud.

#include <exception>
#include <iostream>

#include <spdlog/spdlog.h>

#include "gateway/command_line.h"
#include "gateway/gateway.h"
#include "gateway/logging.h"

int main(int argc, char** argv) {
  using lwm2m::gateway::CommandLine;
  CommandLine cl = lwm2m::gateway::parseCommandLine(argc, argv, std::cout, std::cerr);
  if (cl.action != CommandLine::Action::Run) return cl.exitCode;

  lwm2m::gateway::setupLogging(cl.config.logging.level);
  try {
    lwm2m::gateway::Gateway gateway(cl.config);
    gateway.run();
  } catch (const std::exception& e) {
    spdlog::critical("cannot start: {}", e.what());
    return 1;
  }
  return 0;
}
