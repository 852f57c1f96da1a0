#pragma once
// REST routes for the requests sent to devices, whoever sent them (REST
// resource URLs, commands, MQTT):
//
//   GET    /api/v1/requests/{requestId}   200 {"requestId","endpoint","state","acceptedAt",
//          "command":{..},"finishedAt","result":{..}}; state: queued, in-flight, done,
//          failed, expired, cancelled; "result" once finished (the shape of
//          device_call.h). 404 when unknown, or finished longer ago than the
//          last http.finished_requests requests.
//   DELETE /api/v1/requests/{requestId}   200 {"requestId","status":"cancelled"} |
//          404 unknown | 409 in flight or already finished
//   GET    /api/v1/devices/{endpoint}/requests   200 {"requests":[{"requestId",..,"inFlight","location"}]}
//
// Threading contract: the gateway's I/O thread.

#include <memory>
#include <string>

#include "bridges/http/request_tracker.h"
#include "bridges/http/rest_reply.h"
#include "gateway/api/device_directory.h"
#include "gateway/api/device_ops.h"
#include "lwm2m/model/model_source.h"

namespace lwm2m::bridges::http {

class RequestRoutes {
 public:
  RequestRoutes(gateway::api::DeviceOps& commands, const gateway::api::DeviceDirectory& devices,
                std::shared_ptr<RequestTracker> tracker, const model::ModelSource& models)
      : commands_(commands), devices_(devices), tracker_(std::move(tracker)), models_(models) {}

  void request(const Request& request, const std::string& requestId, const Reply& reply);
  void deviceRequests(const Request& request, const std::string& endpoint, const Reply& reply);

 private:
  gateway::api::DeviceOps& commands_;
  const gateway::api::DeviceDirectory& devices_;
  std::shared_ptr<RequestTracker> tracker_;
  const model::ModelSource& models_;
};

}  // namespace lwm2m::bridges::http
