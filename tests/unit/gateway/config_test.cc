#include "gateway/daemon/config.h"

#include <gtest/gtest.h>

#include <fstream>

namespace lwm2m::gateway {
namespace {

using namespace std::chrono_literals;

std::string errorsOf(std::string_view yaml) {
  auto loaded = loadConfigText(yaml, "gateway.yaml");
  EXPECT_FALSE(loaded.ok()) << yaml;
  return loaded.ok() ? "" : loaded.error().message;
}

TEST(Config, EmptyTextGivesTheDefaults) {
  auto loaded = loadConfigText("", "gateway.yaml");
  ASSERT_TRUE(loaded.ok());
  const GatewayConfig& c = *loaded;
  EXPECT_EQ(c, GatewayConfig{});
  EXPECT_EQ(c.coap.listen, "0.0.0.0:5683");
  EXPECT_EQ(c.coap.ackTimeout, 2000ms);
  EXPECT_DOUBLE_EQ(c.coap.ackRandomFactor, 1.5);
  EXPECT_EQ(c.coap.maxRetransmit, 4u);
  EXPECT_EQ(c.coap.blockSize, 1024u);
  EXPECT_EQ(c.coap.maxBodySize, 1024u * 1024u);
  EXPECT_FALSE(c.lwm2m.strictVersion);
  EXPECT_EQ(c.http.listen, "127.0.0.1:8080");
  EXPECT_EQ(c.mqtt.uri, "tcp://127.0.0.1:1883");
  EXPECT_EQ(c.mqtt.clientId, "lwm2m-gateway");
  EXPECT_EQ(c.mqtt.qos, 1);
  EXPECT_EQ(c.mqtt.keepalive, 30s);
  EXPECT_EQ(c.mqtt.reconnectMin, 500ms);
  EXPECT_EQ(c.mqtt.reconnectMax, 5000ms);
  EXPECT_EQ(c.mqtt.outboxLimit, 100000u);
  EXPECT_EQ(c.mqtt.maxInflight, 100u);
  EXPECT_EQ(c.mqtt.version, "5");
  EXPECT_EQ(c.mqtt.sessionExpiry, 3600s);
  EXPECT_EQ(c.mqtt.statusTopic, "lwm2m-gateway/{gateway}/status");
  EXPECT_EQ(c.mqtt.deviceStatusTopic, "lwm2m/{endpoint}/status");
  EXPECT_EQ(c.gateway.id, defaultGatewayId());
  EXPECT_FALSE(c.gateway.id.empty());
  EXPECT_EQ(c.storage.dataDir, "/var/lib/lwm2m-gateway");
  EXPECT_EQ(c.mapping.path, "");
  EXPECT_EQ(c.mapping.watchInterval, 2000ms);
  EXPECT_EQ(c.mapping.settle, 1000ms);
  EXPECT_FALSE(c.mapping.allowEmpty);
  EXPECT_EQ(c.queue.maxIdBytes, 256u);
  EXPECT_EQ(c.queue.maxStringBytes, 65536u);
  EXPECT_EQ(c.logging.level, "info");
}

TEST(Config, ReadsTheMappingReloadAndCommandLimitKeys) {
  auto loaded = loadConfigText(
      "mapping:\n  watch_interval_ms: 0\n  settle_ms: 250\n  allow_empty: true\n"
      "queue:\n  max_id_bytes: 64\n  max_string_bytes: 1024\n",
      "gateway.yaml");
  ASSERT_TRUE(loaded.ok()) << loaded.error().message;
  EXPECT_EQ(loaded->mapping.watchInterval, 0ms);
  EXPECT_EQ(loaded->mapping.settle, 250ms);
  EXPECT_TRUE(loaded->mapping.allowEmpty);
  EXPECT_EQ(loaded->queue.maxIdBytes, 64u);
  EXPECT_EQ(loaded->queue.maxStringBytes, 1024u);
  auto bad = loadConfigText("queue:\n  max_id_bytes: 0\nmapping:\n  settle_ms: -1\n", "gateway.yaml");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().message.find("gateway.yaml:2: queue.max_id_bytes: must be between 1 and 65535"),
            std::string::npos)
      << bad.error().message;
  EXPECT_NE(bad.error().message.find("gateway.yaml:4: mapping.settle_ms"), std::string::npos) << bad.error().message;
}

TEST(Config, ReadsEveryKindOfValue) {
  auto loaded = loadConfigText(R"(
coap:
  listen: "[::]:15683"
  ack_timeout_ms: 1500
  ack_random_factor: 1.25
  max_retransmit: 2
  block_size: 256
  max_body_size: 65536
lwm2m:
  strict_version: true
  lifetime_grace_s: 10
mqtt:
  uri: mqtts://broker.example.com:8883
  username: gw
  password: "12345"
  qos: 2
  keepalive_s: 0
storage:
  data_dir: /tmp/gw
mapping:
logging:
  level: debug
)",
                               "gateway.yaml");
  ASSERT_TRUE(loaded.ok()) << loaded.error().message;
  EXPECT_EQ(loaded->coap.listen, "[::]:15683");
  EXPECT_EQ(loaded->coap.ackTimeout, 1500ms);
  EXPECT_DOUBLE_EQ(loaded->coap.ackRandomFactor, 1.25);
  EXPECT_EQ(loaded->coap.maxRetransmit, 2u);
  EXPECT_EQ(loaded->coap.blockSize, 256u);
  EXPECT_EQ(loaded->coap.maxBodySize, 65536u);
  EXPECT_TRUE(loaded->lwm2m.strictVersion);
  EXPECT_EQ(loaded->lwm2m.lifetimeGraceSeconds, 10u);
  EXPECT_EQ(loaded->mqtt.uri, "mqtts://broker.example.com:8883");
  EXPECT_EQ(loaded->mqtt.username, "gw");
  EXPECT_EQ(loaded->mqtt.password, "12345");
  EXPECT_EQ(loaded->mqtt.qos, 2);
  EXPECT_EQ(loaded->mqtt.keepalive, 0s);
  EXPECT_EQ(loaded->storage.dataDir, "/tmp/gw");
  EXPECT_EQ(loaded->logging.level, "debug");
  EXPECT_EQ(loaded->http.listen, "127.0.0.1:8080");  // untouched section keeps defaults
}

