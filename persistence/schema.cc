#include "persistence/schema.h"

#include <array>
#include <string>

namespace lwm2m::persistence {

namespace {

// Index i holds the SQL that takes the schema from version i to i + 1.
// Never edit a released entry: append a new one.
constexpr std::array<const char*, kSchemaVersion> kMigrations = {
    // 0 -> 1
    R"sql(
CREATE TABLE registration (
  endpoint          TEXT PRIMARY KEY NOT NULL,
  registration_id   TEXT NOT NULL UNIQUE,
  address           TEXT NOT NULL,
  lwm2m_version     TEXT NOT NULL,
  binding           TEXT NOT NULL,
  queue_mode        INTEGER NOT NULL,
  lifetime_s        INTEGER NOT NULL,
  sms_number        TEXT NOT NULL,
  root_path         TEXT NOT NULL,
  object_links      TEXT NOT NULL,
  registered_at_ms  INTEGER NOT NULL,
  last_update_at_ms INTEGER NOT NULL,
  expires_at_ms     INTEGER NOT NULL
);
CREATE TABLE observation (
  endpoint       TEXT NOT NULL REFERENCES registration(endpoint) ON DELETE CASCADE,
  paths          TEXT NOT NULL,
  token          BLOB NOT NULL,
  attributes     TEXT NOT NULL,
  content_format INTEGER NOT NULL,
  created_at_ms  INTEGER NOT NULL,
  PRIMARY KEY (endpoint, paths)
);
CREATE INDEX observation_token ON observation(token);
)sql",
    // 1 -> 2
    R"sql(
CREATE TABLE queued_request (
  sequence       INTEGER PRIMARY KEY AUTOINCREMENT,
  request_id     TEXT NOT NULL UNIQUE,
  endpoint       TEXT NOT NULL,
  operation      TEXT NOT NULL,
  body           TEXT NOT NULL,
  accepted_at_ms INTEGER NOT NULL,
  expires_at_ms  INTEGER NOT NULL,
  state          TEXT NOT NULL CHECK (state IN ('queued', 'in_flight'))
);
CREATE INDEX queued_request_endpoint ON queued_request(endpoint, sequence);
CREATE INDEX queued_request_expiry ON queued_request(expires_at_ms);
CREATE TABLE outbox (
  id            INTEGER PRIMARY KEY AUTOINCREMENT,
  topic         TEXT NOT NULL,
  payload       BLOB NOT NULL,
  qos           INTEGER NOT NULL CHECK (qos BETWEEN 0 AND 2),
  retain        INTEGER NOT NULL,
  created_at_ms INTEGER NOT NULL
);
)sql",
    // 2 -> 3
    R"sql(
ALTER TABLE observation ADD COLUMN registration_id TEXT NOT NULL DEFAULT '';
ALTER TABLE observation ADD COLUMN composite INTEGER NOT NULL DEFAULT 0;
)sql",
    // 3 -> 4: queued requests in the queue's own row format (persistence/request_row.h;
    // rows of earlier versions keep their JSON body, row_format 1, and are read once
    // more as such); MQTT 5 properties of outbox messages in their own columns.
    R"sql(
ALTER TABLE queued_request ADD COLUMN row_format INTEGER NOT NULL DEFAULT 1;
ALTER TABLE outbox ADD COLUMN response_topic TEXT NOT NULL DEFAULT '';
ALTER TABLE outbox ADD COLUMN correlation_data BLOB NOT NULL DEFAULT x'';
ALTER TABLE outbox ADD COLUMN content_type TEXT NOT NULL DEFAULT '';
)sql",
    // 4 -> 5: events waiting for their webhook (persistence/webhook_outbox_store.h).
    R"sql(
CREATE TABLE webhook_outbox (
  id            INTEGER PRIMARY KEY AUTOINCREMENT,
  webhook       TEXT NOT NULL,
  kind          TEXT NOT NULL,
  body          BLOB NOT NULL,
  created_at_ms INTEGER NOT NULL
);
CREATE INDEX webhook_outbox_webhook ON webhook_outbox(webhook, id);
)sql",
    // 5 -> 6: whether a queued request's "queued" answer was written
    // (gateway/core/request_queue.h); rows from before count as answered.
    R"sql(
ALTER TABLE queued_request ADD COLUMN answered INTEGER NOT NULL DEFAULT 1;
)sql",
};

int queryInt(Connection& connection, const char* sql) {
  SQLite::Statement statement(connection.db(), sql);
  return statement.executeStep() ? statement.getColumn(0).getInt() : 0;
}

}  // namespace

Result<int> migrateSchema(Connection& connection) {
  const std::string file = connection.file().string();
  int version = 0;
  int applicationId = 0;
  int objects = 0;
  try {
    version = queryInt(connection, "PRAGMA user_version");
    applicationId = queryInt(connection, "PRAGMA application_id");
    objects = queryInt(connection, "SELECT count(*) FROM sqlite_schema");
  } catch (const std::exception& e) {
    return fail(file + ": cannot read the schema version: " + e.what());
  }
  const bool empty = version == 0 && applicationId == 0 && objects == 0;
  if (!empty && applicationId != kApplicationId) {
    return fail(file + ": not a gateway database (application_id " +
                std::to_string(applicationId) + ", " + std::to_string(objects) +
                " schema objects); refusing to modify it");
  }
  if (version > kSchemaVersion) {
    return fail(file + ": schema version " + std::to_string(version) +
                " was written by a newer gateway; this gateway supports up to version " +
                std::to_string(kSchemaVersion) + " and will not open it");
  }
  if (version < 0) {
    return fail(file + ": invalid schema version " + std::to_string(version));
  }
  const int found = version;
  for (; version < kSchemaVersion; ++version) {
    const int next = version + 1;
    try {
      SQLite::Database& db = connection.db();
      db.exec("BEGIN IMMEDIATE");
      try {
        db.exec(kMigrations[static_cast<std::size_t>(version)]);
        db.exec("PRAGMA application_id = " + std::to_string(kApplicationId));
        db.exec("PRAGMA user_version = " + std::to_string(next));
        db.exec("COMMIT");
      } catch (...) {
        db.tryExec("ROLLBACK");
        throw;
      }
    } catch (const std::exception& e) {
      return fail(file + ": migration of the schema from version " + std::to_string(version) +
                  " to " + std::to_string(next) + " failed: " + e.what());
    }
  }
  return found;
}

}  // namespace lwm2m::persistence
