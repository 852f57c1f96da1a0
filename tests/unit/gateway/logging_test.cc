#include "gateway/daemon/logging.h"

#include <gtest/gtest.h>
#include <spdlog/spdlog.h>

#include <cctype>

namespace lwm2m::gateway {
namespace {

// "2026-11-22T04:50:56.123Z ": a UTC timestamp with milliseconds and a space.
bool startsWithTimestamp(const std::string& line) {
  const std::string shape = "dddd-dd-ddTdd:dd:dd.dddZ ";
  if (line.size() < shape.size()) return false;
  for (std::size_t i = 0; i < shape.size(); ++i) {
    const bool ok = shape[i] == 'd' ? std::isdigit(static_cast<unsigned char>(line[i])) != 0
                                    : line[i] == shape[i];
    if (!ok) return false;
  }
  return true;
}

TEST(Logging, WritesTimestampedLevelledLinesToStderr) {
  setupLogging("info");
  ::testing::internal::CaptureStderr();
  spdlog::info("MQTT connected to {}", "tcp://127.0.0.1:1883");
  spdlog::debug("not shown at info");
  spdlog::default_logger()->flush();
  const std::string text = ::testing::internal::GetCapturedStderr();
  ASSERT_TRUE(startsWithTimestamp(text)) << text;
  EXPECT_EQ(text.substr(25), "[info] MQTT connected to tcp://127.0.0.1:1883\n")
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