TEST(Config, JsonFilesWorkToo) {
  auto loaded = loadConfigText(
      "{\"mqtt\": {\"qos\": 0, \"uri\": \"ssl://b:8883\"},\n \"lwm2m\": {\"strict_version\": true}}",
      "gateway.json");
  ASSERT_TRUE(loaded.ok()) << loaded.error().message;
  EXPECT_EQ(loaded->mqtt.qos, 0);
  EXPECT_EQ(loaded->mqtt.uri, "ssl://b:8883");
  EXPECT_TRUE(loaded->lwm2m.strictVersion);
  EXPECT_EQ(errorsOf("{\"mqtt\":\n {\"qos\": 7}}"),
            "gateway.yaml:2: mqtt.qos: must be 0, 1 or 2 (got 7)");
}

TEST(Config, RestCallSettings) {
  auto loaded = loadConfigText(
      "http:\n  request_timeout_s: 5\n  finished_requests: 50\n  value_cache_entries: 7\n"
      "  value_cache_persist: true\n  value_cache_save_s: 5\n  finished_requests_max_age_s: 90\n",
      "gateway.yaml");
  ASSERT_TRUE(loaded.ok()) << loaded.error().message;
  EXPECT_EQ(loaded->http.requestTimeout, 5s);
  EXPECT_EQ(loaded->http.finishedRequests, 50u);
  EXPECT_EQ(loaded->http.finishedRequestsMaxAge, 90s);
  EXPECT_EQ(GatewayConfig{}.http.finishedRequestsMaxAge, 3600s);
  EXPECT_EQ(loaded->http.valueCacheEntries, 7u);
  EXPECT_TRUE(loaded->http.valueCachePersist);
  EXPECT_EQ(loaded->http.valueCacheSave, 5s);
  EXPECT_FALSE(GatewayConfig{}.http.valueCachePersist);
  EXPECT_EQ(GatewayConfig{}.http.requestTimeout, 30s);
  EXPECT_EQ(errorsOf("http:\n  request_timeout_s: 0\n"),
            "gateway.yaml:2: http.request_timeout_s: must be between 1 and 3600 (got 0)");
  EXPECT_EQ(errorsOf("http:\n\n  value_cache_entries: 0\n"),
            "gateway.yaml:3: http.value_cache_entries: must be between 1 and 10000000 (got 0)");
  EXPECT_EQ(errorsOf("http:\n  finished_requests_max_age_s: 2592001\n"),
            "gateway.yaml:2: http.finished_requests_max_age_s: must be between 0 and 2592000 (got 2592001)");
  EXPECT_EQ(errorsOf("http:\n  value_cache_save_s: 0\n"),
            "gateway.yaml:2: http.value_cache_save_s: must be between 1 and 3600 (got 0)");
}

TEST(Config, BadValueNamesFileLineAndKey) {
  EXPECT_EQ(errorsOf("# comment\nmqtt:\n  uri: tcp://h:1\n\n\n\n  qos: 5\n"),
            "gateway.yaml:7: mqtt.qos: must be 0, 1 or 2 (got 5)");
}

