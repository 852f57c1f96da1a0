#include "bridges/http/api_router.h"

#include <boost/beast/http/field.hpp>
#include <boost/beast/http/verb.hpp>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "bridges/http/rest_json.h"

namespace lwm2m::bridges::http {
namespace beast_http = boost::beast::http;
namespace api = gateway::api;

namespace {

constexpr std::string_view kDevicesPrefix = "/api/v1/devices";

std::string errorBody(std::string_view message) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> w(buffer);
  w.StartObject();
  w.Key("error");
  w.String(message.data(), static_cast<rapidjson::SizeType>(message.size()));
  w.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

Response error(beast_http::status status, std::string_view message, const Request& request) {
  return jsonResponse(status, errorBody(message), request);
}

Response methodNotAllowed(const Request& request, const char* allowed = "GET") {
  auto response = error(beast_http::status::method_not_allowed,
                        "method " + std::string(request.method_string()) + " is not allowed on " +
                            std::string(request.target()) + " (allowed: " + allowed + ")",
                        request);
  response.set(beast_http::field::allow, allowed);
  return response;
}

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
  w.EndObject();
  return buffer.GetString();
}

}  // namespace

std::optional<std::string> percentDecode(std::string_view text) {
  auto hex = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '%') {
      out += text[i];
      continue;
    }
    if (i + 2 >= text.size()) return std::nullopt;
    const int high = hex(text[i + 1]);
    const int low = hex(text[i + 2]);
    if (high < 0 || low < 0) return std::nullopt;
    out += static_cast<char>(high * 16 + low);
    i += 2;
  }
  return out;
}

Response jsonResponse(beast_http::status status, std::string body, const Request& request) {
  Response response{status, request.version()};
  response.set(beast_http::field::server, "lwm2m-gateway");
  response.set(beast_http::field::content_type, "application/json");
  response.set(beast_http::field::cache_control, "no-store");
  response.keep_alive(request.keep_alive());
  response.body() = std::move(body);
  response.prepare_payload();
  return response;
}

Response errorResponse(beast_http::status status, std::string_view message, unsigned version,
                       bool keepAlive) {
  Request request{beast_http::verb::get, "/", version};
  request.keep_alive(keepAlive);
  return error(status, message, request);
}

ApiRouter::ApiRouter(const api::DeviceDirectory& devices, std::function<api::HealthReport()> health,
                     api::MappingControl* mapping)
    : devices_(devices), health_(std::move(health)), mapping_(mapping) {}

Response ApiRouter::handle(const Request& request) const {
  std::string_view path(request.target().data(), request.target().size());
  if (auto query = path.find('?'); query != std::string_view::npos) path = path.substr(0, query);
  if (path.size() > 1 && path.back() == '/') path.remove_suffix(1);
  const bool get = request.method() == beast_http::verb::get;

  if (path == "/health") {
    if (!get) return methodNotAllowed(request);
    return jsonResponse(beast_http::status::ok, toJson(health_()), request);
  }

  if (mapping_ && path == "/api/v1/mapping") {
    if (!get) return methodNotAllowed(request);
    return jsonResponse(beast_http::status::ok, mappingJson(mapping_->mappingStatus()), request);
  }
  if (mapping_ && path == "/api/v1/mapping/reload") {
    if (request.method() != beast_http::verb::post) return methodNotAllowed(request, "POST");
    if (auto why = mapping_->reloadMapping(); !why.empty()) {
      return error(beast_http::status::unprocessable_entity, "mapping refused, the rules in force stay: " + why,
                   request);
    }
    return jsonResponse(beast_http::status::ok, mappingJson(mapping_->mappingStatus()), request);
  }

  if (path == kDevicesPrefix) {
    if (!get) return methodNotAllowed(request);
    std::string body = "{\"devices\":[";
    bool first = true;
    for (const auto& device : devices_.devices()) {
      if (!first) body += ',';
      first = false;
      body += toJson(device);
    }
    body += "]}";
    return jsonResponse(beast_http::status::ok, std::move(body), request);
  }

  if (path.starts_with(kDevicesPrefix) && path[kDevicesPrefix.size()] == '/') {
    const auto encoded = path.substr(kDevicesPrefix.size() + 1);
    if (encoded.find('/') == std::string_view::npos) {
      if (!get) return methodNotAllowed(request);
      const auto endpoint = percentDecode(encoded);
      if (!endpoint) {
        return error(beast_http::status::bad_request,
                     "malformed percent-encoding in endpoint name '" + std::string(encoded) + "'",
                     request);
      }
      if (auto device = devices_.find(*endpoint)) {
        return jsonResponse(beast_http::status::ok, toJson(*device), request);
      }
      return error(beast_http::status::not_found,
                   "device '" + *endpoint + "' is not registered", request);
    }
  }

  return error(beast_http::status::not_found,
               "no such resource: " + std::string(path) +
                   " (try /api/v1/devices, /api/v1/devices/{endpoint}, /api/v1/mapping or /health)",
               request);
}

}  // namespace lwm2m::bridges::http
