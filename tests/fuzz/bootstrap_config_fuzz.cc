// libFuzzer target: a bootstrap configuration file. Any text gives a
// configuration or an error naming the file; a configuration that loads is
// consistent (every server account has both its Security and Server halves).
// The same text as a REST body for an endpoint: a configuration for that
// endpoint, whose stored file text loads again as the same endpoint.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "gateway/daemon/bootstrap_config_yaml.h"

namespace {

void restBody(std::string_view text, const lwm2m::gateway::BootstrapDefaults& defaults) {
  auto config = lwm2m::gateway::loadBootstrapConfigText(text, "body", defaults, "rest-ep");
  if (!config) {
    if (config.error().message.rfind("body:", 0) != 0) std::abort();
    return;
  }
  if (config->endpoint != "rest-ep") std::abort();
  const std::string stored = lwm2m::gateway::bootstrapConfigFileText(text, "rest-ep");
  auto again = lwm2m::gateway::loadBootstrapConfigText(stored, "stored.yaml", defaults);
  if (!again || again->endpoint != "rest-ep" || again->security.size() != config->security.size()) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  const lwm2m::gateway::BootstrapDefaults defaults{"coap://127.0.0.1:5683", "coaps://127.0.0.1:5684"};
  restBody(text, defaults);
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
