// gateway.yaml <-> GatewayConfig. One table of sections and keys drives both
// the loader and toYaml(), so the two cannot drift apart.
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <filesystem>
#include <limits>
#include <set>

#include "gateway/daemon/config.h"
#include "gateway/daemon/config_fields.h"
#include "gateway/daemon/http_config_yaml.h"
#include "gateway/daemon/webhook_config_yaml.h"

namespace lwm2m::gateway {
namespace {

using namespace config_fields;

struct Section {
  std::string_view name;
  std::vector<Field> fields;
};

// Empty, or an absolute path of an existing directory.
Problem checkDirectory(std::string_view value) {
  if (value.empty()) return std::nullopt;
  if (value.front() != '/') return std::string("must be an absolute path");
  std::error_code ec;
  if (!std::filesystem::is_directory(std::string(value), ec)) return std::string("is not a directory");
  return std::nullopt;
}

// Empty, or coap://HOST:PORT (IPv6 in brackets), no path.
Problem checkPullUri(std::string_view value) {
  if (value.empty()) return std::nullopt;
  constexpr std::string_view kScheme = "coap://";
  if (value.substr(0, kScheme.size()) != kScheme || value.size() == kScheme.size()) {
    return std::string("must be coap://HOST:PORT, the address devices reach this gateway's LwM2M port at");
  }
  if (value.substr(kScheme.size()).find('/') != std::string_view::npos) return std::string("must not have a path");
  return std::nullopt;
}

constexpr long long kUint32Max = std::numeric_limits<std::uint32_t>::max();

std::vector<Section> schema(GatewayConfig& c) {
  return {
      {"gateway", {stringField("id", c.gateway.id, checkGatewayId)}},
      {"coap",
       {boolField("enabled", c.coap.enabled),
        stringField("listen", c.coap.listen, checkListenAddress),
        durationField("ack_timeout_ms", c.coap.ackTimeout, 1, 600000),
        doubleField("ack_random_factor", c.coap.ackRandomFactor, 1.0, 10.0),
        integerField("max_retransmit", c.coap.maxRetransmit, 0, 20),
        blockSizeField("block_size", c.coap.blockSize),
        integerField("max_body_size", c.coap.maxBodySize, 1024, 64LL * 1024 * 1024),
        integerField("receive_buffer_kb", c.coap.receiveBufferKb, 0, 1024 * 1024),
        integerField("send_buffer_kb", c.coap.sendBufferKb, 0, 1024 * 1024)}},
      {"coaps",
       {boolField("enabled", c.coaps.enabled),
        stringField("listen", c.coaps.listen, checkListenAddress),
        stringField("cert_file", c.coaps.certFile, checkReadableFile),
        stringField("key_file", c.coaps.keyFile, checkReadableFile),
        stringField("ca_file", c.coaps.caFile, checkReadableFile),
        stringField("credentials_file", c.coaps.credentialsFile),
        durationField("handshake_timeout_s", c.coaps.handshakeTimeout, 1, 3600),
        durationField("idle_timeout_s", c.coaps.idleTimeout, 1, 30LL * 86400),
        integerField("max_sessions", c.coaps.maxSessions, 1, 10000000),
        integerField("max_handshakes", c.coaps.maxHandshakes, 1, 1000000)}},
      {"bootstrap",
       {boolField("enabled", c.bootstrap.enabled),
        stringField("listen", c.bootstrap.listen, checkListenAddress),
        stringField("listen_dtls", c.bootstrap.listenDtls,
                    [](std::string_view text) { return text.empty() ? std::nullopt : checkListenAddress(text); }),
        stringField("configs", c.bootstrap.configs),
        stringField("server_host", c.bootstrap.serverHost),
        integerField("lifetime_s", c.bootstrap.lifetimeSeconds, 1, kUint32Max),
        durationField("session_timeout_s", c.bootstrap.sessionTimeout, 1, 3600)}},
      {"lwm2m",
       {boolField("allow_plain_registration", c.lwm2m.allowPlainRegistration),
        boolField("strict_version", c.lwm2m.strictVersion),
        integerField("lifetime_grace_s", c.lwm2m.lifetimeGraceSeconds, 0, kUint32Max),
        integerField("min_lifetime_s", c.lwm2m.minLifetimeSeconds, 1, kUint32Max),
        integerField("max_lifetime_s", c.lwm2m.maxLifetimeSeconds, 1, kUint32Max),
        derivedSecondsField("awake_window_s", c.lwm2m.awakeWindowSeconds, 1, 86400),
        integerField("request_timeout_s", c.lwm2m.requestTimeoutSeconds, 1, 86400),
        integerField("overload_pending_writes", c.lwm2m.overloadPendingWrites, 0, 100000000),
        integerField("overload_receive_queue_percent", c.lwm2m.overloadReceiveQueuePercent, 0, 100),
        integerField("overload_receive_queue_retry_s", c.lwm2m.overloadReceiveQueueRetrySeconds, 1, 3600),
        integerField("overload_retry_s", c.lwm2m.overloadRetrySeconds, 1, 3600),
        stringListField("models", c.lwm2m.models, nonEmpty)}},
      {"queue",
       {stringListField("expected_endpoints", c.queue.expectedEndpoints, nonEmpty),
        integerField("max_id_bytes", c.queue.maxIdBytes, 1, 65535),
        integerField("max_string_bytes", c.queue.maxStringBytes, 1, 64LL * 1024 * 1024)}},
      {"http", httpFields(c.http)},
      {"events",
       {integerField("ring", c.events.ring, 0, 10000000),
        durationField("ring_max_age_s", c.events.ringMaxAge, 0, 30LL * 86400),
        durationField("heartbeat_s", c.events.heartbeat, 1, 3600),
        integerField("max_buffer_kb", c.events.maxBufferKb, 1, 1024 * 1024),
        integerField("max_streams", c.events.maxStreams, 1, 100000)}},
      {"webhooks",
       {integerField("outbox_limit", c.webhooks.outboxLimit, 1, 100000000),
        durationField("retry_min_ms", c.webhooks.retryMin, 1, 3600000),
        durationField("retry_max_ms", c.webhooks.retryMax, 1, 86400000),
        nestedField(
            "targets", [&c](const YAML::Node& node) { return loadWebhookTargets(node, c.webhooks.targets); },
            [&c](YAML::Emitter& out, Secrets secrets) { emitWebhookTargets(out, c.webhooks.targets, secrets); })}},
      {"mqtt",
       {stringField("uri", c.mqtt.uri, checkMqttUri),
        stringField("client_id", c.mqtt.clientId, nonEmpty),
        stringField("username", c.mqtt.username), secretField("password", c.mqtt.password),
        stringField("version", c.mqtt.version, checkMqttVersion),
        stringField("ca_file", c.mqtt.caFile, checkReadableFile),
        stringField("cert_file", c.mqtt.certFile, checkReadableFile),
        stringField("key_file", c.mqtt.keyFile, checkReadableFile),
        retiredField("event_topic",
                     "device events go to the topics the mapping rules choose (by default "
                     "lwm2m/{endpoint}/event/{event}); see deploy/mapping/README.md and "
                     "lwm2m-gateway --print-mapping"),
        stringField("status_topic", c.mqtt.statusTopic, checkStatusTopic),
        stringField("device_status_topic", c.mqtt.deviceStatusTopic, checkDeviceStatusTopic),
        integerField("qos", c.mqtt.qos, 0, 2, "must be 0, 1 or 2"),
        durationField("keepalive_s", c.mqtt.keepalive, 0, 65535),
        durationField("session_expiry_s", c.mqtt.sessionExpiry, 0, kUint32Max),
        durationField("reconnect_min_ms", c.mqtt.reconnectMin, 1, 3600000),
        durationField("reconnect_max_ms", c.mqtt.reconnectMax, 1, 3600000),
        integerField("outbox_limit", c.mqtt.outboxLimit, 1, 100000000),
        integerField("max_inflight", c.mqtt.maxInflight, 1, 65535),
        boolField("tcp_nodelay", c.mqtt.tcpNoDelay),
        boolField("required_for_ready", c.mqtt.requiredForReady)}},
      {"storage",
       {stringField("data_dir", c.storage.dataDir, nonEmpty),
        durationField("probe_interval_s", c.storage.probeInterval, 1, 3600),
        integerField("reserve_kb", c.storage.reserveKb, 0, 1LL << 30),
        integerField("max_size_kb", c.storage.maxSizeKb, 0, 1LL << 40),
        durationField("space_check_interval_ms", c.storage.spaceCheckInterval, 100, 3600000),
        stringField("on_damaged", c.storage.onDamaged, checkOnDamaged)}},
      {"firmware",
       {integerField("max_size", c.firmware.maxSize, 1024, 1LL << 30),
        durationField("retention_s", c.firmware.retention, 60, 365LL * 86400),
        stringField("allowed_dir", c.firmware.allowedDir, checkDirectory),
        boolField("allow_downloads", c.firmware.allowDownloads),
        stringField("ca_file", c.firmware.caFile, checkReadableFile),
        stringField("pull_uri", c.firmware.pullUri, checkPullUri)}},
      {"mapping",
       {stringField("path", c.mapping.path),
        durationField("watch_interval_ms", c.mapping.watchInterval, 0, 3600000),
        durationField("settle_ms", c.mapping.settle, 0, 600000),
        boolField("allow_empty", c.mapping.allowEmpty)}},
      {"logging", {stringField("level", c.logging.level, checkLogLevel)}},
  };
}

class Loader {
 public:
  explicit Loader(std::string_view fileName) : fields_(fileName) {}

