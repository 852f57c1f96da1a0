#pragma once
// The bootstrap server's per-endpoint configurations as the REST API manages
// them (/api/v1/bootstrap/configs). A configuration stored here is kept in the
// gateway's state directory (it survives a restart) and takes precedence over
// the files of bootstrap.configs for its endpoint; removing it brings back the
// file's (or the default) configuration. A change applies to the next
// Bootstrap-Request.
//
// The document given to put is a bootstrap configuration file's text (YAML;
// JSON is YAML), validated by the same loader as the files, so the two cannot
// differ in what they accept (gateway/daemon/bootstrap_config_yaml.h).
//
// Contract: PSK keys in a configuration are write-only for the REST API (its
// encoder leaves them out); nothing here logs them.
// Threading contract: the gateway's I/O thread.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "lwm2m/result.h"
#include "lwm2m/server/bootstrap_config.h"

namespace lwm2m::gateway::api {

struct BootstrapConfigEntry {
  server::BootstrapConfig config;
  // Where it comes from: "api" (stored over REST), the file it was loaded
  // from (bootstrap.configs), or "default" (this gateway, bootstrap.enabled
  // without bootstrap.configs).
  std::string source;
};

class BootstrapAdmin {
 public:
  virtual ~BootstrapAdmin() = default;
  // Every configuration in force, ordered by endpoint ("*" first).
  virtual std::vector<BootstrapConfigEntry> bootstrapConfigs() const = 0;
  // The configuration of exactly `endpoint` ("*" for the fallback), else nullopt.
  virtual std::optional<BootstrapConfigEntry> bootstrapConfig(std::string_view endpoint) const = 0;
  // Validates and stores `document` as the configuration of `endpoint`. The
  // document's endpoint may be left out, else must equal `endpoint`. Errors:
  // Invalid naming the field ("body:3: security[0].mode: expected psk or
  // nosec (got 'x')"), StoreFailed when it cannot be written.
  // Returns the stored entry and whether it replaced one stored over REST.
  virtual Result<std::pair<BootstrapConfigEntry, bool>> putBootstrapConfig(std::string_view endpoint,
                                                                           std::string_view document) = 0;
  // Removes the configuration stored over REST for `endpoint`: false if there
  // was none (a configuration of bootstrap.configs is changed in its file).
  virtual Result<bool> removeBootstrapConfig(std::string_view endpoint) = 0;
};

}  // namespace lwm2m::gateway::api
