#pragma once
// What a client of GET /api/v1/events asks for, read from the request target
// and the Last-Event-ID header, and the one event the stream sends.
//
//   GET /api/v1/events?endpoint=sim-*&kinds=registered,notification&path=/3303&last_event_id=42
//
//   endpoint        shell glob of endpoint names ('*', '?'); default every endpoint
//   kinds           comma list of event kinds (gateway/api/device_events.h names:
//                   registered, notification, response, ...); default every kind
//   path            LwM2M path prefix (/3303, /3303/0/5700): only events about a path
//                   at or below it (values, observations, commands); registration and
//                   presence events have no path and do not pass
//   last_event_id   resume after this id (the Last-Event-ID header wins when both are set)
//
// Values are percent-decoded ('+' stays '+'). An unknown or repeated
// parameter, an unknown kind, a malformed path or id is refused, naming it.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "gateway/api/device_events.h"
#include "lwm2m/model/path.h"
#include "lwm2m/result.h"

namespace lwm2m::bridges::http {

// One event as the stream sends it, rendered once and shared by every stream.
struct StreamEvent {
  std::uint64_t id = 0;  // strictly increasing (event_ring.h)
  gateway::api::DeviceEventKind kind = gateway::api::DeviceEventKind::Registered;
  std::string endpoint;
  std::vector<model::Path> paths;  // what the event is about (mapping::eventPaths)
  std::string frame;               // "id: 42\nevent: notification\ndata: {...}\n\n"
};

struct EventFilter {
  std::string endpoint;                               // glob; empty: every endpoint
  std::vector<gateway::api::DeviceEventKind> kinds;   // empty: every kind
  std::optional<model::Path> path;                    // prefix; nullopt: any (or none)

  bool matches(const StreamEvent& event) const;
};

struct EventStreamRequest {
  EventFilter filter;
  std::optional<std::uint64_t> lastEventId;  // resume after it
};

// `target` is the request target ("/api/v1/events?..."); `lastEventIdHeader`
// the Last-Event-ID header's value, empty when absent.
Result<EventStreamRequest> parseEventStreamRequest(std::string_view target,
                                                   std::string_view lastEventIdHeader);

}  // namespace lwm2m::bridges::http
