#pragma once
// DeviceEvent: what the gateway core tells the mapping about a device. A
// plain value built by the gateway from its LwM2M events; the mapping never
// sees CoAP or the server's state.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "lwm2m/model/node.h"
#include "lwm2m/model/path.h"
#include "lwm2m/model/value.h"
#include "mapping/reply_route.h"

namespace lwm2m::mapping {

enum class EventKind {
  Registered,
  Updated,
  Deregistered,
  Expired,
  Awake,
  Asleep,
  Notification,
  Send,
  Response,
  Queued,          // a command was stored until the device wakes
  RequestExpired,  // a queued command's TTL ran out before delivery
  RequestCancelled,  // a queued command was cancelled before delivery
};

// "registered", ..., "notification", "send", "response", "queued", "expired-request",
// "cancelled-request".
std::string_view toString(EventKind kind);
std::optional<EventKind> parseEventKind(std::string_view name);
// True for the kinds that carry values (notification, send, response).
bool carriesValues(EventKind kind);

// One resource (or resource instance) value.
struct ValueRecord {
  model::Path path;            // a resource or resource-instance path
  model::Value value;
  std::optional<double> time;  // seconds since the Unix epoch, when known
};

// Flattens nodes (as decoders return them) into records, in path order.
std::vector<ValueRecord> toRecords(const model::NodesByPath& nodes, std::optional<double> time = {});

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

// How a request ended, for Response events.
enum class ResponseOutcome { Answered, Timeout, Reset };

struct DeviceEvent {
  EventKind kind = EventKind::Registered;
  std::string endpoint;
  std::string gateway;   // this gateway's id
  double timestamp = 0;  // seconds since the Unix epoch
  RegistrationFacts registration;

  // Notification, Send, Response.
  std::vector<ValueRecord> values;
  // Response, Notification, Queued, RequestExpired: the request this is about.
  std::string requestId;  // the gateway's id of a command (REST cancel uses it)
  model::Path requestPath;
  std::optional<Operation> operation;
  std::string code;  // CoAP code of the response, "2.05"
  ResponseOutcome outcome = ResponseOutcome::Answered;
  std::string error;  // Response without an answer, RequestExpired: why, in words
  std::vector<std::string> links;    // Discover: one CoRE link per entry
  std::optional<std::uint32_t> sequence;  // Notification: observe sequence number
  ReplyRoute reply;  // as the command decoder made it; empty topic when none
};

}  // namespace lwm2m::mapping
