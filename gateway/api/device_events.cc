#include "gateway/api/device_events.h"

#include <array>
#include <utility>

namespace lwm2m::gateway::api {
namespace {

constexpr std::array<std::pair<DeviceEventKind, std::string_view>, 17> kKinds{{
    {DeviceEventKind::Registered, "registered"},
    {DeviceEventKind::Updated, "updated"},
    {DeviceEventKind::Deregistered, "deregistered"},
    {DeviceEventKind::Expired, "expired"},
    {DeviceEventKind::Awake, "awake"},
    {DeviceEventKind::Asleep, "asleep"},
    {DeviceEventKind::Notification, "notification"},
    {DeviceEventKind::Send, "send"},
    {DeviceEventKind::Queued, "queued"},
    {DeviceEventKind::Response, "response"},
    {DeviceEventKind::RequestExpired, "expired-request"},
    {DeviceEventKind::RequestCancelled, "cancelled-request"},
    {DeviceEventKind::BootstrapStarted, "bootstrap-started"},
    {DeviceEventKind::BootstrapFinished, "bootstrap-finished"},
    {DeviceEventKind::BootstrapFailed, "bootstrap-failed"},
    {DeviceEventKind::Progress, "progress"},
    {DeviceEventKind::Storage, "storage"},
}};

}  // namespace

std::string_view toString(DeviceEventKind kind) {
  for (const auto& [k, name] : kKinds) {
    if (k == kind) return name;
  }
  return "unknown";
}

std::optional<DeviceEventKind> parseDeviceEventKind(std::string_view name) {
  for (const auto& [k, n] : kKinds) {
    if (n == name) return k;
  }
  return std::nullopt;
}

std::string deviceEventKindNames() {
  std::string names;
  for (const auto& [k, name] : kKinds) names += (names.empty() ? "" : ", ") + std::string(name);
  return names;
}

bool carriesValues(DeviceEventKind kind) {
  return kind == DeviceEventKind::Notification || kind == DeviceEventKind::Send || kind == DeviceEventKind::Response;
}

}  // namespace lwm2m::gateway::api
