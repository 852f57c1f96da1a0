#pragma once
// The bootstrap server's per-endpoint configurations over REST
// (api::BootstrapAdmin; admin role):
//
//   GET    /api/v1/bootstrap/configs             200 {"configs":[<config>, ...]}
//   GET    /api/v1/bootstrap/configs/{endpoint}  200 <config> | 404 {"error"}
//   PUT    /api/v1/bootstrap/configs/{endpoint}  201 <config> (new) | 200 <config> (replaced)
//                                                | 400 {"error":"body:3: security[0].mode: expected psk or nosec (got 'x')"}
//   DELETE /api/v1/bootstrap/configs/{endpoint}  200 {"endpoint","removed":true} | 404 {"error"}
//
// The PUT body is a bootstrap configuration file's document (JSON or YAML,
// the keys of gateway/daemon/bootstrap_config_yaml.h; "endpoint" may be left
// out). "*" is the configuration of every device without its own.
// <config>: the same keys, with the defaults applied, and "source" ("api",
// the bootstrap.configs directory, or "default"). PSK keys are write-only:
// a Security instance shows "psk-credentials":"stored" (identity and key
// given; the identity shown) or "generated" (fresh for every bootstrap).
//
// Threading contract: the gateway's I/O thread, as ApiRouter.

#include <string>
#include <vector>

#include "bridges/http/rest_reply.h"
#include "gateway/api/bootstrap_admin.h"

namespace lwm2m::bridges::http {

// `segments`: the decoded path, "api","v1","bootstrap","configs"[,endpoint].
Response handleBootstrapRoute(gateway::api::BootstrapAdmin& configs, const Request& request,
                              const std::vector<std::string>& segments);

}  // namespace lwm2m::bridges::http
