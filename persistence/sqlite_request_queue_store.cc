#include "persistence/sqlite_request_queue_store.h"

#include <stdexcept>
#include <utility>

namespace lwm2m::persistence {

namespace {

const std::string kEnqueue = R"sql(
INSERT INTO queued_request (sequence, request_id, endpoint, operation, body,
  accepted_at_ms, expires_at_ms, state, row_format, answered)
VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)
)sql";

const std::string kMarkInFlight =
    "UPDATE queued_request SET state = 'in_flight' WHERE request_id = ?1";
const std::string kMarkAnswered = "UPDATE queued_request SET answered = 1 WHERE request_id = ?1";
const std::string kRemove = "DELETE FROM queued_request WHERE request_id = ?1";

const std::string kColumns =
    "SELECT sequence, request_id, endpoint, operation, body, accepted_at_ms, expires_at_ms, "
    "state, row_format, answered FROM queued_request ";
const std::string kListByEndpoint = kColumns + "WHERE endpoint = ?1 ORDER BY sequence";
const std::string kFindExpired = kColumns + "WHERE expires_at_ms <= ?1 ORDER BY sequence";
const std::string kLoadAll = kColumns + "ORDER BY sequence";
const std::string kCountByEndpoint = "SELECT count(*) FROM queued_request WHERE endpoint = ?1";

}  // namespace

std::int64_t SqliteRequestQueueStore::lastAssignedSequence(Connection& connection) {
  // sqlite_sequence keeps the largest sequence ever inserted, even once its
  // row is gone; max(sequence) covers a table that never had a row removed.
  SQLite::Statement statement(connection.db(), R"sql(
SELECT max(coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'queued_request'), 0),
           coalesce((SELECT max(sequence) FROM queued_request), 0))
)sql");
  return statement.executeStep() ? statement.getColumn(0).getInt64() : 0;
}

std::int64_t SqliteRequestQueueStore::enqueue(QueuedRequestRecord record, WriteCompletion done) {
  record.sequence = ++lastSequence_;
  const std::int64_t sequence = record.sequence;
  std::string what = "enqueue request '" + record.requestId + "' for '" + record.endpoint + "'";
  writer_.submit(std::move(what), [record = std::move(record)](Connection& connection) {
    SQLite::Statement& statement = connection.prepare(kEnqueue);
    statement.bind(1, record.sequence);
    statement.bind(2, record.requestId);
    statement.bind(3, record.endpoint);
    statement.bind(4, record.operation);
    statement.bind(5, record.body);
    statement.bind(6, record.acceptedAtMs);
    statement.bind(7, record.expiresAtMs);
    statement.bind(8, record.state);
    statement.bind(9, record.rowFormat);
    statement.bind(10, record.answered ? 1 : 0);
    statement.exec();
  }, std::move(done));
  return sequence;
}

void SqliteRequestQueueStore::markAnswered(std::string requestId, WriteCompletion done) {
  std::string what = "mark request '" + requestId + "' answered as queued";
  writer_.submit(std::move(what), [requestId = std::move(requestId)](Connection& connection) {
    SQLite::Statement& statement = connection.prepare(kMarkAnswered);
    statement.bind(1, requestId);
    if (statement.exec() == 0) throw std::runtime_error("no such queued request");
  }, std::move(done));
}

void SqliteRequestQueueStore::markInFlight(std::string requestId, WriteCompletion done) {
  std::string what = "mark request '" + requestId + "' in flight";
  writer_.submit(std::move(what), [requestId = std::move(requestId)](Connection& connection) {
    SQLite::Statement& statement = connection.prepare(kMarkInFlight);
    statement.bind(1, requestId);
    if (statement.exec() == 0) throw std::runtime_error("no such queued request");
  }, std::move(done));
}

void SqliteRequestQueueStore::remove(std::string requestId, WriteCompletion done) {
  std::string what = "remove request '" + requestId + "'";
  writer_.submit(std::move(what), [requestId = std::move(requestId)](Connection& connection) {
    SQLite::Statement& statement = connection.prepare(kRemove);
    statement.bind(1, requestId);
    statement.exec();
  }, std::move(done));
}

Result<std::vector<QueuedRequestRecord>> SqliteRequestQueueStore::select(
    std::string_view what, const std::string& sql, const std::string* text, std::int64_t number) {
  return reader_.read<std::vector<QueuedRequestRecord>>(what, [&](Connection& connection) {
    std::vector<QueuedRequestRecord> records;
    SQLite::Statement& statement = connection.prepare(sql);
    if (text != nullptr) {
      statement.bind(1, *text);
    } else if (statement.getBindParameterCount() > 0) {
      statement.bind(1, number);
    }
    while (statement.executeStep()) {
      QueuedRequestRecord& r = records.emplace_back();
      r.sequence = statement.getColumn(0).getInt64();
      r.requestId = statement.getColumn(1).getString();
      r.endpoint = statement.getColumn(2).getString();
      r.operation = statement.getColumn(3).getString();
      r.body = statement.getColumn(4).getString();
      r.acceptedAtMs = statement.getColumn(5).getInt64();
      r.expiresAtMs = statement.getColumn(6).getInt64();
      r.state = statement.getColumn(7).getString();
      r.rowFormat = statement.getColumn(8).getInt();
      r.answered = statement.getColumn(9).getInt() != 0;
    }
    return records;
  });
}

Result<std::vector<QueuedRequestRecord>> SqliteRequestQueueStore::listByEndpoint(
    const std::string& endpoint) {
  return select("list queued requests of '" + endpoint + "'", kListByEndpoint, &endpoint, 0);
}

Result<std::size_t> SqliteRequestQueueStore::countByEndpoint(const std::string& endpoint) {
  return reader_.read<std::size_t>(
      "count queued requests of '" + endpoint + "'", [&](Connection& connection) {
        SQLite::Statement& statement = connection.prepare(kCountByEndpoint);
        statement.bind(1, endpoint);
        statement.executeStep();
        const auto count = static_cast<std::size_t>(statement.getColumn(0).getInt64());
        return count;
      });
}

Result<std::vector<QueuedRequestRecord>> SqliteRequestQueueStore::findExpired(std::int64_t nowMs) {
  return select("find expired queued requests", kFindExpired, nullptr, nowMs);
}

Result<std::vector<QueuedRequestRecord>> SqliteRequestQueueStore::loadAll() {
  return select("load queued requests", kLoadAll, nullptr, 0);
}

}  // namespace lwm2m::persistence
