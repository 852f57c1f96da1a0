#pragma once
// REST routes for commands in the shape of mapping/command_codec.h (the same
// as MQTT's json style), and the one table from errors to HTTP status:
//
//   POST   /api/v1/devices/{endpoint}/commands   body: a command, e.g.
//          {"operation":"read","path":"/3/0/0"}
//          202 {"requestId":"q…","status":"queued"} once stored | 400 invalid | 429 queue full | 503 store failed
//   GET    /api/v1/devices/{endpoint}/commands   200 {"commands":[{"requestId",…,"inFlight"}]}
//   DELETE /api/v1/commands/{requestId}          200 {"requestId","status":"cancelled"} | 404 | 409 in flight
//
// Results of these arrive as events (MQTT lwm2m/{endpoint}/event/response)
// and at GET /api/v1/requests/{requestId} (request_routes.h); the resource
// URLs (resource_routes.h) wait for them.
//
// Threading contract: on the gateway's I/O thread; the reply may come later
// (after the command's commit).

#include <boost/beast/http/status.hpp>

#include "bridges/http/rest_reply.h"
#include "gateway/api/device_ops.h"
#include "lwm2m/operations/device_response.h"
#include "lwm2m/result.h"
#include "lwm2m/model/model_source.h"

namespace lwm2m::bridges::http {

// The one table from the error vocabulary (lwm2m/result.h) to HTTP status.
boost::beast::http::status statusOf(ErrorCode code);
// A finished request that did not succeed: a device error by its CoAP code
// (4.00 → 400, 4.01/4.03 → 403, 4.04 → 404, 4.05 → 405, 4.06 → 406,
// 4.12 → 412, 4.13 → 413, 4.15 → 415, other 4.xx → 400, 5.xx → 502), no
// answer (timeout) → 504, reset or an undecodable answer → 502, an unknown
// device → 404, a request that cannot be sent as asked → 400.
boost::beast::http::status statusOf(const operations::DeviceResponse& response);

class CommandRoutes {
 public:
  CommandRoutes(gateway::api::DeviceOps& commands, const model::ModelSource& models)
      : commands_(commands), models_(models) {}

  // /api/v1/devices/{endpoint}/commands
  void deviceCommands(const Request& request, const std::string& endpoint, const Reply& reply);
  // /api/v1/commands/{requestId}
  void command(const Request& request, const std::string& requestId, const Reply& reply);

 private:
  gateway::api::DeviceOps& commands_;
  const model::ModelSource& models_;
};

}  // namespace lwm2m::bridges::http
