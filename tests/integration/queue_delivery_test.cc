// Delivery of queued commands to devices that misbehave, through the real
// daemon and the real simulator:
//  - a device that acknowledges a request and never answers (or too late): the
//    command ends with "timeout" after its own (or the configured) timeout,
//    the device's next command goes out at once, a late answer is only
//    logged, and another device is never held up;
//  - a queue-mode device that sleeps sooner than the gateway assumes: an
//    unanswered Read waits for the next wake-up and is delivered then, also
//    across a SIGKILL of the gateway; an Execute is reported interrupted and
//    never sent twice;
//  - commands for endpoints the gateway has never seen are refused, unless
//    queue.expected_endpoints lists them.

#include <filesystem>
#include <fstream>
#include <thread>

#include <gtest/gtest.h>

#include "tests/integration/transfer_support.h"

namespace lwm2m::testing {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

// A gateway.yaml in a temporary directory, removed at the end.
class ConfigFile {
 public:
  explicit ConfigFile(const std::string& yaml)
      : path_(std::filesystem::temp_directory_path() /
              ("queue-delivery-" + std::to_string(::getpid()) + "-" + std::to_string(counter_++) + ".yaml")) {
    std::ofstream(path_) << yaml;
  }
  ~ConfigFile() { std::filesystem::remove(path_); }
  std::string path() const { return path_.string(); }

