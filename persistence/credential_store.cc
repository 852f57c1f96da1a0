#include "persistence/credential_store.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <SQLiteCpp/Exception.h>

#include "persistence/connection.h"

namespace lwm2m::persistence {
namespace {

constexpr std::int32_t kCredentialsApplicationId = 0x4C4D3243;  // "LM2C"
constexpr int kCredentialsVersion = 1;

constexpr const char* kSchema = R"sql(
CREATE TABLE IF NOT EXISTS device_credentials(
  endpoint TEXT PRIMARY KEY NOT NULL,
  psk_identity TEXT UNIQUE,
  psk_key BLOB,
  certificate_name TEXT UNIQUE,
  security_required INTEGER NOT NULL DEFAULT 1,
  CHECK ((psk_identity IS NULL) = (psk_key IS NULL))
) WITHOUT ROWID;
)sql";

DeviceCredentials readRow(SQLite::Statement& row) {
  DeviceCredentials c;
  c.endpoint = row.getColumn(0).getString();
  if (!row.getColumn(1).isNull()) c.pskIdentity = row.getColumn(1).getString();
  if (!row.getColumn(2).isNull()) c.certificateName = row.getColumn(2).getString();
  c.securityRequired = row.getColumn(3).getInt() != 0;
  return c;
}

// Creates the file with mode 0600 before SQLite sees it; SQLite gives its
// -wal and -shm files the mode of the database file.
Result<void> createPrivate(const std::filesystem::path& file) {
  std::error_code ec;
  std::filesystem::create_directories(file.parent_path().empty() ? "." : file.parent_path(), ec);
  if (ec) return fail(file.parent_path().string() + ": cannot create directory: " + ec.message());
  const int fd = ::open(file.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) return fail(file.string() + ": cannot open: " + std::strerror(errno));
  const int changed = ::fchmod(fd, 0600);
  const int error = errno;
  ::close(fd);
  if (changed != 0) return fail(file.string() + ": cannot make it private (chmod 0600): " + std::strerror(error));
  return {};
}

}  // namespace

struct CredentialStore::Parts {
  explicit Parts(const std::filesystem::path& file)
      : connection(file, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE, 5000) {}
  Connection connection;
  // securityRequired()'s memory: the data_version it was taken at, and
  // whether any endpoint requires DTLS then. Forgotten by every write here.
  std::optional<std::int64_t> checkedVersion;
  std::chrono::steady_clock::time_point checkedAt;
  bool anyRequired = true;

  template <class T, class F>
  Result<T> attempt(std::string_view what, F&& body) {
    try {
      Result<T> result(body(connection));
      connection.resetAll();
      return result;
    } catch (const std::exception& e) {
      connection.resetAll();
      return fail(ErrorCode::StoreFailed, connection.file().string() + ": " + std::string(what) + ": " + e.what());
    }
  }
};

Result<std::unique_ptr<CredentialStore>> CredentialStore::open(const std::filesystem::path& file) {
  if (auto created = createPrivate(file); !created) return created.error();
  std::unique_ptr<Parts> parts;
  try {
    parts = std::make_unique<Parts>(file);
    SQLite::Database& db = parts->connection.db();
    db.exec("PRAGMA journal_mode = WAL");
    SQLite::Statement id(db, "PRAGMA application_id");
    const int applicationId = id.executeStep() ? id.getColumn(0).getInt() : 0;
    SQLite::Statement version(db, "PRAGMA user_version");
    const int found = version.executeStep() ? version.getColumn(0).getInt() : 0;
    if (applicationId != 0 && applicationId != kCredentialsApplicationId) {
      return fail(file.string() + ": not a gateway credentials file; refusing to modify it");
    }
    if (found > kCredentialsVersion) {
      return fail(file.string() + ": written by a newer gateway (version " + std::to_string(found) + ")");
    }
    db.exec(kSchema);
    db.exec("PRAGMA application_id = " + std::to_string(kCredentialsApplicationId));
    db.exec("PRAGMA user_version = " + std::to_string(kCredentialsVersion));
  } catch (const std::exception& e) {
    return fail(file.string() + ": cannot open the credentials store: " + e.what());
  }
  return std::unique_ptr<CredentialStore>(new CredentialStore(std::move(parts)));
}

CredentialStore::CredentialStore(std::unique_ptr<Parts> parts) : parts_(std::move(parts)) {}
CredentialStore::~CredentialStore() = default;

const std::filesystem::path& CredentialStore::file() const { return parts_->connection.file(); }

Result<void> CredentialStore::put(const DeviceCredentials& c) {
  parts_->checkedVersion.reset();
  if (c.endpoint.empty()) return fail("an endpoint name is required");
  if (c.pskIdentity && c.pskKey.empty()) return fail("PSK identity '" + *c.pskIdentity + "' has no key");
  if (!c.pskIdentity && !c.pskKey.empty()) return fail("a PSK key needs an identity");
  // Conflicts are checked first so the error names the other endpoint.
  if (c.pskIdentity) {
    auto owner = endpointOfPskIdentity(*c.pskIdentity);
    if (!owner) return owner.error();
    if (*owner && **owner != c.endpoint) {
      return fail("PSK identity '" + *c.pskIdentity + "' already belongs to endpoint '" + **owner + "'");
    }
  }
  if (c.certificateName) {
    auto owner = endpointOfCertificateName(*c.certificateName);
    if (!owner) return owner.error();
    if (*owner && **owner != c.endpoint) {
      return fail("certificate name '" + *c.certificateName + "' already belongs to endpoint '" +
                  **owner + "'");
    }
  }
  auto stored = parts_->attempt<bool>("cannot store credentials", [&](Connection& db) {
    auto& statement = db.prepare(
        "INSERT OR REPLACE INTO device_credentials(endpoint, psk_identity, psk_key, "
        "certificate_name, security_required) VALUES (?, ?, ?, ?, ?)");
    statement.bind(1, c.endpoint);
    if (c.pskIdentity) {
      statement.bind(2, *c.pskIdentity);
      statement.bind(3, c.pskKey.data(), static_cast<int>(c.pskKey.size()));
    }
    if (c.certificateName) statement.bind(4, *c.certificateName);
    statement.bind(5, c.securityRequired ? 1 : 0);
    statement.exec();
    statement.clearBindings();  // do not keep the key bound
    return true;
  });
  if (!stored) return stored.error();
  return {};
}

