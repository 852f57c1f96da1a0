#include "bridges/http/rest_target.h"

#include <gtest/gtest.h>

namespace lwm2m::bridges::http {
namespace {

TEST(RestTarget, SplitsAndDecodesSegmentsAndQuery) {
  auto t = parseTarget("/api/v1/devices/a%20b%2Fc/3/0/?timeout=5&async&name=x+y%21");
  ASSERT_TRUE(t) << t.error().message;
  EXPECT_EQ(t->path, "/api/v1/devices/a%20b%2Fc/3/0/");
  EXPECT_EQ(t->segments, (std::vector<std::string>{"api", "v1", "devices", "a b/c", "3", "0"}));
  ASSERT_TRUE(t->param("timeout"));
  EXPECT_EQ(*t->param("timeout"), "5");
  EXPECT_TRUE(t->has("async"));
  EXPECT_EQ(*t->param("async"), "");
  EXPECT_EQ(*t->param("name"), "x y!");
  EXPECT_FALSE(t->has("format"));
}

TEST(RestTarget, RefusesWhatCannotBeAPath) {
  EXPECT_NE(parseTarget("").error().message.find("absolute path"), std::string::npos);
  EXPECT_NE(parseTarget("http://x/").error().message.find("absolute path"), std::string::npos);
  EXPECT_NE(parseTarget("/api//v1").error().message.find("empty segment"), std::string::npos);
  EXPECT_NE(parseTarget("/a%zz").error().message.find("percent-encoding"), std::string::npos);
  EXPECT_NE(parseTarget("/a?x=%4").error().message.find("query parameter"), std::string::npos);
  std::string deep;
  for (int i = 0; i < 17; ++i) deep += "/s";
  EXPECT_NE(parseTarget(deep).error().message.find("more than 16 segments"), std::string::npos);
  EXPECT_TRUE(parseTarget("/").ok());
  EXPECT_TRUE(parseTarget("/")->segments.empty());
}

TEST(RestTarget, PercentEncodesOneSegment) {
  EXPECT_EQ(percentEncode("a b/c~d"), "a%20b%2Fc~d");
  EXPECT_EQ(percentDecode(percentEncode("\xe2\x82\xac?&")), "\xe2\x82\xac?&");
}

TEST(RestTarget, FlagsAndSeconds) {
  const std::string empty, yes = "true", no = "0", odd = "maybe";
  EXPECT_FALSE(*flagValue("async", nullptr));
  EXPECT_TRUE(*flagValue("async", &empty));
  EXPECT_TRUE(*flagValue("async", &yes));
  EXPECT_FALSE(*flagValue("async", &no));
  EXPECT_FALSE(flagValue("async", &odd).ok());
  EXPECT_EQ(*secondsValue("timeout", "90", 3600), 90u);
  EXPECT_FALSE(secondsValue("timeout", "0", 3600).ok());
  EXPECT_FALSE(secondsValue("timeout", "3601", 3600).ok());
  EXPECT_FALSE(secondsValue("timeout", "-1", 3600).ok());
}

}  // namespace
}  // namespace lwm2m::bridges::http
