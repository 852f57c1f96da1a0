#pragma once
// A firmware package (Firmware Update object 5, resource 0 "Package") kept
// outside the request: the request names it, the bytes stay in the package
// store (a spool file on disk) and are read block by block when the request
// goes out, so a package of many megabytes is never held whole in memory,
// neither in the queue's row nor in the CoAP layer.

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>

#include "lwm2m/result.h"

namespace lwm2m::operations {

struct PackageReference {
  // Before the gateway stored it: where the command said to take it from,
  // an absolute file path or an http:// / https:// URL. Empty once stored.
  std::string source;
  // Once stored: the package's SHA-256 (64 lowercase hex digits), its name
  // in the store, and its size in bytes.
  std::string sha256;
  std::uint64_t size = 0;

  bool stored() const { return !sha256.empty(); }
  friend bool operator==(const PackageReference&, const PackageReference&) = default;
};

// True for 64 lowercase hex digits.
bool isSha256Name(std::string_view text);

// Reads one stored package. Not thread-safe; one reader per transfer.
class PackageReader {
 public:
  virtual ~PackageReader() = default;
  virtual std::uint64_t size() const = 0;
  // Fills `out` with the bytes at `offset`; false if they cannot be read
  // (the file shrank, vanished or an I/O error).
  virtual bool read(std::uint64_t offset, std::span<std::uint8_t> out) = 0;
};

// Where stored packages are found by their SHA-256.
class PackageStore {
 public:
  virtual ~PackageStore() = default;
  // NotFound when no package of that name is stored.
  virtual Result<std::unique_ptr<PackageReader>> open(std::string_view sha256) const = 0;
};

}  // namespace lwm2m::operations
