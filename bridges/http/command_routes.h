#pragma once
// REST routes for device commands (gateway/api/device_ops.h):
//
//   POST   /api/v1/devices/{endpoint}/commands   body: a command in the shape of
//          mapping/command_codec.h (the same as MQTT's json style), e.g.
//          {"operation":"read","path":"/3/0/0"}
//          202 {"requestId":"q…","status":"queued"} once stored | 400 invalid | 429 queue full | 503 store failed
//   GET    /api/v1/devices/{endpoint}/commands   200 {"commands":[{"requestId",…,"inFlight"}]}
//   DELETE /api/v1/commands/{requestId}          200 {"requestId","status":"cancelled"} | 404 | 409 in flight
//
// Results arrive as events (MQTT lwm2m/{endpoint}/event/response), not in the
// HTTP reply: a sleeping device may answer hours later.
//
// Threading contract: on the gateway's I/O thread; `reply` is called exactly once,
// possibly later (after the command's commit).

#include <functional>

#include "bridges/http/api_router.h"
#include "gateway/api/device_ops.h"
#include "lwm2m/model/model_source.h"

namespace lwm2m::bridges::http {

// The one table from the error vocabulary (lwm2m/result.h) to HTTP status.
boost::beast::http::status statusOf(ErrorCode code);

class CommandRoutes {
 public:
  CommandRoutes(gateway::api::DeviceOps& commands, const model::ModelSource& models)
      : commands_(commands), models_(models) {}

  // True when this class answers the request's path.
  bool matches(const Request& request) const;
  void handle(const Request& request, std::function<void(Response)> reply);

 private:
  gateway::api::DeviceOps& commands_;
  const model::ModelSource& models_;
};

}  // namespace lwm2m::bridges::http