Result<bool> CredentialStore::remove(std::string_view endpoint) {
  parts_->checkedVersion.reset();
  return parts_->attempt<bool>("cannot remove credentials", [&](Connection& db) {
    auto& statement = db.prepare("DELETE FROM device_credentials WHERE endpoint = ?");
    statement.bind(1, std::string(endpoint));
    statement.exec();
    return db.db().getChanges() > 0;
  });
}

Result<std::vector<DeviceCredentials>> CredentialStore::list() {
  return parts_->attempt<std::vector<DeviceCredentials>>("cannot list credentials", [](Connection& db) {
    auto& statement = db.prepare(
        "SELECT endpoint, psk_identity, certificate_name, security_required "
        "FROM device_credentials ORDER BY endpoint");
    std::vector<DeviceCredentials> all;
    while (statement.executeStep()) all.push_back(readRow(statement));
    return all;
  });
}

Result<std::optional<DeviceCredentials>> CredentialStore::find(std::string_view endpoint) {
  return parts_->attempt<std::optional<DeviceCredentials>>("cannot read credentials", [&](Connection& db) {
    auto& statement = db.prepare(
        "SELECT endpoint, psk_identity, certificate_name, security_required "
        "FROM device_credentials WHERE endpoint = ?");
    statement.bind(1, std::string(endpoint));
    std::optional<DeviceCredentials> found;
    if (statement.executeStep()) found = readRow(statement);
    return found;
  });
}

Result<bool> CredentialStore::securityRequired(std::string_view endpoint, std::chrono::steady_clock::time_point now) {
  Parts& p = *parts_;
  if (p.checkedVersion && now >= p.checkedAt && now - p.checkedAt < kChangeCheckInterval) {
    if (!p.anyRequired) return false;
    auto found = find(endpoint);
    if (!found) return found.error();
    return *found && (*found)->securityRequired;
  }
  std::int64_t version = -1;
  try {
    // Not through attempt(): this one statement is reset, not every cached one.
    auto& statement = p.connection.prepare("PRAGMA data_version");
    if (statement.executeStep()) version = statement.getColumn(0).getInt64();
    statement.tryReset();
  } catch (const std::exception& e) {
    p.connection.resetAll();
    return fail(ErrorCode::StoreFailed, p.connection.file().string() + ": cannot read credentials: " + e.what());
  }
  if (p.checkedVersion != version) {
    auto any = p.attempt<bool>("cannot read credentials", [](Connection& db) {
      auto& statement =
          db.prepare("SELECT EXISTS(SELECT 1 FROM device_credentials WHERE security_required != 0)");
      return statement.executeStep() && statement.getColumn(0).getInt() != 0;
    });
    if (!any) return any.error();
    p.anyRequired = *any;
    p.checkedVersion = version;
  }
  p.checkedAt = now;
  if (!p.anyRequired) return false;
  auto found = find(endpoint);
  if (!found) return found.error();
  return *found && (*found)->securityRequired;
}

Result<std::optional<std::vector<std::uint8_t>>> CredentialStore::pskKey(std::string_view identity) {
  using Key = std::optional<std::vector<std::uint8_t>>;
  return parts_->attempt<Key>("cannot read a PSK", [&](Connection& db) {
    auto& statement = db.prepare("SELECT psk_key FROM device_credentials WHERE psk_identity = ?");
    statement.bind(1, std::string(identity));
    Key key;
    if (statement.executeStep()) {
      const auto column = statement.getColumn(0);
      const auto* data = static_cast<const std::uint8_t*>(column.getBlob());
      key.emplace(data, data + column.getBytes());
    }
    return key;
  });
}

Result<std::optional<std::string>> CredentialStore::endpointOfPskIdentity(std::string_view identity) {
  return parts_->attempt<std::optional<std::string>>("cannot read credentials", [&](Connection& db) {
    auto& statement = db.prepare("SELECT endpoint FROM device_credentials WHERE psk_identity = ?");
    statement.bind(1, std::string(identity));
    std::optional<std::string> endpoint;
    if (statement.executeStep()) endpoint = statement.getColumn(0).getString();
    return endpoint;
  });
}

Result<std::optional<std::string>> CredentialStore::endpointOfCertificateName(std::string_view name) {
  return parts_->attempt<std::optional<std::string>>("cannot read credentials", [&](Connection& db) {
    auto& statement = db.prepare("SELECT endpoint FROM device_credentials WHERE certificate_name = ?");
    statement.bind(1, std::string(name));
    std::optional<std::string> endpoint;
    if (statement.executeStep()) endpoint = statement.getColumn(0).getString();
    return endpoint;
  });
}

}  // namespace lwm2m::persistence
