#pragma once
// What the bridges may know about a registered device. A plain value: copied
// out of the LwM2M server, never a reference into its state.

#include <chrono>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace lwm2m::gateway::api {

// One entry of the registration payload, e.g. </3/0> or </3303>;ver=1.1.
struct ObjectLink {
  std::string path;  // "/3/0", "/3303", "/" for the root link
  std::vector<std::pair<std::string, std::string>> attributes;  // unquoted values; "" when absent
};

struct DeviceInfo {
  std::string endpoint;        // ep= of the registration
  std::string registrationId;  // the {id} of Location-Path rd/{id}
  std::string lwm2mVersion;    // "1.0", "1.1" or "1.2"
  std::string binding;         // as sent: "U", "UQ", "T", ...
  bool queueMode = false;      // b=UQ (1.0) or Q (1.1+)
  std::uint32_t lifetimeSeconds = 0;
  std::string smsNumber;
  std::string address;         // "127.0.0.1:56830" or "[::1]:56830"
  std::string rootPath = "/";  // alternate root path from rt="oma.lwm2m", "/" if none
  std::vector<ObjectLink> objectLinks;
  std::chrono::system_clock::time_point registeredAt;
  std::chrono::system_clock::time_point lastUpdateAt;
  std::chrono::system_clock::time_point expiresAt;
};

}  // namespace lwm2m::gateway::api
