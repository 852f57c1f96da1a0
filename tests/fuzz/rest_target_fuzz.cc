// libFuzzer target: a REST call as the router reads it, from untrusted bytes
// "METHOD\nTARGET\nBODY". The target must split (or fail with a message);
// a resource URL below /api/v1/devices/{endpoint}/ must become a path and an
// action (or fail), and with an allowed method a typed request (or fail),
// never crash. Segments re-encoded must decode to themselves.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "bridges/http/resource_request.h"
#include "bridges/http/rest_target.h"
#include "lwm2m/model/object_model.h"

namespace http = lwm2m::bridges::http;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const lwm2m::model::ObjectModel kModel = lwm2m::model::ObjectModel::builtIn();
  std::string_view text(reinterpret_cast<const char*>(data), size);
  const auto first = text.find('\n');
  if (first == std::string_view::npos) return 0;
  const std::string_view method = text.substr(0, first);
  text.remove_prefix(first + 1);
  const auto second = text.find('\n');
  const std::string_view target = text.substr(0, second);
  const std::string_view body = second == std::string_view::npos ? std::string_view() : text.substr(second + 1);

  auto url = http::parseTarget(target);
  if (!url) {
    if (url.error().message.empty()) std::abort();
    return 0;
  }
  for (const std::string& segment : url->segments) {
    if (http::percentDecode(http::percentEncode(segment)) != segment) std::abort();
  }
  if (url->segments.size() < 5) return 0;
  const std::vector<std::string> resource(url->segments.begin() + 4, url->segments.end());
  auto parsed = http::parseResource(resource);
  if (!parsed) return 0;
  const std::string_view allowed = http::allowedMethods(*parsed);
  const std::string list = ", " + std::string(allowed) + ",";
  if (method.empty() || list.find(", " + std::string(method) + ",") == std::string::npos) return 0;
  (void)http::resourceCall(method, *parsed, *url, body, kModel);
  return 0;
}
