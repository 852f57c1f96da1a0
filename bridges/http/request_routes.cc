#include "bridges/http/request_routes.h"

#include <boost/beast/http/verb.hpp>

#include <optional>

#include "bridges/http/command_routes.h"
#include "bridges/http/rest_json.h"

namespace lwm2m::bridges::http {
namespace beast_http = boost::beast::http;
namespace api = gateway::api;
namespace {

std::optional<api::QueuedCommand> queuedIn(const api::DeviceOps& commands, const std::string& endpoint,
                                           const std::string& requestId) {
  for (api::QueuedCommand& c : commands.queued(endpoint)) {
    if (c.requestId == requestId) return std::move(c);
  }
  return std::nullopt;
}

// DELETE of a request that has finished.
void refuseFinished(const std::string& requestId, RequestState state, const Reply& reply) {
  reply.error(beast_http::status::conflict,
              "request '" + requestId + "' has already finished (" + std::string(toString(state)) + ")");
}

}  // namespace

void RequestRoutes::request(const Request& request, const std::string& requestId, const Reply& reply) {
  const bool get = request.method() == beast_http::verb::get;
  if (!get && request.method() != beast_http::verb::delete_) return reply.notAllowed("GET, DELETE");
  std::optional<TrackedRequest> known;
  std::optional<api::QueuedCommand> waiting;
  if (const TrackedRequest* tracked = tracker_->find(requestId)) {
    known = *tracked;
    if (known->state == RequestState::Queued) waiting = queuedIn(commands_, known->endpoint, requestId);
  } else if (std::optional<FinishedRequest> finished = tracker_->finished(requestId)) {
    if (get) return reply.json(beast_http::status::ok, std::move(finished->json));
    return refuseFinished(requestId, finished->state, reply);
  } else {
    // Queued before this process started (restored from storage): look it up.
    for (const api::DeviceInfo& device : devices_.devices()) {
      if ((waiting = queuedIn(commands_, device.endpoint, requestId))) break;
    }
    if (waiting) {
      known = TrackedRequest{requestId, waiting->command.endpoint, waiting->command.request, waiting->acceptedAt,
                             RequestState::Queued, nullptr};
    }
  }
  if (!known) {
    return reply.error(beast_http::status::not_found,
                       "no request '" + requestId + "' (finished requests are kept for a while, then forgotten)");
  }
  if (get) return reply.json(beast_http::status::ok, requestJson(*known, waiting && waiting->inFlight, *models_.current()));
  if (known->state != RequestState::Queued) return refuseFinished(requestId, known->state, reply);
  auto cancelled = commands_.cancel(requestId);
  if (!cancelled) return reply.error(statusOf(cancelled.error().code), cancelled.error().message);
  reply.json(beast_http::status::ok, statusJson(requestId, "cancelled"));
}

void RequestRoutes::deviceRequests(const Request& request, const std::string& endpoint, const Reply& reply) {
  if (request.method() != beast_http::verb::get) return reply.notAllowed("GET");
  reply.json(beast_http::status::ok, queuedJson("requests", commands_.queued(endpoint)));
}

}  // namespace lwm2m::bridges::http
