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
  }
  return "unknown";
}

}  // namespace lwm2m::gateway::api
