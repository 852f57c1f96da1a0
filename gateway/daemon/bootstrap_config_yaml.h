#pragma once
// Bootstrap configurations from YAML files: one file per device (or "*" for
// every device without its own), all *.yaml files of one directory.
//
//   endpoint: sensor-1          # or "*"
//   discover: false             # Bootstrap-Discover first (default false)
//   read-before-write: false    # Bootstrap-Read /1 first (LwM2M 1.1): the
//                               #   device's server accounts are logged
//   delete-existing: true       # Bootstrap-Delete /0 and /1 first (default true)
//   security:                   # LwM2M Security (/0) instances
//     - instance: 1
//       uri: coaps://192.0.2.1:5684   # default: this gateway's LwM2M server
//       mode: psk                # psk or nosec; psk without identity/key:
//       psk-identity: sensor-1   #   fresh credentials for every bootstrap,
//       psk-key: 00112233...     #   stored in the credentials store
//       short-server-id: 1
//   servers:                    # LwM2M Server (/1) instances
//     - {instance: 0, short-server-id: 1, lifetime: 300, binding: U, notification-storing: true}
//   acl:                        # Access Control (/2) instances
//     - {instance: 0, object: 3, object-instance: 0, rights: {1: 15}, owner: 1}
//
// Errors name the file and line ("boot/sensor-1.yaml:7: security[0].mode:
// expected psk or nosec (got 'x')"); every problem of a file is reported.

#include <filesystem>
#include <string>
#include <string_view>

#include "lwm2m/result.h"
#include "lwm2m/server/bootstrap_config.h"

namespace lwm2m::gateway {

struct BootstrapDefaults {
  std::string plainServerUri;   // "coap://HOST:PORT", empty if plain CoAP is off
  std::string secureServerUri;  // "coaps://HOST:PORT", empty if DTLS is off
};

// One file's text. A security entry without uri gets the gateway's URI:
// secureServerUri for mode psk, plainServerUri for nosec (error if empty).
// With `endpoint` (a REST body for that endpoint) the text may leave its
// endpoint out and must otherwise name the same one.
Result<server::BootstrapConfig> loadBootstrapConfigText(std::string_view yaml, std::string_view fileName,
                                                        const BootstrapDefaults& defaults,
                                                        std::string_view endpoint = {});

// `yaml` (valid for loadBootstrapConfigText with `endpoint`) as a file's text
// that names `endpoint`, for storing a REST body.
std::string bootstrapConfigFileText(std::string_view yaml, std::string_view endpoint);

// Every *.yaml file of `directory`, in name order; two files for one
// endpoint is an error naming both.
Result<server::BootstrapConfigs> loadBootstrapConfigDirectory(const std::filesystem::path& directory,
                                                              const BootstrapDefaults& defaults);

}  // namespace lwm2m::gateway
