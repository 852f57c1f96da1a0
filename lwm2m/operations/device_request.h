#pragma once
// DeviceRequest: one LwM2M Device Management or Information Reporting
// operation for a device, described without any transport detail (no CoAP
// options, no wire formats, no JSON). Made once where a command enters the
// gateway (MQTT, REST, mapping rules), carried typed through the queue and the
// LwM2M server, which maps it onto CoAP (lwm2m/server/request_builder.h).

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "lwm2m/formats/content_format.h"
#include "lwm2m/model/node.h"
#include "lwm2m/model/path.h"
#include "lwm2m/operations/notification_attributes.h"
#include "lwm2m/operations/operation.h"
#include "lwm2m/operations/package.h"

namespace lwm2m::operations {

// How long the gateway waits for a device's final answer unless the command
// or the configuration (lwm2m.request_timeout_s) says otherwise.
inline constexpr std::chrono::milliseconds kDefaultRequestTimeout{30000};

struct DeviceRequest {
  Operation operation = Operation::Read;
  model::Path path;                   // target of every single-path operation
  std::vector<model::Path> paths;     // Read-/Observe-Composite and their cancels
  std::optional<model::Node> node;    // Write and Create payload (lives at `path`)
  // Write-Replace of one Opaque resource (the Package /5/x/0) whose value is a
  // stored package, sent block-wise from the store (package.h); no `node` then.
  std::optional<PackageReference> package;
  model::NodesByPath nodes;           // Write-Composite payload
  NotificationAttributes attributes;  // Write-Attributes
  std::string arguments;              // Execute arguments ("0='fw',1='now'")
  std::optional<formats::ContentFormat> format;  // overrides the per-client choice
  // The caller hears Timeout once this has passed without a final answer;
  // nullopt: the sender's default (lwm2m.request_timeout_s).
  std::optional<std::chrono::milliseconds> timeout;
  // How long the request may wait for a sleeping device; nullopt: the queue's default.
  std::optional<std::chrono::seconds> ttl;

  // The paths the request is about: `paths` for composites (the written
  // paths of a Write-Composite), else `path`.
  std::vector<model::Path> targets() const;

  friend bool operator==(const DeviceRequest&, const DeviceRequest&) = default;

  static DeviceRequest read(model::Path path);
  static DeviceRequest discover(model::Path path);
  static DeviceRequest writeReplace(model::Path path, model::Node node);
  static DeviceRequest writeUpdate(model::Path path, model::Node node);
  static DeviceRequest writePackage(model::Path path, PackageReference package);
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

// True when sending the request again leaves the device as one delivery
// would (the queue's at-least-once class): isIdempotent(operation), except a
// package write. A firmware push is sent at most once: it may have been cut
// after the device stored (and began to apply) part of it, and repeating
// megabytes unasked is not harmless; it is reported interrupted instead, and
// sent again only when asked (naming the stored package).
bool isRepeatable(const DeviceRequest& request);

}  // namespace lwm2m::operations