 private:
  static inline int counter_ = 0;
  std::filesystem::path path_;
};

// How many lines starting with `prefix` the simulator prints within `window`.
int countLines(Simulator& sim, const std::string& prefix, std::chrono::milliseconds window) {
  int count = 0;
  const auto until = Clock::now() + window;
  while (Clock::now() < until) {
    auto line = sim.waitForLine("", std::chrono::duration_cast<std::chrono::milliseconds>(until - Clock::now()));
    if (line && line->rfind(prefix, 0) == 0) ++count;
  }
  return count;
}

// True once the device's queue shows `requestId` handed to the device.
bool waitInFlight(GatewayProcess& gateway, const std::string& endpoint, const std::string& requestId,
                  std::chrono::milliseconds timeout) {
  const auto until = Clock::now() + timeout;
  while (Clock::now() < until) {
    auto listing = httpGet(gateway.httpUrl("/api/v1/devices/" + endpoint + "/commands")).body;
    const auto at = listing.find(requestId);
    if (at != std::string::npos && listing.find("\"inFlight\":true", at) != std::string::npos) return true;
    std::this_thread::sleep_for(20ms);
  }
  return false;
}

TEST(QueueDelivery, ACommandAcknowledgedButNeverAnsweredTimesOutAndTheNextGoesOutAtOnce) {
  Mosquitto broker;
  ConfigFile config("lwm2m:\n  request_timeout_s: 3\n");
  GatewayProcess gateway(broker.uri(), "127.0.0.1", {"--config", config.path()});
  CommandClient commands(gateway, broker);
  Simulator silent({"--server", gateway.coapAddress(), "-e", "mute", "--objects", "1/0,3/0", "--never-answer",
                    "read-composite"});
  Simulator healthy({"--server", gateway.coapAddress(), "-e", "fine", "--objects", "1/0,3/0"});
  ASSERT_TRUE(silent.waitForLine("registered mute"));
  ASSERT_TRUE(healthy.waitForLine("registered fine"));

  const auto sent = Clock::now();
  // Its own timeout (5 s), then the configured one (3 s), then a Read it answers.
  const std::string own = commands.post("mute", R"({"operation":"read-composite","paths":["/3/0/0"],"timeout":5})");
  const std::string configured = commands.post("mute", R"({"operation":"read-composite","paths":["/3/0/1"]})");
  const std::string read = commands.post("mute", R"({"operation":"read","path":"/3/0/9"})");
  ASSERT_FALSE(own.empty());
  ASSERT_FALSE(configured.empty());
  ASSERT_FALSE(read.empty());
  ASSERT_TRUE(silent.waitForLine("never-answered mute read-composite /", 5s));

  // Meanwhile the other device is served at once.
  long long slowest = 0;
  for (int i = 0; i < 10; ++i) {
    const auto started = Clock::now();
    auto r = commands.run("fine", R"({"operation":"read","path":"/3/0/9"})", 5s);
    ASSERT_TRUE(r) << gateway.log();
    EXPECT_STREQ((*r)["code"].GetString(), "2.05");
    slowest = std::max(slowest, millisSince(started));
  }
  std::cout << "[ measured ] slowest of 10 reads to a healthy device beside a silent one: " << slowest << " ms\n";
  EXPECT_LT(slowest, 1000);

  auto first = commands.response(own, 10s);
  ASSERT_TRUE(first) << gateway.log();
  EXPECT_STREQ((*first)["status"].GetString(), "timeout");
  const auto firstMs = millisSince(sent);
  EXPECT_GE(firstMs, 4900);
  EXPECT_LT(firstMs, 7000);

  auto second = commands.response(configured, 10s);
  ASSERT_TRUE(second) << gateway.log();
  EXPECT_STREQ((*second)["status"].GetString(), "timeout");
  const auto secondMs = millisSince(sent);
  EXPECT_GE(secondMs - firstMs, 2800) << "lwm2m.request_timeout_s: 3";
  EXPECT_LT(secondMs - firstMs, 4500);

  auto answered = commands.response(read, 5s);
  ASSERT_TRUE(answered) << gateway.log();
  EXPECT_STREQ((*answered)["code"].GetString(), "2.05");
  const auto readMs = millisSince(sent) - secondMs;
  std::cout << "[ measured ] the read behind them answered " << readMs << " ms after the second timeout\n";
  EXPECT_LT(readMs, 1000) << "the device's next command goes out at once";
}

TEST(QueueDelivery, AnAnswerAfterTheTimeoutIsIgnoredWithALogLine) {
  Mosquitto broker;
  GatewayProcess gateway(broker.uri());
  CommandClient commands(gateway, broker);
  Simulator sim({"--server", gateway.coapAddress(), "-e", "slow", "--objects", "1/0,3/0", "--never-answer",
                 "/3/0/0", "--answer-after", "3"});
  ASSERT_TRUE(sim.waitForLine("registered slow"));

  const std::string late = commands.post("slow", R"({"operation":"read","path":"/3/0/0","timeout":1})");
  ASSERT_FALSE(late.empty());
  auto timedOut = commands.response(late, 5s);
  ASSERT_TRUE(timedOut) << gateway.log();
  EXPECT_STREQ((*timedOut)["status"].GetString(), "timeout");
  EXPECT_NE(std::string((*timedOut)["error"].GetString()).find("acknowledged the request but sent no answer within 1 s"),
            std::string::npos)
      << (*timedOut)["error"].GetString();
  auto next = commands.run("slow", R"({"operation":"read","path":"/3/0/9"})", 2s);
  ASSERT_TRUE(next) << gateway.log();
  EXPECT_STREQ((*next)["code"].GetString(), "2.05");

  ASSERT_TRUE(sim.waitForLine("answered-late slow read /3/0/0", 5s));
  EXPECT_TRUE(waitForLog(gateway, "late answer 2.05 from slow to read /3/0/0 after its timeout: ignored", 5s))
      << gateway.log();
  EXPECT_FALSE(commands.response(late, 1s)) << "one answer per command";
}

// Gateway CoAP timers: ACK_TIMEOUT 1 s, no random factor, 2 retransmissions:
// a request is given up 7 s after it was sent (MAX_TRANSMIT_WAIT), and the
// derived awake window is those 7 s. The device stays awake only 1 s after
// each Register/Update and wakes every 10 s.
constexpr const char* kShortTimers =
    "coap:\n  ack_timeout_ms: 1000\n  ack_random_factor: 1.0\n  max_retransmit: 2\n";

std::vector<std::string> sleeperArgs(const GatewayProcess& gateway) {
  return {"--server", gateway.coapAddress(), "-e", "sleeper", "--queue", "--lifetime", "120", "--update-interval",
          "10", "--awake-for", "1", "--objects", "1/0,3/0"};
}

TEST(QueueDelivery, AReadTheSleepingDeviceMissedIsDeliveredAtItsNextWakeUp) {
  Mosquitto broker;
  ConfigFile config(kShortTimers);
  GatewayProcess gateway(broker.uri(), "127.0.0.1", {"--config", config.path()});
  ASSERT_TRUE(waitForLog(gateway, "awake for 7000 ms after each message (derived from the coap.* timers"))
      << gateway.log();
  CommandClient commands(gateway, broker);
  Simulator sim(sleeperArgs(gateway));
  ASSERT_TRUE(sim.waitForLine("registered sleeper"));
  ASSERT_TRUE(sim.waitForLine("asleep sleeper", 3s));

  // The gateway still counts it awake: the Read goes out into the void.
  const auto sent = Clock::now();
  const std::string read = commands.post("sleeper", R"({"operation":"read","path":"/3/0/9"})");
  ASSERT_FALSE(read.empty());
  ASSERT_TRUE(commands.event("sleeper", "asleep", 10s)) << "no answer: the device counts as asleep\n"
                                                        << gateway.log();
  EXPECT_GE(millisSince(sent), 6000) << "not before the CoAP exchange gave up";

  auto answered = commands.response(read, 15s);
  ASSERT_TRUE(answered) << gateway.log();
  EXPECT_STREQ((*answered)["code"].GetString(), "2.05");
  EXPECT_TRUE((*answered)["values"][0]["value"].IsNumber());
  EXPECT_FALSE(commands.response(read, 1s)) << "answered once";
}

TEST(QueueDelivery, AnExecuteTheSleepingDeviceMissedIsReportedInterrupted) {
  Mosquitto broker;
  ConfigFile config(kShortTimers);
  GatewayProcess gateway(broker.uri(), "127.0.0.1", {"--config", config.path()});
  CommandClient commands(gateway, broker);
  Simulator sim(sleeperArgs(gateway));
  ASSERT_TRUE(sim.waitForLine("registered sleeper"));
  ASSERT_TRUE(sim.waitForLine("asleep sleeper", 3s));

  const std::string execute = commands.post("sleeper", R"({"operation":"execute","path":"/3/0/4"})");
  ASSERT_FALSE(execute.empty());
  auto expired = commands.event("sleeper", "expired-request", 12s);
  ASSERT_TRUE(expired) << gateway.log();
  EXPECT_STREQ((*expired)["requestId"].GetString(), execute.c_str());
  EXPECT_EQ(std::string((*expired)["error"].GetString()).rfind("interrupted: the device did not answer", 0), 0u)
      << (*expired)["error"].GetString();
  // The device wakes up (Update) and is not sent the Execute again.
  EXPECT_EQ(countLines(sim, "execute sleeper", 12s), 0);
  EXPECT_FALSE(commands.response(execute, 1s));
}

// The gateway is killed while a request to a device that already sleeps is
// being retransmitted, then started again.
struct KilledInFlight {
  Mosquitto broker;
  ConfigFile config{kShortTimers};
  GatewayProcess gateway{broker.uri(), "127.0.0.1", {"--config", config.path()}};
  CommandClient commands{gateway, broker};
  Simulator sim{sleeperArgs(gateway)};

