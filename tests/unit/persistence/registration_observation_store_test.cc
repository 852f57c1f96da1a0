// Registrations and observations as the LwM2M server stores them.

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "persistence/database.h"
#include "tests/unit/persistence/persistence_test_support.h"

namespace lwm2m::persistence {
namespace {

using testing::completed;
using testing::openOrFail;
using testing::registration;
using testing::TempDir;

class RegistrationObservationStore : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = openOrFail(temp_.path());
    ASSERT_TRUE(db_);
  }
  Result<void> upsert(RegistrationRecord record) {
    return completed([&](auto done) { db_->registrations().upsert(record, done); });
  }
  Result<void> put(ObservationRecord record) {
    return completed([&](auto done) { db_->observations().put(record, done); });
  }
  std::vector<RegistrationRecord> registrations() { return db_->registrations().loadAll().value(); }
  std::vector<ObservationRecord> observations() { return db_->observations().loadAll().value(); }

  TempDir temp_;
  std::unique_ptr<Database> db_;
};

ObservationRecord observation(const std::string& endpoint, std::vector<std::uint8_t> token,
                              const std::string& paths) {
  return ObservationRecord{endpoint, std::move(token), paths, R"({"pmin":5,"pmax":60})", 11543,
                           1'700'000'000'500};
}

TEST_F(RegistrationObservationStore, ReRegistrationReplacesTheRecord) {
  ASSERT_TRUE(upsert(registration("sensor-1", "r1")));
  RegistrationRecord again = registration("sensor-1", "r2");
  again.address = "192.0.2.99:40000";
  again.binding = "U";
  again.queueMode = false;
  again.objectLinks = "</3/0>,</3303/0>,</3303/1>";
  again.smsNumber = "+15550100";
  ASSERT_TRUE(upsert(again));
  ASSERT_EQ(registrations().size(), 1u);
  EXPECT_EQ(registrations().front(), again);
}

TEST_F(RegistrationObservationStore, TouchRefreshesOnlyTimesAndAddress) {
  ASSERT_TRUE(upsert(registration("sensor-1", "r1")));
  ASSERT_TRUE(completed([&](auto done) {
    db_->registrations().touch("sensor-1", 1'700'000'100'000, 1'700'000'400'000,
                               "203.0.113.5:61000", done);
  }));
  RegistrationRecord expected = registration("sensor-1", "r1");
  expected.lastUpdateAtMs = 1'700'000'100'000;
  expected.expiresAtMs = 1'700'000'400'000;
  expected.address = "203.0.113.5:61000";
  EXPECT_EQ(registrations().front(), expected);
}

TEST_F(RegistrationObservationStore, TouchOfAnUnknownEndpointFails) {
  auto result = completed([&](auto done) {
    db_->registrations().touch("ghost", 1, 2, "192.0.2.1:5683", done);
  });
  ASSERT_FALSE(result);
  EXPECT_NE(result.error().message.find("'ghost'"), std::string::npos) << result.error().message;
  EXPECT_TRUE(registrations().empty());
}

TEST_F(RegistrationObservationStore, RegistrationIdBelongsToOneEndpoint) {
  ASSERT_TRUE(upsert(registration("sensor-1", "r1")));
  auto clash = upsert(registration("sensor-2", "r1"));
  ASSERT_FALSE(clash);
  EXPECT_NE(clash.error().message.find("sensor-2"), std::string::npos);
  EXPECT_EQ(registrations().size(), 1u);
}

TEST_F(RegistrationObservationStore, RemovingARegistrationRemovesItsObservations) {
  ASSERT_TRUE(upsert(registration("sensor-1", "r1")));
  ASSERT_TRUE(upsert(registration("sensor-2", "r2")));
  ASSERT_TRUE(put(observation("sensor-1", {1}, "/3303/0/5700")));
  ASSERT_TRUE(put(observation("sensor-2", {2}, "/3303/0/5700")));
  ASSERT_TRUE(completed([&](auto done) { db_->registrations().remove("sensor-1", done); }));
  ASSERT_EQ(registrations().size(), 1u);
  ASSERT_EQ(observations().size(), 1u);
  EXPECT_EQ(observations().front().endpoint, "sensor-2");
  // Removing again is not an error.
  EXPECT_TRUE(completed([&](auto done) { db_->registrations().remove("sensor-1", done); }));
}

TEST_F(RegistrationObservationStore, ObservationOfAnUnregisteredEndpointFails) {
  auto result = put(observation("ghost", {1}, "/3/0"));
  ASSERT_FALSE(result);
  EXPECT_NE(result.error().message.find("FOREIGN KEY"), std::string::npos)
      << result.error().message;
  EXPECT_TRUE(observations().empty());
}

TEST_F(RegistrationObservationStore, ObservingTheSamePathsAgainReplacesTheToken) {
  ASSERT_TRUE(upsert(registration("sensor-1", "r1")));
  ASSERT_TRUE(put(observation("sensor-1", {0xaa, 0x00}, "/3303/0/5700\n/3303/0/5701")));
  ASSERT_TRUE(put(observation("sensor-1", {0xbb}, "/3303/0/5700\n/3303/0/5701")));
  ASSERT_TRUE(put(observation("sensor-1", {0xcc}, "/3/0/9")));
  auto all = observations();
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0].paths, "/3/0/9");
  EXPECT_EQ(all[1].token, (std::vector<std::uint8_t>{0xbb}));
  EXPECT_EQ(all[1], observation("sensor-1", {0xbb}, "/3303/0/5700\n/3303/0/5701"));
}

TEST_F(RegistrationObservationStore, CancelByTokenAndDropAllOnReRegistration) {
  ASSERT_TRUE(upsert(registration("sensor-1", "r1")));
  ASSERT_TRUE(upsert(registration("sensor-2", "r2")));
  ASSERT_TRUE(put(observation("sensor-1", {0x01, 0x00}, "/3303/0/5700")));
  ASSERT_TRUE(put(observation("sensor-1", {0x02}, "/3/0/9")));
  ASSERT_TRUE(put(observation("sensor-2", {0x03}, "/3/0/9")));
  ASSERT_TRUE(completed([&](auto done) {
    db_->observations().removeByToken({0x01, 0x00}, done);
  }));
  ASSERT_EQ(observations().size(), 2u);
  ASSERT_TRUE(completed([&](auto done) {
    db_->observations().removeByEndpoint("sensor-1", done);
  }));
  auto left = observations();
  ASSERT_EQ(left.size(), 1u);
  EXPECT_EQ(left.front().endpoint, "sensor-2");
  EXPECT_EQ(left.front().token, (std::vector<std::uint8_t>{0x03}));
}

TEST_F(RegistrationObservationStore, EmptyTokenStaysEmptyNotNull) {
  ASSERT_TRUE(upsert(registration("sensor-1", "r1")));
  ASSERT_TRUE(put(observation("sensor-1", {}, "/3/0")));
  ASSERT_EQ(observations().size(), 1u);
  EXPECT_TRUE(observations().front().token.empty());
}

}  // namespace
}  // namespace lwm2m::persistence
