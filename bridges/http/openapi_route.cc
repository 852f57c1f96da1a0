#include "bridges/http/openapi_route.h"

namespace lwm2m::bridges::http {

extern const char kOpenApiText[];

std::string_view openApiDocument() { return kOpenApiText; }

bool isOpenApiRoute(const std::vector<std::string>& segments) {
  return segments.size() == 3 && segments[0] == "api" && segments[1] == "v1" && segments[2] == "openapi.json";
}

void serveOpenApi(const Reply& reply) {
  reply.json(boost::beast::http::status::ok, std::string(openApiDocument()));
}

}  // namespace lwm2m::bridges::http
