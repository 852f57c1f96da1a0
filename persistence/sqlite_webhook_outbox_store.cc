#include "persistence/sqlite_webhook_outbox_store.h"

#include <limits>
#include <memory>
#include <utility>

namespace lwm2m::persistence {
namespace {

const std::string kAppend =
    "INSERT INTO webhook_outbox (id, webhook, kind, body, created_at_ms) VALUES (?1, ?2, ?3, ?4, ?5)";
const std::string kRemove = "DELETE FROM webhook_outbox WHERE id = ?1";
const std::string kDropOldest =
    "DELETE FROM webhook_outbox WHERE webhook = ?1 AND id NOT IN "
    "(SELECT id FROM webhook_outbox WHERE webhook = ?1 ORDER BY id DESC LIMIT ?2)";
const std::string kLoadAfter =
    "SELECT id, webhook, kind, body, created_at_ms FROM webhook_outbox "
    "WHERE webhook = ?1 AND id > ?2 ORDER BY id LIMIT ?3";
const std::string kCount = "SELECT count(*) FROM webhook_outbox WHERE webhook = ?1";

std::int64_t asLimit(std::size_t value) {
  constexpr auto kMax = static_cast<std::size_t>(std::numeric_limits<std::int64_t>::max());
  return static_cast<std::int64_t>(value > kMax ? kMax : value);
}

}  // namespace

std::int64_t SqliteWebhookOutboxStore::lastAssignedId(Connection& connection) {
  SQLite::Statement statement(connection.db(), R"sql(
SELECT max(coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'webhook_outbox'), 0),
           coalesce((SELECT max(id) FROM webhook_outbox), 0))
)sql");
  return statement.executeStep() ? statement.getColumn(0).getInt64() : 0;
}

std::int64_t SqliteWebhookOutboxStore::append(WebhookOutboxRecord record, WriteCompletion done) {
  record.id = ++lastId_;
  const std::int64_t id = record.id;
  std::string what = "append webhook event " + std::to_string(id) + " for '" + record.webhook + "'";
  writer_.submit(std::move(what), [record = std::move(record)](Connection& connection) {
    SQLite::Statement& statement = connection.prepare(kAppend);
    statement.bind(1, record.id);
    statement.bind(2, record.webhook);
    statement.bind(3, record.kind);
    statement.bind(4, record.body.data(), static_cast<int>(record.body.size()));
    statement.bind(5, record.createdAtMs);
    statement.exec();
  }, std::move(done));
  return id;
}

void SqliteWebhookOutboxStore::remove(std::int64_t id, WriteCompletion done) {
  writer_.submit("remove webhook event " + std::to_string(id), [id](Connection& connection) {
    SQLite::Statement& statement = connection.prepare(kRemove);
    statement.bind(1, id);
    statement.exec();
  }, std::move(done));
}

void SqliteWebhookOutboxStore::removeCounting(std::string what, std::function<int(Connection&)> removal,
                                              CountCompletion done) {
  auto removed = std::make_shared<std::size_t>(0);
  writer_.submit(
      std::move(what),
      [removed, removal = std::move(removal)](Connection& connection) {
        *removed = static_cast<std::size_t>(removal(connection));
      },
      [removed, done = std::move(done)](Result<void> result) {
        if (!done) return;
        if (result.ok()) {
          done(*removed);
        } else {
          done(result.error());
        }
      });
}

void SqliteWebhookOutboxStore::dropOldestBeyond(const std::string& webhook, std::size_t bound,
                                                CountCompletion done) {
  removeCounting(
      "drop events of webhook '" + webhook + "' beyond the newest " + std::to_string(bound),
      [webhook, bound](Connection& connection) {
        SQLite::Statement& statement = connection.prepare(kDropOldest);
        statement.bind(1, webhook);
        statement.bind(2, asLimit(bound));
        return statement.exec();
      },
      std::move(done));
}

void SqliteWebhookOutboxStore::dropOtherWebhooks(std::vector<std::string> kept, CountCompletion done) {
  removeCounting(
      "drop events of webhooks no longer configured",
      [kept = std::move(kept)](Connection& connection) {
        std::string sql = "DELETE FROM webhook_outbox WHERE webhook NOT IN (";
        for (std::size_t i = 0; i < kept.size(); ++i) sql += (i ? ", ?" : "?") + std::to_string(i + 1);
        sql += ")";
        SQLite::Statement statement(connection.db(), sql);
        for (std::size_t i = 0; i < kept.size(); ++i) statement.bind(static_cast<int>(i + 1), kept[i]);
        return statement.exec();
      },
      std::move(done));
}

Result<std::vector<WebhookOutboxRecord>> SqliteWebhookOutboxStore::loadAfter(const std::string& webhook,
                                                                             std::int64_t afterId,
                                                                             std::size_t limit) {
  return reader_.read<std::vector<WebhookOutboxRecord>>(
      "load events of webhook '" + webhook + "'", [&](Connection& connection) {
        SQLite::Statement& statement = connection.prepare(kLoadAfter);
        statement.bind(1, webhook);
        statement.bind(2, afterId);
        statement.bind(3, asLimit(limit));
        std::vector<WebhookOutboxRecord> records;
        while (statement.executeStep()) {
          WebhookOutboxRecord& r = records.emplace_back();
          r.id = statement.getColumn(0).getInt64();
          r.webhook = statement.getColumn(1).getString();
          r.kind = statement.getColumn(2).getString();
          const SQLite::Column body = statement.getColumn(3);
          r.body.assign(static_cast<const char*>(body.getBlob()), static_cast<std::size_t>(body.getBytes()));
          r.createdAtMs = statement.getColumn(4).getInt64();
        }
        return records;
      });
}

Result<std::size_t> SqliteWebhookOutboxStore::count(const std::string& webhook) {
  return reader_.read<std::size_t>("count events of webhook '" + webhook + "'", [&](Connection& connection) {
    SQLite::Statement& statement = connection.prepare(kCount);
    statement.bind(1, webhook);
    statement.executeStep();
    return static_cast<std::size_t>(statement.getColumn(0).getInt64());
  });
}

}  // namespace lwm2m::persistence
