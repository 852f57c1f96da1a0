#pragma once
// REST routes for the latest values the gateway saw (gateway/api/latest_values.h),
// answered without contacting the device:
//
//   GET /api/v1/devices/{endpoint}/values            every cached value of the device
//   GET /api/v1/devices/{endpoint}/{o}[/{i}[/{r}[/{ri}]]]?cached   those at or below the path
//   200 {"endpoint","values":[{"path","value","type","timestamp","time","age_s","source"}]}
//   (rest_json.h valuesJson); 404 when the device is unknown and nothing is
//   cached, or (?cached) when no value below the path is cached.
//
// Threading contract: the gateway's I/O thread.

#include <chrono>
#include <functional>
#include <string>

#include "bridges/http/rest_reply.h"
#include "gateway/api/device_directory.h"
#include "gateway/api/latest_values.h"
#include "lwm2m/model/path.h"

namespace lwm2m::bridges::http {

class ValueRoutes {
 public:
  using Clock = std::function<std::chrono::system_clock::time_point()>;

  ValueRoutes(const gateway::api::LatestValues& values, const gateway::api::DeviceDirectory& devices, Clock now)
      : values_(values), devices_(devices), now_(std::move(now)) {}

  void deviceValues(const Request& request, const std::string& endpoint, const Reply& reply) const;
  // GET {path}?cached. Precondition: the method is GET.
  void cached(const std::string& endpoint, const model::Path& path, const Reply& reply) const;

 private:
  const gateway::api::LatestValues& values_;
  const gateway::api::DeviceDirectory& devices_;
  Clock now_;
};

}  // namespace lwm2m::bridges::http
