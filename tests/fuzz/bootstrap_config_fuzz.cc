// libFuzzer target: a bootstrap configuration file. Any text gives a
// configuration or an error naming the file; a configuration that loads is
// consistent (every server account has both its Security and Server halves).
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "gateway/daemon/bootstrap_config_yaml.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  const lwm2m::gateway::BootstrapDefaults defaults{"coap://127.0.0.1:5683", "coaps://127.0.0.1:5684"};
  auto config = lwm2m::gateway::loadBootstrapConfigText(text, "fuzz.yaml", defaults);
  if (!config) {
    if (config.error().message.rfind("fuzz.yaml:", 0) != 0) std::abort();  // names the file
    return 0;
  }
  if (config->endpoint.empty() || config->security.empty()) std::abort();
  for (const auto& s : config->security) {
    if (s.bootstrapServer) continue;
    bool paired = std::any_of(config->servers.begin(), config->servers.end(),
                              [&](const auto& v) { return v.shortServerId == s.shortServerId; });
    if (!paired) std::abort();
  }
  return 0;
}
