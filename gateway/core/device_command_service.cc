#include "gateway/core/device_command_service.h"

#include <fnmatch.h>

#include "lwm2m/operations/device_response.h"

namespace lwm2m::gateway {

DeviceCommandService::DeviceCommandService(RequestQueue& queue, QueueModeSender& sender,
                                           const api::DeviceDirectory& devices, const coap::Scheduler& clock,
                                           Publish publish)
    : queue_(queue), sender_(sender), devices_(devices), clock_(clock), publish_(std::move(publish)) {
  sender_.setResponseHandler([this](const QueuedRequest& request, operations::DeviceResponse response) {
    publishResponse(request, std::move(response));
  });
}

bool DeviceCommandService::isKnown(const std::string& endpoint) const {
  if (queue_.holds(endpoint) || devices_.find(endpoint)) return true;
  for (const std::string& glob : expected_) {
    if (::fnmatch(glob.c_str(), endpoint.c_str(), 0) == 0) return true;
  }
  return false;
}

void DeviceCommandService::submit(api::Command command, std::function<void(Result<std::string>)> accepted) {
  if (auto withinLimits = mapping::checkCommandLimits(command.request, limits_); !withinLimits) {
    accepted(withinLimits.error());
    return;
  }
  std::string endpoint = std::move(command.endpoint);
  if (!isKnown(endpoint)) {
    accepted(fail(ErrorCode::NotFound, "unknown device '" + endpoint +
                                           "': it is not registered and nothing is queued for it (to accept "
                                           "commands before a device registers, list it in queue.expected_endpoints)"));
    return;
  }
  sender_.send(endpoint, std::move(command.request), std::move(command.reply),
                [accepted = std::move(accepted)](Result<QueuedRequest> stored) {
                  if (stored) {
                    accepted(stored->id);
                  } else {
                    accepted(stored.error());
                  }
                });
}

void DeviceCommandService::onQueueEvent(const QueueEvent& event) {
  switch (event.kind) {
    case QueueEventKind::Queued:
      publish(api::DeviceEventKind::Queued, event.request, {});
      break;
    case QueueEventKind::Expired:
      publish(api::DeviceEventKind::RequestExpired, event.request, event.reason);
      break;
    case QueueEventKind::Cancelled:
      publish(api::DeviceEventKind::RequestCancelled, event.request, {});
      break;
    case QueueEventKind::Rejected:   // the submitter was told
    case QueueEventKind::Delivered:  // the Response event tells
      break;
  }
}

std::vector<api::QueuedCommand> DeviceCommandService::queued(const std::string& endpoint) const {
  std::vector<api::QueuedCommand> out;
  for (const QueuedRequest& r : queue_.list(endpoint)) {
    out.push_back({r.id, api::Command{r.endpoint, r.request, r.reply}, r.acceptedAt, r.expiresAt, r.inFlight});
  }
  return out;
}

Result<void> DeviceCommandService::cancel(const std::string& requestId) {
  auto cancelled = queue_.cancel(requestId);
  if (!cancelled) return cancelled.error();
  return {};
}

void DeviceCommandService::publishResponse(const QueuedRequest& request, operations::DeviceResponse response) {
  api::DeviceEvent event = eventFor(api::DeviceEventKind::Response, request);
  event.values = operations::reportedValues(response, request.request.path);
  event.paths = request.request.targets();
  event.command->response = std::move(response);
  publish_(event);
}

void DeviceCommandService::publish(api::DeviceEventKind kind, const QueuedRequest& request, std::string reason) {
  api::DeviceEvent event = eventFor(kind, request);
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
  event.command = api::CommandInfo{request.id, request.request, request.reply, std::nullopt, {}};
  return event;
}

}  // namespace lwm2m::gateway
