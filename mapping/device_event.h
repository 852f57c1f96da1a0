#pragma once
// DeviceEvent: the mapping's flat view of a gateway event (gateway/api
// device_events.h): values as records, the registration's object links as
// paths, the command's operation, path, outcome and reply route. Made by
// viewOf(); the mapping never sees CoAP or the server's state.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "gateway/api/device_events.h"
#include "gateway/api/reply_route.h"
#include "lwm2m/model/path.h"
#include "lwm2m/model/record.h"
#include "lwm2m/operations/device_response.h"
#include "lwm2m/operations/operation.h"

namespace lwm2m::mapping {

using gateway::api::DeviceEventKind;
using gateway::api::ReplyRoute;
using gateway::api::ReplyStyle;
using model::Record;
using operations::Operation;

struct RegistrationFacts {
  std::string registrationId;  // the rd/{id} the device updates
  std::string address;         // where the device speaks from, "10.0.0.7:5683"
  std::uint32_t lifetimeSeconds = 0;
  std::string lwm2mVersion;  // "1.0", "1.1", "1.2"
  std::string binding;       // as registered: "U", "UQ", ...
  bool queueMode = false;
  std::string smsNumber;
  std::string alternatePath = "/";
  std::vector<model::Path> objectLinks;          // "/3/0", "/3303", ...
  std::vector<model::Path> previousObjectLinks;  // Updated: the links before the update
};

struct DeviceEvent {
  DeviceEventKind kind = DeviceEventKind::Registered;
  std::string endpoint;
  std::string gateway;   // this gateway's id
  double timestamp = 0;  // seconds since the Unix epoch
  RegistrationFacts registration;  // registration and bootstrap events only (viewOf)

  // Notification, Send, Response.
  std::vector<Record> values;
  // Response, Notification, Queued, RequestExpired: the request this is about.
  std::string requestId;  // the gateway's id of a command (REST cancel uses it)
  model::Path requestPath;
  std::optional<Operation> operation;
  std::string code;  // CoAP code of the response, "2.05"
  // Response: how the request ended (Timeout and Reset had no answer).
  operations::Outcome outcome = operations::Outcome::Success;
  std::string error;  // Response without an answer, RequestExpired, BootstrapFailed: why, in words
  std::vector<std::string> links;    // Discover: one CoRE link per entry
  std::optional<model::Path> createdPath;  // Create: the instance the device made
  std::optional<std::uint32_t> sequence;  // Notification: observe sequence number
  ReplyRoute reply;  // as the command decoder made it; empty topic when none
  std::optional<gateway::api::TransferProgress> transfer;  // Progress: the package transfer
  std::optional<gateway::api::StorageCondition> storage;   // Storage: the gateway's storage
};

// The mapping's view of a gateway event.
DeviceEvent viewOf(const gateway::api::DeviceEvent& event, const std::string& gatewayId);
// The registration part of viewOf().
RegistrationFacts registrationFactsOf(const gateway::api::DeviceInfo& device);

// True when the device answered (any CoAP code), false for Timeout and Reset.
bool answered(const DeviceEvent& event);

}  // namespace lwm2m::mapping