TEST(Config, ReportsEveryErrorNotOnlyTheFirst) {
  const std::string errors = errorsOf(R"(coap:
  listen: "0.0.0.0:99999"
  ack_timeout_ms: soon
http:
  listen: localhost
mqtt:
  uri: http://broker:1883
  qoss: 1
  event_topic: "a/+/b"
logging:
  level: verbose
)");
  EXPECT_NE(errors.find("gateway.yaml:2: coap.listen: port '99999' is not a number from 0 to 65535"),
            std::string::npos) << errors;
  EXPECT_NE(errors.find("gateway.yaml:3: coap.ack_timeout_ms: expected an integer (got 'soon')"),
            std::string::npos) << errors;
  EXPECT_NE(errors.find("gateway.yaml:5: http.listen: missing ':PORT'"), std::string::npos)
      << errors;
  EXPECT_NE(errors.find("gateway.yaml:7: mqtt.uri: unsupported scheme 'http'"), std::string::npos)
      << errors;
  EXPECT_NE(errors.find("gateway.yaml:8: mqtt.qoss: unknown key, did you mean 'qos'?"),
            std::string::npos) << errors;
  EXPECT_NE(errors.find("gateway.yaml:9: mqtt.event_topic: no longer a setting: device events go "
                        "to the topics the mapping rules choose"),
            std::string::npos) << errors;
  EXPECT_NE(errors.find("gateway.yaml:11: logging.level: must be trace, debug, info, warn, error "
                        "or off (got 'verbose')"),
            std::string::npos) << errors;
  EXPECT_EQ(std::count(errors.begin(), errors.end(), '\n'), 6) << errors;
}

TEST(Config, WrongTypesAreErrors) {
  const std::string errors = errorsOf(R"(coap:
  max_retransmit: [1, 2]
lwm2m:
  strict_version: maybe
mqtt:
  client_id: {a: b}
  outbox_limit: -1
  reconnect_min_ms: 2.5
)");
  EXPECT_NE(errors.find("gateway.yaml:2: coap.max_retransmit: expected an integer (got a list)"),
            std::string::npos) << errors;
  EXPECT_NE(errors.find("gateway.yaml:4: lwm2m.strict_version: expected true or false (got 'maybe')"),
            std::string::npos) << errors;
  EXPECT_NE(errors.find("gateway.yaml:6: mqtt.client_id: expected a string (got a map)"),
            std::string::npos) << errors;
  EXPECT_NE(errors.find("gateway.yaml:7: mqtt.outbox_limit: must be between 1 and"),
            std::string::npos) << errors;
  EXPECT_NE(errors.find("gateway.yaml:8: mqtt.reconnect_min_ms: expected an integer (got '2.5')"),
            std::string::npos) << errors;
}

TEST(Config, UnknownSectionsDuplicatesAndBadShapes) {
  EXPECT_EQ(errorsOf("mqt:\n  qos: 1\n"),
            "gateway.yaml:1: mqt: unknown section, did you mean 'mqtt'? (expected one of: gateway, "
            "coap, coaps, bootstrap, lwm2m, queue, http, events, webhooks, mqtt, storage, firmware, mapping, logging)");
  EXPECT_EQ(errorsOf("mqtt:\n  qos: 1\n  qos: 2\n"), "gateway.yaml:3: mqtt.qos: appears twice");
  EXPECT_EQ(errorsOf("mqtt: 5\n"), "gateway.yaml:1: mqtt: expected a map of keys (got '5')");
  EXPECT_NE(errorsOf("- a\n- b\n").find("gateway.yaml:1: expected a map of sections"),
            std::string::npos);
  EXPECT_NE(errorsOf("mqtt:\n  qos: [1\n").find("gateway.yaml:"), std::string::npos);
}

TEST(Config, CrossChecksNameTheKeyLine) {
  EXPECT_EQ(errorsOf("lwm2m:\n  min_lifetime_s: 100\n  max_lifetime_s: 10\n"),
            "gateway.yaml:2: lwm2m.min_lifetime_s: must not exceed lwm2m.max_lifetime_s (100 > 10)");
  EXPECT_EQ(errorsOf("mqtt:\n  keepalive_s: 5\n  reconnect_max_ms: 100\n"),
            "gateway.yaml:3: mqtt.reconnect_min_ms: must not exceed mqtt.reconnect_max_ms "
            "(500 > 100)");
}

