// One story per command, whatever crashes when: the real daemon is stopped
// with SIGKILL at each boundary of a command's life (the crash points of
// persistence/crash_point.h, armed with LWM2M_GATEWAY_CRASH_AT), started again
// on the same data directory, and everything mosquitto_sub saw on the reply
// topic is checked: the `queued` answer first, then exactly one final
// outcome (repeats of the same message allowed: QoS 1), and never an
// Execute carried out twice. Both ways a command goes: to an awake device with
// nothing ahead (one commit until in flight) and through the queue (a device
// that registers after the command came: three).

#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <thread>

#include <gtest/gtest.h>

#include "tests/integration/gateway_process.h"
#include "tests/integration/json_reading.h"

namespace lwm2m::testing {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

struct CrashCase {
  const char* point;      // LWM2M_GATEWAY_CRASH_AT
  const char* operation;  // "read" or "execute"
  // The one final status the cloud must see; "" when the command may also
  // never have been accepted (the crash came before it was stored).
  const char* outcome;
  // The device registers only after the command came, so that it waits in the
  // queue (steps 1, 2 and 3); else it is awake with nothing ahead (step 1+2+3).
  bool deviceLater = false;
};

std::ostream& operator<<(std::ostream& out, const CrashCase& c) { return out << c.point << " " << c.operation; }

// What the reply topic told about one command, in arrival order: its statuses.
struct Story {
  std::vector<std::string> statuses;
  std::vector<std::string> payloads;

  // Adds `payload` if it tells about c1; true if so.
  bool add(const std::string& payload) {
    auto d = parse(payload);
    if (!d.IsObject() || !d.HasMember("id") || str(d["id"]) != "c1" || !d.HasMember("status")) return false;
    statuses.push_back(str(d["status"]));
    payloads.push_back(payload);
    return true;
  }
};

class OutcomeAcrossCrash : public ::testing::TestWithParam<CrashCase> {};

std::string commandFor(const CrashCase& c) {
  return std::string(R"({"id":"c1","operation":")") + c.operation + R"(","path":")" +
         (std::string(c.operation) == "execute" ? "/3/0/4" : "/3/0/9") + "\"}";
}

// A configuration file for the test's lifetime.
class CrashTestConfig {
 public:
  explicit CrashTestConfig(const std::string& yaml)
      : path_(std::filesystem::temp_directory_path() / ("outcome-crash-" + std::to_string(::getpid()) + ".yaml")) {
    std::ofstream(path_) << yaml;
  }
  ~CrashTestConfig() { std::filesystem::remove(path_); }
  std::string path() const { return path_.string(); }

