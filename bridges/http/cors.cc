#include "bridges/http/cors.h"

#include <boost/beast/http/field.hpp>

#include <algorithm>

namespace lwm2m::bridges::http {
namespace beast_http = boost::beast::http;

namespace {

constexpr const char* kMethods = "GET, HEAD, POST, PUT, PATCH, DELETE";
constexpr const char* kHeaders = "Authorization, X-API-Key, Content-Type, Last-Event-ID";
constexpr const char* kExposed = "Location, Retry-After";

}  // namespace

bool CorsPolicy::allowed(std::string_view origin) const {
  return !origin.empty() && std::any_of(settings_.origins.begin(), settings_.origins.end(),
                                        [&](const std::string& o) { return o == "*" || o == origin; });
}

std::optional<beast_http::response<beast_http::string_body>> CorsPolicy::preflight(
    const beast_http::request<beast_http::string_body>& request) const {
  if (!enabled() || request.method() != beast_http::verb::options) return std::nullopt;
  const auto origin = request[beast_http::field::origin];
  if (origin.empty() || request[beast_http::field::access_control_request_method].empty()) {
    return std::nullopt;
  }
  const std::string_view originText(origin.data(), origin.size());
  beast_http::response<beast_http::string_body> response{beast_http::status::no_content,
                                                         request.version()};
  response.set(beast_http::field::server, "lwm2m-gateway");
  response.set(beast_http::field::vary, "Origin");
  response.keep_alive(request.keep_alive());
  if (!allowed(originText)) {
    response.result(beast_http::status::forbidden);
    response.set(beast_http::field::content_type, "application/json");
    // The origin is not echoed: it is the caller's text in a JSON string.
    response.body() = "{\"error\":\"this origin is not allowed (http.cors.origins)\"}";
  } else {
    response.set(beast_http::field::access_control_allow_origin, origin);
    response.set(beast_http::field::access_control_allow_methods, kMethods);
    response.set(beast_http::field::access_control_allow_headers, kHeaders);
    response.set(beast_http::field::access_control_max_age, std::to_string(settings_.maxAge.count()));
  }
  response.prepare_payload();
  return response;
}

void CorsPolicy::allowOrigin(const beast_http::request<beast_http::string_body>& request,
                             beast_http::fields& response) const {
  if (!enabled()) return;
  const auto origin = request[beast_http::field::origin];
  const std::string_view originText(origin.data(), origin.size());
  if (!allowed(originText)) return;
  response.set(beast_http::field::access_control_allow_origin, origin);
  response.set(beast_http::field::access_control_expose_headers, kExposed);
  response.set(beast_http::field::vary, "Origin");
}

}  // namespace lwm2m::bridges::http
