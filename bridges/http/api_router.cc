#include "bridges/http/api_router.h"

#include <boost/beast/http/verb.hpp>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>

#include "bridges/http/alias_routes.h"
#include "bridges/http/api_routes.h"
#include "bridges/http/bootstrap_routes.h"
#include "bridges/http/command_routes.h"
#include "bridges/http/credential_routes.h"
#include "bridges/http/device_call.h"
#include "bridges/http/device_routes.h"
#include "bridges/http/model_routes.h"
#include "bridges/http/openapi_route.h"
#include "bridges/http/operations_routes.h"
#include "bridges/http/request_routes.h"
#include "bridges/http/request_tracker.h"
#include "bridges/http/resource_request.h"
#include "bridges/http/resource_routes.h"
#include "bridges/http/rest_json.h"
#include "bridges/http/rest_target.h"
#include "bridges/http/value_routes.h"

namespace lwm2m::bridges::http {
namespace beast_http = boost::beast::http;
namespace api = gateway::api;

namespace {

std::string mappingJson(const api::MappingStatus& m) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> w(buffer);
  w.StartObject();
  w.Key("source");
  w.String(m.source.c_str());
  w.Key("uplink");
  w.Uint64(m.uplink);
  w.Key("observe");
  w.Uint64(m.observe);
  w.Key("downlink");
  w.Uint64(m.downlink);
  w.Key("http");
  w.Uint64(m.http);
  w.Key("aliases");
  w.StartArray();
  for (const auto& alias : m.aliases) w.String(alias.c_str());
  w.EndArray();
  w.Key("rules");
  w.String(m.description.c_str());
  w.Key("reloads");
  w.StartObject();
  w.Key("applied");
  w.Uint64(m.reloadsApplied);
  w.Key("refused");
  w.Uint64(m.reloadsRefused);
  if (!m.lastReloadError.empty()) {
    w.Key("lastError");
    w.String(m.lastReloadError.c_str());
  }
  w.EndObject();
  w.EndObject();
  return buffer.GetString();
}

bool is(const std::vector<std::string>& s, std::size_t i, std::string_view word) {
  return s.size() > i && s[i] == word;
}

}  // namespace

ApiRouter::ApiRouter(boost::asio::any_io_executor executor, RestServices services)
    : services_(std::move(services)),
      tracker_(std::make_shared<RequestTracker>(
          std::max<std::size_t>(1, services_.settings.finishedRequests),
          [model = services_.model](const TrackedRequest& r) {
            return model ? requestJson(r, false, *model->current()) : std::string();
          })),
      devices_(std::make_unique<DeviceRoutes>(*services_.devices)) {
  if (services_.settings.finishedRequestsMaxAge.count() > 0) {
    tracker_->expireAfter(services_.settings.finishedRequestsMaxAge, services_.steadyNow);
  }
  if (services_.values) {
    values_ = std::make_unique<ValueRoutes>(*services_.values, *services_.devices, services_.now);
  }
  if (services_.commands && services_.model) {
    commands_ = std::make_unique<CommandRoutes>(*services_.commands, *services_.model);
    requests_ = std::make_unique<RequestRoutes>(*services_.commands, *services_.devices, tracker_, *services_.model);
    const DeviceCall call(std::move(executor), *services_.commands, tracker_, services_.settings.requestTimeout,
                          *services_.model);
    resources_ = std::make_unique<ResourceRoutes>(*services_.model, *devices_, call, values_.get(), tracker_);
    if (services_.aliases) {
      aliases_ = std::make_unique<AliasRoutes>(services_.aliases, *services_.model, *devices_, call, tracker_);
    }
  }
}

ApiRouter::~ApiRouter() = default;

void ApiRouter::onDeviceEvent(const api::DeviceEvent& event) { tracker_->onDeviceEvent(event); }

void ApiRouter::expireFinished() { tracker_->expire(); }

void ApiRouter::stop() { tracker_->forgetAll(); }

