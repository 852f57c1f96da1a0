// One dead device never delays requests to others: while requests to a
// device that stopped answering are being retransmitted, many requests to a
// healthy device complete in a few milliseconds each; the dead device's
// requests end with a timeout, each within its own time limit. Both in the
// server's request layer (in process) and through the real daemon.

#include <future>

#include <gtest/gtest.h>

#include "tests/integration/in_process_server.h"
#include "tests/integration/transfer_support.h"

namespace lwm2m::testing {
namespace {

using namespace std::chrono_literals;
using model::Path;
using operations::DeviceRequest;
using operations::Outcome;
using Clock = std::chrono::steady_clock;

TEST(SlowDevice, ManyRequestsToAHealthyDeviceIgnoreADeadOnesRetransmissions) {
  InProcessServer server;
  Simulator dead({"--server", server.address(), "-e", "dead", "--no-deregister"});
  Simulator healthy({"--server", server.address(), "-e", "healthy"});
  ASSERT_TRUE(server.waitRegistered("dead"));
  ASSERT_TRUE(server.waitRegistered("healthy"));
  dead.terminate();

  // 20 requests to the dead device, retransmitting (first retry after 2-3 s).
  const auto deadSent = Clock::now();
  std::vector<std::future<operations::DeviceResponse>> stuck;
  for (int i = 0; i < 20; ++i) {
    auto read = DeviceRequest::read(Path(3, 0, 9));
    read.timeout = 6s;
    stuck.push_back(server.submit("dead", read));
  }
  // Meanwhile 200 requests to the healthy device, all in flight at once.
  const auto started = Clock::now();
  std::vector<std::future<operations::DeviceResponse>> answers;
  for (int i = 0; i < 200; ++i) answers.push_back(server.submit("healthy", DeviceRequest::read(Path(3, 0, 9))));
  for (auto& a : answers) {
    ASSERT_EQ(a.wait_for(5s), std::future_status::ready);
    auto r = a.get();
    EXPECT_TRUE(r.ok()) << r.reason;
  }
  const auto healthyMs = millisSince(started);
  std::cout << "[ measured ] 200 concurrent reads to a healthy device beside 20 pending to a dead one: "
            << healthyMs << " ms\n";
  EXPECT_LT(healthyMs, 2000) << "far below the dead device's 6 s timeout";
  for (auto& s : stuck) {
    EXPECT_NE(s.wait_for(0ms), std::future_status::ready) << "the dead device cannot have answered yet";
  }

  // Every request to the dead device ends, with Timeout, near its own limit.
  for (auto& s : stuck) {
    ASSERT_EQ(s.wait_for(10s), std::future_status::ready);
    EXPECT_EQ(s.get().outcome, Outcome::Timeout);
  }
  const auto deadMs = millisSince(deadSent);
  EXPECT_GE(deadMs, 5900);
  EXPECT_LT(deadMs, 8000);
}

TEST(SlowDevice, TheDaemonAnswersAHealthyDeviceWhileADeadOneTimesOut) {
  Mosquitto broker;
  GatewayProcess gateway(broker.uri());
  CommandClient commands(gateway, broker);
  // No temperature object: the default mapping's auto-observe would queue its
  // own commands ahead of the measured ones.
  Simulator dead({"--server", gateway.coapAddress(), "-e", "gone", "--no-deregister", "--objects", "1/0,3/0"});
  Simulator healthy({"--server", gateway.coapAddress(), "-e", "fine", "--objects", "1/0,3/0"});
  ASSERT_TRUE(dead.waitForLine("registered gone"));
  ASSERT_TRUE(healthy.waitForLine("registered fine"));
  dead.terminate();

  const auto deadSent = Clock::now();
  const std::string stuck = commands.post("gone", R"({"operation":"read","path":"/3/0/9","timeout_ms":8000})");
  ASSERT_FALSE(stuck.empty());

  long long slowest = 0;
  const auto started = Clock::now();
  for (int i = 0; i < 30; ++i) {
    const auto sent = Clock::now();
    auto r = commands.run("fine", R"({"operation":"read","path":"/3/0/9"})", 5s);
    ASSERT_TRUE(r) << gateway.log();
    EXPECT_STREQ((*r)["code"].GetString(), "2.05");
    slowest = std::max(slowest, millisSince(sent));
  }
  const auto healthyMs = millisSince(started);
  std::cout << "[ measured ] 30 REST reads to a healthy device (REST, store, CoAP, MQTT) beside a dead one: "
            << healthyMs << " ms total, slowest " << slowest << " ms\n";
  EXPECT_LT(slowest, 1000);
  EXPECT_LT(millisSince(deadSent), 8000) << "the healthy reads finished before the dead one's timeout";

  auto timedOut = commands.response(stuck, 15s);
  ASSERT_TRUE(timedOut) << gateway.log();
  EXPECT_STREQ((*timedOut)["status"].GetString(), "timeout");
  const auto deadMs = millisSince(deadSent);
  EXPECT_GE(deadMs, 7900);
  EXPECT_LT(deadMs, 12000);
}

}  // namespace
}  // namespace lwm2m::testing
