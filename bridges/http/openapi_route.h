#pragma once
// GET /api/v1/openapi.json: the OpenAPI 3 document of the whole HTTP API
// (docs/openapi.json, compiled into the binary at build time, so the document
// served is the one of the running version). 200 application/json; other
// methods are refused by the route table (api_routes.h) with 405.
//
// Threading contract: none; the document is constant.

#include <string>
#include <string_view>
#include <vector>

#include "bridges/http/rest_reply.h"

namespace lwm2m::bridges::http {

// The document's text, as kept in docs/openapi.json.
std::string_view openApiDocument();

// True when `segments` are those of /api/v1/openapi.json.
bool isOpenApiRoute(const std::vector<std::string>& segments);

// 200 with the document.
void serveOpenApi(const Reply& reply);

}  // namespace lwm2m::bridges::http