 private:
  std::filesystem::path path_;
};

TEST_P(OutcomeAcrossCrash, QueuedFirstThenExactlyOneFinalOutcome) {
  const CrashCase c = GetParam();
  Mosquitto broker;
  MqttSubscriber replies(broker, "lwm2m/+/cmd/result");
  CrashTestConfig config("queue:\n  expected_endpoints: [\"dev\"]\n");
  ::setenv("LWM2M_GATEWAY_CRASH_AT", c.point, 1);
  ::setenv("LWM2M_GATEWAY_CRASH_DELAY_MS", "300", 1);  // time to tell too early, if anything did
  GatewayProcess gateway(broker.uri(), "127.0.0.1", {"--config", config.path()});
  ::unsetenv("LWM2M_GATEWAY_CRASH_AT");  // only the first run crashes
  ::unsetenv("LWM2M_GATEWAY_CRASH_DELAY_MS");
  std::optional<Simulator> sim;
  const auto startDevice = [&] {
    sim.emplace(std::vector<std::string>{"--server", gateway.coapAddress(), "-e", "dev", "--lifetime", "60",
                                         "--objects", "1/0,3/0"});
    return sim->waitForLine("registered dev").has_value();
  };
  if (!c.deviceLater) {
    ASSERT_TRUE(startDevice());
  }
  ASSERT_TRUE(waitForLog(gateway, "MQTT subscribed")) << gateway.log();

  runCommand({"mosquitto_pub", "-h", "127.0.0.1", "-p", std::to_string(broker.port()), "-q", "1", "-t",
              "lwm2m/dev/cmd", "-m", commandFor(c)});
  Story story;
  // The in-flight mark needs the device: it registers once the command is queued.
  if (c.deviceLater && std::string(c.point).rfind("in-flight:", 0) == 0) {
    auto queued = replies.next(10s);
    ASSERT_TRUE(queued && story.add(queued->second)) << gateway.log();
    ASSERT_TRUE(startDevice());
  }
  ASSERT_TRUE(waitForLog(gateway, std::string("crash point '") + c.point + "' reached", 10s)) << gateway.log();
  gateway.kill();  // reaps it (it is gone already)
  gateway.restart();
  if (!sim) {
    ASSERT_TRUE(startDevice());
  }

  // Everything told about c1 until 4 s after the first final outcome (or 15 s;
  // 5 s of silence for a command that may never have been accepted).
  const auto restarted = Clock::now();
  auto until = restarted + (std::string(c.outcome).empty() && story.statuses.empty() ? 5s : 15s);
  bool finalSeen = false;
  while (Clock::now() < until) {
    auto m = replies.next(std::chrono::duration_cast<std::chrono::milliseconds>(until - Clock::now()));
    if (!m) break;
    if (!story.add(m->second)) continue;
    if (!finalSeen) until = std::max(until, restarted + 15s);  // a story has begun: wait for its end
    if (!finalSeen && story.statuses.back() != "queued") {
      finalSeen = true;
      until = Clock::now() + 4s;
    }
  }
  std::string told;
  for (const auto& p : story.payloads) told += "  " + p + "\n";

  if (std::string(c.outcome).empty() && story.statuses.empty()) {
    SUCCEED() << "never accepted, never told";
  } else {
    ASSERT_FALSE(story.statuses.empty()) << "nothing told\n" << gateway.log();
    EXPECT_EQ(story.statuses.front(), "queued") << "queued comes first:\n" << told;
    std::vector<std::string> finals;
    for (std::size_t i = 0; i < story.statuses.size(); ++i) {
      if (story.statuses[i] != "queued") finals.push_back(story.payloads[i]);
    }
    ASSERT_FALSE(finals.empty()) << "no final outcome:\n" << told << gateway.log();
    for (const auto& f : finals) EXPECT_EQ(f, finals.front()) << "contradicting outcomes:\n" << told;
    auto final = parse(finals.front());
    if (std::string(c.outcome).size() > 0) {
      EXPECT_EQ(str(final["status"]), c.outcome) << told;
    }
  }
  if (std::string(c.operation) == "execute") {
    // The simulator prints a line per Execute it carried out.
    int executed = 0;
    while (auto line = sim->waitForLine("", 500ms)) {
      if (line->rfind("execute dev", 0) == 0) ++executed;
    }
    EXPECT_LE(executed, 1) << "an Execute carried out twice";
  }
}

// The REST side tells the same story: a REST call waiting for an Execute is
// not answered with a result a crash can still take back, and after the
// restart GET /api/v1/requests/{id} says what MQTT said.
TEST(OutcomeAcrossCrashRest, ARestCallIsNeverToldAnOutcomeTheCrashTookBack) {
  Mosquitto broker;
  MqttSubscriber events(broker, "lwm2m/dev/event/+");
  ::setenv("LWM2M_GATEWAY_CRASH_AT", "outcome:uncommitted", 1);
  ::setenv("LWM2M_GATEWAY_CRASH_DELAY_MS", "500", 1);  // time for an early answer to get out
  GatewayProcess gateway(broker.uri());
  ::unsetenv("LWM2M_GATEWAY_CRASH_AT");
  ::unsetenv("LWM2M_GATEWAY_CRASH_DELAY_MS");
  Simulator sim({"--server", gateway.coapAddress(), "-e", "dev", "--lifetime", "60", "--objects", "1/0,3/0"});
  ASSERT_TRUE(sim.waitForLine("registered dev"));

  auto call = httpSend("POST", gateway.httpUrl("/api/v1/devices/dev/3/0/4"));
  EXPECT_EQ(call.body.find("changed"), std::string::npos) << "told before the commit: " << call.status << " "
                                                          << call.body;
  ASSERT_TRUE(waitForLog(gateway, "crash point 'outcome:uncommitted' reached", 10s)) << gateway.log();
  gateway.kill();
  gateway.restart();

  std::string requestId;
  std::vector<std::string> kinds;
  const auto until = Clock::now() + 15s;
  while (Clock::now() < until) {
    auto m = events.next(std::chrono::duration_cast<std::chrono::milliseconds>(until - Clock::now()));
    if (!m) break;
    auto d = parse(m->second);
    if (!d.IsObject() || !d.HasMember("requestId")) continue;
    requestId = str(d["requestId"]);
    const std::string kind = m->first.substr(m->first.rfind('/') + 1);
    if (!kinds.empty() && kinds.back() == kind) continue;  // a repeat (QoS 1) after the restart
    kinds.push_back(kind);
    if (kind != "queued") break;
  }
  ASSERT_EQ(kinds, (std::vector<std::string>{"queued", "expired-request"})) << gateway.log();
  auto listed = parse(httpGet(gateway.httpUrl("/api/v1/requests/" + requestId)).body);
  ASSERT_TRUE(listed.IsObject());
  EXPECT_EQ(str(listed["state"]), "expired");
}

// Each boundary of the life in gateway/core/request_queue.h, both sides of its COMMIT.
INSTANTIATE_TEST_SUITE_P(
    EveryWriteBoundary, OutcomeAcrossCrash,
    ::testing::Values(
        // An awake device with nothing ahead: stored, answered and in flight in one commit.
        // Not committed: not accepted (or, if the broker hands the command again, one whole story).
        CrashCase{"accepted-in-flight:uncommitted", "read", ""},
        // Committed: in flight at the crash; a Read is sent again, an Execute is not.
        CrashCase{"accepted-in-flight:committed", "read", "content"},
        CrashCase{"accepted-in-flight:committed", "execute", "expired"},
        // A device that registers later: the command waits in the queue, step by step.
        // Before the request is stored: not accepted.
        CrashCase{"accepted:uncommitted", "read", "", true},
        // Stored, its queued answer not yet: told after the restart, first.
        CrashCase{"accepted:committed", "read", "content", true},
        CrashCase{"queued-answer:uncommitted", "read", "content", true},
        CrashCase{"queued-answer:committed", "execute", "changed", true},
        // The in-flight mark: not committed means not sent, so sent after the restart.
        CrashCase{"in-flight:uncommitted", "execute", "changed", true},
        CrashCase{"in-flight:committed", "execute", "expired", true},
        // The device answered; the answer and the row's removal are one commit.
        CrashCase{"outcome:uncommitted", "read", "content"},
        CrashCase{"outcome:uncommitted", "execute", "expired"},
        CrashCase{"outcome:committed", "execute", "changed"},
        CrashCase{"outcome:committed", "read", "content"}),
    [](const ::testing::TestParamInfo<CrashCase>& info) {
      std::string name = std::string(info.param.point) + "_" + info.param.operation;
      for (char& ch : name) {
        if (!std::isalnum(static_cast<unsigned char>(ch))) ch = '_';
      }
      return name;
    });

}  // namespace
}  // namespace lwm2m::testing
