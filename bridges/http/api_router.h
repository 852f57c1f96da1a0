#pragma once
// The REST API: a request goes to the route of its resource, which answers
// through a Respond completion, exactly once, at once or later (a call that
// waits for its device). No sockets here: the server session only moves bytes.
//
//   GET  /health                              200 {"status":"ok","version",..}
//   GET  /api/v1/mapping                      200 {"source","uplink","observe","downlink","http",
//                                                  "aliases":["GET /api/v1/…"],"rules"}
//   POST /api/v1/mapping/reload               200 <the same> | 422 {"error":"file:line: reason"}
//   /api/v1/devices[/{endpoint}]              device_routes.h
//   /api/v1/devices/{endpoint}/commands       command_routes.h
//   /api/v1/commands/{requestId}              command_routes.h
//   /api/v1/devices/{endpoint}/{o}[/{i}[/{r}[/{ri}]]][/discover|/observe|/attributes]
//   /api/v1/devices/{endpoint}/composite/{read|write|observe}   resource_routes.h
//   /api/v1/requests/{requestId}, /api/v1/devices/{endpoint}/requests   request_routes.h
//   /api/v1/devices/{endpoint}/values, GET {resource}?cached          value_routes.h
//   /api/v1/models[/{id}|/reload]             model_routes.h
//   /api/v1/credentials[/{endpoint}]          credential_routes.h
//   /api/v1/bootstrap/configs[/{endpoint}]    bootstrap_routes.h
//   GET /api/v1/openapi.json                  the OpenAPI document (openapi_route.h)
// Every route is listed in api_routes.h, the table requests are checked
// against first, and described in docs/openapi.json.
// A path the table does not list goes to the HTTP aliases of the mapping
// (alias_routes.h), then is a 404 {"error":...}; a known resource with another
// method: 405 with Allow; a malformed target: 400. Segments are percent-decoded.
//
// Threading contract: handle() and onDeviceEvent() run on the gateway's I/O
// thread, and so do the completions.

#include <boost/asio/any_io_executor.hpp>

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>

#include "bridges/http/rest_reply.h"
#include "gateway/api/bootstrap_admin.h"
#include "gateway/api/device_credentials.h"
#include "gateway/api/device_directory.h"
#include "gateway/api/device_events.h"
#include "gateway/api/device_ops.h"
#include "gateway/api/health.h"
#include "gateway/api/latest_values.h"
#include "gateway/api/mapping_control.h"
#include "gateway/api/model_catalog.h"
#include "lwm2m/model/model_source.h"
#include "mapping/rule_set.h"

namespace lwm2m::bridges::http {

struct RestSettings {
  // How long a call waits for the device's answer unless it says (http.request_timeout_s).
  std::chrono::seconds requestTimeout{30};
  // Finished requests kept for GET /api/v1/requests/{id} (http.finished_requests),
  // each for at most finishedRequestsMaxAge (http.finished_requests_max_age_s; zero: no limit).
  std::size_t finishedRequests = 1000;
  std::chrono::seconds finishedRequestsMaxAge{0};
};

// What the routes use. Optional parts switch their routes off when null.
struct RestServices {
  const gateway::api::DeviceDirectory* devices = nullptr;  // required
  std::function<gateway::api::HealthReport()> health;      // required
  gateway::api::DeviceOps* commands = nullptr;              // with `model`: commands, resources, requests
  const model::ModelSource* model = nullptr;
  gateway::api::ModelCatalog* models = nullptr;             // /api/v1/models
  gateway::api::MappingControl* mapping = nullptr;
  const gateway::api::LatestValues* values = nullptr;       // /values and ?cached
  gateway::api::CredentialAdmin* credentials = nullptr;     // /api/v1/credentials
  // /api/v1/bootstrap/configs: the bootstrap server's, null while it is off.
  std::function<gateway::api::BootstrapAdmin*()> bootstrap;
  // The mapping rules in force, for their HTTP aliases (with `commands`).
  std::function<std::shared_ptr<const mapping::RuleSet>()> aliases;
  RestSettings settings;
  std::function<std::chrono::system_clock::time_point()> now = [] { return std::chrono::system_clock::now(); };
  // For the ages of what is kept (RestSettings::finishedRequestsMaxAge).
  std::function<std::chrono::steady_clock::time_point()> steadyNow = [] { return std::chrono::steady_clock::now(); };
};

class DeviceRoutes;
class OperationsRoutes;
class CommandRoutes;
class ResourceRoutes;
class RequestRoutes;
class ValueRoutes;
class AliasRoutes;
class RequestTracker;
struct RestTarget;

class ApiRouter : public gateway::api::DeviceEventListener {
 public:
  // `executor`: the I/O thread's, for the timers of waiting calls.
  ApiRouter(boost::asio::any_io_executor executor, RestServices services);
  ~ApiRouter() override;
  ApiRouter(const ApiRouter&) = delete;
  ApiRouter& operator=(const ApiRouter&) = delete;

  void handle(const Request& request, Respond respond);
  // Command and presence events: the request resources and waiting calls.
  void onDeviceEvent(const gateway::api::DeviceEvent& event) override;
  // Waiting calls are dropped (the server closes their connections).
  void stop();
  // Forgets the finished requests older than their maximum age (RestSettings).
  void expireFinished();
  // GET /ready and /metrics (operations_routes.h); before the first request.
  void setOperationsRoutes(std::shared_ptr<const OperationsRoutes> routes) { operations_ = std::move(routes); }

 private:
  void handleApi(const Request& request, const RestTarget& target, const Reply& reply);
  // A path no route of api_routes.h takes: an HTTP alias's, else 404 (or 400
  // naming a malformed resource path).
  void refuseUnlisted(const Request& request, const RestTarget& target, const Reply& reply);
  void handleMapping(const Request& request, bool reload, const Reply& reply);

  RestServices services_;
  std::shared_ptr<RequestTracker> tracker_;
  std::unique_ptr<DeviceRoutes> devices_;
  std::unique_ptr<CommandRoutes> commands_;
  std::unique_ptr<ResourceRoutes> resources_;
  std::unique_ptr<RequestRoutes> requests_;
  std::unique_ptr<ValueRoutes> values_;
  std::unique_ptr<AliasRoutes> aliases_;
  std::shared_ptr<const OperationsRoutes> operations_;
};

}  // namespace lwm2m::bridges::http
