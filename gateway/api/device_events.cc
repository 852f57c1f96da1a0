#include "gateway/api/device_events.h"

namespace lwm2m::gateway::api {

std::string_view toString(DeviceEventKind kind) {
  switch (kind) {
    case DeviceEventKind::Registered:
      return "registered";
    case DeviceEventKind::Updated:
      return "updated";
    case DeviceEventKind::Deregistered:
      return "deregistered";
    case DeviceEventKind::Expired:
      return "expired";
    case DeviceEventKind::Awake:
      return "awake";
    case DeviceEventKind::Asleep:
      return "asleep";
    case DeviceEventKind::Notification:
      return "notification";
    case DeviceEventKind::Send:
      return "send";
    case DeviceEventKind::Queued:
      return "queued";
    case DeviceEventKind::Response:
      return "response";
    case DeviceEventKind::RequestExpired:
      return "expired-request";
    case DeviceEventKind::RequestCancelled:
      return "cancelled-request";
  }
  return "unknown";
}

}  // namespace lwm2m::gateway::api
