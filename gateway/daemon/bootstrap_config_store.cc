#include "gateway/daemon/bootstrap_config_store.h"

#include "gateway/core/private_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <spdlog/spdlog.h>

#include <cctype>
#include <cerrno>
#include <cstring>
#include <map>
#include <stdexcept>

namespace lwm2m::gateway {
namespace {

constexpr const char* kStoredSource = "api";

// A file name for any endpoint name: letters, digits, '-', '_' and '.' (not
// first) as they are, every other byte as %XX ("*" is "%2A.yaml").
std::string fileNameOf(std::string_view endpoint) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string name;
  for (std::size_t i = 0; i < endpoint.size(); ++i) {
    const auto c = static_cast<unsigned char>(endpoint[i]);
    if (std::isalnum(c) || c == '-' || c == '_' || (c == '.' && i > 0)) {
      name += static_cast<char>(c);
    } else {
      name += '%';
      name += kHex[c >> 4];
      name += kHex[c & 15];
    }
  }
  return name + ".yaml";
}

}  // namespace

BootstrapConfigStore::BootstrapConfigStore(server::BootstrapConfigs base, std::string baseSource,
                                           std::filesystem::path directory, BootstrapDefaults defaults)
    : base_(std::move(base)), baseSource_(std::move(baseSource)), directory_(std::move(directory)),
      defaults_(std::move(defaults)) {
  std::error_code ec;
  if (!std::filesystem::exists(directory_, ec)) return;
  auto loaded = loadBootstrapConfigDirectory(directory_, defaults_);
  if (!loaded) throw std::runtime_error("bootstrap configurations stored over the REST API: " + loaded.error().message);
  stored_ = std::move(*loaded);
}

const server::BootstrapConfig* BootstrapConfigStore::find(std::string_view endpoint) const {
  for (std::string_view name : {endpoint, std::string_view("*")}) {
    if (const auto* config = stored_.exact(name)) return config;
    if (const auto* config = base_.exact(name)) return config;
  }
  return nullptr;
}

std::size_t BootstrapConfigStore::size() const { return bootstrapConfigs().size(); }

std::vector<api::BootstrapConfigEntry> BootstrapConfigStore::bootstrapConfigs() const {
  std::map<std::string, api::BootstrapConfigEntry, std::less<>> all;
  for (const auto& [endpoint, config] : base_.entries()) all[endpoint] = {config, baseSource_};
  for (const auto& [endpoint, config] : stored_.entries()) all[endpoint] = {config, kStoredSource};
  std::vector<api::BootstrapConfigEntry> entries;
  for (auto& [endpoint, entry] : all) entries.push_back(std::move(entry));
  return entries;
}

std::optional<api::BootstrapConfigEntry> BootstrapConfigStore::bootstrapConfig(std::string_view endpoint) const {
  if (const auto* config = stored_.exact(endpoint)) return api::BootstrapConfigEntry{*config, kStoredSource};
  if (const auto* config = base_.exact(endpoint)) return api::BootstrapConfigEntry{*config, baseSource_};
  return std::nullopt;
}

Result<std::pair<api::BootstrapConfigEntry, bool>> BootstrapConfigStore::putBootstrapConfig(
    std::string_view endpoint, std::string_view document) {
  auto config = loadBootstrapConfigText(document, "body", defaults_, endpoint);
  if (!config) return config.error();
  if (auto written = writeFileWhole(fileOf(endpoint), bootstrapConfigFileText(document, endpoint)); !written) {
    return written.error();
  }
  const bool replaced = stored_.exact(endpoint) != nullptr;
  stored_.add(*config);
  spdlog::info("bootstrap configuration of endpoint '{}' {} over the REST API ({} Security, {} Server, {} ACL "
               "instances)",
               endpoint, replaced ? "replaced" : "stored", config->security.size(), config->servers.size(),
               config->acls.size());
  return std::pair{api::BootstrapConfigEntry{std::move(*config), kStoredSource}, replaced};
}

Result<bool> BootstrapConfigStore::removeBootstrapConfig(std::string_view endpoint) {
  if (!stored_.exact(endpoint)) return false;
  std::error_code ec;
  std::filesystem::remove(fileOf(endpoint), ec);
  if (ec) return fail(ErrorCode::StoreFailed, fileOf(endpoint).string() + ": cannot remove: " + ec.message());
  stored_.remove(endpoint);
  spdlog::info("bootstrap configuration of endpoint '{}' removed over the REST API", endpoint);
  return true;
}

std::filesystem::path BootstrapConfigStore::fileOf(std::string_view endpoint) const {
  return directory_ / fileNameOf(endpoint);
}

}  // namespace lwm2m::gateway
