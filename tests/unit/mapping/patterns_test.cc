#include "mapping/patterns.h"

#include <gtest/gtest.h>

#include "tests/unit/mapping/mapping_test_support.h"

namespace lwm2m::mapping {
namespace {

using testing::path;

TEST(GlobMatch, MatchesEndpointNames) {
  struct Case {
    const char* pattern;
    const char* text;
    bool matches;
  } cases[] = {
      {"*", "anything", true},         {"*", "", true},
      {"sensor-*", "sensor-1", true},  {"sensor-*", "meter-1", false},
      {"sensor-?", "sensor-12", false}, {"*-1", "sensor-1", true},
      {"s*r-*", "sensor-42", true},    {"exact", "exact", true},
      {"exact", "exactly", false},     {"a*b*c", "aXXbYYc", true},
      {"a*b*c", "aXXbYY", false},      {"**", "x", true},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(globMatch(c.pattern, c.text), c.matches) << c.pattern << " vs " << c.text;
  }
}

TEST(PathPattern, MatchesWithSingleAndMultiLevelWildcards) {
  struct Case {
    const char* pattern;
    const char* path;
    bool matches;
  } cases[] = {
      {"/3303/+/5700", "/3303/0/5700", true}, {"/3303/+/5700", "/3303/7/5700", true},
      {"/3303/+/5700", "/3303/0/5701", false}, {"/3303/+/5700", "/3304/0/5700", false},
      {"/3303/+/5700", "/3303/0", false},     {"/3/0/#", "/3/0", true},
      {"/3/0/#", "/3/0/7/1", true},           {"/3/0/#", "/3/1/0", false},
      {"/#", "/5/0/1", true},                 {"/3/0/1", "/3/0/1", true},
      {"/3/0/1", "/3/0/1/0", false},          {"/+/+/+", "/1/2/3", true},
  };
  for (const auto& c : cases) {
    auto pattern = PathPattern::parse(c.pattern);
    ASSERT_TRUE(pattern.ok()) << c.pattern;
    EXPECT_EQ(pattern->matches(path(c.path)), c.matches) << c.pattern << " vs " << c.path;
  }
}

TEST(PathPattern, RejectsMalformedPatternsNamingThem) {
  struct Case {
    const char* pattern;
    const char* reason;
  } cases[] = {
      {"3/0/1", "must start with '/'"}, {"/3/#/1", "'#' must be the last level"},
      {"/3/x/1", "'x' is not an id"},   {"/1/2/3/4/5", "more than four levels"},
      {"/3//1", "'' is not an id"},     {"/65535", "'65535' is not an id"},
  };
  for (const auto& c : cases) {
    auto pattern = PathPattern::parse(c.pattern);
    ASSERT_FALSE(pattern.ok()) << c.pattern;
    EXPECT_NE(pattern.error().message.find(c.reason), std::string::npos) << pattern.error().message;
  }
}

TEST(TopicPattern, CapturesNamedWildcardsAndTheRest) {
  auto pattern = TopicPattern::parse("lwm2m/{endpoint}/cmd/{op}");
  ASSERT_TRUE(pattern.ok());
  EXPECT_EQ(pattern->filter(), "lwm2m/+/cmd/+");
  auto m = pattern->match("lwm2m/sensor-1/cmd/read");
  ASSERT_TRUE(m.has_value());
  EXPECT_EQ((*m)["endpoint"], "sensor-1");
  EXPECT_EQ((*m)["op"], "read");
  EXPECT_FALSE(pattern->match("lwm2m/sensor-1/cmd").has_value());
  EXPECT_FALSE(pattern->match("lwm2m/sensor-1/cmd/read/extra").has_value());
  EXPECT_FALSE(pattern->match("lwm2m//cmd/read").has_value());

  auto rest = TopicPattern::parse("lwm2m/{endpoint}/dn/#");
  ASSERT_TRUE(rest.ok());
  EXPECT_EQ(rest->filter(), "lwm2m/+/dn/#");
  auto r = rest->match("lwm2m/ep/dn/a/b");
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ((*r)["endpoint"], "ep");
  EXPECT_EQ((*r)["#"], "a/b");
  EXPECT_TRUE(rest->match("lwm2m/ep/dn").has_value());
}

TEST(TopicPattern, RejectsAnonymousAndEmbeddedWildcards) {
  for (const char* bad : {"lwm2m/+/cmd", "lwm2m/#/cmd", "lwm2m/x{endpoint}", "lwm2m/a+b", ""}) {
    EXPECT_FALSE(TopicPattern::parse(bad).ok()) << bad;
  }
}

TEST(TopicTemplate, RendersPlaceholdersAndNeutralisesTopicCharacters) {
  Placeholders values{{"endpoint", "evil/+/#"}, {"object", "3303"}};
  EXPECT_EQ(renderTopic("lwm2m/{endpoint}/{object}", values), "lwm2m/evil____/3303");
  EXPECT_EQ(renderText("/{object}/0", values), "/3303/0");
  EXPECT_EQ(renderTopic("plain/topic", values), "plain/topic");
}

TEST(TopicTemplate, CheckNamesUnknownPlaceholdersAndBraces) {
  std::vector<std::string_view> allowed = {"endpoint", "object"};
  EXPECT_TRUE(checkTemplate("a/{endpoint}/{object}", allowed).ok());
  auto unknown = checkTemplate("a/{endpiont}", allowed);
  ASSERT_FALSE(unknown.ok());
  EXPECT_NE(unknown.error().message.find("unknown placeholder {endpiont}"), std::string::npos);
  EXPECT_FALSE(checkTemplate("a/{endpoint", allowed).ok());
  EXPECT_FALSE(checkTemplate("a/endpoint}", allowed).ok());
}

}  // namespace
}  // namespace lwm2m::mapping
