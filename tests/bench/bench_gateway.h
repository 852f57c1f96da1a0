#pragma once
// The real lwm2m-gateway for a benchmark (LWM2M_GATEWAY_BIN, defined by the
// benchmark's .cmake): CoAP and HTTP on loopback ports, its data directory,
// log (gateway.log) and mapping (bench.yaml) in `dir`.

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "tests/support/process.h"

namespace lwm2m::testing {

// An uplink rule (for a mapping's `uplink:` list) that publishes each
// notification of /3303/+/5700 as JSON to lwm2m/{endpoint}/3303/{instance}/5700 at `qos`.
inline std::string temperatureNotificationRule(int qos) {
  return R"(  - match: {path: "/3303/+/5700", events: [notification]}
    topic: "lwm2m/{endpoint}/{object}/{instance}/{resource}"
    payload: json
    qos: )" + std::to_string(qos) + "\n";
}

inline Process startBenchGateway(const std::filesystem::path& dir, const std::string& brokerUri,
                                 std::uint16_t coapPort, std::uint16_t httpPort,
                                 const std::vector<std::string>& extraArgs = {}) {
  std::vector<std::string> argv{LWM2M_GATEWAY_BIN, "--coap", "127.0.0.1:" + std::to_string(coapPort), "--http",
                                "127.0.0.1:" + std::to_string(httpPort), "--mqtt", brokerUri, "--data-dir",
                                (dir / "data").string(), "--mapping", (dir / "bench.yaml").string()};
  argv.insert(argv.end(), extraArgs.begin(), extraArgs.end());
  return Process::start(argv, {(dir / "gateway.log").string()});
}

}  // namespace lwm2m::testing
