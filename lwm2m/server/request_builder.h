#pragma once
// Maps a DeviceRequest onto the CoAP request LwM2M prescribes (TS Transport
// §6.4, §6.3): method, Uri-Path below the client's root path, Uri-Query for
// attributes, Observe, Accept on reads and the Content-Format of the body,
// chosen per client from its LwM2M version and the ct= it advertised.
// Pure: no I/O, no clock.

#include <cstdint>
#include <string>
#include <vector>

#include "lwm2m/coap/message.h"
#include "lwm2m/formats/content_format.h"
#include "lwm2m/model/object_model.h"
#include "lwm2m/result.h"
#include "lwm2m/operations/device_request.h"
#include "lwm2m/operations/device_response.h"
#include "lwm2m/server/registration.h"

namespace lwm2m::server {

// What the builder needs to know of a client.
struct ClientProfile {
  std::string version = "1.0";                  // LwM2M version of the registration
  std::string rootPath = "/";                   // alternate root path
  std::vector<formats::ContentFormat> advertised;  // ct= of the root link

  static ClientProfile of(const Registration& registration);
  // The format for bodies of single-path operations.
  formats::ContentFormat treeFormat() const;
  // The format for paths the object model does not know: one that carries
  // the values' types (formats::typedContentFormat).
  formats::ContentFormat typedFormat() const;
  // The format of composite operations; error for a 1.0 client.
  Result<formats::ContentFormat> compositeFormat() const;
};

// Builds the CoAP request (type CON; message ID left to the endpoint).
// Reads, Observes, Writes and Creates on a path the model does not know (a
// vendor object, or a resource the definition lacks) ask for and send a
// format whose values carry their types, unless the request names one. `token`
// is set when given (active cancel reuses the observation's token). Errors
// name what cannot be expressed: a Create on a non-object path, a Write
// without a value, a composite operation toward a 1.0 client, a value the
// chosen format cannot carry. A package write (DeviceRequest::package) gets
// PUT with Content-Format opaque and no payload: the sender supplies the
// package's bytes as the body.
Result<coap::Message> buildRequest(const operations::DeviceRequest& request, const ClientProfile& client,
                                   const model::ObjectModel& model,
                                   const coap::Token& token = {});


}  // namespace lwm2m::server
