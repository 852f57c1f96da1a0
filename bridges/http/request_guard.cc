#include "bridges/http/request_guard.h"

#include <spdlog/spdlog.h>

#include <boost/beast/http/field.hpp>

#include <iterator>

#include "bridges/http/rest_reply.h"

namespace lwm2m::bridges::http {
namespace beast_http = boost::beast::http;

namespace {

std::string_view text(boost::beast::string_view s) { return {s.data(), s.size()}; }

std::string_view pathOf(std::string_view target) {
  return target.substr(0, target.find('?'));
}

}  // namespace

std::optional<RequestGuard::Response> RequestGuard::admit(
    const Request& request, const std::optional<std::string>& peerCommonName,
    std::string_view peer) const {
  const auto fields = static_cast<std::size_t>(std::distance(request.begin(), request.end()));
  if (fields > limits_.maxHeaders) {
    spdlog::info("HTTP request from {} refused: {} header fields (limit {})", peer, fields,
                 limits_.maxHeaders);
    return errorResponse(beast_http::status::request_header_fields_too_large,
                         "too many header fields: " + std::to_string(fields) + " (limit " +
                             std::to_string(limits_.maxHeaders) + ")",
                         request.version(), false);
  }
  if (auto answer = cors_.preflight(request)) return answer;

  const std::string_view path = pathOf(text(request.target()));
  const AccessDecision decision =
      access_.decide(request.method(), path,
                     Presented{text(request[beast_http::field::authorization]),
                               text(request["X-API-Key"]), peerCommonName});
  if (decision.allowed()) return std::nullopt;
  spdlog::info("HTTP {} {} from {} refused ({}): {}", text(request.method_string()), path, peer,
               decision.status, decision.message);
  const auto status = static_cast<beast_http::status>(decision.status);
  Response response = errorResponse(status, decision.message, request.version(), request.keep_alive());
  if (status == beast_http::status::unauthorized) {
    const bool presented = !request[beast_http::field::authorization].empty() ||
                           !request["X-API-Key"].empty();
    response.set(beast_http::field::www_authenticate,
                 presented ? "Bearer realm=\"lwm2m-gateway\", error=\"invalid_token\""
                           : "Bearer realm=\"lwm2m-gateway\"");
  }
  return response;
}

}  // namespace lwm2m::bridges::http
