#pragma once
// The credentials store behind the REST API's /api/v1/credentials
// (api::CredentialAdmin) and the conversions the command line shares with it.
// Every change is logged with the endpoint and identity, never the key.

#include "gateway/api/device_credentials.h"
#include "persistence/credential_store.h"

namespace lwm2m::gateway {

persistence::DeviceCredentials storedCredentials(const api::CredentialsEntry& entry);
api::CredentialsInfo credentialsInfo(const persistence::DeviceCredentials& stored);

class StoreCredentialAdmin : public api::CredentialAdmin {
 public:
  // `store` must outlive this object: the one the DTLS listener reads, so a
  // change applies to the next handshake.
  explicit StoreCredentialAdmin(persistence::CredentialStore& store) : store_(store) {}

  Result<std::vector<api::CredentialsInfo>> listCredentials() override;
  Result<std::optional<api::CredentialsInfo>> findCredentials(std::string_view endpoint) override;
  Result<void> putCredentials(const api::CredentialsEntry& entry) override;
  Result<bool> removeCredentials(std::string_view endpoint) override;

 private:
  persistence::CredentialStore& store_;
};

}  // namespace lwm2m::gateway
