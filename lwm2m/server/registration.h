#pragma once
// A device's registration as the LwM2M server keeps it (Registration Interface,
// LwM2M TS Core §6.2 / §5.3).

#include <chrono>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "lwm2m/coap/transport.h"
#include "lwm2m/formats/link_format.h"
#include "lwm2m/server/object_links.h"

namespace lwm2m::server {

struct Registration {
  std::string endpoint;        // ep=
  std::string id;              // the {id} of Location-Path rd/{id}
  std::string version;         // "1.0", "1.1" or "1.2"
  std::string binding;         // b= as sent (default "U")
  bool queueMode = false;      // b=UQ (1.0) or Q (1.1+)
  std::uint32_t lifetime = 0;  // seconds
  std::string smsNumber;
  std::string rootPath = "/";  // alternate root path announced with rt="oma.lwm2m"
  ObjectLinks objectLinks;  // every link of the payload, root link included (shared, object_links.h)
  std::vector<std::pair<std::string, std::string>> extraParameters;  // unknown query params
  coap::Peer peer;             // where requests for this device go; rebinds on Update
  std::chrono::system_clock::time_point registeredAt;
  std::chrono::system_clock::time_point lastUpdateAt;
  std::chrono::steady_clock::time_point expiresAt;  // lastUpdate + lifetime + grace
};

}  // namespace lwm2m::server