  Result<GatewayConfig> load(std::string_view text) {
    auto root = fields_.parse(text);
    if (!root) return fail(fields_.errors());
    if (root->IsNull()) return config_;
    if (!root->IsMap()) {
      return fail(fields_.file() + ":" + FieldLoader::line(*root) +
                  ": expected a map of sections (gateway, coap, coaps, bootstrap, lwm2m, queue, http, events, webhooks, mqtt, storage, "
                  "firmware, mapping, logging), got " + describe(*root));
    }
    auto sections = schema(config_);
    std::set<std::string> seen;
    for (const auto& entry : *root) {
      const std::string name = entry.first.Scalar();
      auto section = std::find_if(sections.begin(), sections.end(),
                                  [&](const Section& s) { return s.name == name; });
      if (section == sections.end()) {
        std::vector<std::string_view> names;
        for (const auto& s : sections) names.push_back(s.name);
        fields_.report(entry.first, name, unknown("section", name, names));
      } else if (!seen.insert(name).second) {
        fields_.report(entry.first, name, "appears twice");
      } else {
        fields_.loadFields(section->fields, entry.second, name + ".");
      }
    }
    for (const auto& problem : crossCheck(config_)) fields_.reportNamingKey(problem);
    if (fields_.failed()) return fail(fields_.errors());
    return config_;
  }

 private:
  FieldLoader fields_;
  GatewayConfig config_;
};

}  // namespace

Result<GatewayConfig> loadConfigText(std::string_view yaml, std::string_view fileName) {
  return Loader(fileName).load(yaml);
}

Result<GatewayConfig> loadConfigFile(const std::string& path) {
  auto text = readConfigFile(path);
  if (!text) return text.error();
  return loadConfigText(*text, path);
}

std::string toYaml(const GatewayConfig& config, Secrets secrets) {
  GatewayConfig copy = config;  // schema() binds to a mutable config; only read here
  YAML::Emitter out;
  out << YAML::BeginMap;
  for (const auto& section : schema(copy)) {
    out << YAML::Key << std::string(section.name) << YAML::Value << YAML::BeginMap;
    emitFields(out, section.fields, secrets);
    out << YAML::EndMap;
  }
  out << YAML::EndMap;
  return std::string(out.c_str()) + "\n";
}

}  // namespace lwm2m::gateway
