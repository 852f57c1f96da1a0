#include <gtest/gtest.h>

#include "mapping/router.h"
#include "tests/unit/mapping/mapping_test_support.h"

namespace lwm2m::mapping {
namespace {

using testing::path;
using testing::registered;
using testing::rulesFrom;
using testing::testModel;

std::vector<std::string> describeCommands(const std::vector<Command>& commands) {
  std::vector<std::string> out;
  for (const auto& c : commands) {
    std::string text(operations::operationName(c.request.operation));
    for (const auto& p : c.request.targets()) text += " " + p.toString();
    if (c.request.attributes.minPeriod) text += " pmin=" + std::to_string(*c.request.attributes.minPeriod);
    out.push_back(text);
  }
  return out;
}

TEST(AutoObserve, ObservesEachRegisteredInstanceThePatternsSelect) {
  RuleSet rules = rulesFrom(R"(
observe:
  - match: {endpoint: "sensor-*", path: ["/3303/+/5700", "/3/0/#", "/3304/+/5700"]}
)");
  auto commands = autoObserve(rules, registered("sensor-1", {"/1/0", "/3/0", "/3303/0", "/3303/2"}), testModel());
  EXPECT_EQ(describeCommands(commands),
            (std::vector<std::string>{"observe /3303/0/5700", "observe /3303/2/5700", "observe /3/0"}));
  for (const auto& c : commands) EXPECT_EQ(c.endpoint, "sensor-1");
  EXPECT_TRUE(autoObserve(rules, registered("meter-1", {"/3303/0"}), testModel()).empty());
}

TEST(AutoObserve, WritesAttributesBeforeObserving) {
  RuleSet rules = rulesFrom(R"(
observe:
  - match: {path: "/3303/+/5700"}
    attributes: {pmin: 10, pmax: 60}
)");
  auto commands = autoObserve(rules, registered("d", {"/3303/0"}), testModel());
  EXPECT_EQ(describeCommands(commands),
            (std::vector<std::string>{"write-attributes /3303/0/5700 pmin=10", "observe /3303/0/5700"}));
  EXPECT_EQ(commands[0].request.attributes.maxPeriod, 60u);
}

TEST(AutoObserve, CompositeOnlyForDevicesThatSupportIt) {
  RuleSet rules = rulesFrom(R"(
observe:
  - match: {path: ["/3303/+/5700", "/3/0/9"]}
    composite: true
)");
  EXPECT_EQ(describeCommands(autoObserve(rules, registered("d", {"/3/0", "/3303/0"}, "1.1"), testModel())),
            (std::vector<std::string>{"observe-composite /3303/0/5700 /3/0/9"}));
  EXPECT_EQ(describeCommands(autoObserve(rules, registered("d", {"/3/0", "/3303/0"}, "1.0"), testModel())),
            (std::vector<std::string>{"observe /3303/0/5700", "observe /3/0/9"}));
}

TEST(AutoObserve, UpdateObservesOnlyNewInstances) {
  RuleSet rules = rulesFrom("observe:\n  - match: {path: \"/3303/+/5700\"}\n");
  auto event = registered("d", {"/3/0", "/3303/0", "/3303/1"});
  event.kind = DeviceEventKind::Updated;
  event.registration.previousObjectLinks = {path("/3/0"), path("/3303/0")};
  EXPECT_EQ(describeCommands(autoObserve(rules, event, testModel())),
            (std::vector<std::string>{"observe /3303/1/5700"}));
  event.registration.previousObjectLinks = event.registration.objectLinks;
  EXPECT_TRUE(autoObserve(rules, event, testModel()).empty());
}

TEST(AutoObserve, SingleInstanceObjectLinkWithoutInstanceCountsAsInstanceZero) {
  RuleSet rules = rulesFrom("observe:\n  - match: {path: \"/3/+/9\"}\n  - match: {path: \"/3/0/9\"}\n");
  EXPECT_EQ(describeCommands(autoObserve(rules, registered("d", {"/3"}), testModel())),
            (std::vector<std::string>{"observe /3/0/9"}));
}

TEST(AutoObserve, OtherEventsObserveNothing) {
  RuleSet rules = rulesFrom("observe:\n  - match: {path: \"/3/0/9\"}\n");
  auto event = registered("d", {"/3/0"});
  event.kind = DeviceEventKind::Awake;
  EXPECT_TRUE(autoObserve(rules, event, testModel()).empty());
}

}  // namespace
}  // namespace lwm2m::mapping
