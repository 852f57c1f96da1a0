#pragma once
// REST routes for LwM2M operations on a device's resources: the URLs, methods
// and bodies of resource_request.h, sent and answered by device_call.h; GET
// with ?cached answers from the value cache (value_routes.h).
// Order of checks: a malformed resource URL (400, or 404 for a word that names
// nothing), a method the resource does not take (405 with Allow), an unknown
// device (404), a malformed body or query (400); nothing is sent or stored
// before all of them pass.
//
// Threading contract: the gateway's I/O thread.

#include <memory>
#include <string>
#include <vector>

#include "bridges/http/device_call.h"
#include "bridges/http/device_routes.h"
#include "bridges/http/rest_reply.h"
#include "bridges/http/rest_target.h"
#include "bridges/http/value_routes.h"
#include "lwm2m/model/model_source.h"

namespace lwm2m::bridges::http {

class ResourceRoutes {
 public:
  // `values` may be null: ?cached then answers 404.
  ResourceRoutes(const model::ModelSource& models, const DeviceRoutes& devices, DeviceCall call,
                 const ValueRoutes* values, std::shared_ptr<const RequestTracker> tracker)
      : models_(models), devices_(devices), call_(std::move(call)), values_(values), tracker_(std::move(tracker)) {}

  // `resource`: the segments below /api/v1/devices/{endpoint}/.
  void handle(const Request& request, const RestTarget& url, const std::string& endpoint,
              const std::vector<std::string>& resource, const Reply& reply);

 private:
  const model::ModelSource& models_;
  const DeviceRoutes& devices_;
  DeviceCall call_;
  const ValueRoutes* values_;
  std::shared_ptr<const RequestTracker> tracker_;
};

}  // namespace lwm2m::bridges::http
