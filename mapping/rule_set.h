#pragma once
// The rules of a mapping: which events become which MQTT messages (uplink),
// which paths to observe when a device registers (observe), and which cloud
// messages become which device commands (downlink). A RuleSet is immutable:
// a reload builds a new one and the caller swaps it in only when it loaded.
//
// File format (YAML or JSON; every key except the topics has a default):
//   uplink:
//     - name: temperatures
//       enabled: true
//       match: {endpoint: "sensor-*", path: "/3303/+/5700", object: Temperature,
//               resource: "Sensor Value", events: [notification, send]}
//       topic: "lwm2m/{endpoint}/{object_name}/{instance}"
//       payload: json            # value | json | senml | tree | event | emqx
//       qos: 1                   # default 1; 0 is best effort, not kept while
//                                # the broker is unreachable
//       retain: true
//       transform: {scale: 0.1, offset: -40, round: 1, rename: temperature}
//   observe:
//     - match: {endpoint: "*", path: "/3303/+/5700"}
//       attributes: {pmin: 10, pmax: 300, st: 0.5}
//       composite: false
//   downlink:
//     - name: commands
//       topic: "lwm2m/{endpoint}/cmd/{op}"   # named wildcards; {op} names the operation
//       operation: write                     # when the topic has no {op}
//       path: "/{object}/{instance}/{resource}"  # when the payload names no path
//       payload: json                        # value | json | emqx
//       response_topic: "lwm2m/{endpoint}/cmd/result"
//       response_qos: 1
//       ttl: 3600

#include <optional>
#include <string>
#include <vector>

#include "lwm2m/operations/notification_attributes.h"
#include "mapping/device_command.h"
#include "mapping/device_event.h"
#include "mapping/patterns.h"
#include "mapping/payload_style.h"

namespace lwm2m::mapping {

// What a rule applies to; empty lists and strings match everything.
struct RuleMatch {
  std::string endpoint = "*";            // glob
  std::vector<PathPattern> paths;        // any of them
  std::string objectName;                // as the ObjectModel names it, case-insensitive
  std::string resourceName;
  std::vector<DeviceEventKind> events;
};

// Numeric transforms apply to Integer, Unsigned and Float values in the
// value, json and tree styles: v * scale + offset, then rounded to `round`
// decimals. `rename` replaces the resource name in payloads and in
// {resource_name}.
struct Transform {
  double scale = 1;
  double offset = 0;
  std::optional<int> round;
  std::string rename;
  bool numeric() const { return scale != 1 || offset != 0 || round.has_value(); }
};

struct UplinkRule {
  std::string name;
  std::string source;  // "file:line" of the rule, for messages and describe()
  bool enabled = true;
  RuleMatch match;
  std::string topic;
  PayloadStyle style = PayloadStyle::Json;
  int qos = 1;
  bool retain = false;
  Transform transform;
};

struct ObserveRule {
  std::string name;
  std::string source;
  bool enabled = true;
  RuleMatch match;  // endpoint and paths are used
  operations::NotificationAttributes attributes;
  bool composite = false;  // one Observe-Composite when the device is LwM2M 1.1+
};

struct DownlinkRule {
  std::string name;
  std::string source;
  bool enabled = true;
  TopicPattern topic;
  std::optional<Operation> operation;  // fixed operation, when the topic has no {op}
  std::string pathTemplate;            // e.g. "/{object}/{instance}/{resource}"
  PayloadStyle style = PayloadStyle::Json;
  std::string responseTopic;  // template; MQTT 5 Response Topic takes precedence
  int responseQos = 1;
  std::optional<std::uint32_t> ttlSeconds;
};

class RuleSet {
 public:
  RuleSet() = default;
  RuleSet(std::vector<UplinkRule> uplink, std::vector<ObserveRule> observe,
          std::vector<DownlinkRule> downlink, std::vector<std::string> files)
      : uplink_(std::move(uplink)), observe_(std::move(observe)), downlink_(std::move(downlink)),
        files_(std::move(files)) {}

  const std::vector<UplinkRule>& uplink() const { return uplink_; }
  const std::vector<ObserveRule>& observe() const { return observe_; }
  const std::vector<DownlinkRule>& downlink() const { return downlink_; }
  const std::vector<std::string>& files() const { return files_; }

  // MQTT subscription filters of the enabled downlink rules, without duplicates.
  std::vector<std::string> subscriptions() const;

 private:
  std::vector<UplinkRule> uplink_;
  std::vector<ObserveRule> observe_;
  std::vector<DownlinkRule> downlink_;
  std::vector<std::string> files_;
};

// Human-readable listing of every rule, for `--print-mapping`.
std::string describe(const RuleSet& rules);

}  // namespace lwm2m::mapping
