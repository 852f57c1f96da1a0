// events.* and webhooks.* in gateway.yaml: values read, problems reported
// with the line of the entry at fault, and --print-config reading back equal.
#include <gtest/gtest.h>

#include "gateway/daemon/config.h"

namespace lwm2m::gateway {
namespace {

using namespace std::chrono_literals;

std::string errorsOrEmpty(std::string_view yaml) {
  auto loaded = loadConfigText(yaml, "gateway.yaml");
  return loaded.ok() ? "" : loaded.error().message;
}

constexpr const char* kTwoWebhooks = R"(events:
  ring: 500
  ring_max_age_s: 0
  heartbeat_s: 5
  max_buffer_kb: 64
  max_streams: 8
webhooks:
  outbox_limit: 50
  retry_min_ms: 200
  retry_max_ms: 60000
  targets:
    - name: cloud
      url: https://hooks.example.com/lwm2m
      events: [registered, notification]
      endpoint: "sim-*"
      secret: "s3cret"
      timeout_ms: 2500
      headers: {Authorization: "Bearer abc", X-Site: north}
    - url: http://127.0.0.1:9000/in
)";

TEST(WebhookConfig, ReadsEventStreamAndWebhookKeys) {
  auto loaded = loadConfigText(kTwoWebhooks, "gateway.yaml");
  ASSERT_TRUE(loaded) << loaded.error().message;
  EXPECT_EQ(loaded->events.ring, 500u);
  EXPECT_EQ(loaded->events.ringMaxAge, 0s) << "0: no age limit";
  EXPECT_EQ(GatewayConfig{}.events.ringMaxAge, 600s);
  EXPECT_EQ(loaded->events.heartbeat, 5s);
  EXPECT_EQ(loaded->events.maxBufferKb, 64u);
  EXPECT_EQ(loaded->events.maxStreams, 8u);
  EXPECT_EQ(loaded->webhooks.outboxLimit, 50u);
  EXPECT_EQ(loaded->webhooks.retryMin, 200ms);
  EXPECT_EQ(loaded->webhooks.retryMax, 60000ms);
  ASSERT_EQ(loaded->webhooks.targets.size(), 2u);
  const WebhookTargetConfig& cloud = loaded->webhooks.targets[0];
  EXPECT_EQ(cloud.name, "cloud");
  EXPECT_EQ(cloud.events, (std::vector<std::string>{"registered", "notification"}));
  EXPECT_EQ(cloud.endpoint, "sim-*");
  EXPECT_EQ(cloud.secret, "s3cret");
  EXPECT_EQ(cloud.timeout, 2500ms);
  EXPECT_EQ(cloud.headers.size(), 2u);
  const WebhookTargetConfig& plain = loaded->webhooks.targets[1];
  EXPECT_EQ(plain.name, "http://127.0.0.1:9000/in") << "the URL names a webhook without a name";
  EXPECT_TRUE(plain.events.empty());
  EXPECT_EQ(plain.endpoint, "*");
  EXPECT_EQ(plain.timeout, 10000ms);
}

TEST(WebhookConfig, PrintsAndReadsBackEqual) {
  auto loaded = loadConfigText(kTwoWebhooks, "gateway.yaml");
  ASSERT_TRUE(loaded);
  const std::string printed = toYaml(*loaded);
  auto back = loadConfigText(printed, "printed.yaml");
  ASSERT_TRUE(back) << back.error().message << "\n" << printed;
  EXPECT_EQ(*back, *loaded) << printed;
}

TEST(WebhookConfig, ProblemsNameTheLineOfTheEntryAtFault) {
  auto loaded = loadConfigText(R"(webhooks:
  targets:
    - url: ftp://example.com/
    - name: a
      url: http://h/
      events: [registered, exploded]
      headers: {Host: x}
    - name: a
      url: http://h2/
      colour: red
    - events: []
  retry_min_ms: 5000
  retry_max_ms: 1000
)",
                               "gateway.yaml");
  ASSERT_FALSE(loaded);
  const std::string& m = loaded.error().message;
  EXPECT_NE(m.find("gateway.yaml:3: webhooks.targets[0].url: must start with http:// or https://"), std::string::npos) << m;
  EXPECT_NE(m.find("gateway.yaml:6: webhooks.targets[1].events: unknown event kind 'exploded'"), std::string::npos) << m;
  EXPECT_NE(m.find("gateway.yaml:7: webhooks.targets[1].headers.Host: is set by the gateway itself"), std::string::npos)
      << m;
  EXPECT_NE(m.find("webhooks.targets[2].name: 'a' names two webhooks"), std::string::npos) << m;
  EXPECT_NE(m.find("gateway.yaml:10: webhooks.targets[2].colour: unknown key"), std::string::npos) << m;
  EXPECT_NE(m.find("webhooks.targets[3].url: missing"), std::string::npos) << m;
  EXPECT_NE(m.find("webhooks.retry_min_ms: must not exceed webhooks.retry_max_ms"), std::string::npos) << m;
}

TEST(WebhookConfig, ACaFileOnlyWithHttpsAndOnlyWhenReadable) {
  auto loaded = loadConfigText("webhooks:\n  targets:\n    - url: http://h/\n      ca_file: /etc/hostname\n", "g.yaml");
  ASSERT_FALSE(loaded);
  EXPECT_NE(loaded.error().message.find("ca_file: only used with an https:// url"), std::string::npos)
      << loaded.error().message;
  loaded = loadConfigText("webhooks:\n  targets:\n    - url: https://h/\n      ca_file: /no/such.pem\n", "g.yaml");
  ASSERT_FALSE(loaded);
  EXPECT_NE(loaded.error().message.find("g.yaml:4: webhooks.targets[0].ca_file: no such file"), std::string::npos)
      << loaded.error().message;
  EXPECT_NE(errorsOrEmpty("events:\n  heartbeat_s: 0\n").find("gateway.yaml:2: events.heartbeat_s: must be between 1"),
            std::string::npos);
  EXPECT_NE(errorsOrEmpty("events:\n  ring_max_age_s: -5\n").find("gateway.yaml:2: events.ring_max_age_s: must be between 0"),
            std::string::npos);
}

}  // namespace
}  // namespace lwm2m::gateway