void ApiRouter::handle(const Request& request, Respond respond) {
  const Reply reply(request, std::move(respond));
  auto target = parseTarget(std::string_view(request.target().data(), request.target().size()));
  if (!target) return reply.error(beast_http::status::bad_request, target.error().message);
  const auto& s = target->segments;
  // Every route is in the table (api_routes.h): what it does not list is
  // refused here, so the table and docs/openapi.json cannot fall behind the code.
  const ApiRoute* route = matchRoute(s);
  if (!route) return refuseUnlisted(request, *target, reply);
  const std::string method(beast_http::to_string(request.method()));
  if (!routeTakes(*route, method)) return reply.notAllowed(route->methods);
  if (operations_) {
    if (auto response = operations_->handle(request)) return reply.send(std::move(*response));
  }
  if (isOpenApiRoute(s)) return serveOpenApi(reply);
  if (s.size() == 1 && s[0] == "health") {
    if (request.method() != beast_http::verb::get) return reply.notAllowed("GET");
    return reply.json(beast_http::status::ok, toJson(services_.health()));
  }
  if (is(s, 0, "api") && is(s, 1, "v1")) return handleApi(request, *target, reply);
  reply.error(beast_http::status::not_found,
              "no such resource: " + target->path + " (try /api/v1/devices, /api/v1/devices/{endpoint}, /api/v1/mapping, /api/v1/openapi.json or /health)");
}

void ApiRouter::refuseUnlisted(const Request& request, const RestTarget& target, const Reply& reply) {
  if (aliases_ && aliases_->handle(request, target, reply)) return;
  const auto& s = target.segments;
  // Below a device, the resource parser names what is malformed in the path.
  if (resources_ && s.size() > 4 && is(s, 0, "api") && is(s, 1, "v1") && is(s, 2, "devices")) {
    auto parsed = parseResource(std::vector<std::string>(s.begin() + 4, s.end()));
    if (!parsed) {
      const auto status = parsed.error().code == ErrorCode::NotFound ? beast_http::status::not_found
                                                                     : beast_http::status::bad_request;
      return reply.error(status, parsed.error().message);
    }
  }
  reply.error(beast_http::status::not_found,
              "no such resource: " + target.path + " (try /api/v1/devices, /api/v1/devices/{endpoint}, /api/v1/mapping, /api/v1/openapi.json or /health)");
}

void ApiRouter::handleApi(const Request& request, const RestTarget& target, const Reply& reply) {
  const auto& s = target.segments;
  const std::size_t n = s.size();
  if (services_.mapping && is(s, 2, "mapping") && n <= 4 && (n == 3 || is(s, 3, "reload"))) {
    return handleMapping(request, n == 4, reply);
  }
  if (services_.models && isModelRoute(target.path)) return reply.send(handleModelRoute(*services_.models, request, target.path));
  if (services_.credentials && is(s, 2, "credentials")) {
    return reply.send(handleCredentialRoute(*services_.credentials, request, s));
  }
  if (is(s, 2, "bootstrap")) {
    auto* bootstrap = services_.bootstrap ? services_.bootstrap() : nullptr;
    if (!bootstrap) return reply.error(beast_http::status::not_found, "the bootstrap server is off (bootstrap.enabled)");
    return reply.send(handleBootstrapRoute(*bootstrap, request, s));
  }
  if (is(s, 2, "devices")) {
    if (n == 3) return devices_->list(request, reply);
    const std::string& endpoint = s[3];
    if (n == 4) return devices_->one(request, endpoint, reply);
    if (n == 5 && s[4] == "values" && values_) return values_->deviceValues(request, endpoint, reply);
    if (commands_) {
      if (n == 5 && s[4] == "commands") return commands_->deviceCommands(request, endpoint, reply);
      if (n == 5 && s[4] == "requests") return requests_->deviceRequests(request, endpoint, reply);
      return resources_->handle(request, target, endpoint, std::vector<std::string>(s.begin() + 4, s.end()), reply);
    }
  }
  if (commands_ && n == 4 && is(s, 2, "commands")) return commands_->command(request, s[3], reply);
  if (commands_ && n == 4 && is(s, 2, "requests")) return requests_->request(request, s[3], reply);
  reply.error(beast_http::status::not_found,
              "no such resource: " + target.path + " (try /api/v1/devices, /api/v1/devices/{endpoint}, /api/v1/mapping, /api/v1/openapi.json or /health)");
}

void ApiRouter::handleMapping(const Request& request, bool reload, const Reply& reply) {
  if (!reload) {
    if (request.method() != beast_http::verb::get) return reply.notAllowed("GET");
    return reply.json(beast_http::status::ok, mappingJson(services_.mapping->mappingStatus()));
  }
  if (request.method() != beast_http::verb::post) return reply.notAllowed("POST");
  if (auto why = services_.mapping->reloadMapping(); !why.empty()) {
    return reply.error(beast_http::status::unprocessable_entity, "mapping refused, the rules in force stay: " + why);
  }
  reply.json(beast_http::status::ok, mappingJson(services_.mapping->mappingStatus()));
}

}  // namespace lwm2m::bridges::http
