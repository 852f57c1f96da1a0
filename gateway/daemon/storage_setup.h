#pragma once
// The gateway database as storage.* configures it: opened (a damaged file
// moved aside or refused, storage.on_damaged), size-limited
// (storage.max_size_kb), and measured for the free-room reserve
// (storage.reserve_kb, gateway/core/storage_reserve.h).

#include <filesystem>
#include <memory>

#include "gateway/core/storage_reserve.h"
#include "gateway/daemon/config.h"
#include "persistence/database.h"

namespace lwm2m::gateway {

persistence::DatabaseOptions databaseOptions(const StorageConfig& config);
StorageReserveSettings storageReserveSettings(const StorageConfig& config);

// Opens {storage.data_dir}/gateway.db. Throws std::runtime_error with the
// reason (and, for a damaged file that storage.on_damaged refuses, what the
// other choice would do); logs a critical line when the file was moved aside.
std::unique_ptr<persistence::Database> openGatewayDatabase(const StorageConfig& config);

// The room the database may still take: the free space of the data
// directory's filesystem (for an unprivileged process), or the room below
// storage.max_size_kb when that is smaller; and the write-ahead log's size.
Result<SpaceReading> measureSpace(const persistence::Database& database, const std::filesystem::path& dataDir);

}  // namespace lwm2m::gateway
