// An upgrade keeps what the previous version stored: a database written at
// schema version 3 (queued commands as JSON text, MQTT 5 properties packed
// after the outbox topic) opens, migrates to the current schema, and its
// queued command and unacknowledged message come back typed and whole.
#include <SQLiteCpp/Database.h>
#include <gtest/gtest.h>

#include <chrono>
#include <future>

#include "gateway/core/legacy_queue_rows.h"
#include "gateway/core/request_queue.h"
#include "gateway/daemon/mqtt_outbox.h"
#include "lwm2m/coap/manual_scheduler.h"
#include "persistence/schema.h"
#include "tests/unit/persistence/persistence_test_support.h"

namespace lwm2m::gateway {
namespace {

using model::Path;
using namespace std::chrono_literals;

// The tables of schema version 3, as that release created them.
constexpr const char* kVersion3 = R"sql(
PRAGMA journal_mode = WAL;
CREATE TABLE registration (
  endpoint TEXT PRIMARY KEY NOT NULL, registration_id TEXT NOT NULL UNIQUE, address TEXT NOT NULL,
  lwm2m_version TEXT NOT NULL, binding TEXT NOT NULL, queue_mode INTEGER NOT NULL, lifetime_s INTEGER NOT NULL,
  sms_number TEXT NOT NULL, root_path TEXT NOT NULL, object_links TEXT NOT NULL,
  registered_at_ms INTEGER NOT NULL, last_update_at_ms INTEGER NOT NULL, expires_at_ms INTEGER NOT NULL);
CREATE TABLE observation (
  endpoint TEXT NOT NULL REFERENCES registration(endpoint) ON DELETE CASCADE, paths TEXT NOT NULL,
  token BLOB NOT NULL, attributes TEXT NOT NULL, content_format INTEGER NOT NULL, created_at_ms INTEGER NOT NULL,
  registration_id TEXT NOT NULL DEFAULT '', composite INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (endpoint, paths));
CREATE TABLE queued_request (
  sequence INTEGER PRIMARY KEY AUTOINCREMENT, request_id TEXT NOT NULL UNIQUE, endpoint TEXT NOT NULL,
  operation TEXT NOT NULL, body TEXT NOT NULL, accepted_at_ms INTEGER NOT NULL, expires_at_ms INTEGER NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('queued', 'in_flight')));
CREATE TABLE outbox (
  id INTEGER PRIMARY KEY AUTOINCREMENT, topic TEXT NOT NULL, payload BLOB NOT NULL,
  qos INTEGER NOT NULL CHECK (qos BETWEEN 0 AND 2), retain INTEGER NOT NULL, created_at_ms INTEGER NOT NULL);
PRAGMA application_id = 1280127559;
PRAGMA user_version = 3;
)sql";

TEST(Upgrade, QueuedCommandsAndOutboxMessagesOfSchema3ComeBackWhole) {
  persistence::testing::TempDir temp;
  {
    SQLite::Database v3(temp.path() / "gateway.db", SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
    v3.exec(kVersion3);
    // An MQTT write with its reply route, as that version stored it; it expires in 2100.
    v3.exec(R"sql(INSERT INTO queued_request (request_id, endpoint, operation, body, accepted_at_ms, expires_at_ms, state)
      VALUES ('q1', 'meter-7', 'write',
        '{"operation":"write","path":"/3/0/14","value":"+02:00","reply":{"topic":"c/meter-7/result","style":"json","qos":1,"requestId":"42"}}',
        1000, 4102444800000, 'queued'))sql");
    // A message with MQTT 5 properties packed after the topic.
    SQLite::Statement insert(v3, "INSERT INTO outbox (topic, payload, qos, retain, created_at_ms) VALUES (?, x'31', 1, 0, 5)");
    insert.bind(1, std::string("lwm2m/meter-7/r\0" "5:reply3:abc16:application/json", 47));
    insert.exec();
  }
  auto db = persistence::testing::openOrFail(temp.path());
  ASSERT_TRUE(db);
  EXPECT_EQ(db->schemaVersionFound(), 3);

  coap::ManualScheduler clock;
  clock.setWallTime(std::chrono::system_clock::time_point(1700000000s));
  const model::ObjectModel model = model::ObjectModel::builtIn();
  RequestQueue queue(
      db->requestQueue(), clock, QueueSettings{}, [](const std::string&) { return false; },
      [](const QueuedRequest&, std::function<void(DeliveryResult)> done) { done(DeliveryResult::Answered); },
      [](std::function<void()> f) { f(); }, [] { return 7u; });
  queue.setLegacyRowReader([&model](std::string_view body) { return readLegacyQueuedCommand(body, model); });
  auto restored = queue.restore();
  ASSERT_TRUE(restored) << restored.error().message;
  queue.resume();
  ASSERT_EQ(*restored, 1u);
  const auto waiting = queue.list("meter-7");
  ASSERT_EQ(waiting.size(), 1u);
  EXPECT_EQ(waiting[0].id, "q1");
  EXPECT_EQ(waiting[0].request.operation, operations::Operation::WriteReplace);
  EXPECT_EQ(waiting[0].request.path, Path(3, 0, 14));
  EXPECT_EQ(waiting[0].request.node->resource()->value(), model::Value::string("+02:00"));
  EXPECT_EQ(waiting[0].reply.topic, "c/meter-7/result");
  EXPECT_EQ(waiting[0].reply.qos, 1);
  EXPECT_EQ(waiting[0].reply.requestId, "42");

  MqttOutbox outbox(db->outbox());
  auto messages = outbox.loadAfter(0, 10);
  ASSERT_TRUE(messages) << messages.error().message;
  ASSERT_EQ(messages->size(), 1u);
  const auto& m = messages->front().message;
  EXPECT_EQ(m.topic, "lwm2m/meter-7/r");
  EXPECT_EQ(m.responseTopic, "reply");
  EXPECT_EQ(m.correlationData, "abc");
  EXPECT_EQ(m.contentType, "application/json");
  EXPECT_EQ(m.payload, "1");
  db->close();
}

TEST(Upgrade, NewRowsUseTheirOwnColumnsAndRowFormat) {
  persistence::testing::TempDir temp;
  auto db = persistence::testing::openOrFail(temp.path());
  ASSERT_TRUE(db);
  MqttOutbox outbox(db->outbox());
  mapping::OutboundMessage sent{"t/1", "x", 1, false, "reply/here", std::string("\0\1", 2), "text/plain"};
  std::promise<Result<void>> committed;
  outbox.append(sent, [&](Result<void> r) { committed.set_value(r); });
  ASSERT_TRUE(committed.get_future().get());
  auto back = outbox.loadAfter(0, 10);
  ASSERT_TRUE(back);
  ASSERT_EQ(back->size(), 1u);
  EXPECT_EQ(back->front().message.topic, "t/1");
  EXPECT_EQ(back->front().message.responseTopic, "reply/here");
  EXPECT_EQ(back->front().message.correlationData, std::string("\0\1", 2));
  EXPECT_EQ(back->front().message.contentType, "text/plain");
  db->close();
  SQLite::Database raw(temp.path() / "gateway.db", SQLite::OPEN_READONLY);
  EXPECT_EQ(raw.execAndGet("SELECT topic FROM outbox").getString(), "t/1");
}

}  // namespace
}  // namespace lwm2m::gateway
