#include "gateway/core/queue_mode_sender.h"

#include <spdlog/spdlog.h>

namespace lwm2m::gateway {

void QueueModeSender::send(const std::string& endpoint, operations::DeviceRequest request, api::ReplyRoute reply,
                           std::function<void(Result<QueuedRequest>)> accepted) {
  queue_.submit(endpoint, std::move(request), std::move(reply), std::move(accepted));
}

void QueueModeSender::deliver(const QueuedRequest& request, std::function<void(bool)> done) {
  spdlog::debug("delivering {} {} to {}", operations::operationName(request.request.operation), request.id,
                request.endpoint);
  sender_.send(request.endpoint, request.request,
               [this, request, done = std::move(done)](operations::DeviceResponse response) {
                 bool answered = true;
                 if (response.outcome == operations::Outcome::Timeout) {
                   presence_.requestTimedOut(request.endpoint);
                   answered = false;
                 } else if (response.outcome != operations::Outcome::NotRegistered) {
                   presence_.uplink(request.endpoint);
                 }
                 if (onResponse_) onResponse_(request, std::move(response));
                 done(answered);
               });
}

void QueueModeSender::onRegistered(const server::Registration& reg, const server::Registration*) {
  queue_.deviceReachable(reg.endpoint);
}

void QueueModeSender::onUpdated(const server::Registration& reg) { queue_.deviceReachable(reg.endpoint); }

void QueueModeSender::onAwake(const std::string& endpoint) { queue_.deviceReachable(endpoint); }

}  // namespace lwm2m::gateway
