#include "gateway/core/registration_persistence.h"

#include <gtest/gtest.h>

#include "gateway/core/device_registry.h"
#include "gateway/core/unix_time.h"
#include "lwm2m/coap/manual_scheduler.h"
#include "tests/unit/persistence/persistence_test_support.h"

namespace lwm2m::gateway {
namespace {

using namespace std::chrono_literals;

server::Registration sample(const coap::Scheduler& clock) {
  server::Registration reg;
  reg.endpoint = "meter-9";
  reg.id = "a1b2c3d4e5";
  reg.version = "1.1";
  reg.binding = "U";
  reg.queueMode = true;
  reg.lifetime = 300;
  reg.smsNumber = "+4917";
  reg.rootPath = "/";
  reg.objectLinks = *formats::parseLinkFormat("</>;rt=\"oma.lwm2m\";ct=110,</1/0>,</3/0>;ver=1.1");
  reg.peer = coap::Peer(boost::asio::ip::make_address("::1"), 40123);
  reg.registeredAt = clock.wallNow() - 100s;
  reg.lastUpdateAt = clock.wallNow() - 10s;
  reg.expiresAt = clock.now() + 290s;
  return reg;
}

TEST(RegistrationRecord, RoundTripKeepsEverythingAndTheRemainingLifetime) {
  coap::ManualScheduler before;
  const server::Registration reg = sample(before);
  const auto record = toRecord(reg, before);
  EXPECT_EQ(record.address, "[::1]:40123");
  EXPECT_EQ(record.objectLinks, "</>;rt=\"oma.lwm2m\";ct=110,</1/0>,</3/0>;ver=1.1");

  // "Restart": a new steady clock 60 s of wall time later.
  coap::ManualScheduler after;
  after.setWallTime(before.wallNow() + 60s);
  auto back = fromRecord(record, after);
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_EQ(back->endpoint, reg.endpoint);
  EXPECT_EQ(back->id, reg.id);
  EXPECT_EQ(back->peer, reg.peer);
  EXPECT_TRUE(back->queueMode);
  EXPECT_EQ(back->smsNumber, "+4917");
  ASSERT_EQ(back->objectLinks.size(), 3u);
  EXPECT_EQ(back->objectLinks[2].find("ver")->value, "1.1");
  EXPECT_EQ(std::chrono::duration_cast<std::chrono::seconds>(back->expiresAt - after.now()).count(), 230);
  EXPECT_EQ(std::chrono::duration_cast<std::chrono::milliseconds>(back->lastUpdateAt.time_since_epoch()),
            std::chrono::duration_cast<std::chrono::milliseconds>(reg.lastUpdateAt.time_since_epoch()));
}

TEST(RegistrationRecord, UnreadableRecordsSayWhy) {
  coap::ManualScheduler clock;
  auto record = toRecord(sample(clock), clock);
  record.address = "nowhere";
  auto bad = fromRecord(record, clock);
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().message.find("nowhere"), std::string::npos);
  record = toRecord(sample(clock), clock);
  record.objectLinks = "</3/0";
  EXPECT_FALSE(fromRecord(record, clock));
}

TEST(Peer, FormatAndParseAreInverse) {
  for (std::string text : {"127.0.0.1:5683", "[::1]:1", "[fe80::1]:65535"}) {
    auto peer = parsePeer(text);
    ASSERT_TRUE(peer) << text;
    EXPECT_EQ(coap::toString(*peer), text);
  }
  // IPv4 clients on a dual-stack socket show as plain IPv4.
  EXPECT_EQ(coap::toString(coap::Peer(boost::asio::ip::make_address("::ffff:10.1.2.3"), 7)), "10.1.2.3:7");
  for (std::string bad : {"", "1.2.3.4", "1.2.3.4:0", "1.2.3.4:70000", "host:80", "[::1]:x"}) {
    EXPECT_FALSE(parsePeer(bad)) << bad;
  }
}

// The stored record of `endpoint` once every write queued so far committed
// (the writer keeps their order).
std::optional<persistence::RegistrationRecord> storedRegistration(persistence::Database& db,
                                                                  const std::string& endpoint) {
  EXPECT_TRUE(persistence::testing::completed([&](auto done) { db.registrations().remove("nobody", done); }));
  auto records = db.registrations().loadAll();  // kept: the loop must not outlive it
  if (!records) return std::nullopt;
  for (const auto& record : *records) {
    if (record.endpoint == endpoint) return record;
  }
  return std::nullopt;
}

TEST(RegistrationPersistence, LifetimeRefreshesAreGatheredForAMomentOtherChangesStoredAtOnce) {
  persistence::testing::TempDir dir;
  auto db = persistence::testing::openOrFail(dir.path());
  ASSERT_TRUE(db);
  coap::ManualScheduler clock;
  RegistrationPersistence persistence(db->registrations(), clock, 1s);
  server::Registration reg = sample(clock);
  persistence.onRegistered(reg, nullptr);
  const auto registered = storedRegistration(*db, reg.endpoint);
  ASSERT_TRUE(registered);

  // An Update that only refreshes the lifetime: gathered, then stored.
  clock.advance(10s);
  reg.lastUpdateAt = clock.wallNow();
  reg.expiresAt = clock.now() + 300s;
  persistence.onUpdated(reg, server::RegistrationChanges{});
  EXPECT_EQ(persistence.gatheredRefreshes(), 1u);
  EXPECT_EQ(storedRegistration(*db, reg.endpoint)->expiresAtMs, registered->expiresAtMs);
  clock.advance(1s);
  EXPECT_EQ(persistence.gatheredRefreshes(), 0u);
  auto refreshed = storedRegistration(*db, reg.endpoint);
  ASSERT_TRUE(refreshed);
  EXPECT_EQ(refreshed->lastUpdateAtMs, unixMs(reg.lastUpdateAt));
  EXPECT_EQ(refreshed->expiresAtMs, unixMs(clock.wallNow()) + 299'000);
  EXPECT_EQ(refreshed->objectLinks, registered->objectLinks);

  // A new lifetime (or address, binding, object links): the whole record, now,
  // and a refresh gathered before it does not come after it.
  persistence.onUpdated(reg, server::RegistrationChanges{});
  reg.lifetime = 60;
  reg.expiresAt = clock.now() + 60s;
  server::RegistrationChanges lifetime;
  lifetime.lifetime = true;
  persistence.onUpdated(reg, lifetime);
  EXPECT_EQ(persistence.gatheredRefreshes(), 0u);
  EXPECT_EQ(storedRegistration(*db, reg.endpoint)->lifetimeSeconds, 60u);
  EXPECT_EQ(storedRegistration(*db, reg.endpoint)->expiresAtMs, unixMs(clock.wallNow()) + 60'000);

  // A device that leaves with a refresh gathered: gone, the refresh with it.
  persistence.onUpdated(reg, server::RegistrationChanges{});
  persistence.onDeregistered(reg);
  EXPECT_EQ(persistence.gatheredRefreshes(), 0u);
  EXPECT_FALSE(storedRegistration(*db, reg.endpoint));

  // flush() (before the database closes) stores what is gathered.
  persistence.onRegistered(reg, nullptr);
  clock.advance(5s);
  reg.expiresAt = clock.now() + 60s;
  persistence.onUpdated(reg, server::RegistrationChanges{});
  persistence.flush();
  EXPECT_EQ(storedRegistration(*db, reg.endpoint)->expiresAtMs, unixMs(clock.wallNow()) + 60'000);
}

}  // namespace
}  // namespace lwm2m::gateway
