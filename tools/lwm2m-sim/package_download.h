#pragma once
// Pull mode of the Firmware Update object (5) on the simulated device: once
// the server writes a Package URI (/5/x/1), the device downloads the package
// itself with a CoAP GET, block by block (Block2, reassembled by the
// endpoint), as a real device does. Only coap://HOST:PORT/PATH with an IP
// literal host (IPv6 in brackets) is supported.

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "lwm2m/coap/endpoint.h"

namespace lwm2m::sim {

// Update Result values (/5/x/5) a download can end with.
inline constexpr std::int64_t kResultConnectionLost = 4;
inline constexpr std::int64_t kResultIntegrityFailure = 5;
inline constexpr std::int64_t kResultInvalidUri = 7;
inline constexpr std::int64_t kResultUnsupportedProtocol = 9;

struct DownloadResult {
  bool ok = false;
  std::vector<std::uint8_t> package;  // ok: the whole package
  std::int64_t updateResult = 0;      // !ok: the Update Result to report
  std::string error;                  // !ok: why, in words
};

// Sends the GET through `endpoint`; `done` gets the outcome (at once for a URI it cannot use).
void downloadPackage(coap::Endpoint& endpoint, const std::string& uri, std::function<void(DownloadResult)> done);

}  // namespace lwm2m::sim
