#include "persistence/sqlite_outbox_store.h"

#include <limits>
#include <memory>
#include <utility>

namespace lwm2m::persistence {

namespace {

const std::string kAppend =
    "INSERT INTO outbox (id, topic, payload, qos, retain, created_at_ms, response_topic, correlation_data, "
    "content_type) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)";
const std::string kRemove = "DELETE FROM outbox WHERE id = ?1";
// Everything but the newest ?1 rows (ids grow with age).
const std::string kDropOldest =
    "DELETE FROM outbox WHERE id NOT IN (SELECT id FROM outbox ORDER BY id DESC LIMIT ?1)";
const std::string kLoadOldest =
    "SELECT id, topic, payload, qos, retain, created_at_ms, response_topic, correlation_data, content_type "
    "FROM outbox ORDER BY id LIMIT ?1";
const std::string kLoadAfter =
    "SELECT id, topic, payload, qos, retain, created_at_ms, response_topic, correlation_data, content_type "
    "FROM outbox WHERE id > ?1 "
    "ORDER BY id LIMIT ?2";
const std::string kCount = "SELECT count(*) FROM outbox";

std::int64_t asLimit(std::size_t value) {
  constexpr auto kMax = static_cast<std::size_t>(std::numeric_limits<std::int64_t>::max());
  return static_cast<std::int64_t>(value > kMax ? kMax : value);
}

}  // namespace

std::int64_t SqliteOutboxStore::lastAssignedId(Connection& connection) {
  SQLite::Statement statement(connection.db(), R"sql(
SELECT max(coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'outbox'), 0),
           coalesce((SELECT max(id) FROM outbox), 0))
)sql");
  return statement.executeStep() ? statement.getColumn(0).getInt64() : 0;
}

std::int64_t SqliteOutboxStore::append(OutboxRecord record, WriteCompletion done) {
  record.id = ++lastId_;
  const std::int64_t id = record.id;
  std::string what = "append outbox message " + std::to_string(id) + " on '" + record.topic + "'";
  writer_.submit(std::move(what), [record = std::move(record)](Connection& connection) {
    SQLite::Statement& statement = connection.prepare(kAppend);
    statement.bind(1, record.id);
    statement.bindNoCopy(2, record.topic);
    bindBlobNoCopy(statement, 3, record.payload);
    statement.bind(4, record.qos);
    statement.bind(5, record.retain ? 1 : 0);
    statement.bind(6, record.createdAtMs);
    statement.bindNoCopy(7, record.responseTopic);
    bindBlobNoCopy(statement, 8, record.correlationData);
    statement.bindNoCopy(9, record.contentType);
    statement.exec();
  }, std::move(done));
  return id;
}

void SqliteOutboxStore::remove(std::int64_t id, WriteCompletion done) {
  // Unhurried: a crash before it commits only sends the message again (QoS 1).
  writer_.submitUnhurried("remove outbox message " + std::to_string(id), [id](Connection& connection) {
    SQLite::Statement& statement = connection.prepare(kRemove);
    statement.bind(1, id);
    statement.exec();
  }, std::move(done));
}

void SqliteOutboxStore::dropOldestBeyond(std::size_t bound,
                                         std::function<void(Result<std::size_t>)> done) {
  auto dropped = std::make_shared<std::size_t>(0);
  writer_.submit(
      "drop outbox messages beyond the newest " + std::to_string(bound),
      [bound, dropped](Connection& connection) {
        SQLite::Statement& statement = connection.prepare(kDropOldest);
        statement.bind(1, asLimit(bound));
        *dropped = static_cast<std::size_t>(statement.exec());
      },
      [dropped, done = std::move(done)](Result<void> result) {
        if (!done) return;
        if (result.ok()) {
          done(*dropped);
        } else {
          done(result.error());
        }
      });
}

namespace {

std::vector<OutboxRecord> readRecords(SQLite::Statement& statement) {
  std::vector<OutboxRecord> records;
  while (statement.executeStep()) {
    OutboxRecord& r = records.emplace_back();
    r.id = statement.getColumn(0).getInt64();
    r.topic = statement.getColumn(1).getString();
    r.payload = columnBlob(statement, 2);
    r.qos = statement.getColumn(3).getInt();
    r.retain = statement.getColumn(4).getInt() != 0;
    r.createdAtMs = statement.getColumn(5).getInt64();
    r.responseTopic = statement.getColumn(6).getString();
    const SQLite::Column data = statement.getColumn(7);
    r.correlationData.assign(static_cast<const char*>(data.getBlob()), static_cast<std::size_t>(data.getBytes()));
    r.contentType = statement.getColumn(8).getString();
  }
  return records;
}

}  // namespace

Result<std::vector<OutboxRecord>> SqliteOutboxStore::loadOldest(std::size_t limit) {
  return reader_.read<std::vector<OutboxRecord>>(
      "load outbox messages", [&](Connection& connection) {
        SQLite::Statement& statement = connection.prepare(kLoadOldest);
        statement.bind(1, asLimit(limit));
        return readRecords(statement);
      });
}

Result<std::vector<OutboxRecord>> SqliteOutboxStore::loadAfter(std::int64_t afterId,
                                                               std::size_t limit) {
  return reader_.read<std::vector<OutboxRecord>>(
      "load outbox messages after " + std::to_string(afterId), [&](Connection& connection) {
        SQLite::Statement& statement = connection.prepare(kLoadAfter);
        statement.bind(1, afterId);
        statement.bind(2, asLimit(limit));
        return readRecords(statement);
      });
}

Result<std::size_t> SqliteOutboxStore::count() {
  return reader_.read<std::size_t>("count outbox messages", [](Connection& connection) {
    SQLite::Statement& statement = connection.prepare(kCount);
    statement.executeStep();
    const auto count = static_cast<std::size_t>(statement.getColumn(0).getInt64());
    return count;
  });
}

}  // namespace lwm2m::persistence
