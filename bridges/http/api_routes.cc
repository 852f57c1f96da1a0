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
