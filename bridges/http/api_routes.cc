#include "bridges/http/api_routes.h"

#include <algorithm>

namespace lwm2m::bridges::http {
namespace {

bool matches(std::string_view path, const std::vector<std::string>& segments) {
  std::size_t k = 0;
  std::size_t pos = 1;  // past the leading '/'
  while (pos <= path.size()) {
    const std::size_t end = std::min(path.find('/', pos), path.size());
    if (k == segments.size() || !mapping::templateSegmentMatches(path.substr(pos, end - pos), segments[k])) return false;
    ++k;
    pos = end + 1;
  }
  return k == segments.size();
}

}  // namespace

std::span<const ApiRoute> apiRoutes() { return mapping::builtInRestRoutes(); }

const ApiRoute* matchRoute(const std::vector<std::string>& segments) {
  // A literal beats a parameter: the templates with fewer parameters first.
  const ApiRoute* best = nullptr;
  std::size_t bestParameters = 0;
  for (const auto& route : apiRoutes()) {
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
  for (std::size_t i = 0; !mapping::listItem(route.methods, i).empty(); ++i) {
    if (mapping::listItem(route.methods, i) == method) return parseAccess(mapping::listItem(route.roles, i));
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
