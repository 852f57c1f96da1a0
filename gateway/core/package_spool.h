#pragma once
// PackageSpool: the gateway's package store, a directory of files named
// <sha256>.bin (firmware.dir, by default <data_dir>/firmware). A package is
// written once to a temporary file (".upload-*") while its SHA-256 is
// computed, synced, then renamed to its name: a package is either whole under
// its name or absent, across crashes and kill -9. Storing the same bytes
// twice keeps one file. Queued requests refer to a package by its name only
// (operations::PackageReference), and readers read it in blocks with pread,
// so no package is ever held whole in memory.
//
// Lifetime: a package's file carries the time it was last stored or named by
// an accepted command (its mtime); sweep() removes the packages unused for
// longer than the retention that no live request names.
//
// Blocking file I/O, done on the calling thread in chunks of at most the
// caller's buffer (writes) or one block (reads).

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "gateway/api/firmware.h"
#include "lwm2m/operations/package.h"

namespace lwm2m::gateway {

class PackageSpool : public operations::PackageStore {
 public:
  // How many bytes new packages may still take on the disk now, or why none
  // (ErrorCode::StorageFull): the storage reserve's room (StorageReserve::
  // roomAboveReserve).
  using Room = std::function<Result<std::uint64_t>()>;

  // Creates `dir` if needed and removes unfinished uploads of an earlier run.
  // Throws std::runtime_error naming the directory and the reason.
  PackageSpool(std::filesystem::path dir, std::uint64_t maxSize);

  // From now on an upload starts only when `room` allows it, may take no more
  // than the room it started with, and stops as soon as `room` refuses (the
  // storage became full): StorageFull, and its temporary file is removed.
  // Without it, only maxSize bounds a package.
  void setRoom(Room room) { room_ = std::move(room); }

  Result<std::unique_ptr<operations::PackageReader>> open(std::string_view sha256) const override;

  // A new package in a temporary file; Invalid past maxSize bytes,
  // StorageFull past the room (setRoom).
  Result<std::unique_ptr<api::PackageUpload>> beginUpload();
  // Copies a file into the store.
  Result<api::PackageInfo> storeFile(const std::filesystem::path& file);

  // The file of a stored package; nullopt for an unknown or malformed name.
  std::optional<std::filesystem::path> file(std::string_view sha256) const;
  std::optional<api::PackageInfo> find(std::string_view sha256) const;
  // Marks the package as used now (restarts its retention).
  void touch(std::string_view sha256) const;
  // Removes packages last used more than `retention` ago for which `inUse`
  // is false; the number removed.
  std::size_t sweep(std::chrono::seconds retention, const std::function<bool(std::string_view sha256)>& inUse);

  const std::filesystem::path& directory() const { return dir_; }
  std::uint64_t maxSize() const { return maxSize_; }

 private:
  std::filesystem::path dir_;
  std::uint64_t maxSize_;
  Room room_;
};

}  // namespace lwm2m::gateway
