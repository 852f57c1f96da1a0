#include "persistence/sqlite_registration_store.h"

#include <stdexcept>
#include <utility>

namespace lwm2m::persistence {

namespace {

const std::string kUpsert = R"sql(
INSERT INTO registration (endpoint, registration_id, address, lwm2m_version, binding,
  queue_mode, lifetime_s, sms_number, root_path, object_links, registered_at_ms,
  last_update_at_ms, expires_at_ms)
VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)
ON CONFLICT (endpoint) DO UPDATE SET
  registration_id = excluded.registration_id, address = excluded.address,
  lwm2m_version = excluded.lwm2m_version, binding = excluded.binding,
  queue_mode = excluded.queue_mode, lifetime_s = excluded.lifetime_s,
  sms_number = excluded.sms_number, root_path = excluded.root_path,
  object_links = excluded.object_links, registered_at_ms = excluded.registered_at_ms,
  last_update_at_ms = excluded.last_update_at_ms, expires_at_ms = excluded.expires_at_ms
)sql";

const std::string kTouch =
    "UPDATE registration SET last_update_at_ms = ?2, expires_at_ms = ?3, address = ?4 "
    "WHERE endpoint = ?1";

const std::string kRefresh =
    "UPDATE registration SET last_update_at_ms = ?2, expires_at_ms = ?3 WHERE endpoint = ?1";

const std::string kRemove = "DELETE FROM registration WHERE endpoint = ?1";

const std::string kLoadAll = R"sql(
SELECT endpoint, registration_id, address, lwm2m_version, binding, queue_mode, lifetime_s,
  sms_number, root_path, object_links, registered_at_ms, last_update_at_ms, expires_at_ms
FROM registration ORDER BY endpoint
)sql";

}  // namespace

void SqliteRegistrationStore::upsert(RegistrationRecord record, WriteCompletion done) {
  std::string what = "upsert registration '" + record.endpoint + "'";
  writer_.submit(std::move(what), [record = std::move(record)](Connection& connection) {
    SQLite::Statement& statement = connection.prepare(kUpsert);
    statement.bindNoCopy(1, record.endpoint);
    statement.bindNoCopy(2, record.registrationId);
    statement.bindNoCopy(3, record.address);
    statement.bindNoCopy(4, record.lwm2mVersion);
    statement.bindNoCopy(5, record.binding);
    statement.bind(6, record.queueMode ? 1 : 0);
    statement.bind(7, record.lifetimeSeconds);
    statement.bindNoCopy(8, record.smsNumber);
    statement.bindNoCopy(9, record.rootPath);
    statement.bindNoCopy(10, record.objectLinks);
    statement.bind(11, record.registeredAtMs);
    statement.bind(12, record.lastUpdateAtMs);
    statement.bind(13, record.expiresAtMs);
    statement.exec();
  }, std::move(done));
}

void SqliteRegistrationStore::touch(std::string endpoint, std::int64_t lastUpdateAtMs,
                                    std::int64_t expiresAtMs, std::string address,
                                    WriteCompletion done) {
  std::string what = "update registration '" + endpoint + "'";
  writer_.submit(std::move(what),
                 [endpoint = std::move(endpoint), lastUpdateAtMs, expiresAtMs,
                  address = std::move(address)](Connection& connection) {
                   SQLite::Statement& statement = connection.prepare(kTouch);
                   statement.bindNoCopy(1, endpoint);
                   statement.bind(2, lastUpdateAtMs);
                   statement.bind(3, expiresAtMs);
                   statement.bindNoCopy(4, address);
                   if (statement.exec() == 0) {
                     throw std::runtime_error("no stored registration for this endpoint");
                   }
                 },
                 std::move(done));
}

void SqliteRegistrationStore::refresh(std::vector<RegistrationRefresh> refreshes, WriteCompletion done) {
  std::string what = "refresh " + std::to_string(refreshes.size()) + " registrations";
  writer_.submit(std::move(what), [refreshes = std::move(refreshes)](Connection& connection) {
    SQLite::Statement& statement = connection.prepare(kRefresh);
    for (const RegistrationRefresh& r : refreshes) {
      statement.bindNoCopy(1, r.endpoint);
      statement.bind(2, r.lastUpdateAtMs);
      statement.bind(3, r.expiresAtMs);
      statement.exec();
      statement.reset();
    }
  }, std::move(done));
}

void SqliteRegistrationStore::remove(std::string endpoint, WriteCompletion done) {
  std::string what = "remove registration '" + endpoint + "'";
  writer_.submit(std::move(what), [endpoint = std::move(endpoint)](Connection& connection) {
    SQLite::Statement& statement = connection.prepare(kRemove);
    statement.bind(1, endpoint);
    statement.exec();
  }, std::move(done));
}

Result<std::vector<RegistrationRecord>> SqliteRegistrationStore::loadAll() {
  return reader_.read<std::vector<RegistrationRecord>>(
      "load registrations", [](Connection& connection) {
        std::vector<RegistrationRecord> records;
        SQLite::Statement& statement = connection.prepare(kLoadAll);
        while (statement.executeStep()) {
          RegistrationRecord& r = records.emplace_back();
          r.endpoint = statement.getColumn(0).getString();
          r.registrationId = statement.getColumn(1).getString();
          r.address = statement.getColumn(2).getString();
          r.lwm2mVersion = statement.getColumn(3).getString();
          r.binding = statement.getColumn(4).getString();
          r.queueMode = statement.getColumn(5).getInt() != 0;
          r.lifetimeSeconds = statement.getColumn(6).getUInt();
          r.smsNumber = statement.getColumn(7).getString();
          r.rootPath = statement.getColumn(8).getString();
          r.objectLinks = statement.getColumn(9).getString();
          r.registeredAtMs = statement.getColumn(10).getInt64();
          r.lastUpdateAtMs = statement.getColumn(11).getInt64();
          r.expiresAtMs = statement.getColumn(12).getInt64();
        }
        return records;
      });
}

}  // namespace lwm2m::persistence