TEST(Config, TlsFilesMustExistAndNeedATlsUri) {
  const std::string ca = ::testing::TempDir() + "config_test_ca.pem";
  const std::string cert = ::testing::TempDir() + "config_test_cert.pem";
  std::ofstream(ca) << "-----BEGIN CERTIFICATE-----\n";
  std::ofstream(cert) << "-----BEGIN CERTIFICATE-----\n";
  auto loaded = loadConfigText("mqtt:\n  uri: mqtts://b:8883\n  ca_file: " + ca +
                                   "\n  cert_file: " + cert + "\n  key_file: " + cert + "\n",
                               "gateway.yaml");
  ASSERT_TRUE(loaded.ok()) << loaded.error().message;
  EXPECT_EQ(loaded->mqtt.caFile, ca);
  EXPECT_EQ(loaded->mqtt.certFile, cert);

  EXPECT_EQ(errorsOf("mqtt:\n  uri: ssl://b:8883\n  ca_file: /nonexistent/ca.pem\n"),
            "gateway.yaml:3: mqtt.ca_file: no such file '/nonexistent/ca.pem'");
  EXPECT_EQ(errorsOf("mqtt:\n  ca_file: " + ca + "\n"),
            "gateway.yaml:2: mqtt.ca_file: only used with ssl://, mqtts:// or wss:// (mqtt.uri "
            "is 'tcp://127.0.0.1:1883')");
  EXPECT_EQ(errorsOf("mqtt:\n  uri: ssl://b:8883\n  cert_file: " + cert + "\n"),
            "gateway.yaml:3: mqtt.cert_file: needs mqtt.key_file, the client's private key");
}

TEST(Config, ListenAddresses) {
  auto v4 = parseListenAddress("0.0.0.0:5683");
  ASSERT_TRUE(v4.ok());
  EXPECT_EQ(v4->host, "0.0.0.0");
  EXPECT_EQ(v4->port, 5683);
  auto v6 = parseListenAddress("[::1]:0");
  ASSERT_TRUE(v6.ok());
  EXPECT_EQ(v6->host, "::1");
  EXPECT_EQ(v6->port, 0);
  EXPECT_FALSE(parseListenAddress("::1:5683").ok());
  EXPECT_FALSE(parseListenAddress("[::1]5683").ok());
  EXPECT_FALSE(parseListenAddress("[nope]:5683").ok());
  EXPECT_FALSE(parseListenAddress("1.2.3.4:").ok());
  EXPECT_FALSE(parseListenAddress("1.2.3.4:65536").ok());
  EXPECT_FALSE(parseListenAddress("1.2.3.4:-1").ok());
  EXPECT_FALSE(parseListenAddress("host.example:80").ok());
}

TEST(Config, TextThatIsNotUtf8IsRefusedWithItsLine) {
  const std::string errors = errorsOf("mqtt:\n  username: \"caf\xe9\"\n");
  EXPECT_EQ(errors, "gateway.yaml:2: not UTF-8 text");
}

TEST(Config, MqttUris) {
  for (const char* ok : {"tcp://127.0.0.1:1883", "ssl://b:8883", "mqtt://b", "mqtts://b:8883",
                         "ws://b:80/mqtt", "wss://[::1]:443/mqtt", "tcp://[::1]:1883"}) {
    EXPECT_FALSE(checkMqttUri(ok).has_value()) << ok;
  }
  for (const char* bad : {"127.0.0.1:1883", "http://b:80", "tcp://:1883", "tcp://b:0",
                          "tcp://b:70000", "tcp://b:1883/path", "tcp://[::1",
                          "ssl://10.0.0.1:8883 q]:5", "tcp://a b:1883", "tcp://::1:1883"}) {
    EXPECT_TRUE(checkMqttUri(bad).has_value()) << bad;
  }
  EXPECT_EQ(checkMqttUri("tcp://::1:1883").value_or(""),
            "host '::1' is not a host name or IP address (an IPv6 address goes in brackets: "
            "tcp://[::1]:1883)");
}

TEST(Config, BlockSizeAndBodyLimitAreChecked) {
  const std::string errors = errorsOf(R"(coap:
  block_size: 100
  max_body_size: 512
)");
  EXPECT_NE(errors.find("gateway.yaml:2: coap.block_size: must be 16, 32, 64, 128, 256, 512 or 1024 (got 100)"),
            std::string::npos) << errors;
  EXPECT_NE(errors.find("gateway.yaml:3: coap.max_body_size: must be between 1024 and 67108864 (got 512)"),
            std::string::npos) << errors;
  EXPECT_NE(errorsOf("coap:\n  block_size: 2048\n").find("coap.block_size: must be 16"), std::string::npos);
  EXPECT_NE(errorsOf("coap:\n  block_size: big\n").find("coap.block_size: expected an integer (got 'big')"),
            std::string::npos);
  EXPECT_TRUE(loadConfigText("coap:\n  block_size: 16\n  max_body_size: 1024\n", "gateway.yaml").ok());
}

TEST(Config, StatusTopicPlaceholders) {
  EXPECT_FALSE(checkDeviceStatusTopic("site/{endpoint}/status").has_value());
  EXPECT_FALSE(checkDeviceStatusTopic("").has_value()) << "empty: no device status";
  EXPECT_EQ(checkDeviceStatusTopic("a/{device}").value_or(""),
            "unknown placeholder {device} (expected {endpoint})");
  EXPECT_TRUE(checkDeviceStatusTopic("a/{endpoint").has_value());
  EXPECT_FALSE(checkStatusTopic("gw/{gateway}/status").has_value());
  EXPECT_TRUE(checkStatusTopic("gw/{endpoint}").has_value());
}

