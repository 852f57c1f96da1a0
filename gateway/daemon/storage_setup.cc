#include "gateway/daemon/storage_setup.h"

#include <sys/statvfs.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <stdexcept>

#include <spdlog/spdlog.h>

namespace lwm2m::gateway {

namespace {

// The write-ahead log is kept within a quarter of the reserve, between 64 KiB
// and 4 MiB: a checkpoint always finds room for it.
std::uint64_t walLimit(const StorageConfig& config) {
  const std::uint64_t quarter = config.reserveKb * 1024 / 4;
  return std::clamp<std::uint64_t>(quarter, 64 * 1024, 4 * 1024 * 1024);
}

}  // namespace

persistence::DatabaseOptions databaseOptions(const StorageConfig& config) {
  persistence::DatabaseOptions options;
  options.maxSizeBytes = config.maxSizeKb * 1024;
  options.walLimitBytes = walLimit(config);
  options.onDamaged =
      config.onDamaged == "refuse" ? persistence::OnDamaged::Refuse : persistence::OnDamaged::MoveAside;
  return options;
}

StorageReserveSettings storageReserveSettings(const StorageConfig& config) {
  StorageReserveSettings settings;
  settings.reserveBytes = config.reserveKb * 1024;
  settings.walLimitBytes = walLimit(config);
  settings.interval = config.spaceCheckInterval;
  return settings;
}

std::unique_ptr<persistence::Database> openGatewayDatabase(const StorageConfig& config) {
  const persistence::DatabaseOptions options = databaseOptions(config);
  auto db = persistence::Database::open(config.dataDir, options);
  if (!db) {
    std::string message = "storage.data_dir " + config.dataDir + ": " + db.error().message;
    if (db.error().code == ErrorCode::StoreFailed && options.onDamaged == persistence::OnDamaged::Refuse) {
      message += " (storage.on_damaged is refuse; move_aside keeps the file as " + options.fileName +
                 ".damaged-<UTC time> and starts empty)";
    }
    throw std::runtime_error(message);
  }
  if (const auto& moved = (*db)->movedAside()) {
    spdlog::critical("{}; moved it to {} and started with an empty database: registrations, observations "
                     "and queued commands of before are not restored (storage.on_damaged: move_aside)",
                     moved->reason, moved->movedTo.string());
  }
  return std::move(*db);
}

Result<SpaceReading> measureSpace(const persistence::Database& database, const std::filesystem::path& dataDir) {
  struct statvfs fs {};
  if (::statvfs(dataDir.c_str(), &fs) != 0) {
    return fail(ErrorCode::StoreFailed, "statvfs " + dataDir.string() + ": " + std::strerror(errno));
  }
  Result<persistence::DatabaseSpace> space = database.space();
  if (!space) return space.error();
  SpaceReading reading;
  reading.freeBytes = static_cast<std::uint64_t>(fs.f_bavail) * fs.f_frsize;
  reading.limitedBy = "filesystem of " + dataDir.string();
  reading.walBytes = space->walBytes;
  if (space->limitBytes > 0) {
    const std::uint64_t room = space->limitBytes - std::min(space->limitBytes, space->usedBytes);
    if (room < reading.freeBytes) {
      reading.freeBytes = room;
      reading.limitedBy = describeBytes(space->usedBytes) + " of storage.max_size_kb " +
                          describeBytes(space->limitBytes) + " used";
    }
  }
  return reading;
}

}  // namespace lwm2m::gateway
