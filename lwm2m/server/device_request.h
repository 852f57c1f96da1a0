#pragma once
// DeviceRequest and DeviceResponse: every LwM2M Device Management and
// Information Reporting operation the server sends to a device, described
// without any transport detail (no CoAP options, no wire formats). The
// request builder maps a DeviceRequest onto CoAP; the response parser turns
// the device's answer into a DeviceResponse with decoded values.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "lwm2m/formats/content_format.h"
#include "lwm2m/formats/link_format.h"
#include "lwm2m/model/node.h"
#include "lwm2m/model/path.h"

namespace lwm2m::server {

enum class Operation : std::uint8_t {
  Read,                    // GET; object, instance, resource or resource instance
  Discover,                // GET with Accept: link format
  WriteReplace,            // PUT
  WriteUpdate,             // POST (partial update of an instance)
  WriteAttributes,         // PUT with Uri-Query attributes, no payload
  Execute,                 // POST on a resource, optional text arguments
  Create,                  // POST on an object
  Delete,                  // DELETE on an instance
  ReadComposite,           // FETCH with a path list
  WriteComposite,          // iPATCH with values of several paths
  Observe,                 // GET with Observe=0
  CancelObserve,           // GET with Observe=1 (active cancel)
  ObserveComposite,        // FETCH with Observe=0
  CancelObserveComposite,  // FETCH with Observe=1
};

std::string_view operationName(Operation op);  // "read", "write-attributes", ...

// Notification attributes (LwM2M 1.1/1.2 §5.1.2). A set field is written;
// a name listed in `clear` is sent without value, which removes it.
struct NotificationAttributes {
  std::optional<std::uint32_t> minPeriod;      // pmin
  std::optional<std::uint32_t> maxPeriod;      // pmax
  std::optional<double> greaterThan;           // gt
  std::optional<double> lessThan;              // lt
  std::optional<double> step;                  // st
  std::optional<std::uint32_t> minEvalPeriod;  // epmin
  std::optional<std::uint32_t> maxEvalPeriod;  // epmax
  std::optional<bool> edge;                    // edge (1.2)
  std::optional<bool> confirmable;             // con (1.2)
  std::optional<std::uint32_t> historicalQueueMax;  // hqmax (1.2)
  std::vector<std::string> clear;              // e.g. {"pmin", "st"}
};

inline constexpr std::chrono::milliseconds kDefaultRequestTimeout{30000};

struct DeviceRequest {
  Operation operation = Operation::Read;
  model::Path path;                  // target of every single-path operation
  std::vector<model::Path> paths;    // Read-/Observe-Composite targets
  std::optional<model::Node> node;   // Write and Create payload (lives at `path`)
  model::NodesByPath nodes;          // Write-Composite payload
  NotificationAttributes attributes; // Write-Attributes
  std::string arguments;             // Execute arguments ("0='fw',1='now'")
  std::optional<formats::ContentFormat> format;  // overrides the per-client choice
  // The caller hears Timeout once this has passed without a final answer.
  std::chrono::milliseconds timeout = kDefaultRequestTimeout;

  static DeviceRequest read(model::Path path);
  static DeviceRequest discover(model::Path path);
  static DeviceRequest writeReplace(model::Path path, model::Node node);
  static DeviceRequest writeUpdate(model::Path path, model::Node node);
  static DeviceRequest writeAttributes(model::Path path, NotificationAttributes attributes);
  static DeviceRequest execute(model::Path path, std::string arguments = {});
  // The instance's id is sent in the payload; the device's choice comes back
  // in DeviceResponse::createdPath.
  static DeviceRequest create(model::ObjectId object, model::ObjectInstance instance);
  static DeviceRequest remove(model::Path path);
  static DeviceRequest readComposite(std::vector<model::Path> paths);
  static DeviceRequest writeComposite(model::NodesByPath nodes);
  static DeviceRequest observe(model::Path path);
  static DeviceRequest cancelObserve(model::Path path);
  static DeviceRequest observeComposite(std::vector<model::Path> paths);
  static DeviceRequest cancelObserveComposite(std::vector<model::Path> paths);
};

enum class Outcome : std::uint8_t {
  Success,          // a 2.xx answer
  DeviceError,      // a 4.xx/5.xx answer: see code / codeName / reason
  Timeout,          // no answer within the request's timeout
  Reset,            // the device answered RST
  NotRegistered,    // no registration for that endpoint
  BadRequest,       // the request cannot be sent as asked: see reason
  InvalidResponse,  // the device answered with a body we cannot decode: see reason
};

std::string_view outcomeName(Outcome outcome);  // "success", "device-error", ...

struct DeviceResponse {
  Outcome outcome = Outcome::Success;
  std::string code;      // "2.05" when the device answered
  std::string codeName;  // "content", "not_found", ...
  std::string reason;    // what went wrong, or the device's diagnostic payload
  std::optional<model::Node> node;                // Read, Observe: the node at the path
  model::NodesByPath nodes;                       // Read-/Observe-Composite
  std::vector<model::TimestampedNodes> timestamped;  // values with times, when the format has them
  std::vector<formats::Link> links;               // Discover
  std::optional<model::Path> createdPath;         // Create: from Location-Path
  std::optional<formats::ContentFormat> contentFormat;  // of the answer's body
  std::optional<std::uint32_t> observeSequence;   // Observe responses

  bool ok() const { return outcome == Outcome::Success; }
  static DeviceResponse failure(Outcome outcome, std::string reason);
};

}  // namespace lwm2m::server
