#pragma once
// The devices' DTLS credentials as the REST API and the command line manage
// them (`lwm2m-gateway credentials`, /api/v1/credentials): per endpoint a PSK
// identity and key, the name its certificate must carry, and whether it must
// use DTLS. The rules of an entry live here once, for both.
//
// Contract: keys are write-only. CredentialsEntry carries a key in; nothing
// that lists or finds credentials gives one back (CredentialsInfo has none).
// Changes take effect at the next DTLS handshake and Register: the store is
// read per handshake, nothing caches a key.
//
// Threading contract: call CredentialAdmin on the gateway's I/O thread.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "lwm2m/result.h"

namespace lwm2m::gateway::api {

// What may be shown of an endpoint's credentials: never the key.
struct CredentialsInfo {
  std::string endpoint;
  std::optional<std::string> pskIdentity;
  std::optional<std::string> certificateName;
  bool securityRequired = true;  // refused over plain CoAP
};

// An endpoint's credentials to store, key included.
struct CredentialsEntry {
  std::string endpoint;
  std::optional<std::string> pskIdentity;
  std::vector<std::uint8_t> pskKey;  // with pskIdentity only
  std::optional<std::string> certificateName;
  bool securityRequired = true;
};

// What a user gives to add credentials, as typed (the key in hex).
struct CredentialsInput {
  std::string endpoint;
  std::string pskIdentity;      // "" for none
  std::string pskKeyHex;        // "" for none; "0x" prefix and trailing blanks allowed
  std::string certificateName;  // "" for none
  bool securityRequired = true;
};

constexpr std::size_t kMaxPskKeyBytes = 64;
constexpr std::size_t kMaxCredentialTextBytes = 255;  // endpoint, identity, certificate name

// A PSK from hex digits: 1..64 bytes. Errors say what is wrong, never echo the key.
Result<std::vector<std::uint8_t>> parsePskKey(std::string_view hex);

// The entry `input` describes, or what is wrong with it (invalid): an
// identity needs a key and a key an identity; something (a PSK or a
// certificate name) must be given; names are 1..255 bytes without control
// characters. Messages never contain the key.
Result<CredentialsEntry> credentialsEntry(const CredentialsInput& input);

class CredentialAdmin {
 public:
  virtual ~CredentialAdmin() = default;
  // Every endpoint with credentials, ordered by name.
  virtual Result<std::vector<CredentialsInfo>> listCredentials() = 0;
  virtual Result<std::optional<CredentialsInfo>> findCredentials(std::string_view endpoint) = 0;
  // Adds or replaces the endpoint's credentials. An identity or certificate
  // name that belongs to another endpoint fails (Invalid)
  // naming the other endpoint; a store failure is StoreFailed.
  virtual Result<void> putCredentials(const CredentialsEntry& entry) = 0;
  // False if the endpoint had none.
  virtual Result<bool> removeCredentials(std::string_view endpoint) = 0;
};

}  // namespace lwm2m::gateway::api