TEST(Config, PrintedYamlLoadsBackToTheSameConfig) {
  GatewayConfig c;
  c.coap.listen = "[::]:5684";
  c.coap.ackRandomFactor = 1.1;
  c.coap.blockSize = 64;
  c.coap.maxBodySize = 300000;
  c.lwm2m.strictVersion = true;
  c.mqtt.username = "null";
  c.mqtt.password = "p: #'\"x\n";
  c.mqtt.deviceStatusTopic = "x/{endpoint}";
  c.mapping.path = "~";
  c.lwm2m.models = {"/etc/lwm2m-gateway/models", "vendor 'x'.xml"};
  c.logging.level = "off";
  for (const GatewayConfig& config : {GatewayConfig{}, c}) {
    const std::string yaml = toYaml(config);
    auto back = loadConfigText(yaml, "printed.yaml");
    ASSERT_TRUE(back.ok()) << back.error().message << "\n" << yaml;
    EXPECT_EQ(*back, config) << yaml;
  }
}

TEST(Config, ModelsAreAListOfPaths) {
  auto list = loadConfigText("lwm2m:\n  models: [\"/etc/m\", vendor.xml]\n", "gateway.yaml");
  ASSERT_TRUE(list.ok()) << list.error().message;
  EXPECT_EQ(list->lwm2m.models, (std::vector<std::string>{"/etc/m", "vendor.xml"}));
  auto one = loadConfigText("lwm2m:\n  models: /etc/m\n", "gateway.yaml");
  ASSERT_TRUE(one.ok());
  EXPECT_EQ(one->lwm2m.models, (std::vector<std::string>{"/etc/m"}));
  EXPECT_EQ(errorsOf("lwm2m:\n  models: {a: 1}\n"), "gateway.yaml:2: lwm2m.models: expected a list of strings (got a map)");
  EXPECT_EQ(errorsOf("lwm2m:\n  models:\n    - [x]\n"),
            "gateway.yaml:2: lwm2m.models: expected a list of strings (got a list in it)");
}

TEST(Config, MissingFileIsAClearError) {
  auto loaded = loadConfigFile("/nonexistent/gateway.yaml");
  ASSERT_FALSE(loaded.ok());
  EXPECT_EQ(loaded.error().message, "/nonexistent/gateway.yaml: cannot open: No such file or directory");
  auto dir = loadConfigFile("/tmp");
  ASSERT_FALSE(dir.ok());
  EXPECT_NE(dir.error().message.find("is a directory"), std::string::npos);
}

TEST(Config, GatewayIdAndMqttLinkKeys) {
  auto loaded = loadConfigText(R"(gateway:
  id: edge-17
mqtt:
  version: "3.1.1"
  status_topic: "site/{gateway}/state"
  device_status_topic: ""
  session_expiry_s: 0
  outbox_limit: 5
  max_inflight: 2
)", "gateway.yaml");
  ASSERT_TRUE(loaded.ok()) << loaded.error().message;
  EXPECT_EQ(loaded->gateway.id, "edge-17");
  EXPECT_EQ(loaded->mqtt.version, "3.1.1");
  EXPECT_EQ(loaded->mqtt.statusTopic, "site/{gateway}/state");
  EXPECT_EQ(loaded->mqtt.deviceStatusTopic, "");
  EXPECT_EQ(loaded->mqtt.sessionExpiry, 0s);
  EXPECT_EQ(loaded->mqtt.outboxLimit, 5u);
  EXPECT_EQ(loaded->mqtt.maxInflight, 2u);
  // --print-config shows them and reads back the same.
  const std::string yaml = toYaml(*loaded);
  EXPECT_NE(yaml.find("id: \"edge-17\""), std::string::npos) << yaml;
  auto again = loadConfigText(yaml, "printed.yaml");
  ASSERT_TRUE(again.ok()) << again.error().message;
  EXPECT_EQ(*again, *loaded);
}

TEST(Config, ReadinessKeys) {
  auto loaded = loadConfigText("mqtt:\n  required_for_ready: false\nstorage:\n  probe_interval_s: 30\n",
                               "gateway.yaml");
  ASSERT_TRUE(loaded.ok()) << loaded.error().message;
  EXPECT_FALSE(loaded->mqtt.requiredForReady);
  EXPECT_EQ(loaded->storage.probeInterval, 30s);
  EXPECT_TRUE(GatewayConfig{}.mqtt.requiredForReady);
  EXPECT_EQ(GatewayConfig{}.storage.probeInterval, 10s);
  const std::string yaml = toYaml(*loaded);
  EXPECT_NE(yaml.find("required_for_ready: false"), std::string::npos) << yaml;
  EXPECT_NE(yaml.find("probe_interval_s: 30"), std::string::npos) << yaml;

  const std::string errors = errorsOf("mqtt:\n  required_for_ready: maybe\nstorage:\n  probe_interval_s: 0\n");
  EXPECT_NE(errors.find("gateway.yaml:2: mqtt.required_for_ready:"), std::string::npos) << errors;
  EXPECT_NE(errors.find("gateway.yaml:4: storage.probe_interval_s: must be between 1 and 3600"),
            std::string::npos)
      << errors;
}

