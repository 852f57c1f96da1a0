#pragma once
// One SQLite connection with its prepared statements, used by one thread at a
// time. Adapter-internal: the rest of the gateway never sees SQLiteCpp.

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>

#include <cstdint>
#include <filesystem>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "lwm2m/result.h"

namespace lwm2m::persistence {

class Connection {
 public:
  Connection(const std::filesystem::path& file, int openFlags, int busyTimeoutMs);

  SQLite::Database& db() { return db_; }
  const std::filesystem::path& file() const { return file_; }

  // The statement for `sql`, prepared on first use, reset and with cleared
  // bindings. Throws SQLite::Exception like SQLiteCpp does.
  SQLite::Statement& prepare(const std::string& sql);

  // Runs a cached statement that returns no rows; returns the rows changed.
  int run(const std::string& sql);

  // Resets every cached statement, ending the read transaction of any that
  // stopped before its last row (it would hold back WAL checkpoints).
  void resetAll();

  // Finalizes every cached statement (they are prepared again on next use).
  // What a statement holds (its program, the last values bound to it, its
  // result cells) was allocated when it was first used, in the middle of
  // whatever the gateway did then; after thousands of devices left, those
  // few allocations kept the heap pages around them resident.
  void releaseStatements() { statements_.clear(); }

 private:
  std::filesystem::path file_;
  SQLite::Database db_;
  std::unordered_map<std::string, std::unique_ptr<SQLite::Statement>> statements_;
};

// The read side: a read-only connection shared by the synchronous store reads.
// Reads see committed writes only (WAL snapshot); they never wait for the writer.
class Reader {
 public:
  Reader(const std::filesystem::path& file, int busyTimeoutMs);

  // Runs `read(connection)` under the reader's lock and turns a SQLite
  // exception into an Error naming the file and `what`.
  template <class T, class F>
  Result<T> read(std::string_view what, F&& read) {
    std::lock_guard lock(mutex_);
    try {
      Result<T> result(read(connection_));
      connection_.resetAll();
      return result;
    } catch (const std::exception& e) {
      connection_.resetAll();
      return describeFailure(what, e);
    }
  }

 private:
  Error describeFailure(std::string_view what, const std::exception& e) const;

  std::mutex mutex_;
  Connection connection_;
};

// Blob binding and reading that keep empty blobs distinct from NULL.
void bindBlob(SQLite::Statement& statement, int index, const std::vector<std::uint8_t>& bytes);

// Binding without a copy (these, and SQLiteCpp's Statement::bindNoCopy for
// text), for the hot writes (a Register, an outbox message): SQLite reads the
// bytes where they are, so they must stay put and unchanged until the
// statement has run; in practice, a field of the record the write operation
// captured, never a temporary. The binding dangles after the run and is
// harmless: Connection::prepare() clears it before the statement's next use,
// and nothing reads the bindings of a statement that is not running.
void bindBlobNoCopy(SQLite::Statement& statement, int index, const std::vector<std::uint8_t>& bytes);
void bindBlobNoCopy(SQLite::Statement& statement, int index, const std::string& bytes);
std::vector<std::uint8_t> columnBlob(SQLite::Statement& statement, int index);

}  // namespace lwm2m::persistence
