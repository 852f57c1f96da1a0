#include "mapping/rest_routes.h"

#include <array>

namespace lwm2m::mapping {
namespace {

#define LWM2M_RESOURCE_PATHS(prefix)                                                       \
  {prefix "/{objectId}", "GET, POST"},                                                     \
  {prefix "/{objectId}/{instanceId}", "GET, PUT, PATCH, DELETE"},                          \
  {prefix "/{objectId}/{instanceId}/{resourceId}", "GET, PUT, PATCH, POST, DELETE"},       \
  {prefix "/{objectId}/{instanceId}/{resourceId}/{resourceInstanceId}", "GET, PUT, DELETE"}

constexpr std::array kRoutes = std::to_array<RestRoute>({
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
});

#undef LWM2M_RESOURCE_PATHS

bool isDigits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

}  // namespace

std::span<const RestRoute> builtInRestRoutes() { return kRoutes; }

bool isNumericParameter(std::string_view t) {
  return t == "{objectId}" || t == "{instanceId}" || t == "{resourceId}" || t == "{resourceInstanceId}";
}

bool templateSegmentMatches(std::string_view t, std::string_view s) {
  if (t.empty() || t.front() != '{') return t == s;
  if (isNumericParameter(t)) return isDigits(s);
  return !s.empty();
}

}  // namespace lwm2m::mapping
