#pragma once
// Firmware: the port through which bridges hand firmware packages (Firmware
// Update object 5) to devices without holding them in memory. A package is
// stored once in the gateway's package store (a spool file named by its
// SHA-256 in the data directory), then either
//  - pushed: a Write of /5/0/0 queued like any command, whose bytes are read
//    from the store block by block as the device acknowledges them, or
//  - pulled: a Write of /5/0/1 (Package URI) with the gateway's own URI of the
//    package, which the device then downloads from the gateway (CoAP Block2
//    on the LwM2M port, or HTTP).
// The transfer's progress is kept per request and per device and published
// as Progress events (device_events.h).
//
// Threading contract: call on the gateway's I/O thread; callbacks come there too.

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>

#include "gateway/api/reply_route.h"
#include "lwm2m/result.h"

namespace lwm2m::gateway::api {

struct PackageInfo {
  std::string sha256;  // 64 lowercase hex digits: the package's name in the store
  std::uint64_t size = 0;
};

// One package being received (a REST body, a download). Destroying it before
// finish() discards what was written.
class PackageUpload {
 public:
  virtual ~PackageUpload() = default;
  // Invalid once the package would exceed the store's size limit;
  // StoreFailed when the disk refuses.
  virtual Result<void> write(std::span<const std::uint8_t> bytes) = 0;
  // The whole package will be `size` bytes (a Content-Length): the refusal
  // write() would give on the way (too large, no room), before any byte.
  virtual Result<void> expectSize(std::uint64_t size) const = 0;
  // Stores the package under its SHA-256 (an identical package stored before
  // is kept and this copy dropped).
  virtual Result<PackageInfo> finish() = 0;
  virtual std::uint64_t written() const = 0;
};

enum class TransferMode { Push, Pull };
enum class TransferState { Queued, Transferring, Delivered, Failed };
std::string_view toString(TransferMode mode);    // "push", "pull"
std::string_view toString(TransferState state);  // "queued", "transferring", "delivered", "failed"

// Where one package transfer stands. Push: bytes and blocks the device
// acknowledged. Pull: bytes and blocks the gateway served.
struct TransferProgress {
  std::string requestId;
  std::string endpoint;
  PackageInfo package;
  TransferMode mode = TransferMode::Push;
  TransferState state = TransferState::Queued;
  std::uint64_t bytes = 0;
  std::uint32_t blocks = 0;       // blocks done
  std::uint32_t totalBlocks = 0;  // blocks of the whole package at the block size in use
  std::string error;              // Failed: why
  std::chrono::system_clock::time_point started;  // accepted
  std::chrono::system_clock::time_point updated;  // last change
};

class Firmware {
 public:
  virtual ~Firmware() = default;

  // Largest package the store takes (firmware.max_size).
  virtual std::uint64_t maxPackageSize() const = 0;
  // A new package to receive; StoreFailed when the store cannot create it.
  virtual Result<std::unique_ptr<PackageUpload>> beginUpload() = 0;
  // The stored file of a package, to serve it; nullopt when unknown.
  virtual std::optional<std::filesystem::path> packageFile(const std::string& sha256) const = 0;

  // Queues the push or the pull of a stored package to a device, as a command
  // with `reply` as its reply route; `accepted` gets the request id once the
  // command is stored (DeviceOps::submit's contract and errors), or
  // NotFound when the package is not stored, Invalid when pull mode has no
  // URI to give (firmware.pull_uri).
  virtual void deliver(std::string endpoint, PackageInfo package, TransferMode mode, ReplyRoute reply,
                       std::function<void(Result<std::string>)> accepted) = 0;

  // The transfer of a request / the latest transfer to a device, if known
  // since the gateway started.
  virtual std::optional<TransferProgress> progress(const std::string& requestId) const = 0;
  virtual std::optional<TransferProgress> latestTransfer(const std::string& endpoint) const = 0;
};

}  // namespace lwm2m::gateway::api
