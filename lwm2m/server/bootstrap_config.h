#pragma once
// What the bootstrap server provisions on one device: the LwM2M Security (/0),
// Server (/1) and Access Control (/2) object instances, and whether the
// device's existing accounts are deleted first. Pure values; loading from
// files lives with the gateway's configuration.
//
// A Security instance may ask for fresh PSK credentials (generatePsk): the
// bootstrap server then creates a random identity and key for the session and
// hands them to the credentials sink before Bootstrap-Finish.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "lwm2m/model/path.h"
#include "lwm2m/model/value.h"

namespace lwm2m::server {

// Resource 0/x/2 (Security Mode).
enum class SecurityMode : std::uint8_t { Psk = 0, RawPublicKey = 1, Certificate = 2, NoSec = 3 };

std::string_view securityModeName(SecurityMode mode);  // "psk", "rpk", "certificate", "nosec"

struct SecurityInstance {
  model::InstanceId instance = 0;
  std::string serverUri;          // 0/x/0, e.g. "coaps://192.0.2.1:5684"
  bool bootstrapServer = false;   // 0/x/1
  SecurityMode mode = SecurityMode::NoSec;
  std::string pskIdentity;        // 0/x/3 (as bytes), PSK mode only
  model::Bytes pskKey;            // 0/x/5, PSK mode only
  bool generatePsk = false;       // identity and key made fresh for each bootstrap
  std::uint16_t shortServerId = 1;  // 0/x/10
};

struct ServerInstance {
  model::InstanceId instance = 0;
  std::uint16_t shortServerId = 1;    // 1/x/0
  std::uint32_t lifetime = 300;       // 1/x/1, seconds
  bool notificationStoring = true;    // 1/x/6
  std::string binding = "U";          // 1/x/7
};

struct AclInstance {
  model::InstanceId instance = 0;
  model::ObjectId objectId = 0;               // 2/x/0
  model::InstanceId objectInstanceId = 0;     // 2/x/1
  std::map<std::uint16_t, std::uint16_t> rights;  // 2/x/2: short server id → access bits
  std::uint16_t owner = 1;                    // 2/x/3
};

struct BootstrapConfig {
  std::string endpoint;           // the endpoint name, or "*" for every other device
  bool discover = false;          // Bootstrap-Discover (GET /) first, for the log
  bool readServers = false;       // Bootstrap-Read /1 (LwM2M 1.1) first, for the log
  bool deleteExisting = true;     // Bootstrap-Delete /0 and /1 before writing
  std::vector<SecurityInstance> security;
  std::vector<ServerInstance> servers;
  std::vector<AclInstance> acls;
};

// The configuration set in force: per-endpoint entries and an optional "*" default.
class BootstrapConfigs {
 public:
  // Replaces any entry for the same endpoint.
  void add(BootstrapConfig config);
  // The entry for `endpoint`, else the "*" entry, else nullptr.
  const BootstrapConfig* find(std::string_view endpoint) const;
  // The entry of exactly `endpoint` (no "*" fallback), else nullptr.
  const BootstrapConfig* exact(std::string_view endpoint) const;
  // False if there was no entry for `endpoint`.
  bool remove(std::string_view endpoint);
  // Every entry by endpoint name ("*" sorts first).
  const std::map<std::string, BootstrapConfig, std::less<>>& entries() const { return configs_; }
  std::size_t size() const { return configs_.size(); }

 private:
  std::map<std::string, BootstrapConfig, std::less<>> configs_;
};

// The configuration used when none is given: the device is pointed at
// `serverUri` (this gateway's LwM2M server) as short server id 1 with
// `lifetime`; with `psk`, over DTLS PSK with freshly generated credentials.
BootstrapConfig defaultBootstrapConfig(std::string serverUri, bool psk, std::uint32_t lifetime);

}  // namespace lwm2m::server
