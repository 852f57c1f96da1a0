#include "tools/lwm2m-sim/misbehaviour.h"

#include <algorithm>

namespace lwm2m::sim {
namespace {

constexpr std::uint16_t kLinkFormat = 40;

}  // namespace

std::string operationOf(const coap::Message& request) {
  const auto segments = request.uriPath();
  const std::optional<std::uint32_t> observe = request.observe();
  if (request.code == coap::codes::Get) {
    if (observe) return *observe == 0 ? "observe" : "cancel-observe";
    return request.accept() == kLinkFormat ? "discover" : "read";
  }
  if (request.code == coap::codes::Fetch) {
    if (observe) return *observe == 0 ? "observe-composite" : "cancel-observe-composite";
    return "read-composite";
  }
  if (request.code == coap::codes::IPatch) return "write-composite";
  if (request.code == coap::codes::Delete) return "delete";
  if (request.code == coap::codes::Put) return request.payload.empty() ? "write-attributes" : "write";
  if (request.code == coap::codes::Post) {
    if (segments.size() == 1) return "create";
    return segments.size() == 2 ? "write" : "execute";
  }
  return "unknown";
}

bool Misbehaviour::ignores(const coap::Message& request) const {
  if (neverAnswer.empty()) return false;
  std::string path;
  for (const std::string& segment : request.uriPath()) path += "/" + segment;
  const std::string operation = operationOf(request);
  return std::any_of(neverAnswer.begin(), neverAnswer.end(),
                     [&](const std::string& what) { return what == path || what == operation; });
}

}  // namespace lwm2m::sim