TEST(Config, MqttTcpNodelayIsOnByDefaultAndCanBeTurnedOff) {
  EXPECT_TRUE(GatewayConfig{}.mqtt.tcpNoDelay);
  auto loaded = loadConfigText("mqtt:\n  tcp_nodelay: false\n", "gateway.yaml");
  ASSERT_TRUE(loaded.ok()) << loaded.error().message;
  EXPECT_FALSE(loaded->mqtt.tcpNoDelay);
  EXPECT_NE(toYaml(*loaded).find("tcp_nodelay: false"), std::string::npos) << toYaml(*loaded);
  EXPECT_NE(toYaml(GatewayConfig{}).find("tcp_nodelay: true"), std::string::npos);
  const std::string errors = errorsOf("mqtt:\n  tcp_nodelay: sometimes\n");
  EXPECT_NE(errors.find("gateway.yaml:2: mqtt.tcp_nodelay:"), std::string::npos) << errors;
}

TEST(Config, StorageReserveSizeLimitAndDamagedDatabaseKeys) {
  auto loaded = loadConfigText(
      "storage:\n  reserve_kb: 1024\n  max_size_kb: 65536\n  space_check_interval_ms: 250\n  on_damaged: refuse\n",
      "gateway.yaml");
  ASSERT_TRUE(loaded.ok()) << loaded.error().message;
  EXPECT_EQ(loaded->storage.reserveKb, 1024u);
  EXPECT_EQ(loaded->storage.maxSizeKb, 65536u);
  EXPECT_EQ(loaded->storage.spaceCheckInterval, 250ms);
  EXPECT_EQ(loaded->storage.onDamaged, "refuse");
  EXPECT_EQ(GatewayConfig{}.storage.onDamaged, "move_aside");
  const std::string yaml = toYaml(*loaded);
  EXPECT_NE(yaml.find("on_damaged: \"refuse\""), std::string::npos) << yaml;
  EXPECT_NE(yaml.find("max_size_kb: 65536"), std::string::npos) << yaml;

  const std::string errors =
      errorsOf("storage:\n  on_damaged: delete\n  space_check_interval_ms: 5\n  reserve_kb: -1\n");
  EXPECT_NE(errors.find("gateway.yaml:2: storage.on_damaged: must be move_aside or refuse (got 'delete')"),
            std::string::npos) << errors;
  EXPECT_NE(errors.find("gateway.yaml:3: storage.space_check_interval_ms: must be between 100 and 3600000"),
            std::string::npos) << errors;
  EXPECT_NE(errors.find("gateway.yaml:4: storage.reserve_kb: must be between 0 and"), std::string::npos) << errors;

  const std::string tooBig = errorsOf("storage:\n  max_size_kb: 4096\n  reserve_kb: 8192\n");
  EXPECT_NE(tooBig.find("gateway.yaml:3: storage.reserve_kb: must be smaller than storage.max_size_kb (8192 >= 4096)"),
            std::string::npos) << tooBig;
}

TEST(Config, BadMqttLinkValuesAreNamed) {
  const std::string errors = errorsOf(R"(gateway:
  id: ""
mqtt:
  version: 4
  status_topic: "gw/{endpoint}/status"
  device_status_topic: "dev/+/status"
  max_inflight: 0
)");
  EXPECT_NE(errors.find("gateway.yaml:2: gateway.id: must not be empty"), std::string::npos)
      << errors;
  EXPECT_NE(errors.find("gateway.yaml:4: mqtt.version: must be \"5\" or \"3.1.1\" (got '4')"),
            std::string::npos) << errors;
  EXPECT_NE(errors.find("gateway.yaml:5: mqtt.status_topic: unknown placeholder {endpoint} "
                        "(expected {gateway})"),
            std::string::npos) << errors;
  EXPECT_NE(errors.find("gateway.yaml:6: mqtt.device_status_topic: must not contain the "
                        "wildcards"),
            std::string::npos) << errors;
  EXPECT_NE(errors.find("gateway.yaml:7: mqtt.max_inflight: must be between 1 and 65535"),
            std::string::npos) << errors;
}

