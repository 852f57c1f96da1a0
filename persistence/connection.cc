#include "persistence/connection.h"

#include <SQLiteCpp/Exception.h>

namespace lwm2m::persistence {

Connection::Connection(const std::filesystem::path& file, int openFlags, int busyTimeoutMs)
    : file_(file), db_(file, openFlags, busyTimeoutMs) {}

SQLite::Statement& Connection::prepare(const std::string& sql) {
  auto it = statements_.find(sql);
  if (it == statements_.end()) {
    it = statements_.emplace(sql, std::make_unique<SQLite::Statement>(db_, sql)).first;
  } else {
    // tryReset: reset() would throw again the error of a previous failed run,
    // which was already reported to that run's caller.
    it->second->tryReset();
    it->second->clearBindings();
  }
  return *it->second;
}

int Connection::run(const std::string& sql) {
  SQLite::Statement& statement = prepare(sql);
  statement.exec();
  return db_.getChanges();
}

void Connection::resetAll() {
  for (auto& [sql, statement] : statements_) statement->tryReset();
}

Reader::Reader(const std::filesystem::path& file, int busyTimeoutMs)
    : connection_(file, SQLite::OPEN_READONLY, busyTimeoutMs) {}

Error Reader::describeFailure(std::string_view what, const std::exception& e) const {
  return fail(connection_.file().string() + ": " + std::string(what) + ": " + e.what());
}

void bindBlob(SQLite::Statement& statement, int index, const std::vector<std::uint8_t>& bytes) {
  // sqlite3_bind_blob binds NULL for a null pointer; an empty token or payload
  // must stay an empty blob.
  static const std::uint8_t kEmpty = 0;
  const void* data = bytes.empty() ? &kEmpty : bytes.data();
  statement.bind(index, data, static_cast<int>(bytes.size()));
}

void bindBlobNoCopy(SQLite::Statement& statement, int index, const std::vector<std::uint8_t>& bytes) {
  static const std::uint8_t kEmpty = 0;  // as bindBlob: empty, not NULL
  statement.bindNoCopy(index, bytes.empty() ? &kEmpty : bytes.data(), static_cast<int>(bytes.size()));
}

void bindBlobNoCopy(SQLite::Statement& statement, int index, const std::string& bytes) {
  static const char kEmpty = 0;
  statement.bindNoCopy(index, bytes.empty() ? &kEmpty : bytes.data(), static_cast<int>(bytes.size()));
}

std::vector<std::uint8_t> columnBlob(SQLite::Statement& statement, int index) {
  SQLite::Column column = statement.getColumn(index);
  const auto* data = static_cast<const std::uint8_t*>(column.getBlob());
  const int size = column.getBytes();
  if (data == nullptr || size <= 0) return {};
  return std::vector<std::uint8_t>(data, data + size);
}

}  // namespace lwm2m::persistence
