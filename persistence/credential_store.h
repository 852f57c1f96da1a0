#pragma once
// The devices' security credentials: per endpoint a PSK identity and key, the
// name its certificate must carry, and whether it must use DTLS. Kept in its
// own SQLite file (credentials.db, mode 0600) apart from gateway.db, so that
// the command line can change it while the gateway runs (gateway.db is locked
// by the running gateway) and gateway.db can be copied without secrets.
//
// Contract:
// - Keys are write-only: list() and find() never return them; only pskKey()
//   does, for the DTLS handshake. Nothing here logs.
// - One endpoint has at most one PSK identity and one certificate name; an
//   identity or a certificate name belongs to at most one endpoint.
// - Reads are point queries on an indexed table (a handshake, a Register);
//   writes come from the command line or the REST API, not per packet.
// - Not thread-safe: one thread at a time (the I/O thread in the gateway).

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "lwm2m/result.h"

namespace lwm2m::persistence {

struct DeviceCredentials {
  std::string endpoint;
  std::optional<std::string> pskIdentity;
  std::vector<std::uint8_t> pskKey;  // empty when read back (write-only)
  std::optional<std::string> certificateName;
  bool securityRequired = true;  // refuse this endpoint over plain CoAP
};

class CredentialStore {
 public:
  // Opens or creates `file` (and its directory) with mode 0600. Errors name
  // the file and the cause.
  static Result<std::unique_ptr<CredentialStore>> open(const std::filesystem::path& file);
  ~CredentialStore();
  CredentialStore(const CredentialStore&) = delete;
  CredentialStore& operator=(const CredentialStore&) = delete;

  // Adds or replaces the credentials of `credentials.endpoint`. Fails naming
  // the conflict if the identity or certificate name belongs to another endpoint.
  Result<void> put(const DeviceCredentials& credentials);
  // False if the endpoint had no credentials.
  Result<bool> remove(std::string_view endpoint);
  // Every endpoint, ordered by name, without keys.
  Result<std::vector<DeviceCredentials>> list();
  Result<std::optional<DeviceCredentials>> find(std::string_view endpoint);
  // Whether `endpoint` must use DTLS (its credentials say "security
  // required"); false without credentials. Asked on every Register and
  // Update: while no endpoint requires it, the answer comes from memory
  // until the file changes (PRAGMA data_version: another process, such as
  // the command line, wrote to it) or this object writes to it. `now` (a
  // steady clock) spares the change check to calls within
  // kChangeCheckInterval of the last one: another process's change counts
  // from at most that much later.
  static constexpr std::chrono::milliseconds kChangeCheckInterval{1};
  Result<bool> securityRequired(std::string_view endpoint, std::chrono::steady_clock::time_point now);

  Result<std::optional<std::vector<std::uint8_t>>> pskKey(std::string_view identity);
  Result<std::optional<std::string>> endpointOfPskIdentity(std::string_view identity);
  Result<std::optional<std::string>> endpointOfCertificateName(std::string_view name);

  const std::filesystem::path& file() const;

 private:
  struct Parts;
  explicit CredentialStore(std::unique_ptr<Parts> parts);
  std::unique_ptr<Parts> parts_;
};

}  // namespace lwm2m::persistence
