#pragma once
// DeviceCall: one REST call that sends a request to a device and answers with
// the device's result, or 202 Accepted with the request's Location when the
// answer cannot be waited for:
//   - ?async, or the device sleeps (queue mode, asleep): 202 once stored;
//   - else the call waits up to its timeout (timeout=, the body's "timeout",
//     or http.request_timeout_s) plus a short grace for the device's own
//     timeout to come back; a request still queued or in flight then: 202.
// Results: 200 {"requestId","operation","path","endpoint","code":"2.05",
// "status":"content","values":[..]} (mapping/command_codec.h
// encodeCommandResult), 201 with Location for a Create, a device error by
// statusOf(DeviceResponse) with "code" and "error" in the same shape; 504 when
// the device did not answer or the request expired, 409 when cancelled.
// 202: {"requestId","endpoint","state":"queued","location":"/api/v1/requests/{id}"}.
//
// Threading contract: I/O thread; the reply comes there too. A caller that
// went away meanwhile costs nothing but the wait.

#include <boost/asio/any_io_executor.hpp>

#include <chrono>
#include <memory>
#include <string>

#include "bridges/http/request_tracker.h"
#include "bridges/http/resource_request.h"
#include "bridges/http/rest_reply.h"
#include "gateway/api/device_ops.h"
#include "lwm2m/model/model_source.h"

namespace lwm2m::bridges::http {

class DeviceCall {
 public:
  // Time the gateway may need beyond the request's own timeout to report it.
  static constexpr std::chrono::seconds kGrace{2};

  DeviceCall(boost::asio::any_io_executor executor, gateway::api::DeviceOps& commands,
             std::shared_ptr<RequestTracker> tracker, std::chrono::seconds defaultTimeout,
             const model::ModelSource& models)
      : executor_(std::move(executor)),
        commands_(commands),
        tracker_(std::move(tracker)),
        defaultTimeout_(defaultTimeout),
        models_(&models) {}

  // Submits `call` for `endpoint` and answers `reply` as described above.
  void start(const std::string& endpoint, ResourceCall call, bool deviceAsleep, Reply reply);

 private:
  void wait(const std::string& endpoint, const std::string& requestId, std::chrono::milliseconds timeout,
            Reply reply);

  boost::asio::any_io_executor executor_;
  gateway::api::DeviceOps& commands_;
  std::shared_ptr<RequestTracker> tracker_;
  std::chrono::seconds defaultTimeout_;
  const model::ModelSource* models_;
};

// The answer to a finished request, as described above.
void replyResult(const TrackedRequest& request, const Reply& reply, const model::ObjectModel& model);
// 202 Accepted with the request's Location.
void replyAccepted(const std::string& endpoint, const std::string& requestId, const Reply& reply);

}  // namespace lwm2m::bridges::http
