#pragma once
// Turns the device's CoAP answer to a request built from `request` into a
// DeviceResponse: outcome and code, and the body decoded by its
// Content-Format (value tree, composite nodes, timestamped values, Discover
// links, the created instance's path). Pure: `now` (seconds since the Unix
// epoch) resolves relative SenML times.

#include "lwm2m/coap/message.h"
#include "lwm2m/model/object_model.h"
#include "lwm2m/operations/device_request.h"
#include "lwm2m/operations/device_response.h"
#include "lwm2m/server/request_builder.h"

namespace lwm2m::server {

operations::DeviceResponse parseResponse(const operations::DeviceRequest& request, const coap::Message& response,
                             const ClientProfile& client, const model::ObjectModel& model,
                             double now);

// A notification body for an observation of `request` (Observe or
// Observe-Composite), decoded the same way as its first response.
operations::DeviceResponse parseNotification(const operations::DeviceRequest& request, const coap::Message& notification,
                                 const ClientProfile& client, const model::ObjectModel& model,
                                 double now);

}  // namespace lwm2m::server
