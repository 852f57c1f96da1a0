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
// Every method of a route names the role it needs (`roles`, one per method in
// the order of `methods`; checked at compile time), which access control
// (access_control.h) enforces:
//   open     no credential: /health and /ready (probes), the OpenAPI document
//   read     GET of lists, devices, resources, values, requests, events,
//            models, mapping, /metrics; POST .../composite/read
//   operate  what changes a device or a request: write, execute, create,
//            delete, observe and cancel, attributes, composite write/observe,
//            commands, cancelling a request
//   admin    reloading the mapping rules and the object definitions; the
//            devices' credentials and bootstrap configurations (every method)
//
// Pure data; no Beast here.

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "mapping/rest_routes.h"

namespace lwm2m::bridges::http {

// The access a request needs: nothing (Open), or a role at least as strong.
enum class Access { Open = 0, Read = 1, Operate = 2, Admin = 3 };

using ApiRoute = mapping::RestRoute;

// Every route, in no particular order.
std::span<const ApiRoute> apiRoutes();

// The route whose template matches the decoded path segments, or nullptr.
const ApiRoute* matchRoute(const std::vector<std::string>& segments);

// True when `method` ("GET") is among the route's methods.
bool routeTakes(const ApiRoute& route, std::string_view method);

// The access `method` needs on the route; nullopt when the route does not take it.
std::optional<Access> routeAccess(const ApiRoute& route, std::string_view method);

// "open", "read", "operate", "admin"; nullopt for another word.
std::optional<Access> parseAccess(std::string_view word);
std::string_view accessName(Access access);

}  // namespace lwm2m::bridges::http
