#include "bridges/http/api_routes.h"

#include "bridges/http/rest_target.h"

#include <algorithm>
#include <array>

namespace lwm2m::bridges::http {
namespace {

#define LWM2M_RESOURCE_PATHS(prefix)                                                                    \
  {prefix "/{objectId}", "GET, POST", "read, operate"},                                                 \
  {prefix "/{objectId}/{instanceId}", "GET, PUT, PATCH, DELETE", "read, operate, operate, operate"},    \
  {prefix "/{objectId}/{instanceId}/{resourceId}", "GET, PUT, PATCH, POST, DELETE",                     \
   "read, operate, operate, operate, operate"},                                                         \
  {prefix "/{objectId}/{instanceId}/{resourceId}/{resourceInstanceId}", "GET, PUT, DELETE",             \
   "read, operate, operate"}

constexpr std::array kRoutes = std::to_array<ApiRoute>({
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
});

#undef LWM2M_RESOURCE_PATHS

// The i-th item of a ", "-separated list ("GET, POST"), or "" past its end.
constexpr std::string_view listItem(std::string_view list, std::size_t i) {
  while (i-- > 0) {
    const std::size_t comma = list.find(',');
    if (comma == std::string_view::npos) return {};
    list.remove_prefix(comma + 1);
    while (!list.empty() && list.front() == ' ') list.remove_prefix(1);
  }
  return list.substr(0, list.find(','));
}

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
  for (const ApiRoute& route : kRoutes) {
    const std::size_t n = listSize(route.methods);
    if (n == 0 || listSize(route.roles) != n) return false;
    for (std::size_t i = 0; i < n; ++i) {
      if (!isAccessWord(listItem(route.roles, i))) return false;
    }
  }
  return true;
}
static_assert(everyMethodHasAccess(), "every method of every route in kRoutes needs its role in `roles`");

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

bool routeTakes(const ApiRoute& route, std::string_view method) { return routeAccess(route, method).has_value(); }

std::optional<Access> routeAccess(const ApiRoute& route, std::string_view method) {
  for (std::size_t i = 0; !listItem(route.methods, i).empty(); ++i) {
    if (listItem(route.methods, i) == method) return parseAccess(listItem(route.roles, i));
  }
  return std::nullopt;
}

std::optional<Access> parseAccess(std::string_view word) {
  if (word == "open") return Access::Open;
  if (word == "read") return Access::Read;
  if (word == "operate") return Access::Operate;
  if (word == "admin") return Access::Admin;
  return std::nullopt;
}

std::string_view accessName(Access access) {
  switch (access) {
    case Access::Open: return "open";
    case Access::Read: return "read";
    case Access::Operate: return "operate";
    case Access::Admin: return "admin";
  }
  return "admin";
}

}  // namespace lwm2m::bridges::http
