#include "gateway/core/queue_mode_sender.h"

#include <spdlog/spdlog.h>

namespace lwm2m::gateway {

QueueModeSender::QueueModeSender(RequestQueue& queue, server::RequestSender& sender, DevicePresence& presence)
    : queue_(queue), sender_(sender), presence_(presence) {
  sender_.setLateAnswerListener(
      [](const std::string& endpoint, const operations::DeviceRequest& request, const std::string& code) {
        spdlog::debug("late answer {} from {} to {} {} after its timeout: ignored", code, endpoint,
                      operations::operationName(request.operation), request.path.toString());
      });
}

void QueueModeSender::send(const std::string& endpoint, operations::DeviceRequest request, api::ReplyRoute reply,
                           std::function<void(Result<QueuedRequest>)> accepted) {
  queue_.submit(endpoint, std::move(request), std::move(reply), std::move(accepted));
}

void QueueModeSender::deliver(const QueuedRequest& request, std::function<void(DeliveryResult)> done) {
  spdlog::debug("delivering {} {} to {}", operations::operationName(request.request.operation), request.id,
                request.endpoint);
  sender_.send(request.endpoint, request.request,
               [this, request, done = std::move(done)](operations::DeviceResponse response) {
                 const bool silent = response.outcome == operations::Outcome::Timeout && !response.acknowledged;
                 if (silent) {
                   presence_.requestTimedOut(request.endpoint);
                 } else if (response.outcome != operations::Outcome::NotRegistered) {
                   presence_.uplink(request.endpoint);
                 }
                 if (silent && !presence_.isReachable(request.endpoint)) {
                   // A queue-mode device asleep: the queue keeps or interrupts it.
                   spdlog::debug("{} {} to {}: {}", operations::operationName(request.request.operation), request.id,
                                 request.endpoint, response.reason);
                   done(DeliveryResult::NoAnswer);
                   return;
                 }
                 // The answer and the end of the request are one step (request_queue.h).
                 queue_.atomically("outcome", [&] {
                   if (onResponse_) onResponse_(request, std::move(response));
                   done(DeliveryResult::Answered);
                 });
               });
}

void QueueModeSender::onRegistered(const server::Registration& reg, const server::Registration*) {
  queue_.deviceReachable(reg.endpoint);
}

void QueueModeSender::onUpdated(const server::Registration& reg, const server::RegistrationChanges&) { queue_.deviceReachable(reg.endpoint); }

void QueueModeSender::onAwake(const std::string& endpoint) { queue_.deviceReachable(endpoint); }

}  // namespace lwm2m::gateway
