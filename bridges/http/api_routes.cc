#include "bridges/http/api_routes.h"

#include <algorithm>
#include <array>

namespace lwm2m::bridges::http {
namespace {

#define LWM2M_RESOURCE_PATHS(prefix)                                                       \
  {prefix "/{objectId}", "GET, POST"},                                                     \
  {prefix "/{objectId}/{instanceId}", "GET, PUT, PATCH, DELETE"},                          \
  {prefix "/{objectId}/{instanceId}/{resourceId}", "GET, PUT, PATCH, POST, DELETE"},       \
  {prefix "/{objectId}/{instanceId}/{resourceId}/{resourceInstanceId}", "GET, PUT, DELETE"}

constexpr std::array kRoutes = std::to_array<ApiRoute>({
    // Operations (api_router.h, operations_routes.h) and this document (openapi_route.h).
    {"/health", "GET"},
    {"/ready", "GET"},
    {"/metrics", "GET"},
    {"/api/v1/openapi.json", "GET"},
    // Mapping rules.
    {"/api/v1/mapping", "GET"},
    {"/api/v1/mapping/reload", "POST"},
    // Devices, commands, requests, values (device_routes.h, command_routes.h,
    // request_routes.h, value_routes.h).
    {"/api/v1/devices", "GET"},
    {"/api/v1/devices/{endpoint}", "GET"},
    {"/api/v1/devices/{endpoint}/values", "GET"},
    {"/api/v1/devices/{endpoint}/commands", "GET, POST"},
    {"/api/v1/devices/{endpoint}/requests", "GET"},
    {"/api/v1/commands/{requestId}", "DELETE"},
    {"/api/v1/requests/{requestId}", "GET, DELETE"},
    // Resource URLs (resource_request.h).
    LWM2M_RESOURCE_PATHS("/api/v1/devices/{endpoint}"),
    {"/api/v1/devices/{endpoint}/{objectId}/discover", "GET"},
    {"/api/v1/devices/{endpoint}/{objectId}/{instanceId}/discover", "GET"},
    {"/api/v1/devices/{endpoint}/{objectId}/{instanceId}/{resourceId}/discover", "GET"},
    {"/api/v1/devices/{endpoint}/{objectId}/observe", "POST, DELETE"},
    {"/api/v1/devices/{endpoint}/{objectId}/{instanceId}/observe", "POST, DELETE"},
    {"/api/v1/devices/{endpoint}/{objectId}/{instanceId}/{resourceId}/observe", "POST, DELETE"},
    {"/api/v1/devices/{endpoint}/{objectId}/{instanceId}/{resourceId}/{resourceInstanceId}/observe", "POST, DELETE"},
    {"/api/v1/devices/{endpoint}/{objectId}/attributes", "PUT"},
    {"/api/v1/devices/{endpoint}/{objectId}/{instanceId}/attributes", "PUT"},
    {"/api/v1/devices/{endpoint}/{objectId}/{instanceId}/{resourceId}/attributes", "PUT"},
    {"/api/v1/devices/{endpoint}/{objectId}/{instanceId}/{resourceId}/{resourceInstanceId}/attributes", "PUT"},
    {"/api/v1/devices/{endpoint}/composite/read", "POST"},
    {"/api/v1/devices/{endpoint}/composite/write", "POST"},
    {"/api/v1/devices/{endpoint}/composite/observe", "POST, DELETE"},
    // The event stream (event_stream.h).
    {"/api/v1/events", "GET"},
    // Object definitions (model_routes.h).
    {"/api/v1/models", "GET"},
    {"/api/v1/models/reload", "POST"},
    {"/api/v1/models/{objectId}", "GET"},
    // Firmware packages (firmware_routes.h; the upload also as POST of
    // application/octet-stream on .../5/0/0 and .../5/0/1).
    {"/api/v1/devices/{endpoint}/firmware", "GET, PUT"},
    {"/api/v1/firmware/{sha256}", "GET, HEAD"},
});

#undef LWM2M_RESOURCE_PATHS

bool isDigits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

bool numericParameter(std::string_view name) {
  return name == "{objectId}" || name == "{instanceId}" || name == "{resourceId}" || name == "{resourceInstanceId}";
}

// Template segment `t` matches path segment `s`.
bool segmentMatches(std::string_view t, const std::string& s) {
  if (t.empty() || t.front() != '{') return t == s;
  if (numericParameter(t)) return isDigits(s);
  return !s.empty();
}

bool matches(std::string_view path, const std::vector<std::string>& segments) {
  std::size_t k = 0;
  std::size_t pos = 1;  // past the leading '/'
  while (pos <= path.size()) {
    const std::size_t end = std::min(path.find('/', pos), path.size());
    if (k == segments.size() || !segmentMatches(path.substr(pos, end - pos), segments[k])) return false;
    ++k;
    pos = end + 1;
  }
  return k == segments.size();
}

}  // namespace

std::span<const ApiRoute> apiRoutes() { return kRoutes; }

const ApiRoute* matchRoute(const std::vector<std::string>& segments) {
  // A literal beats a parameter: the templates with fewer parameters first.
  const ApiRoute* best = nullptr;
  std::size_t bestParameters = 0;
  for (const auto& route : kRoutes) {
    if (!matches(route.path, segments)) continue;
    const auto parameters = static_cast<std::size_t>(std::count(route.path.begin(), route.path.end(), '{'));
    if (!best || parameters < bestParameters) {
      best = &route;
      bestParameters = parameters;
    }
  }
  return best;
}

bool routeTakes(const ApiRoute& route, std::string_view method) {
  std::string_view rest = route.methods;
  while (!rest.empty()) {
    const std::size_t comma = rest.find(',');
    if (rest.substr(0, comma) == method) return true;
    if (comma == std::string_view::npos) break;
    rest.remove_prefix(comma + 1);
    while (!rest.empty() && rest.front() == ' ') rest.remove_prefix(1);
  }
  return false;
}

}  // namespace lwm2m::bridges::http
