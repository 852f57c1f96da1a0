#include "persistence/sqlite_observation_store.h"

#include <utility>

namespace lwm2m::persistence {

namespace {

const std::string kPut = R"sql(
INSERT INTO observation (endpoint, paths, token, attributes, content_format, created_at_ms,
  registration_id, composite)
VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
ON CONFLICT (endpoint, paths) DO UPDATE SET
  token = excluded.token, attributes = excluded.attributes,
  content_format = excluded.content_format, created_at_ms = excluded.created_at_ms,
  registration_id = excluded.registration_id, composite = excluded.composite
)sql";

const std::string kRemoveByToken = "DELETE FROM observation WHERE token = ?1";
const std::string kRemoveByEndpoint = "DELETE FROM observation WHERE endpoint = ?1";

const std::string kLoadAll =
    "SELECT endpoint, paths, token, attributes, content_format, created_at_ms, "
    "registration_id, composite FROM observation ORDER BY endpoint, paths";

std::string hex(const std::vector<std::uint8_t>& bytes) {
  static const char kDigits[] = "0123456789abcdef";
  std::string text;
  for (std::uint8_t byte : bytes) {
    text += kDigits[byte >> 4];
    text += kDigits[byte & 0x0f];
  }
  return text;
}

}  // namespace

void SqliteObservationStore::put(ObservationRecord record, WriteCompletion done) {
  std::string what = "store observation of '" + record.endpoint + "' on " + record.paths;
  writer_.submit(std::move(what), [record = std::move(record)](Connection& connection) {
    SQLite::Statement& statement = connection.prepare(kPut);
    statement.bind(1, record.endpoint);
    statement.bind(2, record.paths);
    bindBlob(statement, 3, record.token);
    statement.bind(4, record.attributes);
    statement.bind(5, record.contentFormat);
    statement.bind(6, record.createdAtMs);
    statement.bind(7, record.registrationId);
    statement.bind(8, record.composite ? 1 : 0);
    statement.exec();
  }, std::move(done));
}

void SqliteObservationStore::removeByToken(std::vector<std::uint8_t> token, WriteCompletion done) {
  std::string what = "remove observation with token " + hex(token);
  writer_.submit(std::move(what), [token = std::move(token)](Connection& connection) {
    SQLite::Statement& statement = connection.prepare(kRemoveByToken);
    bindBlob(statement, 1, token);
    statement.exec();
  }, std::move(done));
}

void SqliteObservationStore::removeByEndpoint(std::string endpoint, WriteCompletion done) {
  std::string what = "remove observations of '" + endpoint + "'";
  writer_.submit(std::move(what), [endpoint = std::move(endpoint)](Connection& connection) {
    SQLite::Statement& statement = connection.prepare(kRemoveByEndpoint);
    statement.bind(1, endpoint);
    statement.exec();
  }, std::move(done));
}

Result<std::vector<ObservationRecord>> SqliteObservationStore::loadAll() {
  return reader_.read<std::vector<ObservationRecord>>(
      "load observations", [](Connection& connection) {
        std::vector<ObservationRecord> records;
        SQLite::Statement& statement = connection.prepare(kLoadAll);
        while (statement.executeStep()) {
          ObservationRecord& r = records.emplace_back();
          r.endpoint = statement.getColumn(0).getString();
          r.paths = statement.getColumn(1).getString();
          r.token = columnBlob(statement, 2);
          r.attributes = statement.getColumn(3).getString();
          r.contentFormat = statement.getColumn(4).getInt();
          r.createdAtMs = statement.getColumn(5).getInt64();
          r.registrationId = statement.getColumn(6).getString();
          r.composite = statement.getColumn(7).getInt() != 0;
        }
        return records;
      });
}

}  // namespace lwm2m::persistence
