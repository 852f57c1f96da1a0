#include "gateway/core/device_registry.h"

#include <gtest/gtest.h>

#include "lwm2m/coap/manual_scheduler.h"

namespace lwm2m::gateway {
namespace {

server::Registration registration(std::string endpoint, std::vector<formats::Link> links) {
  server::Registration reg;
  reg.endpoint = std::move(endpoint);
  reg.id = "id-" + reg.endpoint;
  reg.version = "1.1";
  reg.binding = "U";
  reg.lifetime = 300;
  reg.objectLinks = server::ObjectLinks(std::move(links));
  reg.peer = coap::Peer(boost::asio::ip::make_address("127.0.0.1"), 5683);
  return reg;
}

std::vector<formats::Link> fleetLinks() {
  return {{"/1/0", {}}, {"/3/0", {}}, {"/3303/0", {{"ver", std::string("1.1")}}}};
}

void expectSameLinks(const api::DeviceInfo& got, const api::DeviceInfo& wanted) {
  ASSERT_EQ(got.objectLinks.size(), wanted.objectLinks.size());
  for (std::size_t i = 0; i < wanted.objectLinks.size(); ++i) {
    EXPECT_EQ(got.objectLinks[i].path, wanted.objectLinks[i].path);
    EXPECT_EQ(got.objectLinks[i].attributes, wanted.objectLinks[i].attributes);
  }
}

// One DeviceInfo refilled for event after event (as the event fan-out does):
// each refill reads as a fresh conversion would, whether the device shares
// the previous one's object links or not.
TEST(RefillDeviceInfo, EveryRefillShowsItsOwnDeviceWhetherTheLinksAreSharedOrNot) {
  coap::ManualScheduler clock;
  const server::Registration a = registration("a", fleetLinks());
  const server::Registration b = registration("b", fleetLinks());  // an equal list: shared
  const server::Registration c = registration("c", {{"/1/0", {}}, {"/3/0", {}}, {"/6/0", {}}, {"/3303/1", {}}});
  const server::Registration none = registration("d", {});

  api::DeviceInfo info;
  server::ObjectLinks filled;
  for (const server::Registration* reg : {&a, &b, &c, &a, &none, &b, &b}) {
    refillDeviceInfo(info, filled, *reg, clock);
    const api::DeviceInfo fresh = toDeviceInfo(*reg, clock);
    EXPECT_EQ(info.endpoint, reg->endpoint);
    EXPECT_EQ(info.registrationId, fresh.registrationId);
    EXPECT_EQ(info.address, "127.0.0.1:5683");
    expectSameLinks(info, fresh);
  }
  ASSERT_EQ(info.objectLinks.size(), 3u);
  EXPECT_EQ(info.objectLinks[2].path, "/3303/0");
  EXPECT_EQ(info.objectLinks[2].attributes, (std::vector<std::pair<std::string, std::string>>{{"ver", "1.1"}}));
}

}  // namespace
}  // namespace lwm2m::gateway
