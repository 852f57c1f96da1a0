// Limits at the edge, in the real daemon: a command whose id is not UTF-8 or
// too long, or whose value is larger than the gateway can send a device
// (coap.max_body_size) or than queue.max_string_bytes, is answered at once
// with the reason — over MQTT and REST — and never queued; a REST body over
// http.limits.body_bytes gets a readable 413 JSON answer, whether curl sends
// a Content-Length or chunks, with or without Expect: 100-continue.

#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "tests/integration/gateway_process.h"
#include "tests/integration/json_reading.h"
#include "tests/integration/gateway_checks.h"

namespace lwm2m::testing {
namespace {

class InputLimits : public ::testing::Test {
 protected:
  InputLimits()
      : files_("input-limits"),
        gateway_(broker_.uri(), "127.0.0.1",
                 {"--config", files_.write("gateway.yaml", "coap:\n  max_body_size: 16384\n")}) {}

  void SetUp() override {
    ASSERT_TRUE(sim_.waitForLine("registered lab")) << gateway_.log();
    ASSERT_TRUE(waitForLog(gateway_, "MQTT subscribed")) << gateway_.log();
  }

  // Publishes `payload` (any bytes, any size) as a command for "lab" and returns the reply.
  std::optional<rapidjson::Document> command(const std::string& payload, std::string* raw = nullptr) {
    const std::string file = files_.write("payload", payload);
    EXPECT_EQ(runCommand({"mosquitto_pub", "-h", "127.0.0.1", "-p", std::to_string(broker_.port()), "-q", "1", "-t",
                          "lwm2m/lab/cmd", "-f", file})
                  .exitCode,
              0);
    auto m = sub_.next(std::chrono::seconds(15));
    if (!m) return std::nullopt;
    EXPECT_EQ(m->first, "lwm2m/lab/cmd/result");
    if (raw) *raw = m->second;
    return parse(m->second);
  }

  void expectNothingQueued() {
    auto listed = parse(httpGet(gateway_.httpUrl("/api/v1/devices/lab/commands")).body);
    ASSERT_TRUE(listed.IsObject() && listed.HasMember("commands")) << gateway_.log();
    EXPECT_EQ(listed["commands"].Size(), 0u);
  }

  Mosquitto broker_;
  MqttSubscriber sub_{broker_, "lwm2m/lab/cmd/result"};
  ScratchFiles files_;
  GatewayProcess gateway_;
  Simulator sim_{{"--server", gateway_.coapAddress(), "-e", "lab", "--objects", "1/0,3/0"}};
};

std::string writeCommand(const std::string& id, const std::string& value) {
  return R"({"id":")" + id + R"(","operation":"write","path":"/3/0/14","value":")" + value + R"("})";
}

TEST_F(InputLimits, CommandIdsMustBeShortUtf8AndAreNotEchoedWhenTheyAreNot) {
  auto notUtf8 = command(writeCommand("a\xff\xfe", "+02:00"));
  ASSERT_TRUE(notUtf8) << gateway_.log();
  EXPECT_EQ(str((*notUtf8)["code"]), "4.00");
  EXPECT_EQ(str((*notUtf8)["error"]), "id: not valid UTF-8");
  EXPECT_FALSE(notUtf8->HasMember("id"));

  std::string raw;
  auto huge = command(writeCommand(std::string(1000000, 'i'), "+02:00"), &raw);
  ASSERT_TRUE(huge) << gateway_.log();
  EXPECT_EQ(str((*huge)["error"]), "id: 1000000 bytes, longer than the 256 allowed (queue.max_id_bytes)");
  EXPECT_LT(raw.size(), 1000u) << "the id was echoed";
  expectNothingQueued();

  auto fine = command(writeCommand(std::string(256, 'i'), "+02:00"));
  ASSERT_TRUE(fine) << gateway_.log();
  EXPECT_EQ(str((*fine)["id"]), std::string(256, 'i'));
  EXPECT_NE(str((*fine)["status"]), "bad_request") << str((*fine)["error"]);
}

TEST_F(InputLimits, ValuesTooLargeToSendAreRefusedAtOnceWithTheReason) {
  auto tooLarge = command(writeCommand("big", std::string(30000, 'v')));
  ASSERT_TRUE(tooLarge) << gateway_.log();
  EXPECT_EQ(str((*tooLarge)["code"]), "4.00");
  EXPECT_EQ(str((*tooLarge)["id"]), "big");
  EXPECT_NE(str((*tooLarge)["error"]).find("values of 30000 bytes: larger than the 16384 bytes the gateway sends a "
                                           "device in one request (coap.max_body_size)"),
            std::string::npos)
      << str((*tooLarge)["error"]);

  auto tooLong = command(writeCommand("long", std::string(70000, 'v')));
  ASSERT_TRUE(tooLong) << gateway_.log();
  EXPECT_NE(str((*tooLong)["error"]).find("/3/0/14: text of 70000 bytes, longer than the 65536 bytes allowed "
                                          "(queue.max_string_bytes)"),
            std::string::npos)
      << str((*tooLong)["error"]);

  auto notUtf8 = command(writeCommand("bad", "+02\xc0"));
  ASSERT_TRUE(notUtf8) << gateway_.log();
  EXPECT_NE(str((*notUtf8)["error"]).find("UTF-8"), std::string::npos) << str((*notUtf8)["error"]);
  expectNothingQueued();

  // The same over REST: 400 with the reason, nothing stored.
  auto rest = httpSend("POST", gateway_.httpUrl("/api/v1/devices/lab/commands"),
                       R"({"operation":"write","path":"/3/0/14","value":")" + std::string(30000, 'v') + R"("})");
  EXPECT_EQ(rest.status, 400) << rest.body;
  EXPECT_NE(rest.body.find("coap.max_body_size"), std::string::npos) << rest.body;
  expectNothingQueued();
}

TEST_F(InputLimits, AnOversizedRestBodyGetsA413AnswerHoweverItIsSent) {
  const std::string body = files_.write("body.json", std::string(10 * 1024 * 1024, 'a'));
  const std::vector<std::vector<std::string>> ways = {
      {},                                                  // Content-Length, Expect: 100-continue
      {"-H", "Expect:"},                                   // Content-Length, body at once
      {"-H", "Transfer-Encoding: chunked"},                // chunked, Expect: 100-continue
      {"-H", "Transfer-Encoding: chunked", "-H", "Expect:"},  // chunked, body at once
  };
  for (const auto& way : ways) {
    for (int i = 0; i < 5; ++i) {
      std::vector<std::string> argv{"curl", "-sS", "--max-time", "10", "-X", "POST", "-H",
                                    "Content-Type: application/json", "-w", "\n%{http_code}\n"};
      argv.insert(argv.end(), way.begin(), way.end());
      argv.insert(argv.end(), {"--data-binary", "@" + body, gateway_.httpUrl("/api/v1/devices/lab/commands")});
      auto r = runCommand(argv);
      EXPECT_EQ(r.exitCode, 0) << way.size() << ": " << r.output;
      EXPECT_NE(r.output.find(R"({"error":"request body larger than 65536 bytes"})"), std::string::npos)
          << way.size() << ": " << r.output;
      EXPECT_NE(r.output.find("\n413"), std::string::npos) << way.size() << ": " << r.output;
    }
  }
  // Still serving.
  EXPECT_EQ(httpGet(gateway_.httpUrl("/health")).status, 200);
}

}  // namespace
}  // namespace lwm2m::testing
