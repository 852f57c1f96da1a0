#include "gateway/daemon/credential_admin.h"

#include <spdlog/spdlog.h>

namespace lwm2m::gateway {

persistence::DeviceCredentials storedCredentials(const api::CredentialsEntry& entry) {
  persistence::DeviceCredentials stored;
  stored.endpoint = entry.endpoint;
  stored.pskIdentity = entry.pskIdentity;
  stored.pskKey = entry.pskKey;
  stored.certificateName = entry.certificateName;
  stored.securityRequired = entry.securityRequired;
  return stored;
}

api::CredentialsInfo credentialsInfo(const persistence::DeviceCredentials& stored) {
  return api::CredentialsInfo{stored.endpoint, stored.pskIdentity, stored.certificateName, stored.securityRequired};
}

Result<std::vector<api::CredentialsInfo>> StoreCredentialAdmin::listCredentials() {
  auto all = store_.list();
  if (!all) return all.error();
  std::vector<api::CredentialsInfo> infos;
  infos.reserve(all->size());
  for (const auto& stored : *all) infos.push_back(credentialsInfo(stored));
  return infos;
}

Result<std::optional<api::CredentialsInfo>> StoreCredentialAdmin::findCredentials(std::string_view endpoint) {
  auto found = store_.find(endpoint);
  if (!found) return found.error();
  if (!*found) return std::optional<api::CredentialsInfo>();
  return std::optional<api::CredentialsInfo>(credentialsInfo(**found));
}

Result<void> StoreCredentialAdmin::putCredentials(const api::CredentialsEntry& entry) {
  if (auto stored = store_.put(storedCredentials(entry)); !stored) return stored.error();
  spdlog::info("credentials of endpoint '{}' stored over the REST API{}{}{}", entry.endpoint,
               entry.pskIdentity ? " (psk identity '" + *entry.pskIdentity + "')" : std::string(),
               entry.certificateName ? " (certificate name '" + *entry.certificateName + "')" : std::string(),
               entry.securityRequired ? "" : "; plain CoAP allowed");
  return {};
}

Result<bool> StoreCredentialAdmin::removeCredentials(std::string_view endpoint) {
  auto removed = store_.remove(endpoint);
  if (removed && *removed) spdlog::info("credentials of endpoint '{}' removed over the REST API", endpoint);
  return removed;
}

}  // namespace lwm2m::gateway
