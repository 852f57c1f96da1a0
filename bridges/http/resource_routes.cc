#include "bridges/http/resource_routes.h"

#include <boost/beast/http/verb.hpp>

namespace lwm2m::bridges::http {
namespace beast_http = boost::beast::http;

namespace {

bool allows(std::string_view allow, std::string_view method) {
  while (!allow.empty()) {
    const auto comma = allow.find(", ");
    if (allow.substr(0, comma) == method) return true;
    if (comma == std::string_view::npos) break;
    allow.remove_prefix(comma + 2);
  }
  return false;
}

}  // namespace

void ResourceRoutes::handle(const Request& request, const RestTarget& url, const std::string& endpoint,
                            const std::vector<std::string>& resource, const Reply& reply) {
  auto target = parseResource(resource);
  if (!target) {
    const auto status = target.error().code == ErrorCode::NotFound ? beast_http::status::not_found
                                                                   : beast_http::status::bad_request;
    return reply.error(status, target.error().message + " in " + url.path);
  }
  const std::string_view method(request.method_string().data(), request.method_string().size());
  const std::string_view allow = allowedMethods(*target);
  if (!allows(allow, method)) return reply.notAllowed(allow);

  auto cached = flagValue("cached", url.param("cached"));
  if (!cached) return reply.error(beast_http::status::bad_request, cached.error().message);
  if (*cached) {
    if (method != "GET" || target->action != ResourceAction::None) {
      return reply.error(beast_http::status::bad_request, "?cached goes with GET on a resource path only");
    }
    if (!values_) return reply.error(beast_http::status::not_found, "this gateway keeps no value cache");
    return values_->cached(endpoint, target->path, reply);
  }

  auto device = devices_.registered(endpoint, reply);
  if (!device) return;
  auto call = resourceCall(method, *target, url, request.body(), *models_.current());
  if (!call) return reply.error(beast_http::status::bad_request, call.error().message);
  call_.start(endpoint, std::move(*call), device->queueMode && tracker_->asleep(endpoint), reply);
}

}  // namespace lwm2m::bridges::http
