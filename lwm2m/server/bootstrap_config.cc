#include "lwm2m/server/bootstrap_config.h"

#include <utility>

namespace lwm2m::server {

std::string_view securityModeName(SecurityMode mode) {
  switch (mode) {
    case SecurityMode::Psk: return "psk";
    case SecurityMode::RawPublicKey: return "rpk";
    case SecurityMode::Certificate: return "certificate";
    case SecurityMode::NoSec: return "nosec";
  }
  return "nosec";
}

void BootstrapConfigs::add(BootstrapConfig config) {
  std::string key = config.endpoint;
  configs_.insert_or_assign(std::move(key), std::move(config));
}

const BootstrapConfig* BootstrapConfigs::find(std::string_view endpoint) const {
  if (auto it = configs_.find(endpoint); it != configs_.end()) return &it->second;
  if (auto it = configs_.find(std::string_view("*")); it != configs_.end()) return &it->second;
  return nullptr;
}

const BootstrapConfig* BootstrapConfigs::exact(std::string_view endpoint) const {
  auto it = configs_.find(endpoint);
  return it == configs_.end() ? nullptr : &it->second;
}

bool BootstrapConfigs::remove(std::string_view endpoint) {
  auto it = configs_.find(endpoint);
  if (it == configs_.end()) return false;
  configs_.erase(it);
  return true;
}

BootstrapConfig defaultBootstrapConfig(std::string serverUri, bool psk, std::uint32_t lifetime) {
  BootstrapConfig config;
  config.endpoint.assign(1, '*');  // not = "*": GCC 12 -Wrestrict false positive
  SecurityInstance security;
  security.instance = 1;  // 0 is commonly the device's bootstrap account
  security.serverUri = std::move(serverUri);
  security.mode = psk ? SecurityMode::Psk : SecurityMode::NoSec;
  security.generatePsk = psk;
  security.shortServerId = 1;
  config.security.push_back(std::move(security));
  ServerInstance server;
  server.instance = 0;
  server.shortServerId = 1;
  server.lifetime = lifetime;
  config.servers.push_back(server);
  return config;
}

}  // namespace lwm2m::server
