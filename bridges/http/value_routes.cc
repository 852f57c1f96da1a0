#include "bridges/http/value_routes.h"

#include <boost/beast/http/verb.hpp>

#include "bridges/http/rest_json.h"

namespace lwm2m::bridges::http {
namespace beast_http = boost::beast::http;

void ValueRoutes::deviceValues(const Request& request, const std::string& endpoint, const Reply& reply) const {
  if (request.method() != beast_http::verb::get) return reply.notAllowed("GET");
  auto values = values_.latest(endpoint);
  if (values.empty() && !devices_.find(endpoint)) {
    return reply.error(beast_http::status::not_found, "device '" + endpoint + "' is not registered");
  }
  reply.json(beast_http::status::ok, valuesJson(endpoint, values, now_()));
}

void ValueRoutes::cached(const std::string& endpoint, const model::Path& path, const Reply& reply) const {
  auto values = values_.latest(endpoint, path);
  if (values.empty()) {
    if (!devices_.find(endpoint)) {
      return reply.error(beast_http::status::not_found, "device '" + endpoint + "' is not registered");
    }
    return reply.error(beast_http::status::not_found,
                       "no cached value at " + path.toString() + " of device '" + endpoint +
                           "' (values are cached from notifications, Send reports and reads)");
  }
  reply.json(beast_http::status::ok, valuesJson(endpoint, values, now_()));
}

}  // namespace lwm2m::bridges::http
