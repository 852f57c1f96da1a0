#include "mapping/rest_routes.h"

#include <array>

namespace lwm2m::mapping {
namespace {

#define LWM2M_RESOURCE_PATHS(prefix)                                                                    \
  {prefix "/{objectId}", "GET, POST", "read, operate"},                                                 \
  {prefix "/{objectId}/{instanceId}", "GET, PUT, PATCH, DELETE", "read, operate, operate, operate"},    \
  {prefix "/{objectId}/{instanceId}/{resourceId}", "GET, PUT, PATCH, POST, DELETE",                     \
   "read, operate, operate, operate, operate"},                                                         \
  {prefix "/{objectId}/{instanceId}/{resourceId}/{resourceInstanceId}", "GET, PUT, DELETE",             \
   "read, operate, operate"}

constexpr std::array kRoutes = std::to_array<RestRoute>({
    // Operations (api_router.h, operations_routes.h) and this document (openapi_route.h).
    // Probes answer without credentials; the document is the published one.
    {"/health", "GET", "open"},
    {"/ready", "GET", "open"},
    {"/metrics", "GET", "read"},  // open with http.auth.public_metrics
    {"/api/v1/openapi.json", "GET", "open"},
    // Mapping rules.
    {"/api/v1/mapping", "GET", "read"},
    {"/api/v1/mapping/reload", "POST", "admin"},
    // Devices, commands, requests, values (device_routes.h, command_routes.h,
    // request_routes.h, value_routes.h).
    {"/api/v1/devices", "GET", "read"},
    {"/api/v1/devices/{endpoint}", "GET", "read"},
    {"/api/v1/devices/{endpoint}/values", "GET", "read"},
    {"/api/v1/devices/{endpoint}/commands", "GET, POST", "read, operate"},
    {"/api/v1/devices/{endpoint}/requests", "GET", "read"},
    {"/api/v1/commands/{requestId}", "DELETE", "operate"},
    {"/api/v1/requests/{requestId}", "GET, DELETE", "read, operate"},
    // Resource URLs (resource_request.h).
    LWM2M_RESOURCE_PATHS("/api/v1/devices/{endpoint}"),
    {"/api/v1/devices/{endpoint}/{objectId}/discover", "GET", "read"},
    {"/api/v1/devices/{endpoint}/{objectId}/{instanceId}/discover", "GET", "read"},
    {"/api/v1/devices/{endpoint}/{objectId}/{instanceId}/{resourceId}/discover", "GET", "read"},
    {"/api/v1/devices/{endpoint}/{objectId}/observe", "POST, DELETE", "operate, operate"},
    {"/api/v1/devices/{endpoint}/{objectId}/{instanceId}/observe", "POST, DELETE", "operate, operate"},
    {"/api/v1/devices/{endpoint}/{objectId}/{instanceId}/{resourceId}/observe", "POST, DELETE", "operate, operate"},
    {"/api/v1/devices/{endpoint}/{objectId}/{instanceId}/{resourceId}/{resourceInstanceId}/observe", "POST, DELETE",
     "operate, operate"},
    {"/api/v1/devices/{endpoint}/{objectId}/attributes", "PUT", "operate"},
    {"/api/v1/devices/{endpoint}/{objectId}/{instanceId}/attributes", "PUT", "operate"},
    {"/api/v1/devices/{endpoint}/{objectId}/{instanceId}/{resourceId}/attributes", "PUT", "operate"},
    {"/api/v1/devices/{endpoint}/{objectId}/{instanceId}/{resourceId}/{resourceInstanceId}/attributes", "PUT",
     "operate"},
    // A read that carries its paths in a body.
    {"/api/v1/devices/{endpoint}/composite/read", "POST", "read"},
    {"/api/v1/devices/{endpoint}/composite/write", "POST", "operate"},
    {"/api/v1/devices/{endpoint}/composite/observe", "POST, DELETE", "operate, operate"},
    // The event stream (event_stream.h).
    {"/api/v1/events", "GET", "read"},
    // Object definitions (model_routes.h).
    {"/api/v1/models", "GET", "read"},
    {"/api/v1/models/reload", "POST", "admin"},
    {"/api/v1/models/{objectId}", "GET", "read"},
    // Firmware packages (firmware_routes.h; the upload also as POST of
    // application/octet-stream on .../5/0/0 and .../5/0/1). Devices in pull
    // mode fetch a package by the Package URI the gateway wrote them, without
    // credentials: its SHA-256 name is what they hold.
    {"/api/v1/devices/{endpoint}/firmware", "GET, PUT", "read, operate"},
    {"/api/v1/firmware/{sha256}", "GET, HEAD", "open, open"},
    // The devices' DTLS credentials and bootstrap configurations
    // (credential_routes.h, bootstrap_routes.h): keys go in, never out.
    {"/api/v1/credentials", "GET", "admin"},
    {"/api/v1/credentials/{endpoint}", "GET, PUT, DELETE", "admin, admin, admin"},
    {"/api/v1/bootstrap/configs", "GET", "admin"},
    {"/api/v1/bootstrap/configs/{endpoint}", "GET, PUT, DELETE", "admin, admin, admin"},
});

#undef LWM2M_RESOURCE_PATHS

constexpr std::size_t listSize(std::string_view list) {
  std::size_t n = 0;
  while (!listItem(list, n).empty()) ++n;
  return n;
}

constexpr bool isAccessWord(std::string_view w) {
  return w == "open" || w == "read" || w == "operate" || w == "admin";
}

// Every method of every route names its access: a route cannot be added without one.
constexpr bool everyMethodHasAccess() {
  for (const RestRoute& route : kRoutes) {
    const std::size_t n = listSize(route.methods);
    if (n == 0 || listSize(route.roles) != n) return false;
    for (std::size_t i = 0; i < n; ++i) {
      if (!isAccessWord(listItem(route.roles, i))) return false;
    }
  }
  return true;
}
static_assert(everyMethodHasAccess(), "every method of every route in kRoutes needs its role in `roles`");

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
