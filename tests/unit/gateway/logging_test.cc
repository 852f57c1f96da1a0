#include "gateway/logging.h"

#include <gtest/gtest.h>
#include <spdlog/spdlog.h>

#include <regex>

namespace lwm2m::gateway {
namespace {

TEST(Logging, WritesTimestampedLevelledLinesToStderr) {
  setupLogging("info");
  ::testing::internal::CaptureStderr();
  spdlog::info("MQTT connected to {}", "tcp://127.0.0.1:1883");
  spdlog::debug("not shown at info");
  spdlog::default_logger()->flush();
  const std::string text = ::testing::internal::GetCapturedStderr();
  EXPECT_TRUE(std::regex_match(
      text, std::regex(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z \[info\] MQTT connected to )"
                       R"(tcp://127\.0\.0\.1:1883\n)")))
      << text;
}

TEST(Logging, LevelFiltersRecords) {
  setupLogging("warn");
  ::testing::internal::CaptureStderr();
  spdlog::info("hidden");
  spdlog::warn("shown");
  spdlog::default_logger()->flush();
  std::string text = ::testing::internal::GetCapturedStderr();
  EXPECT_EQ(text.find("hidden"), std::string::npos);
  EXPECT_NE(text.find("[warning] shown"), std::string::npos) << text;

  setupLogging("off");
  ::testing::internal::CaptureStderr();
  spdlog::error("silent");
  spdlog::default_logger()->flush();
  EXPECT_EQ(::testing::internal::GetCapturedStderr(), "");

  setupLogging("trace");
  EXPECT_TRUE(spdlog::should_log(spdlog::level::trace));
}

}  // namespace
}  // namespace lwm2m::gateway
