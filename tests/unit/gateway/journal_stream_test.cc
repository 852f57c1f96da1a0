#include "gateway/daemon/journal_stream.h"

#include <sys/stat.h>

#include <gtest/gtest.h>
#include <spdlog/spdlog.h>

#include <cstdlib>
#include <string>

#include "gateway/daemon/logging.h"

namespace lwm2m::gateway {
namespace {

// What systemd puts in JOURNAL_STREAM for the file stderr is now.
std::string journalStreamOfStderr() {
  struct stat st {};
  if (::fstat(2, &st) != 0) return "";
  return std::to_string(st.st_dev) + ":" + std::to_string(st.st_ino);
}

TEST(JournalStream, LinesCarrySyslogLevelsAndNoTimestampWhenStderrIsTheJournal) {
  ::testing::internal::CaptureStderr();  // stderr is now a file; pretend it is the journal's
  ::setenv("JOURNAL_STREAM", journalStreamOfStderr().c_str(), 1);
  EXPECT_TRUE(stderrIsJournal());
  setupLogging("debug");
  spdlog::debug("d");
  spdlog::info("MQTT connected to {}", "tcp://127.0.0.1:1883");
  spdlog::warn("w");
  spdlog::error("e");
  spdlog::critical("c");
  spdlog::default_logger()->flush();
  const std::string text = ::testing::internal::GetCapturedStderr();
  ::unsetenv("JOURNAL_STREAM");
  setupLogging("info");
  EXPECT_EQ(text, "<7>d\n<6>MQTT connected to tcp://127.0.0.1:1883\n<4>w\n<3>e\n<2>c\n");
}

TEST(JournalStream, RedirectedStderrKeepsTimestamps) {
  // The service's stderr went to the journal, but this process's stderr was
  // redirected (e.g. `lwm2m-gateway --check-config 2>file` from a unit's shell).
  ::setenv("JOURNAL_STREAM", "1:1", 1);
  EXPECT_FALSE(stderrIsJournal());
  ::setenv("JOURNAL_STREAM", "garbage", 1);
  EXPECT_FALSE(stderrIsJournal());
  ::unsetenv("JOURNAL_STREAM");
  EXPECT_FALSE(stderrIsJournal());
}

}  // namespace
}  // namespace lwm2m::gateway