TEST(Config, ShippedGatewayYamlDocumentsTheDefaults) {
  const std::string path = std::string(LWM2M_SOURCE_DIR) + "/deploy/gateway.yaml";
  auto loaded = loadConfigFile(path);
  ASSERT_TRUE(loaded.ok()) << loaded.error().message;
  EXPECT_EQ(*loaded, GatewayConfig{});
  // Every key that --print-config shows is documented in the shipped file.
  std::ifstream in(path);
  std::string shipped((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::istringstream printed(toYaml(GatewayConfig{}));
  for (std::string line; std::getline(printed, line);) {
    const auto colon = line.find(':');
    const std::string key = line.substr(0, colon + 1);
    EXPECT_NE(shipped.find(key), std::string::npos) << key;
  }
}

}  // namespace
}  // namespace lwm2m::gateway

namespace lwm2m::gateway {
namespace {

TEST(Config, BootstrapSectionLoadsAndChecksItsRanges) {
  auto loaded = loadConfigText(
      "bootstrap:\n  enabled: true\n  listen: \"127.0.0.1:5783\"\n  configs: /etc/lwm2m-gateway/bootstrap\n"
      "  server_host: 192.0.2.7\n  lifetime_s: 600\n  session_timeout_s: 30\n",
      "gateway.yaml");
  ASSERT_TRUE(loaded.ok()) << loaded.error().message;
  EXPECT_TRUE(loaded->bootstrap.enabled);
  EXPECT_EQ(loaded->bootstrap.listen, "127.0.0.1:5783");
  EXPECT_EQ(loaded->bootstrap.configs, "/etc/lwm2m-gateway/bootstrap");
  EXPECT_EQ(loaded->bootstrap.serverHost, "192.0.2.7");
  EXPECT_EQ(loaded->bootstrap.lifetimeSeconds, 600u);
  EXPECT_EQ(loaded->bootstrap.sessionTimeout, std::chrono::seconds(30));
  EXPECT_FALSE(GatewayConfig{}.bootstrap.enabled);

  auto bad = loadConfigText("bootstrap:\n  session_timeout_s: 0\n  listen: here\n", "gateway.yaml");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().message.find("gateway.yaml:2: bootstrap.session_timeout_s"), std::string::npos)
      << bad.error().message;
  EXPECT_NE(bad.error().message.find("gateway.yaml:3: bootstrap.listen"), std::string::npos) << bad.error().message;
}

TEST(Config, FirmwareSectionReadsBackAndNamesBadLines) {
  auto loaded = loadConfigText(
      "firmware:\n  max_size: 16777216\n  retention_s: 3600\n  allowed_dir: /tmp\n"
      "  allow_downloads: false\n  pull_uri: coap://192.0.2.1:5683\n",
      "gateway.yaml");
  ASSERT_TRUE(loaded.ok()) << loaded.error().message;
  EXPECT_EQ(loaded->firmware.maxSize, 16777216u);
  EXPECT_EQ(loaded->firmware.retention, std::chrono::seconds(3600));
  EXPECT_EQ(loaded->firmware.allowedDir, "/tmp");
  EXPECT_FALSE(loaded->firmware.allowDownloads);
  EXPECT_EQ(loaded->firmware.pullUri, "coap://192.0.2.1:5683");
  EXPECT_EQ(GatewayConfig{}.firmware.maxSize, 64u * 1024 * 1024);
  auto again = loadConfigText(toYaml(*loaded), "printed.yaml");
  ASSERT_TRUE(again.ok()) << again.error().message;
  EXPECT_EQ(*again, *loaded);

  const std::string errors = errorsOf(
      "firmware:\n  allowed_dir: relative/dir\n  pull_uri: http://gw:80\n  max_size: 10\n");
  EXPECT_NE(errors.find("gateway.yaml:2: firmware.allowed_dir: must be an absolute path"), std::string::npos) << errors;
  EXPECT_NE(errors.find("gateway.yaml:3: firmware.pull_uri: must be coap://HOST:PORT"), std::string::npos) << errors;
  EXPECT_NE(errors.find("gateway.yaml:4: firmware.max_size: must be between 1024"), std::string::npos) << errors;
}

}  // namespace
}  // namespace lwm2m::gateway