  // The request id, once the gateway was killed with it in flight and started again.
  std::string killWhileInFlight(const std::string& command) {
    if (!sim.waitForLine("registered sleeper") || !sim.waitForLine("asleep sleeper", 3s)) return {};
    const std::string id = commands.post("sleeper", command);
    if (id.empty() || !waitInFlight(gateway, "sleeper", id, 3s)) return {};
    gateway.kill();
    gateway.restart();
    return id;
  }
};

TEST(QueueDelivery, AReadInFlightWhenTheGatewayIsKilledIsDeliveredOnceAfterTheWakeUp) {
  KilledInFlight t;
  const std::string read = t.killWhileInFlight(R"({"operation":"read","path":"/3/0/9"})");
  ASSERT_FALSE(read.empty()) << t.gateway.log();
  EXPECT_TRUE(waitForLog(t.gateway, "request " + read + " for sleeper (read /3/0/9) queued again: the gateway "
                                    "restarted while it was being delivered"))
      << t.gateway.log();

  auto answered = t.commands.response(read, 15s);
  ASSERT_TRUE(answered) << t.gateway.log();
  EXPECT_STREQ((*answered)["code"].GetString(), "2.05");
  // The device read it once (it slept through the first attempt; its line is
  // still unread), and the gateway answered the command once.
  EXPECT_EQ(countLines(t.sim, "read sleeper /3/0/9", 12s), 1);
  EXPECT_FALSE(t.commands.response(read, 1s));
}

TEST(QueueDelivery, AnExecuteInFlightWhenTheGatewayIsKilledIsReportedInterruptedNeverSentTwice) {
  KilledInFlight t;
  const std::string execute = t.killWhileInFlight(R"({"operation":"execute","path":"/3/0/4"})");
  ASSERT_FALSE(execute.empty()) << t.gateway.log();
  auto expired = t.commands.event("sleeper", "expired-request", 10s);
  ASSERT_TRUE(expired) << t.gateway.log();
  EXPECT_STREQ((*expired)["requestId"].GetString(), execute.c_str());
  EXPECT_EQ(std::string((*expired)["error"].GetString())
                .rfind("interrupted: the gateway restarted while it was being delivered; not sent again", 0),
            0u)
      << (*expired)["error"].GetString();
  // Two wake-ups of the device after the restart: never executed.
  EXPECT_EQ(countLines(t.sim, "execute sleeper", 21s), 0);
}

TEST(QueueDelivery, CommandsForUnknownEndpointsAreRefusedUnlessExpected) {
  Mosquitto broker;
  MqttSubscriber results(broker, "lwm2m/+/cmd/result");
  ConfigFile config("queue:\n  expected_endpoints: [\"meter-*\"]\n");
  GatewayProcess gateway(broker.uri(), "127.0.0.1", {"--config", config.path()});
  CommandClient commands(gateway, broker);
  ASSERT_TRUE(waitForLog(gateway, "MQTT subscribed")) << gateway.log();

  auto refused = httpSend("POST", gateway.httpUrl("/api/v1/devices/ghost/commands"),
                          R"({"operation":"read","path":"/3/0/9"})");
  EXPECT_EQ(refused.status, 404) << refused.body;
  EXPECT_NE(refused.body.find("unknown device 'ghost'"), std::string::npos) << refused.body;
  EXPECT_NE(refused.body.find("queue.expected_endpoints"), std::string::npos) << refused.body;
  runCommand({"mosquitto_pub", "-h", "127.0.0.1", "-p", std::to_string(broker.port()), "-q", "1", "-t",
              "lwm2m/ghost/cmd", "-m", R"({"id":"g1","operation":"read","path":"/3/0/9"})"});
  auto reply = results.next(5s);
  ASSERT_TRUE(reply) << gateway.log();
  EXPECT_EQ(reply->first, "lwm2m/ghost/cmd/result");
  auto json = parseJson(reply->second);
  EXPECT_STREQ(json["code"].GetString(), "4.04") << reply->second;
  EXPECT_STREQ(json["status"].GetString(), "not_found") << reply->second;
  EXPECT_TRUE(httpGet(gateway.httpUrl("/api/v1/devices/ghost/commands")).body.find("requestId") == std::string::npos);

  // An expected endpoint: queued before it ever registered, delivered when it does.
  const std::string early = commands.post("meter-7", R"({"operation":"read","path":"/3/0/9"})");
  ASSERT_FALSE(early.empty()) << gateway.log();
  Simulator sim({"--server", gateway.coapAddress(), "-e", "meter-7", "--objects", "1/0,3/0"});
  ASSERT_TRUE(sim.waitForLine("registered meter-7"));
  auto answered = commands.response(early, 10s);
  ASSERT_TRUE(answered) << gateway.log();
  EXPECT_STREQ((*answered)["code"].GetString(), "2.05");
}

}  // namespace
}  // namespace lwm2m::testing
