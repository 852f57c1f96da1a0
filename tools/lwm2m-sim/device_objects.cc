#include "tools/lwm2m-sim/device_objects.h"

#include <cmath>
#include <cstdio>

namespace lwm2m::sim {
namespace {

std::string formatFloat(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f", v);
  return buf;
}

}  // namespace

DeviceObjects::DeviceObjects(std::string endpoint, std::uint32_t seed)
    : endpoint_(std::move(endpoint)), seed_(seed) {}

double DeviceObjects::temperatureAt(std::int64_t unixSeconds) const {
  // A slow sine around 21 °C with a per-device phase: values change, deterministically.
  const double phase = static_cast<double>(seed_ % 360) * M_PI / 180.0;
  return 21.0 + 4.0 * std::sin(phase + static_cast<double>(unixSeconds) / 60.0);
}

std::optional<ResourceValue> DeviceObjects::read(int object, int instance, int resource,
                                                 std::int64_t unixSeconds) const {
  if (instance != 0) return std::nullopt;
  if (object == 3) {
    switch (resource) {
      case 0: return ResourceValue{"Open LwM2M Simulator"};
      case 1: return ResourceValue{"lwm2m-sim"};
      case 2: return ResourceValue{"SN-" + endpoint_};
      case 3: return ResourceValue{"1.0.0"};
      case 9: return ResourceValue{std::to_string(80 + seed_ % 20)};  // battery level %
      case 10: return ResourceValue{"2048"};                            // memory free KiB
      case 11: return ResourceValue{"0"};                               // error code: no error
      case 13: return ResourceValue{std::to_string(unixSeconds)};       // current time
      case 16: return ResourceValue{"U"};                               // supported bindings
      case 17: return ResourceValue{"simulated"};                       // device type
      default: return std::nullopt;
    }
  }
  if (object == 3303) {
    switch (resource) {
      case 5700: return ResourceValue{formatFloat(temperatureAt(unixSeconds))};
      case 5701: return ResourceValue{"Cel"};
      case 5601: return ResourceValue{"17.00"};
      case 5602: return ResourceValue{"25.00"};
      default: return std::nullopt;
    }
  }
  return std::nullopt;
}

std::map<int, ResourceValue> DeviceObjects::readInstance(int object, int instance,
                                                         std::int64_t unixSeconds) const {
  std::map<int, ResourceValue> out;
  static const int kDevice[] = {0, 1, 2, 3, 9, 10, 11, 13, 16, 17};
  static const int kTemperature[] = {5601, 5602, 5700, 5701};
  if (object == 3) {
    for (int r : kDevice) {
      if (auto v = read(object, instance, r, unixSeconds)) out.emplace(r, *v);
    }
  } else if (object == 3303) {
    for (int r : kTemperature) {
      if (auto v = read(object, instance, r, unixSeconds)) out.emplace(r, *v);
    }
  }
  return out;
}

}  // namespace lwm2m::sim
