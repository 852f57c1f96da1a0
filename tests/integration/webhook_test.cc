// Webhooks with the real daemon and the simulator against a receiver in this
// process: a receiver that fails twice then accepts gets every event, in
// order, signed; events wait in the outbox across a SIGKILL of the gateway
// while the receiver is away; HTTPS with a generated CA, and a certificate
// from another CA refused.

#include <unistd.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <map>
#include <thread>

#include <gtest/gtest.h>

#include "tests/integration/gateway_process.h"
#include "tests/integration/json_reading.h"
#include "tests/integration/webhook_receiver.h"
#include "tests/support/test_pki.h"

namespace lwm2m::testing {
namespace {

using namespace std::chrono_literals;
namespace fs = std::filesystem;

constexpr const char* kNoBrokerForWebhooks = "tcp://127.0.0.1:1";

class WebhookFiles {
 public:
  WebhookFiles() : dir_(fs::temp_directory_path() / ("webhooks-" + std::to_string(::getpid()) + "-" + std::to_string(++n_))) {
    fs::create_directories(dir_);
  }
  ~WebhookFiles() { fs::remove_all(dir_); }
  std::string write(const std::string& name, const std::string& text) const {
    std::ofstream(dir_ / name) << text;
    return (dir_ / name).string();
  }
  fs::path sub(const std::string& name) const {
    fs::create_directories(dir_ / name);
    return dir_ / name;
  }

