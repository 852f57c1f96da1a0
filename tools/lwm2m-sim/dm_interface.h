#pragma once
// The device side of the LwM2M Device Management and Information Reporting
// interfaces: turns the server's CoAP requests into operations on
// DeviceObjects and Observers and answers them as a client would (TS
// Transport §6.4): Read (TLV for 1.0, SenML JSON/CBOR or any format asked
// with Accept), Discover, Write (PUT replace / POST update), Write-Attributes,
// Execute, Create, Delete, Read-/Write-Composite, Observe and its cancel,
// Observe-Composite.

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "lwm2m/coap/message.h"
#include "lwm2m/coap/transport.h"
#include "tools/lwm2m-sim/device_objects.h"
#include "tools/lwm2m-sim/event_log.h"
#include "tools/lwm2m-sim/observers.h"

namespace lwm2m::sim {

class DmInterface {
 public:
  DmInterface(DeviceObjects& objects, Observers& observers, std::string version,
              std::string endpoint, EventLog& log);

  // The answer to `request` from `from`. Observe requests register the
  // observer (with now as its last notification time).
  coap::Message handle(const coap::Peer& from, const coap::Message& request,
                       std::chrono::steady_clock::time_point now);

  // The observer's current body in its format, and its value when it is one
  // numeric resource; nullopt when the observed node is gone.
  struct Snapshot {
    std::vector<std::uint8_t> body;
    std::optional<double> number;
  };
  std::optional<Snapshot> snapshot(const Observer& observer) const;

  // Called after an Execute of Firmware Update /5/0/2 was accepted.
  std::function<void()> onFirmwareUpdate;
  // Called after a Package URI (/5/x/1) was written (pull mode).
  std::function<void(model::InstanceId instance, const std::string& uri)> onPackageUri;

 private:
  coap::Message read(const model::Path& path, const coap::Message& request);
  coap::Message observe(const coap::Peer& from, const model::Path& path, const coap::Message& request,
                        std::chrono::steady_clock::time_point now);
  coap::Message discover(const model::Path& path);
  coap::Message write(const model::Path& path, const coap::Message& request, bool replace);
  void logFirmwarePackage(const model::Path& path, const model::Node& node);
  coap::Message create(const model::Path& path, const coap::Message& request);
  coap::Message fetch(const coap::Peer& from, const coap::Message& request,
                      std::chrono::steady_clock::time_point now);
  coap::Message patch(const coap::Message& request);
  std::uint16_t defaultFormat() const;

  DeviceObjects& objects_;
  Observers& observers_;
  std::string version_;
  std::string endpoint_;
  EventLog& log_;
};

}  // namespace lwm2m::sim
