#include "gateway/core/mapping_rules.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "lwm2m/coap/manual_scheduler.h"

namespace lwm2m::gateway {
namespace {

using namespace std::chrono_literals;
namespace fs = std::filesystem;

const char* kRules = "uplink:\n  - topic: \"up/{endpoint}\"\ndownlink:\n  - topic: \"cmd/{endpoint}\"\n";

class WatchedMapping : public ::testing::Test {
 protected:
  WatchedMapping()
      : dir_(fs::temp_directory_path() / ("mapping-rules-" + std::to_string(::getpid()))),
        models_(model::ObjectModel::builtIn()) {
    fs::create_directories(dir_);
    write(kRules);
  }
  ~WatchedMapping() override { fs::remove_all(dir_); }

  void write(const std::string& text) { std::ofstream(dir_ / "rules.yaml", std::ios::trunc) << text; }
  std::string file() const { return (dir_ / "rules.yaml").string(); }

  fs::path dir_;
  model::ModelSource models_;
  coap::ManualScheduler clock_;
};

TEST_F(WatchedMapping, AChangeIsLoadedOnlyOnceTheFileStayedTheSameForTheSettleTime) {
  MappingRules rules(file(), models_, clock_);
  ASSERT_TRUE(rules.load().ok());
  rules.watch(100ms, 500ms);
  // An editor writes the file in two steps; the first alone would be refused.
  write("uplink:\n  - topic: \"up/{endp");
  clock_.advance(100ms);  // seen: settling
  clock_.advance(300ms);
  write("uplink:\n  - topic: \"second/{endpoint}\"\ndownlink:\n  - topic: \"cmd/{endpoint}\"\n");
  clock_.advance(400ms);  // seen changed again: settling from here
  EXPECT_EQ(rules.reloadStats().applied, 0u);
  EXPECT_EQ(rules.current()->uplink().front().topic, "up/{endpoint}");
  clock_.advance(600ms);
  EXPECT_EQ(rules.reloadStats().applied, 1u);
  EXPECT_EQ(rules.reloadStats().refused, 0u);
  EXPECT_EQ(rules.current()->uplink().front().topic, "second/{endpoint}");
}

TEST_F(WatchedMapping, AnEmptyFileIsRefusedAndTheRefusalIsShown) {
  MappingRules rules(file(), models_, clock_);
  ASSERT_TRUE(rules.load().ok());
  rules.watch(100ms, 200ms);
  write("");
  clock_.advance(1s);
  EXPECT_EQ(rules.reloadStats().refused, 1u);
  EXPECT_EQ(rules.current()->uplink().size(), 1u);
  const auto status = rules.mappingStatus();
  EXPECT_EQ(status.uplink, 1u);
  EXPECT_EQ(status.reloadsRefused, 1u);
  EXPECT_NE(status.lastReloadError.find(file() + ":1: the file is empty"), std::string::npos)
      << status.lastReloadError;
  // Not retried while the file stays as it is; a good file clears the error.
  clock_.advance(1s);
  EXPECT_EQ(rules.reloadStats().refused, 1u);
  write(kRules);
  clock_.advance(1s);
  EXPECT_EQ(rules.reloadStats().applied, 1u);
  EXPECT_EQ(rules.mappingStatus().lastReloadError, "");
}

TEST_F(WatchedMapping, ReloadsMayDropAKindOfRuleOnlyWhenAllowed) {
  write(std::string(kRules) + "observe:\n  - match: {path: \"/3303/+/5700\"}\n");
  MappingRules strict(file(), models_, clock_);
  MappingRules lenient(file(), models_, clock_, mapping::LoadPolicy{true});
  ASSERT_TRUE(strict.load().ok());
  ASSERT_TRUE(lenient.load().ok());
  write(kRules);
  EXPECT_FALSE(strict.reload("test"));
  EXPECT_NE(strict.reloadStats().lastError.find(":1: no observe rules (1 in force) any more"), std::string::npos)
      << strict.reloadStats().lastError;
  EXPECT_EQ(strict.current()->observe().size(), 1u);
  EXPECT_TRUE(lenient.reload("test"));
  EXPECT_TRUE(lenient.current()->observe().empty());
}

}  // namespace
}  // namespace lwm2m::gateway
