#pragma once
// webhooks.targets in gateway.yaml: a list of maps, one per webhook.
//
//   webhooks:
//     targets:
//       - name: cloud                       # optional, default the URL
//         url: https://hooks.example.com/lwm2m
//         events: [registered, notification] # optional, default every kind
//         endpoint: "sim-*"                  # optional glob, default "*"
//         secret: "s3cret"                   # optional: X-Lwm2m-Signature
//         ca_file: /etc/ssl/hooks-ca.pem     # optional, https only
//         timeout_ms: 10000
//         headers: {Authorization: "Bearer abc"}
//
// Internal to the configuration loader (config_yaml.cc).

#include <yaml-cpp/yaml.h>

#include <string>
#include <vector>

#include "gateway/daemon/config.h"

namespace lwm2m::gateway {

// A problem at a node inside the list: `key` is appended to "webhooks.targets".
struct NestedProblem {
  YAML::Node at;
  std::string key;  // "[1].url"
  std::string problem;
};

// Reads the list into `into` (replacing it); returns every problem found.
std::vector<NestedProblem> loadWebhookTargets(const YAML::Node& list, std::vector<WebhookTargetConfig>& into);
// The list as --print-config shows it (reads back equal).
void emitWebhookTargets(YAML::Emitter& out, const std::vector<WebhookTargetConfig>& targets);

}  // namespace lwm2m::gateway
