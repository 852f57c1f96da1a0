#pragma once
// The operations endpoints beside /health (api_router.h), as a pure function
// from request to response:
//
//   GET /ready    200 {"status":"ready","notReady":[],"checks":{...}}
//                 503 {"status":"not ready","notReady":["mqtt"],"checks":{...}}
//                 (shape: rest_json.h) — for load balancers and orchestrators:
//                 the gateway can store what it accepts and reach the broker.
//   GET /metrics  200 the Prometheus text format 0.0.4 (metrics/text_format.h)
//
// Other methods on these paths: 405 with Allow: GET. Responses are never
// cached (Cache-Control: no-store).
//
// Threading contract: handle() runs the readiness function and the metrics'
// reporting functions, so it runs on the gateway's I/O thread.

#include <functional>
#include <optional>

#include "bridges/http/rest_reply.h"
#include "gateway/api/health.h"
#include "metrics/registry.h"

namespace lwm2m::bridges::http {

class OperationsRoutes {
 public:
  // `metrics` must outlive this object.
  OperationsRoutes(std::function<gateway::api::ReadinessReport()> readiness, const metrics::Registry& metrics);

  // nullopt: not one of its paths (the request goes elsewhere).
  std::optional<Response> handle(const Request& request) const;

 private:
  std::function<gateway::api::ReadinessReport()> readiness_;
  const metrics::Registry& metrics_;
};

}  // namespace lwm2m::bridges::http
