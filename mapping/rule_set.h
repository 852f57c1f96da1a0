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
//       batch: {max_messages: 100, max_delay_ms: 50}  # see Batch
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
//       validate: {type: float, min: 5, max: 30, one_of: [...]}  # written values
//   http:                                    # REST resources (aliases), see HttpAlias
//     - name: site-temperature
//       method: GET
//       path: "/api/v1/sites/{endpoint}/temperature"
//       operation: read
//       target: "/3303/0/5700"
//       payload: json
//       transform: {scale: 0.1, round: 1}

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "lwm2m/model/value.h"
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

// Several messages of an uplink rule gathered into one MQTT message
// (`batch: {max_messages: 100, max_delay_ms: 50}`): those with the same
// topic, published as one JSON array of their payloads (SenML packs joined
// into one pack) once `maxMessages` are gathered, the payloads reach
// kMaxBatchBytes, or `maxDelay` after the first. Only JSON styles, never
// retained; SenML only with {endpoint} in the topic (a pack names no device). Fewer, larger messages carry more values per second than one MQTT
// connection carries messages (docs/scaling.md).
struct Batch {
  std::uint32_t maxMessages = 0;  // 0: every message on its own
  std::chrono::milliseconds maxDelay{0};
  bool enabled() const { return maxMessages > 1; }
};
inline constexpr std::size_t kMaxBatchBytes = 256 * 1024;
inline constexpr std::uint32_t kMaxBatchMessages = 10000;
inline constexpr std::chrono::milliseconds kMaxBatchDelay{60000};

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
  Batch batch;
};

struct ObserveRule {
  std::string name;
  std::string source;
  bool enabled = true;
  RuleMatch match;  // endpoint and paths are used
  operations::NotificationAttributes attributes;
  bool composite = false;  // one Observe-Composite when the device is LwM2M 1.1+
};

// What a written value must be, checked before the command is accepted:
// its type (as the object model types it), numeric bounds, allowed values.
struct ValueCheck {
  std::optional<model::DataType> type;
  std::optional<double> min;  // inclusive, for numeric values
  std::optional<double> max;
  std::vector<std::string> oneOf;  // the value's text must be one of these
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
  std::optional<ValueCheck> validate;  // of written values
};

// One part of an alias's query: "?name={capture}" (required, captured) or
// "?name=literal" (required to be exactly that).
struct QueryField {
  std::string name;
  std::string capture;  // set for {capture}
  std::string literal;  // set otherwise
};

// An HTTP alias: a REST resource under /api/v1/ that performs one LwM2M
// operation on a target, e.g. GET /api/v1/sites/{endpoint}/temperature reads
// /3303/0/5700. Its method fits the operation (GET only reads, DELETE only
// deletes or cancels, PUT/PATCH only write); no two enabled aliases can answer
// the same method and path, and no alias a path of a built-in route
// (rest_routes.h).
// Matching and answers: mapping/http_alias.h.
struct HttpAlias {
  std::string name;
  std::string source;
  bool enabled = true;
  std::string method;     // "GET", "PUT", "PATCH", "POST" or "DELETE"
  std::string pathText;   // as written, query included
  TopicPattern path;      // '/'-separated levels, literal or {capture}
  std::vector<QueryField> query;
  Operation operation = Operation::Read;
  std::vector<std::string> targets;  // LwM2M path templates; several for composites
  PayloadStyle style = PayloadStyle::Json;  // of the request body and of the answer
  Transform transform;                       // of the answer's values
  std::optional<ValueCheck> validate;        // of written values
  std::string responseTopic;  // template: the result is also published there
  int responseQos = 1;
  std::optional<std::uint32_t> ttlSeconds;

  // True when the path or the query captures `name`.
  bool captures(std::string_view name) const;
};

class RuleSet {
 public:
  RuleSet() = default;
  RuleSet(std::vector<UplinkRule> uplink, std::vector<ObserveRule> observe,
          std::vector<DownlinkRule> downlink, std::vector<std::string> files,
          std::vector<HttpAlias> http = {})
      : uplink_(std::move(uplink)), observe_(std::move(observe)), downlink_(std::move(downlink)),
        http_(std::move(http)), files_(std::move(files)) {}

  const std::vector<UplinkRule>& uplink() const { return uplink_; }
  const std::vector<ObserveRule>& observe() const { return observe_; }
  const std::vector<DownlinkRule>& downlink() const { return downlink_; }
  const std::vector<HttpAlias>& http() const { return http_; }
  const std::vector<std::string>& files() const { return files_; }

  // MQTT subscription filters of the enabled downlink rules, without duplicates.
  std::vector<std::string> subscriptions() const;

  // Sections ("uplink", "observe", "downlink", "http") some file wrote as an
  // explicit empty list: no rules of that kind, on purpose.
  const std::vector<std::string>& emptiedSections() const { return emptied_; }
  void setEmptiedSections(std::vector<std::string> sections) { emptied_ = std::move(sections); }

 private:
  std::vector<UplinkRule> uplink_;
  std::vector<ObserveRule> observe_;
  std::vector<DownlinkRule> downlink_;
  std::vector<HttpAlias> http_;
  std::vector<std::string> files_;
  std::vector<std::string> emptied_;
};

// Human-readable listing of every rule, for `--print-mapping`.
std::string describe(const RuleSet& rules);

}  // namespace lwm2m::mapping
