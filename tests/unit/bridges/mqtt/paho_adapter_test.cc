// Messages as Paho sends them: the MQTT 5 properties each carries, whether
// made for it or taken from those kept per content type.
#include "bridges/mqtt/paho_adapter.h"

#include <gtest/gtest.h>

namespace lwm2m::bridges::mqtt {
namespace {

std::string property(const ::mqtt::message& m, ::mqtt::property::code code) {
  const auto& props = m.get_properties();
  return props.contains(code) ? ::mqtt::get<std::string>(props, code) : "(none)";
}

mapping::OutboundMessage outbound(std::string contentType) {
  mapping::OutboundMessage m;
  m.topic = "lwm2m/d1/3303/0/5700";
  m.payload = R"({"value":21.5})";
  m.qos = 1;
  m.retain = true;
  m.contentType = std::move(contentType);
  return m;
}

TEST(PahoMessage, CarriesItsOwnContentTypeAndReplyPropertiesUnderMqtt5Only) {
  // Alternating types: each message names its own, never the previous one's.
  for (const char* type : {"application/json", "text/plain", "application/json", "", "text/plain"}) {
    const auto m = toPahoMessage(outbound(type), MqttVersion::V5);
    EXPECT_EQ(m->get_topic(), "lwm2m/d1/3303/0/5700");
    EXPECT_EQ(m->to_string(), R"({"value":21.5})");
    EXPECT_EQ(m->get_qos(), 1);
    EXPECT_TRUE(m->is_retained());
    EXPECT_EQ(property(*m, ::mqtt::property::CONTENT_TYPE), *type ? type : "(none)");
    EXPECT_EQ(property(*m, ::mqtt::property::RESPONSE_TOPIC), "(none)");
  }
  auto reply = outbound("application/json");
  reply.responseTopic = "cloud/answers";
  reply.correlationData = "c-17";
  const auto m = toPahoMessage(reply, MqttVersion::V5);
  EXPECT_EQ(property(*m, ::mqtt::property::CONTENT_TYPE), "application/json");
  EXPECT_EQ(property(*m, ::mqtt::property::RESPONSE_TOPIC), "cloud/answers");
  EXPECT_EQ(property(*m, ::mqtt::property::CORRELATION_DATA), "c-17");
  EXPECT_EQ(property(*toPahoMessage(outbound("text/plain"), MqttVersion::V5), ::mqtt::property::CORRELATION_DATA),
            "(none)");

  const auto old = toPahoMessage(reply, MqttVersion::V311);
  EXPECT_TRUE(old->get_properties().empty());
  EXPECT_EQ(old->to_string(), R"({"value":21.5})");
}

TEST(PahoMessage, ManyContentTypesAreAllCarried) {
  for (int i = 0; i < 40; ++i) {
    const std::string type = "application/x-" + std::to_string(i % 20);
    EXPECT_EQ(property(*toPahoMessage(outbound(type), MqttVersion::V5), ::mqtt::property::CONTENT_TYPE), type);
  }
}

}  // namespace
}  // namespace lwm2m::bridges::mqtt
