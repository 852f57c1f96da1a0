#pragma once
// The REST API as a pure function from request to response: no sockets here,
// the server session only moves bytes.
//
//   GET /api/v1/devices             200 {"devices":[<device>, ...]}
//   GET /api/v1/devices/{endpoint}  200 <device> | 404 {"error":"device 'x' is not registered"}
//   GET /health                     200 {"status":"ok","version":..,"uptime":..,"devices":..,"mqtt":..}
//   GET /api/v1/mapping             200 {"source":..,"uplink":n,"observe":n,"downlink":n,"http":n,
//                                        "aliases":["GET /api/v1/…"],"rules":"<text>"}
//   POST /api/v1/mapping/reload     200 <the same> | 422 {"error":"file:line: reason"} (rules in force stay)
// Anything else: 404 {"error":...} for an unknown path, 405 with Allow for a
// known path and another method, 400 for a malformed target. <device> is the
// shape of bridges/http/rest_json.h. {endpoint} is percent-decoded.
//
// Threading contract: handle() reads the DeviceDirectory, so it runs on the
// gateway's I/O thread.

#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "gateway/api/device_directory.h"
#include "gateway/api/health.h"
#include "gateway/api/mapping_control.h"

namespace lwm2m::bridges::http {

using Request = boost::beast::http::request<boost::beast::http::string_body>;
using Response = boost::beast::http::response<boost::beast::http::string_body>;

class ApiRouter {
 public:
  // `mapping` may be null: no mapping routes.
  ApiRouter(const gateway::api::DeviceDirectory& devices,
            std::function<gateway::api::HealthReport()> health,
            gateway::api::MappingControl* mapping = nullptr);

  Response handle(const Request& request) const;

 private:
  const gateway::api::DeviceDirectory& devices_;
  std::function<gateway::api::HealthReport()> health_;
  gateway::api::MappingControl* mapping_;
};

// A JSON response with the request's version and keep-alive.
Response jsonResponse(boost::beast::http::status status, std::string body, const Request& request);

// A response {"error":message} with the given status, for the router and for
// errors the session meets before a request is complete (400, 413).
Response errorResponse(boost::beast::http::status status, std::string_view message,
                       unsigned version = 11, bool keepAlive = false);

// "%41b%2Fc" -> "Ab/c"; nullopt for a malformed escape. '+' stays '+' (path, not form).
std::optional<std::string> percentDecode(std::string_view text);

}  // namespace lwm2m::bridges::http
