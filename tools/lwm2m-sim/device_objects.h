#pragma once
// The objects a simulated device exposes: Device (/3/0) and Temperature
// (/3303/0), with values that change over time like a real sensor's.

#include <cstdint>
#include <map>
#include <optional>
#include <string>

namespace lwm2m::sim {

struct ResourceValue {
  std::string text;  // text/plain representation (LwM2M 1.1 §7.3.1)
};

class DeviceObjects {
 public:
  DeviceObjects(std::string endpoint, std::uint32_t seed);

  // The value of /object/instance/resource at `unixSeconds`, or nullopt if the
  // device has no such resource.
  std::optional<ResourceValue> read(int object, int instance, int resource,
                                    std::int64_t unixSeconds) const;
  // Resource ids of an instance this device has, or empty if it has no such instance.
  std::map<int, ResourceValue> readInstance(int object, int instance, std::int64_t unixSeconds) const;

 private:
  double temperatureAt(std::int64_t unixSeconds) const;

  std::string endpoint_;
  std::uint32_t seed_;
};

}  // namespace lwm2m::sim