namespace lwm2m::gateway {
namespace {

TEST(Config, RequestTimeoutAwakeWindowAndExpectedEndpoints) {
  const GatewayConfig defaults;
  EXPECT_EQ(defaults.lwm2m.requestTimeoutSeconds, 30u);
  EXPECT_FALSE(defaults.lwm2m.awakeWindowSeconds) << "derived from the CoAP timers by default";
  EXPECT_TRUE(defaults.queue.expectedEndpoints.empty());

  auto loaded = loadConfigText(
      "lwm2m:\n  request_timeout_s: 5\n  awake_window_s: 20\nqueue:\n  expected_endpoints: [\"meter-*\", pump-1]\n",
      "gateway.yaml");
  ASSERT_TRUE(loaded.ok()) << loaded.error().message;
  EXPECT_EQ(loaded->lwm2m.requestTimeoutSeconds, 5u);
  EXPECT_EQ(loaded->lwm2m.awakeWindowSeconds, 20u);
  EXPECT_EQ(loaded->queue.expectedEndpoints, (std::vector<std::string>{"meter-*", "pump-1"}));
  auto again = loadConfigText(toYaml(*loaded), "printed.yaml");
  ASSERT_TRUE(again.ok()) << again.error().message << "\n" << toYaml(*loaded);
  EXPECT_EQ(*again, *loaded);
  EXPECT_NE(toYaml(defaults).find("awake_window_s: derived"), std::string::npos) << toYaml(defaults);

  auto derived = loadConfigText("lwm2m:\n  awake_window_s: derived\n", "gateway.yaml");
  ASSERT_TRUE(derived.ok());
  EXPECT_FALSE(derived->lwm2m.awakeWindowSeconds);

  auto bad = loadConfigText(
      "lwm2m:\n  request_timeout_s: 0\n  awake_window_s: soon\nqueue:\n  expected_endpoints: {a: 1}\n",
      "gateway.yaml");
  ASSERT_FALSE(bad.ok());
  const std::string& errors = bad.error().message;
  EXPECT_NE(errors.find("gateway.yaml:2: lwm2m.request_timeout_s: must be between 1 and 86400 (got 0)"),
            std::string::npos)
      << errors;
  EXPECT_NE(errors.find("gateway.yaml:3: lwm2m.awake_window_s: expected a number of seconds or 'derived' (got "
                        "'soon')"),
            std::string::npos)
      << errors;
  EXPECT_NE(errors.find("gateway.yaml:5: queue.expected_endpoints: expected a list of strings (got a map)"),
            std::string::npos)
      << errors;
}

TEST(Config, SocketBuffersAndLoadShedding) {
  const GatewayConfig defaults;
  EXPECT_EQ(defaults.coap.receiveBufferKb, 4096u) << "several MiB by default, for bursts";
  EXPECT_EQ(defaults.coap.sendBufferKb, 1024u);
  EXPECT_EQ(defaults.lwm2m.overloadPendingWrites, 20000u);
  EXPECT_EQ(defaults.lwm2m.overloadRetrySeconds, 10u);
  EXPECT_EQ(defaults.lwm2m.overloadReceiveQueuePercent, 50u);
  EXPECT_EQ(defaults.lwm2m.overloadReceiveQueueRetrySeconds, 2u);

  auto loaded = loadConfigText(
      "coap:\n  receive_buffer_kb: 0\n  send_buffer_kb: 64\nlwm2m:\n  overload_pending_writes: 0\n"
      "  overload_retry_s: 30\n  overload_receive_queue_percent: 0\n",
      "gateway.yaml");
  ASSERT_TRUE(loaded.ok()) << loaded.error().message;
  EXPECT_EQ(loaded->coap.receiveBufferKb, 0u) << "0: the system default";
  EXPECT_EQ(loaded->coap.sendBufferKb, 64u);
  EXPECT_EQ(loaded->lwm2m.overloadPendingWrites, 0u) << "0: never shed";
  EXPECT_EQ(loaded->lwm2m.overloadRetrySeconds, 30u);
  EXPECT_EQ(loaded->lwm2m.overloadReceiveQueuePercent, 0u);
  auto again = loadConfigText(toYaml(*loaded), "printed.yaml");
  ASSERT_TRUE(again.ok()) << again.error().message;
  EXPECT_EQ(*again, *loaded);
  const std::string printed = toYaml(defaults);
  EXPECT_NE(printed.find("receive_buffer_kb: 4096"), std::string::npos) << printed;
  EXPECT_NE(printed.find("overload_pending_writes: 20000"), std::string::npos) << printed;

  const std::string errors = errorsOf(
      "coap:\n  receive_buffer_kb: 2000000\n  send_buffer_kb: -1\nlwm2m:\n  overload_retry_s: 0\n"
      "  overload_pending_writes: many\n  overload_receive_queue_percent: 101\n");
  EXPECT_NE(errors.find("gateway.yaml:2: coap.receive_buffer_kb: must be between 0 and 1048576 (got 2000000)"),
            std::string::npos)
      << errors;
  EXPECT_NE(errors.find("gateway.yaml:3: coap.send_buffer_kb: must be between 0 and 1048576 (got -1)"),
            std::string::npos)
      << errors;
  EXPECT_NE(errors.find("gateway.yaml:5: lwm2m.overload_retry_s: must be between 1 and 3600 (got 0)"),
            std::string::npos)
      << errors;
  EXPECT_NE(errors.find("gateway.yaml:6: lwm2m.overload_pending_writes: expected an integer (got 'many')"),
            std::string::npos)
      << errors;
  EXPECT_NE(errors.find("gateway.yaml:7: lwm2m.overload_receive_queue_percent: must be between 0 and 100 (got 101)"),
            std::string::npos)
      << errors;
}

}  // namespace
}  // namespace lwm2m::gateway
