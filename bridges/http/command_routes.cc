#include "bridges/http/command_routes.h"

#include <boost/beast/http/verb.hpp>

#include "bridges/http/rest_json.h"
#include "mapping/command_codec.h"

namespace lwm2m::bridges::http {
namespace beast_http = boost::beast::http;
namespace api = gateway::api;

beast_http::status statusOf(ErrorCode code) {
  switch (code) {
    case ErrorCode::Invalid: return beast_http::status::bad_request;
    case ErrorCode::NotFound: return beast_http::status::not_found;
    case ErrorCode::QueueFull: return beast_http::status::too_many_requests;
    case ErrorCode::StoreFailed: return beast_http::status::service_unavailable;
    case ErrorCode::InFlight: return beast_http::status::conflict;
    case ErrorCode::Timeout: return beast_http::status::gateway_timeout;
    case ErrorCode::DeviceError: return beast_http::status::bad_gateway;
    case ErrorCode::Unauthorized: return beast_http::status::forbidden;
    case ErrorCode::Unavailable: return beast_http::status::service_unavailable;
    case ErrorCode::StorageFull: return beast_http::status::insufficient_storage;
  }
  return beast_http::status::internal_server_error;
}

beast_http::status statusOf(const operations::DeviceResponse& response) {
  using operations::Outcome;
  switch (response.outcome) {
    case Outcome::Success: return beast_http::status::ok;
    case Outcome::Timeout: return beast_http::status::gateway_timeout;
    case Outcome::Reset:
    case Outcome::InvalidResponse: return beast_http::status::bad_gateway;
    case Outcome::NotRegistered: return beast_http::status::not_found;
    case Outcome::BadRequest: return beast_http::status::bad_request;
    case Outcome::DeviceError: break;
  }
  const std::string& code = response.code;
  if (code.starts_with("5.")) return beast_http::status::bad_gateway;
  if (code == "4.01" || code == "4.03") return beast_http::status::forbidden;
  if (code == "4.04") return beast_http::status::not_found;
  if (code == "4.05") return beast_http::status::method_not_allowed;
  if (code == "4.06") return beast_http::status::not_acceptable;
  if (code == "4.09") return beast_http::status::conflict;
  if (code == "4.12") return beast_http::status::precondition_failed;
  if (code == "4.13") return beast_http::status::payload_too_large;
  if (code == "4.15") return beast_http::status::unsupported_media_type;
  if (code == "4.22") return beast_http::status::unprocessable_entity;
  if (code == "4.29") return beast_http::status::too_many_requests;
  return beast_http::status::bad_request;
}

void CommandRoutes::deviceCommands(const Request& request, const std::string& endpoint, const Reply& reply) {
  if (request.method() == beast_http::verb::get) {
    return reply.json(beast_http::status::ok, queuedJson("commands", commands_.queued(endpoint)));
  }
  if (request.method() != beast_http::verb::post) return reply.notAllowed("GET, POST");
  auto decoded = mapping::decodeCommand(request.body(), *models_.current());
  if (!decoded) return reply.error(statusOf(decoded.error().code), decoded.error().message);
  api::Command command{endpoint, std::move(*decoded), {}};
  commands_.submit(std::move(command), [reply](Result<std::string> id) {
    if (!id) return reply.error(statusOf(id.error().code), id.error().message);
    reply.json(beast_http::status::accepted, statusJson(*id, "queued"));
  });
}

void CommandRoutes::command(const Request& request, const std::string& requestId, const Reply& reply) {
  if (request.method() != beast_http::verb::delete_) return reply.notAllowed("DELETE");
  auto cancelled = commands_.cancel(requestId);
  if (!cancelled) return reply.error(statusOf(cancelled.error().code), cancelled.error().message);
  reply.json(beast_http::status::ok, statusJson(requestId, "cancelled"));
}

}  // namespace lwm2m::bridges::http
