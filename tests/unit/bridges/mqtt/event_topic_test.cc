#include "bridges/mqtt/event_topic.h"

#include <gtest/gtest.h>

namespace lwm2m::bridges::mqtt {
namespace {

TEST(EventTopic, ReplacesEndpointAndKind) {
  EXPECT_EQ(expandEventTopic("lwm2m/{endpoint}/event/{kind}", "sensor-1", "registered"),
            "lwm2m/sensor-1/event/registered");
  EXPECT_EQ(expandEventTopic("{kind}/{endpoint}/{endpoint}", "e", "expired"), "expired/e/e");
  EXPECT_EQ(expandEventTopic("fixed/topic", "e", "updated"), "fixed/topic");
}

TEST(EventTopic, EndpointCannotAddLevelsOrWildcards) {
  EXPECT_EQ(expandEventTopic("lwm2m/{endpoint}/event", "a/b+c#", "updated"), "lwm2m/a_b_c_/event");
  EXPECT_EQ(expandEventTopic("lwm2m/{endpoint}", std::string_view("x\0y", 3), "updated"),
            "lwm2m/x_y");
  EXPECT_EQ(expandEventTopic("lwm2m/{endpoint}", "urn:imei:35", "updated"), "lwm2m/urn:imei:35");
}

TEST(EventTopic, UnknownBracesStayAsWritten) {
  EXPECT_EQ(expandEventTopic("a/{end}/{kind", "e", "k"), "a/{end}/{kind");
}

TEST(StatusTopic, ReplacesTheGatewayIdAsOneLevel) {
  EXPECT_EQ(expandStatusTopic("lwm2m-gateway/{gateway}/status", "edge-17"),
            "lwm2m-gateway/edge-17/status");
  EXPECT_EQ(expandStatusTopic("gw/{gateway}", "a/b#"), "gw/a_b_");
  EXPECT_EQ(expandStatusTopic("fixed/status", "edge"), "fixed/status");
}

}  // namespace
}  // namespace lwm2m::bridges::mqtt
