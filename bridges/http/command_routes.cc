#include "bridges/http/command_routes.h"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "bridges/http/rest_json.h"
#include "lwm2m/operations/operation.h"
#include "mapping/command_codec.h"

namespace lwm2m::bridges::http {
namespace beast_http = boost::beast::http;
namespace api = gateway::api;
namespace {

constexpr std::string_view kDevices = "/api/v1/devices/";
constexpr std::string_view kCommandsSuffix = "/commands";
constexpr std::string_view kCommand = "/api/v1/commands/";

std::string_view pathOf(const Request& request) {
  std::string_view path(request.target().data(), request.target().size());
  if (auto q = path.find('?'); q != std::string_view::npos) path = path.substr(0, q);
  if (path.size() > 1 && path.back() == '/') path.remove_suffix(1);
  return path;
}

bool endsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

// The {endpoint} of /api/v1/devices/{endpoint}/commands, still percent-encoded.
std::optional<std::string_view> commandsEndpoint(std::string_view path) {
  if (path.substr(0, kDevices.size()) != kDevices || !endsWith(path, kCommandsSuffix)) return std::nullopt;
  std::string_view ep = path.substr(kDevices.size(), path.size() - kDevices.size() - kCommandsSuffix.size());
  if (ep.empty() || ep.find('/') != std::string_view::npos) return std::nullopt;
  return ep;
}

std::string queuedJson(const std::vector<api::QueuedCommand>& commands) {
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w(buf);
  w.StartObject();
  w.Key("commands");
  w.StartArray();
  for (const api::QueuedCommand& c : commands) {
    w.StartObject();
    w.Key("requestId");
    w.String(c.requestId.c_str());
    w.Key("operation");
    w.String(std::string(operations::commandName(c.command.request.operation)).c_str());
    w.Key("command");
    const std::string command = mapping::encodeCommand(c.command.request);
    w.RawValue(command.data(), command.size(), rapidjson::kObjectType);
    w.Key("acceptedAt");
    w.String(toIso8601(c.acceptedAt).c_str());
    w.Key("expiresAt");
    w.String(toIso8601(c.expiresAt).c_str());
    w.Key("inFlight");
    w.Bool(c.inFlight);
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  return buf.GetString();
}

std::string statusJson(const std::string& requestId, std::string_view status) {
  return "{\"requestId\":\"" + requestId + "\",\"status\":\"" + std::string(status) + "\"}";
}

Response notAllowed(const Request& request, const char* allow) {
  Response r = errorResponse(beast_http::status::method_not_allowed, "method not allowed here; use " + std::string(allow),
                             request.version(), request.keep_alive());
  r.set(beast_http::field::allow, allow);
  return r;
}

}  // namespace

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
  }
  return beast_http::status::internal_server_error;
}

bool CommandRoutes::matches(const Request& request) const {
  std::string_view path = pathOf(request);
  return commandsEndpoint(path).has_value() || path.substr(0, kCommand.size()) == kCommand;
}

void CommandRoutes::handle(const Request& request, std::function<void(Response)> reply) {
  std::string_view path = pathOf(request);
  auto error = [&](beast_http::status status, const std::string& message) {
    reply(errorResponse(status, message, request.version(), request.keep_alive()));
  };
  if (auto encoded = commandsEndpoint(path)) {
    auto endpoint = percentDecode(*encoded);
    if (!endpoint) return error(beast_http::status::bad_request, "malformed percent-escape in the endpoint name");
    if (request.method() == beast_http::verb::get) {
      return reply(jsonResponse(beast_http::status::ok, queuedJson(commands_.queued(*endpoint)), request));
    }
    if (request.method() != beast_http::verb::post) return reply(notAllowed(request, "GET, POST"));
    const unsigned version = request.version();
    const bool keepAlive = request.keep_alive();
    auto decoded = mapping::decodeCommand(request.body(), *models_.current());
    if (!decoded) return error(statusOf(decoded.error().code), decoded.error().message);
    api::Command command{*endpoint, std::move(*decoded), {}};
    commands_.submit(std::move(command), [reply, version, keepAlive](Result<std::string> id) {
      if (id) {
        Request shape{beast_http::verb::post, "/", version};
        shape.keep_alive(keepAlive);
        return reply(jsonResponse(beast_http::status::accepted, statusJson(*id, "queued"), shape));
      }
      reply(errorResponse(statusOf(id.error().code), id.error().message, version, keepAlive));
    });
    return;
  }
  // /api/v1/commands/{requestId}
  const std::string requestId(path.substr(kCommand.size()));
  if (requestId.empty() || requestId.find('/') != std::string::npos) {
    return error(beast_http::status::not_found, "no such resource: " + std::string(path));
  }
  if (request.method() != beast_http::verb::delete_) return reply(notAllowed(request, "DELETE"));
  auto cancelled = commands_.cancel(requestId);
  if (cancelled) return reply(jsonResponse(beast_http::status::ok, statusJson(requestId, "cancelled"), request));
  error(statusOf(cancelled.error().code), cancelled.error().message);
}

}  // namespace lwm2m::bridges::http
