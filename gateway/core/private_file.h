#pragma once
// Small files the gateway keeps beside its database (cached values, bootstrap
// configurations): written whole or not at all.

#include <filesystem>
#include <string_view>

#include "lwm2m/result.h"

namespace lwm2m::gateway {

// Writes `text` to `file` (mode 0600, its directory created when missing)
// through "<file>.tmp", synced, then renamed over it: after a crash the file
// is the old one or the new one, never half written. Errors are StoreFailed
// and name the file and the cause.
Result<void> writeFileWhole(const std::filesystem::path& file, std::string_view text);

}  // namespace lwm2m::gateway
