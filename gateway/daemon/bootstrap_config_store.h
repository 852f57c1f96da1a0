#pragma once
// The bootstrap configurations in force: those of bootstrap.configs (or the
// default entry) overlaid by those stored over the REST API, which are kept
// as one YAML file per endpoint (mode 0600: they may hold PSK keys) in
// {directory}, beside the credentials store, and loaded again at start-up by
// the same loader as the files (api::BootstrapAdmin).
//
// Threading contract: the gateway's I/O thread.

#include <filesystem>
#include <string>

#include "gateway/api/bootstrap_admin.h"
#include "gateway/daemon/bootstrap_config_yaml.h"

namespace lwm2m::gateway {

class BootstrapConfigStore : public api::BootstrapAdmin {
 public:
  // `base`: the configurations of bootstrap.configs or the default entry,
  // described by `baseSource` ("/etc/…/bootstrap" or "default"). Loads the
  // configurations stored in `directory` (if it exists); throws
  // std::runtime_error naming the file and line (start-up path).
  BootstrapConfigStore(server::BootstrapConfigs base, std::string baseSource, std::filesystem::path directory,
                       BootstrapDefaults defaults);

  // The configuration for `endpoint`: stored over REST, else the base's, then
  // the same for "*"; nullptr if none.
  const server::BootstrapConfig* find(std::string_view endpoint) const;
  // Stored over REST.
  std::size_t storedCount() const { return stored_.size(); }
  std::size_t size() const;

  std::vector<api::BootstrapConfigEntry> bootstrapConfigs() const override;
  std::optional<api::BootstrapConfigEntry> bootstrapConfig(std::string_view endpoint) const override;
  Result<std::pair<api::BootstrapConfigEntry, bool>> putBootstrapConfig(std::string_view endpoint,
                                                                        std::string_view document) override;
  Result<bool> removeBootstrapConfig(std::string_view endpoint) override;

 private:
  std::filesystem::path fileOf(std::string_view endpoint) const;

  server::BootstrapConfigs base_;
  std::string baseSource_;
  server::BootstrapConfigs stored_;
  std::filesystem::path directory_;
  BootstrapDefaults defaults_;
};

}  // namespace lwm2m::gateway