 private:
  static inline int n_ = 0;
  fs::path dir_;
};

constexpr const char* kWebhookObserveEverySecond = R"(
observe:
  - match: {path: "/3303/+/5700"}
    attributes: {pmin: 1, pmax: 1}
)";

std::vector<std::string> webhookGatewayArgs(const WebhookFiles& files, const std::string& webhooks) {
  return {"--config", files.write("gateway.yaml", "webhooks:\n  retry_min_ms: 100\n  retry_max_ms: 400\n" + webhooks),
          "--mapping", files.write("mapping.yaml", kWebhookObserveEverySecond)};
}

std::string hook(const std::string& name, const std::string& url, const std::string& more = "") {
  return "    - name: " + name + "\n      url: " + url + "\n" + more;
}

std::int64_t deliveryId(const ReceivedPost& p) { return std::stoll(p.headers.at("x-lwm2m-delivery")); }

// The accepted POSTs, each delivery once (a re-delivery after a restart may repeat one).
std::vector<ReceivedPost> accepted(const std::vector<ReceivedPost>& posts) {
  std::vector<ReceivedPost> out;
  for (const auto& p : posts) {
    if (p.answered != 200) continue;
    if (!out.empty() && deliveryId(out.back()) >= deliveryId(p)) {
      if (deliveryId(out.back()) == deliveryId(p)) continue;  // the same one again
    }
    out.push_back(p);
  }
  return out;
}

// Empty when the delivery ids are 1, 2, 3, ... with neither gap nor step back.
std::string orderProblem(const std::vector<ReceivedPost>& posts) {
  std::int64_t expected = 1;
  for (const auto& p : posts) {
    if (deliveryId(p) != expected) {
      return "delivery " + std::to_string(deliveryId(p)) + " where " + std::to_string(expected) + " was due";
    }
    ++expected;
  }
  return {};
}

struct HookHealth {
  std::uint64_t waiting = 0, delivered = 0, retries = 0, deadLettered = 0;
};

std::optional<HookHealth> hookHealth(const GatewayProcess& gateway, const std::string& name) {
  auto h = parse(httpGet(gateway.httpUrl("/health")).body);
  if (!h.IsObject() || !h.HasMember("webhooks")) return std::nullopt;
  for (const auto& w : h["webhooks"].GetArray()) {
    if (str(w["name"]) != name) continue;
    return HookHealth{w["waiting"].GetUint64(), w["delivered"].GetUint64(), w["retries"].GetUint64(),
                      w["deadLettered"].GetUint64()};
  }
  return std::nullopt;
}

TEST(Webhook, AReceiverThatFailsTwiceGetsEveryEventInOrderSigned) {
  WebhookFiles files;
  WebhookReceiver receiver({0, 2, "", ""});
  const std::string url = "http://127.0.0.1:" + std::to_string(receiver.port()) + "/hooks/lwm2m";
  GatewayProcess gateway(kNoBrokerForWebhooks, "127.0.0.1",
                         webhookGatewayArgs(files, "  targets:\n" + hook("cloud", url,
                                                                  "      events: [registered, notification]\n"
                                                                  "      endpoint: \"hook-*\"\n"
                                                                  "      secret: \"s3cret\"\n"
                                                                  "      headers: {X-Team: edge}\n")));
  Simulator mine({"--server", gateway.coapAddress(), "-e", "hook-1", "--quiet"});
  Simulator other({"--server", gateway.coapAddress(), "-e", "elsewhere", "--quiet"});
  ASSERT_TRUE(receiver.waitFor([](const auto& posts) { return accepted(posts).size() >= 5; }, 30s))
      << gateway.log();

  const auto posts = receiver.posts();
  ASSERT_GE(posts.size(), 7u);
  EXPECT_EQ(posts[0].answered, 500);
  EXPECT_EQ(posts[1].answered, 500);
  EXPECT_EQ(deliveryId(posts[0]), 1);
  EXPECT_EQ(deliveryId(posts[1]), 1) << "a failed delivery is retried before anything else";
  EXPECT_EQ(deliveryId(posts[2]), 1);
  const auto got = accepted(posts);
  EXPECT_EQ(orderProblem(got), "");
  EXPECT_EQ(got[0].headers.at("x-lwm2m-event"), "registered");
  double previous = 0;
  for (const auto& p : got) {
    auto d = parse(p.body);
    ASSERT_TRUE(d.IsObject()) << p.body;
    EXPECT_EQ(str(d["endpoint"]), "hook-1") << "the endpoint glob keeps 'elsewhere' out";
    EXPECT_EQ(str(d["event"]), p.headers.at("x-lwm2m-event"));
    EXPECT_GE(d["timestamp"].GetDouble(), previous) << "events in the order they happened";
    previous = d["timestamp"].GetDouble();
    EXPECT_EQ(p.target, "/hooks/lwm2m");
    EXPECT_EQ(p.headers.at("content-type"), "application/json");
    EXPECT_EQ(p.headers.at("x-team"), "edge");
    EXPECT_EQ(p.headers.at("x-lwm2m-signature"),
              expectedSignature("s3cret", p.headers.at("x-lwm2m-timestamp"), p.body))
        << "the receiver can verify where the event came from";
    const auto sent = std::stoll(p.headers.at("x-lwm2m-timestamp"));
    EXPECT_NEAR(static_cast<double>(sent), d["timestamp"].GetDouble(), 60.0);
  }
  std::optional<HookHealth> health;
  for (int i = 0; i < 50; ++i) {  // the counter follows the receiver's answer closely
    health = hookHealth(gateway, "cloud");
    if (health && health->delivered >= 5) break;
    std::this_thread::sleep_for(100ms);
  }
  ASSERT_TRUE(health);
  EXPECT_EQ(health->retries, 2u);
  EXPECT_GE(health->delivered, 5u);
  EXPECT_EQ(health->deadLettered, 0u);
  EXPECT_TRUE(waitForLog(gateway, "webhook cloud: delivery failed (HTTP 500)"));
}

TEST(Webhook, EventsWaitingForAnAbsentReceiverSurviveASigkillOfTheGateway) {
  WebhookFiles files;
  const std::uint16_t port = freeTcpPort();  // nothing listens there yet
  const std::string url = "http://127.0.0.1:" + std::to_string(port) + "/in";
  GatewayProcess gateway(kNoBrokerForWebhooks, "127.0.0.1",
                         webhookGatewayArgs(files, "  targets:\n" + hook("later", url, "      events: [registered, notification]\n")));
  Simulator sim({"--server", gateway.coapAddress(), "-e", "survivor", "--quiet"});
  std::optional<HookHealth> before;
  const auto deadline = std::chrono::steady_clock::now() + 30s;
  while (std::chrono::steady_clock::now() < deadline) {
    before = hookHealth(gateway, "later");
    if (before && before->waiting >= 5 && before->retries >= 2) break;
    std::this_thread::sleep_for(200ms);
  }
  ASSERT_TRUE(before && before->waiting >= 5) << gateway.log();
  gateway.kill();  // kill -9 with the events in the outbox

  WebhookReceiver receiver({port, 0, "", ""});
  gateway.restart();
  ASSERT_TRUE(receiver.waitFor(
      [&](const auto& posts) { return accepted(posts).size() >= before->waiting + 2; }, 30s))
      << gateway.log();
  const auto got = accepted(receiver.posts());
  EXPECT_EQ(orderProblem(got), "") << "nothing lost, nothing out of order";
  EXPECT_EQ(got[0].headers.at("x-lwm2m-event"), "registered");
  EXPECT_EQ(str(parse(got[0].body)["endpoint"]), "survivor");
  EXPECT_TRUE(waitForLog(gateway, "webhook later: ")) << gateway.log();
}

TEST(Webhook, HttpsIsVerifiedAgainstTheCaFileAndAnotherCaIsRefused) {
  WebhookFiles files;
  const TestPki pki = makeTestPki(files.sub("good"));
  const TestPki stranger = makeTestPki(files.sub("other"));
  WebhookReceiver trusted({0, 0, pki.serverCert, pki.serverKey});
  WebhookReceiver impostor({0, 0, stranger.serverCert, stranger.serverKey});
  const std::string more = "      events: [registered]\n      ca_file: " + pki.caFile + "\n";
  GatewayProcess gateway(
      kNoBrokerForWebhooks, "127.0.0.1",
      webhookGatewayArgs(files, "  targets:\n" +
                             hook("trusted", "https://127.0.0.1:" + std::to_string(trusted.port()) + "/", more) +
                             hook("impostor", "https://127.0.0.1:" + std::to_string(impostor.port()) + "/", more)));
  Simulator sim({"--server", gateway.coapAddress(), "-e", "secure-1", "--quiet"});
  ASSERT_TRUE(trusted.waitFor([](const auto& posts) { return !posts.empty(); }, 20s)) << gateway.log();
  EXPECT_EQ(str(parse(trusted.posts()[0].body)["endpoint"]), "secure-1");

  ASSERT_TRUE(waitForLog(gateway, "webhook impostor: delivery failed (TLS handshake with 127.0.0.1:", 10s))
      << gateway.log();
  EXPECT_TRUE(waitForLog(gateway, "certificate verify failed")) << gateway.log();
  EXPECT_TRUE(impostor.posts().empty()) << "nothing is sent to a server the CA does not vouch for";
  const auto deadline = std::chrono::steady_clock::now() + 5s;
  std::optional<HookHealth> health, good;
  while (std::chrono::steady_clock::now() < deadline) {  // the counters follow the answers closely
    health = hookHealth(gateway, "impostor");
    good = hookHealth(gateway, "trusted");
    if (impostor.failedHandshakes() >= 1 && good && good->delivered == 1) break;
    std::this_thread::sleep_for(100ms);
  }
  EXPECT_GE(impostor.failedHandshakes(), 1);
  ASSERT_TRUE(health && good);
  EXPECT_EQ(health->delivered, 0u);
  EXPECT_EQ(health->waiting, 1u) << "the event waits, it is not dropped";
  EXPECT_GE(health->retries, 1u);
  EXPECT_EQ(good->delivered, 1u);
}

}  // namespace
}  // namespace lwm2m::testing
