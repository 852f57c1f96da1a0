#pragma once
// REST routes for the registered devices:
//
//   GET /api/v1/devices             200 {"devices":[<device>, ...]}
//   GET /api/v1/devices/{endpoint}  200 <device> | 404 {"error":"device 'x' is not registered"}
//
// <device> is the shape of bridges/http/rest_json.h.
// Threading contract: the gateway's I/O thread (it reads the DeviceDirectory).

#include <optional>
#include <string>

#include "bridges/http/rest_reply.h"
#include "gateway/api/device_directory.h"

namespace lwm2m::bridges::http {

class DeviceRoutes {
 public:
  explicit DeviceRoutes(const gateway::api::DeviceDirectory& devices) : devices_(devices) {}

  void list(const Request& request, const Reply& reply) const;
  void one(const Request& request, const std::string& endpoint, const Reply& reply) const;

  // The device, or nullopt after answering 404 naming it.
  std::optional<gateway::api::DeviceInfo> registered(const std::string& endpoint, const Reply& reply) const;

 private:
  const gateway::api::DeviceDirectory& devices_;
};

}  // namespace lwm2m::bridges::http
