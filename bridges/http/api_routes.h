#pragma once
// The table of every route of the HTTP API: path templates and the methods
// each takes (the data: mapping/rest_routes.h, where the rule loader keeps the
// mapping's HTTP aliases off these paths). It is the one list the router gates
// requests with (a path no template matches goes to the aliases, then is a
// 404; a method the template does not list a 405 with its Allow), and the list
// docs/openapi.json is tested against
// (tests/unit/bridges/http/openapi_document_test.cc), so a route cannot be
// added to the code without being added there and to the document.
//
// Where a literal and a parameter could both match (".../values" and
// ".../{objectId}"), digits-only parameters keep them apart.
//
// Some routes are answered by parts merged from other features (events,
// models, firmware); a build without them answers 404 there.
//
// Pure data; no Beast here.

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "mapping/rest_routes.h"

namespace lwm2m::bridges::http {

using ApiRoute = mapping::RestRoute;

// Every route, in no particular order.
std::span<const ApiRoute> apiRoutes();

// The route whose template matches the decoded path segments, or nullptr.
const ApiRoute* matchRoute(const std::vector<std::string>& segments);

// True when `method` ("GET") is among the route's methods.
bool routeTakes(const ApiRoute& route, std::string_view method);

}  // namespace lwm2m::bridges::http
