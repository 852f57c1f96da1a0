#pragma once
// Small vocabulary shared by the uplink and downlink sides of the mapping:
// device operations, payload styles, and the route a command's result takes
// back to the cloud.

#include <optional>
#include <string>
#include <string_view>

namespace lwm2m::mapping {

enum class Operation {
  Read,
  Write,
  Execute,
  Create,
  Delete,
  Discover,
  WriteAttributes,
  Observe,
  CancelObserve,
  ReadComposite,
  WriteComposite,
  ObserveComposite,
};

// "read", "write", ..., "write-attributes", "cancel-observe", "read-composite".
std::string_view toString(Operation operation);
// Accepts the names above and EMQX's "write-attr"; nullopt when unknown.
std::optional<Operation> parseOperation(std::string_view name);

// How a message body is rendered (uplink) or read (downlink).
enum class PayloadStyle {
  Value,  // bare value as text
  Json,   // JSON object (value, type, unit, timestamp, path, endpoint)
  Senml,  // SenML JSON array of every value in the event
  Tree,   // one JSON object per object instance, resources keyed by id
  Event,  // JSON description of a lifecycle event
  Emqx,   // EMQX LwM2M gateway wire format
};

std::string_view toString(PayloadStyle style);
std::optional<PayloadStyle> parsePayloadStyle(std::string_view name);

// Where and how the result of a command is published. Made by the command
// decoder, kept by the gateway with the request (also while it is queued),
// and handed back unchanged in the Response event of that request.
struct ReplyRoute {
  std::string topic;            // empty: the result is not published
  std::string correlationData;  // MQTT 5 Correlation Data, echoed as a property
  std::string correlationId;    // MQTT 3.1.1: the "correlation" JSON field, echoed in the body
  std::string requestId;        // caller's id ("id" or EMQX "reqID"), echoed
  PayloadStyle style = PayloadStyle::Json;
  int qos = 0;
  std::string echo;  // EMQX: the request JSON object the response repeats
};

// "content", "changed", "bad_request", ... for a CoAP code "2.05"; "" when unknown.
std::string_view coapCodeName(std::string_view code);

}  // namespace lwm2m::mapping
