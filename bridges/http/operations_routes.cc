#include "bridges/http/operations_routes.h"

#include <boost/beast/http/field.hpp>
#include <boost/beast/http/verb.hpp>

#include "bridges/http/rest_json.h"
#include "metrics/text_format.h"

namespace lwm2m::bridges::http {
namespace beast_http = boost::beast::http;

OperationsRoutes::OperationsRoutes(std::function<gateway::api::ReadinessReport()> readiness,
                                   const metrics::Registry& metrics)
    : readiness_(std::move(readiness)), metrics_(metrics) {}

std::optional<Response> OperationsRoutes::handle(const Request& request) const {
  std::string_view path(request.target().data(), request.target().size());
  if (auto query = path.find('?'); query != std::string_view::npos) path = path.substr(0, query);
  if (path.size() > 1 && path.back() == '/') path.remove_suffix(1);
  if (path != "/ready" && path != "/metrics") return std::nullopt;

  if (request.method() != beast_http::verb::get) {
    auto response = errorResponse(beast_http::status::method_not_allowed,
                                  "method " + std::string(request.method_string()) + " is not allowed on " +
                                      std::string(path) + " (allowed: GET)",
                                  request.version(), request.keep_alive());
    response.set(beast_http::field::allow, "GET");
    return response;
  }
  if (path == "/ready") {
    const auto report = readiness_();
    return jsonResponse(report.ready() ? beast_http::status::ok : beast_http::status::service_unavailable,
                        toJson(report), request);
  }
  Response response{beast_http::status::ok, request.version()};
  response.set(beast_http::field::server, "lwm2m-gateway");
  response.set(beast_http::field::content_type, std::string(metrics::kTextContentType));
  response.set(beast_http::field::cache_control, "no-store");
  response.keep_alive(request.keep_alive());
  response.body() = metrics::renderText(metrics_);
  response.prepare_payload();
  return response;
}

}  // namespace lwm2m::bridges::http
