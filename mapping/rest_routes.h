#pragma once
// The built-in routes of the gateway's REST API as plain data: path templates
// the methods each takes and the access each method needs. The HTTP bridge gates every request with this
// table (bridges/http/api_routes.h) and docs/openapi.json is tested equal to
// it; the rule loader keeps the HTTP aliases of the mapping off its paths
// (http_alias_rules.h). One list, so a route added to the API is at once
// refused to an alias.
//
// Templates: literal segments and {parameters}. {objectId}, {instanceId},
// {resourceId} and {resourceInstanceId} match digits only; the other
// parameters match any one (decoded, non-empty) segment.

#include <cstddef>
#include <span>
#include <string_view>

namespace lwm2m::mapping {

struct RestRoute {
  std::string_view path;     // "/api/v1/devices/{endpoint}"
  std::string_view methods;  // as an Allow header: "GET, POST"
  std::string_view roles;    // the access each method needs, in order: "read, operate"
                             // (open, read, operate or admin; see bridges/http/access_control.h)
};

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

// Every built-in route, in no particular order.
std::span<const RestRoute> builtInRestRoutes();

// True when template segment `t` ("devices", "{endpoint}", "{objectId}")
// matches the decoded path segment `s`.
bool templateSegmentMatches(std::string_view t, std::string_view s);

// True for a parameter that matches digits only ("{objectId}").
bool isNumericParameter(std::string_view t);

}  // namespace lwm2m::mapping
