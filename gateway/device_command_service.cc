#include "gateway/device_command_service.h"

#include <spdlog/spdlog.h>

#include "gateway/command_json.h"
#include "gateway/device_reports.h"
#include "lwm2m/formats/link_format.h"

namespace lwm2m::gateway {

DeviceCommandService::DeviceCommandService(RequestQueue& queue, server::RequestSender& sender,
                                           DevicePresence& presence, const model::ObjectModel& model,
                                           const api::DeviceDirectory& devices, const coap::Scheduler& clock,
                                           Publish publish)
    : queue_(queue),
      sender_(sender),
      presence_(presence),
      model_(model),
      devices_(devices),
      clock_(clock),
      publish_(std::move(publish)) {}

void DeviceCommandService::submit(const std::string& endpoint, const std::string& command,
                                  std::function<void(api::CommandAcceptance)> done) {
  using Status = api::CommandAcceptance::Status;
  auto parsed = parseCommand(command, model_);
  if (!parsed) {
    done({Status::Invalid, {}, parsed.error().message});
    return;
  }
  const bool full = queue_.isFull(endpoint);
  queue_.submit(endpoint, parsed->operation, command, parsed->ttl,
                [done = std::move(done), full](Result<QueuedRequest> accepted) {
                  if (accepted) {
                    done({Status::Queued, accepted->id, {}});
                  } else {
                    done({full ? Status::QueueFull : Status::StoreFailed, {}, accepted.error().message});
                  }
                });
}

void DeviceCommandService::deliver(const QueuedRequest& request, std::function<void(bool)> done) {
  auto parsed = parseCommand(request.body, model_);
  if (!parsed) {
    // Validated when accepted; only a changed object model can get here.
    publishResponse(request, server::DeviceResponse::failure(server::Outcome::BadRequest, parsed.error().message),
                    model::Path());
    done(true);
    return;
  }
  const model::Path path = parsed->request.path;
  const std::vector<model::Path> paths = parsed->request.paths;
  spdlog::debug("delivering {} {} to {}", request.operation, request.id, request.endpoint);
  sender_.send(request.endpoint, std::move(parsed->request),
               [this, request, path, paths, done = std::move(done)](server::DeviceResponse response) {
                 bool answered = true;
                 if (response.outcome == server::Outcome::Timeout) {
                   presence_.requestTimedOut(request.endpoint);
                   answered = false;
                 } else if (response.outcome != server::Outcome::NotRegistered) {
                   presence_.uplink(request.endpoint);
                 }
                 publishResponse(request, response, path, paths);
                 done(answered);
               });
}

void DeviceCommandService::onQueueEvent(const QueueEvent& event) {
  switch (event.kind) {
    case QueueEventKind::Queued:
      publish(api::DeviceEventKind::Queued, event.request, {}, {});
      break;
    case QueueEventKind::Expired:
      publish(api::DeviceEventKind::RequestExpired, event.request, {}, event.reason);
      break;
    case QueueEventKind::Cancelled:
      publish(api::DeviceEventKind::RequestCancelled, event.request, {}, {});
      break;
    case QueueEventKind::Rejected:   // the submitter was told
    case QueueEventKind::Delivered:  // the Response event tells
      break;
  }
}

std::vector<api::QueuedCommand> DeviceCommandService::queued(const std::string& endpoint) const {
  std::vector<api::QueuedCommand> out;
  for (const QueuedRequest& r : queue_.list(endpoint)) {
    out.push_back({r.id, r.endpoint, r.operation, r.body, r.acceptedAt, r.expiresAt, r.inFlight});
  }
  return out;
}

std::string DeviceCommandService::cancel(const std::string& requestId, bool& found) {
  auto cancelled = queue_.cancel(requestId);
  if (cancelled) {
    found = true;
    return {};
  }
  found = cancelled.error().message.rfind("no queued request", 0) != 0;
  return cancelled.error().message;
}

void DeviceCommandService::onRegistered(const server::Registration& reg, const server::Registration*) {
  queue_.deviceReachable(reg.endpoint);
}

void DeviceCommandService::onUpdated(const server::Registration& reg) { queue_.deviceReachable(reg.endpoint); }

void DeviceCommandService::onAwake(const std::string& endpoint) { queue_.deviceReachable(endpoint); }

void DeviceCommandService::publishResponse(const QueuedRequest& request, const server::DeviceResponse& response,
                                           const model::Path& path, const std::vector<model::Path>& paths) {
  api::DeviceEvent event = eventFor(api::DeviceEventKind::Response, request);
  api::CommandInfo& info = *event.command;
  info.result = resultToJson(response, path, model_);
  info.outcome = server::outcomeName(response.outcome);
  info.code = response.code;
  if (!response.ok()) info.reason = response.reason;
  for (const auto& link : response.links) info.links.push_back(formats::encodeLinkFormat({link}));
  info.createdPath = response.createdPath;
  event.values = reportedValues(response, path);
  event.paths = paths.empty() ? std::vector<model::Path>{path} : paths;
  publish_(event);
}

void DeviceCommandService::publish(api::DeviceEventKind kind, const QueuedRequest& request, std::string result,
                                   std::string reason) {
  api::DeviceEvent event = eventFor(kind, request);
  event.command->result = std::move(result);
  event.command->reason = std::move(reason);
  publish_(event);
}

api::DeviceEvent DeviceCommandService::eventFor(api::DeviceEventKind kind, const QueuedRequest& request) const {
  api::DeviceEvent event;
  event.kind = kind;
  if (auto device = devices_.find(request.endpoint)) {
    event.device = std::move(*device);
  } else {
    event.device.endpoint = request.endpoint;
  }
  event.at = clock_.wallNow();
  event.command = api::CommandInfo{request.id, request.operation, request.body, {}, {}};
  return event;
}

}  // namespace lwm2m::gateway
