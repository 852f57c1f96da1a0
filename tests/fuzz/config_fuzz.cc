// libFuzzer target: the gateway's YAML configuration. Any text gives a
// configuration or an error naming file, line and key; a configuration that
// loads prints as YAML that loads back to the same configuration.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

#include "gateway/daemon/config.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto config = lwm2m::gateway::loadConfigText(text, "fuzz.yaml");
  if (!config) {
    if (config.error().message.rfind("fuzz.yaml", 0) != 0) std::abort();  // names the file
    return 0;
  }
  const std::string printed = lwm2m::gateway::toYaml(*config);
  auto back = lwm2m::gateway::loadConfigText(printed, "printed.yaml");
  if (!back || !(*back == *config)) {
    std::fprintf(stderr, "printed configuration does not load back the same:\n%s\n%s\n",
                 printed.c_str(), back ? lwm2m::gateway::toYaml(*back).c_str()
                                       : back.error().message.c_str());
    std::abort();
  }
  return 0;
}
