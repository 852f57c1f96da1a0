// Numbers as a device writes them reach MQTT as the numbers they are, through
// the real daemon: a device on a raw socket registers and sends (LwM2M Send)
// SenML JSON with numbers that RapidJSON 1.1, the version Debian 12 and Yocto
// scarthgap ship, misread: a zero written with an exponent or with more than
// 22 decimals (read as 9.6e-240), and a number below the smallest double
// written with all its zeros (read past RapidJSON's table of powers of ten).

#include <map>
#include <optional>
#include <string>

#include <gtest/gtest.h>

#include "lwm2m/coap/message.h"
#include "lwm2m/formats/content_format.h"
#include "tests/integration/gateway_process.h"
#include "tests/integration/transfer_support.h"

namespace lwm2m::testing {
namespace {

using namespace std::chrono_literals;

// A device that speaks CoAP from a socket of its own, one request at a time.
class RawDevice {
 public:
  explicit RawDevice(std::uint16_t gatewayPort) : gatewayPort_(gatewayPort) {}

  // Sends a CON request and returns the code of its piggybacked answer,
  // skipping the gateway's own requests; nullopt after `wait`.
  std::optional<coap::Code> request(coap::Message request, std::chrono::milliseconds wait = 5s) {
    request.type = coap::MessageType::Confirmable;
    request.messageId = ++messageId_;
    request.token = {0x70, static_cast<std::uint8_t>(messageId_)};
    socket_.send(gatewayPort_, request);
    auto answer = socket_.acknowledgement(messageId_, wait);
    if (!answer) return std::nullopt;
    return answer->code;
  }

 private:
  RawCoapSocket socket_;
  std::uint16_t gatewayPort_;
  std::uint16_t messageId_ = 0;
};

TEST(DeviceNumbers, SenmlJsonZerosAndNumbersBelowTheSmallestDoubleArriveAsZero) {
  Mosquitto broker;
  GatewayProcess gateway(broker.uri());
  MqttSubscriber values(broker, "lwm2m/numbers/3303/#");
  RawDevice device(gateway.coapPort());

  coap::Message registration;
  registration.code = coap::codes::Post;
  registration.setUriPath("rd");
  registration.addUriQuery("ep=numbers");
  registration.addUriQuery("lt=300");
  registration.addUriQuery("lwm2m=1.1");
  const std::string links = "</1/0>,</3/0>,</3303/0>";
  registration.payload.assign(links.begin(), links.end());
  EXPECT_EQ(device.request(registration), coap::codes::Created) << gateway.log();

  const std::string zeros(30, '0');
  const std::string manyZeros(400, '0');
  const std::string senml = R"([{"bn":"/3303/0/","n":"5700","v":0e-30},)"
                            R"({"n":"5601","v":0.)" + zeros + R"(},)"
                            R"({"n":"5602","v":-0.)" + manyZeros + R"(1},)"
                            R"({"n":"5603","v":-0.5e1}])";
  coap::Message send;
  send.code = coap::codes::Post;
  send.setUriPath("dp");
  send.setContentFormat(formats::kSenmlJson);
  send.payload.assign(senml.begin(), senml.end());
  ASSERT_EQ(device.request(send), coap::codes::Changed) << gateway.log();

  std::map<std::string, rapidjson::Document> received;  // topic → its first message
  const auto until = std::chrono::steady_clock::now() + 10s;
  while (received.size() < 4 && std::chrono::steady_clock::now() < until) {
    auto message = values.next(1s);
    if (message && !received.contains(message->first)) received.emplace(message->first, parseJson(message->second));
  }
  const std::map<std::string, double> expected{{"lwm2m/numbers/3303/0/5700", 0.0},
                                               {"lwm2m/numbers/3303/0/5601", 0.0},
                                               {"lwm2m/numbers/3303/0/5602", 0.0},
                                               {"lwm2m/numbers/3303/0/5603", -5.0}};
  for (const auto& [topic, value] : expected) {
    auto it = received.find(topic);
    ASSERT_NE(it, received.end()) << "nothing on " << topic << "\n" << gateway.log();
    ASSERT_TRUE(it->second.IsObject() && it->second.HasMember("value") && it->second["value"].IsNumber()) << topic;
    EXPECT_EQ(it->second["value"].GetDouble(), value) << topic;
  }
}

}  // namespace
}  // namespace lwm2m::testing
