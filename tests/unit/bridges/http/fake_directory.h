#pragma once
// A DeviceDirectory over a fixed list of devices, for the HTTP bridge tests.

#include <algorithm>
#include <vector>

#include "gateway/api/device_directory.h"
#include "gateway/api/device_ops.h"

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

// DeviceOps that stores nothing: every command is accepted at once as
// "q<n>" and recorded; queued() lists `waiting`; cancel() answers `cancelResult`.
class FakeDeviceOps : public gateway::api::DeviceOps {
 public:
  std::vector<gateway::api::Command> submitted;
  std::vector<gateway::api::QueuedCommand> waiting;
  std::optional<Error> refuse;  // submit fails with this
  Result<void> cancelResult = Result<void>();
  std::vector<std::string> cancelled;

  void submit(gateway::api::Command command, std::function<void(Result<std::string>)> accepted) override {
    if (refuse) return accepted(*refuse);
    submitted.push_back(std::move(command));
    accepted("q" + std::to_string(submitted.size()));
  }
  std::vector<gateway::api::QueuedCommand> queued(const std::string& endpoint) const override {
    std::vector<gateway::api::QueuedCommand> out;
    for (const auto& c : waiting) {
      if (c.command.endpoint == endpoint) out.push_back(c);
    }
    return out;
  }
  Result<void> cancel(const std::string& requestId) override {
    cancelled.push_back(requestId);
    return cancelResult;
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
