#include "bridges/http/device_call.h"

#include <boost/asio/steady_timer.hpp>

#include "bridges/http/command_routes.h"
#include "bridges/http/rest_json.h"
#include "mapping/command_codec.h"

namespace lwm2m::bridges::http {
namespace beast_http = boost::beast::http;
namespace api = gateway::api;

void replyAccepted(const std::string& endpoint, const std::string& requestId, const Reply& reply) {
  const std::string location = "/api/v1/requests/" + percentEncode(requestId);
  reply.json(beast_http::status::accepted, acceptedJson(endpoint, requestId, location),
             {{beast_http::field::location, location}});
}

FinishedAnswer finishedAnswer(const TrackedRequest& request) {
  FinishedAnswer answer{beast_http::status::ok, {}, *request.end};
  switch (request.state) {
    case RequestState::Done:
      if (const auto& created = answer.end.command->response->createdPath) {
        answer.status = beast_http::status::created;
        answer.headers.emplace_back(beast_http::field::location,
                                    "/api/v1/devices/" + percentEncode(request.endpoint) + created->toString());
      }
      break;
    case RequestState::Failed: {
      operations::DeviceResponse& response = *answer.end.command->response;
      answer.status = statusOf(response);
      if (response.reason.empty()) {
        response.reason = response.code.empty() ? std::string(operations::outcomeName(response.outcome))
                                                : "the device answered " + response.code + " " + response.codeName;
      }
      break;
    }
    case RequestState::Expired: answer.status = beast_http::status::gateway_timeout; break;
    case RequestState::Cancelled: answer.status = beast_http::status::conflict; break;
    case RequestState::Queued: break;  // not finished: not called
  }
  return answer;
}

void replyResult(const TrackedRequest& request, const Reply& reply, const model::ObjectModel& model) {
  FinishedAnswer answer = finishedAnswer(request);
  reply.json(answer.status, mapping::encodeCommandResult(answer.end, model), answer.headers);
}

void DeviceCall::start(const std::string& endpoint, ResourceCall call, bool deviceAsleep, Reply reply,
                       Answer answer) {
  // The device's own timeout only when the caller chose one (else lwm2m.request_timeout_s);
  // the HTTP wait is that choice or http.request_timeout_s.
  if (call.timeout) call.request.timeout = *call.timeout;
  const std::chrono::milliseconds timeout =
      call.timeout.value_or(std::chrono::duration_cast<std::chrono::milliseconds>(defaultTimeout_));
  const bool now = call.async || deviceAsleep;
  api::Command command{endpoint, std::move(call.request), std::move(call.reply)};
  commands_.submit(std::move(command), [this, endpoint, timeout, now, reply,
                                        answer = std::move(answer)](Result<std::string> id) mutable {
    if (!id) return reply.error(statusOf(id.error().code), id.error().message);
    if (now) return replyAccepted(endpoint, *id, reply);
    wait(endpoint, *id, timeout + kGrace, reply, std::move(answer));
  });
}

void DeviceCall::wait(const std::string& endpoint, const std::string& requestId, std::chrono::milliseconds timeout,
                      Reply reply, Answer answer) {
  struct Wait {
    explicit Wait(const boost::asio::any_io_executor& executor) : timer(executor) {}
    boost::asio::steady_timer timer;
    std::uint64_t ticket = 0;
    bool answered = false;
  };
  auto state = std::make_shared<Wait>(executor_);
  state->ticket = tracker_->await(requestId, [state, reply, models = models_,
                                               answer = std::move(answer)](const TrackedRequest& finished) {
    if (state->answered) return;
    state->answered = true;
    state->timer.cancel();
    answer(finished, reply, *models->current());
  });
  if (state->answered) return;
  // Finished long before (only its JSON is kept): the result is at the request's location.
  if (state->ticket == 0) return replyAccepted(endpoint, requestId, reply);
  state->timer.expires_after(timeout);
  std::weak_ptr<RequestTracker> tracker = tracker_;
  state->timer.async_wait([state, tracker, endpoint, requestId, reply](boost::system::error_code ec) {
    if (ec || state->answered) return;
    state->answered = true;
    if (auto t = tracker.lock()) t->forget(state->ticket);
    replyAccepted(endpoint, requestId, reply);
  });
}

}  // namespace lwm2m::bridges::http
