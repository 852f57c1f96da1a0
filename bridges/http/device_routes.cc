#include "bridges/http/device_routes.h"

#include <boost/beast/http/verb.hpp>

#include "bridges/http/rest_json.h"

namespace lwm2m::bridges::http {
namespace beast_http = boost::beast::http;

void DeviceRoutes::list(const Request& request, const Reply& reply) const {
  if (request.method() != beast_http::verb::get) return reply.notAllowed("GET");
  std::string body = "{\"devices\":[";
  bool first = true;
  for (const auto& device : devices_.devices()) {
    if (!first) body += ',';
    first = false;
    body += toJson(device);
  }
  body += "]}";
  reply.json(beast_http::status::ok, std::move(body));
}

void DeviceRoutes::one(const Request& request, const std::string& endpoint, const Reply& reply) const {
  if (request.method() != beast_http::verb::get) return reply.notAllowed("GET");
  if (auto device = registered(endpoint, reply)) reply.json(beast_http::status::ok, toJson(*device));
}

std::optional<gateway::api::DeviceInfo> DeviceRoutes::registered(const std::string& endpoint,
                                                                const Reply& reply) const {
  auto device = devices_.find(endpoint);
  if (!device) reply.error(beast_http::status::not_found, "device '" + endpoint + "' is not registered");
  return device;
}

}  // namespace lwm2m::bridges::http
