#pragma once
// The table of every route of the HTTP API: path templates and the methods
// each takes. It is the one list the router gates requests with (a path no
// template matches is a 404, a method the template does not list a 405 with
// its Allow), and the list docs/openapi.json is tested against
// (tests/unit/bridges/http/openapi_document_test.cc), so a route cannot be
// added to the code without being added here and to the document.
//
// Templates: literal segments and {parameters}. {objectId}, {instanceId},
// {resourceId} and {resourceInstanceId} match digits only; the other
// parameters match any one (decoded, non-empty) segment. Where a literal and a
// parameter could both match (".../values" and ".../{objectId}"), digits-only
// parameters keep them apart.
//
// Some routes are answered by parts merged from other features (events,
// models, firmware); a build without them answers 404 there.
//
// Pure data; no Beast here.

#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace lwm2m::bridges::http {

struct ApiRoute {
  std::string_view path;     // "/api/v1/devices/{endpoint}"
  std::string_view methods;  // as an Allow header: "GET, POST"
};

// Every route, in no particular order.
std::span<const ApiRoute> apiRoutes();

// The route whose template matches the decoded path segments, or nullptr.
const ApiRoute* matchRoute(const std::vector<std::string>& segments);

// True when `method` ("GET") is among the route's methods.
bool routeTakes(const ApiRoute& route, std::string_view method);

}  // namespace lwm2m::bridges::http
