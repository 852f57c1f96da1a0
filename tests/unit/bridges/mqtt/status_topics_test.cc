#include "bridges/mqtt/status_topics.h"

#include <gtest/gtest.h>

namespace lwm2m::bridges::mqtt {
namespace {

TEST(DeviceStatusTopic, ReplacesEveryEndpoint) {
  EXPECT_EQ(expandDeviceStatusTopic("lwm2m/{endpoint}/status", "sensor-1"), "lwm2m/sensor-1/status");
  EXPECT_EQ(expandDeviceStatusTopic("{endpoint}/{endpoint}", "e"), "e/e");
  EXPECT_EQ(expandDeviceStatusTopic("fixed/topic", "e"), "fixed/topic");
}

TEST(DeviceStatusTopic, EndpointCannotAddLevelsOrWildcards) {
  EXPECT_EQ(expandDeviceStatusTopic("lwm2m/{endpoint}/status", "a/b+c#"), "lwm2m/a_b_c_/status");
  EXPECT_EQ(expandDeviceStatusTopic("lwm2m/{endpoint}", std::string_view("x\0y", 3)), "lwm2m/x_y");
  EXPECT_EQ(expandDeviceStatusTopic("lwm2m/{endpoint}", "urn:imei:35"), "lwm2m/urn:imei:35");
}

TEST(DeviceStatusTopic, UnknownBracesStayAsWritten) {
  EXPECT_EQ(expandDeviceStatusTopic("a/{end}/{endpoint", "e"), "a/{end}/{endpoint");
}

TEST(StatusTopic, ReplacesTheGatewayIdAsOneLevel) {
  EXPECT_EQ(expandStatusTopic("lwm2m-gateway/{gateway}/status", "edge-17"),
            "lwm2m-gateway/edge-17/status");
  EXPECT_EQ(expandStatusTopic("gw/{gateway}", "a/b#"), "gw/a_b_");
  EXPECT_EQ(expandStatusTopic("fixed/status", "edge"), "fixed/status");
}

}  // namespace
}  // namespace lwm2m::bridges::mqtt
