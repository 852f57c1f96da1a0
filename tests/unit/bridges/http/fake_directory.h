#pragma once
// A DeviceDirectory over a fixed list of devices, for the HTTP bridge tests.

#include <algorithm>
#include <vector>

#include "gateway/api/device_directory.h"

namespace lwm2m::bridges::http::testing {

class FakeDirectory : public gateway::api::DeviceDirectory {
 public:
  std::vector<gateway::api::DeviceInfo> list;

  std::vector<gateway::api::DeviceInfo> devices() const override { return list; }
  std::optional<gateway::api::DeviceInfo> find(std::string_view endpoint) const override {
    auto it = std::find_if(list.begin(), list.end(),
                           [&](const auto& d) { return d.endpoint == endpoint; });
    if (it == list.end()) return std::nullopt;
    return *it;
  }
};

inline gateway::api::DeviceInfo device(std::string endpoint, std::string registrationId) {
  gateway::api::DeviceInfo d;
  d.endpoint = std::move(endpoint);
  d.registrationId = std::move(registrationId);
  d.lwm2mVersion = "1.1";
  d.binding = "U";
  d.lifetimeSeconds = 300;
  d.address = "127.0.0.1:40000";
  d.objectLinks = {{"/1/0", {}}, {"/3/0", {{"ver", "1.1"}}}};
  return d;
}

}  // namespace lwm2m::bridges::http::testing
