#pragma once
// REST routes for device commands (gateway/api/device_commands.h):
//
//   POST   /api/v1/devices/{endpoint}/commands   body: a command, e.g. {"operation":"read","path":"/3/0/0"}
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
#include "gateway/api/device_commands.h"

namespace lwm2m::bridges::http {

class CommandRoutes {
 public:
  explicit CommandRoutes(gateway::api::DeviceCommands& commands) : commands_(commands) {}

  // True when this class answers the request's path.
  bool matches(const Request& request) const;
  void handle(const Request& request, std::function<void(Response)> reply);

 private:
  gateway::api::DeviceCommands& commands_;
};

}  // namespace lwm2m::bridges::http
