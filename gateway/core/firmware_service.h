#pragma once
// FirmwareService: api::Firmware, and the api::DeviceOps the bridges use,
// around the command service. It
//  - stores packages named by a command before the command is queued: a
//    command whose DeviceRequest names a package by its source (a file path
//    inside firmware.allowed_dir, or an http(s) URL fetched by the injected
//    Fetch) has it copied into the PackageSpool first, then goes on with the
//    package's name only; a package for /5/x/1 (Package URI) becomes the
//    gateway's URI of the package (pull mode);
//  - follows every package transfer: blocks the device acknowledged (push,
//    from RequestSender's transfer listener), blocks the gateway served
//    (pull, from server::PackageResource), and how the request ended (from
//    the device events); publishes Progress events, at most one a second per
//    transfer plus one when it ends;
//  - sweeps the spool (at start and hourly, see PackageSpool).
// Other commands pass through unchanged.
//
// Threading: the gateway's I/O thread only; Fetch completes there too.

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "gateway/api/device_directory.h"
#include "gateway/api/device_events.h"
#include "gateway/api/device_ops.h"
#include "gateway/api/firmware.h"
#include "gateway/core/package_spool.h"
#include "lwm2m/coap/scheduler.h"

namespace lwm2m::gateway {

struct FirmwareSettings {
  std::filesystem::path allowedDir;  // file sources must lie inside; empty: no file sources
  std::string pullUri;               // "coap://host:port" the devices reach the gateway at; empty: no pull mode
  std::chrono::seconds retention{7 * 24 * 3600};
  std::chrono::seconds defaultTtl{24 * 3600};  // the queue's, to keep package commands within the retention
  std::uint16_t blockSize = 1024;              // to count blocks
};

class FirmwareService : public api::Firmware, public api::DeviceOps, public api::DeviceEventListener {
 public:
  using Publish = std::function<void(const api::DeviceEvent&)>;
  // Downloads `url` into `upload`, then calls `done` (on the I/O thread) with
  // the error, if any.
  using Fetch = std::function<void(const std::string& url, std::unique_ptr<api::PackageUpload> upload,
                                   std::function<void(Result<api::PackageInfo>)> done)>;

  FirmwareService(api::DeviceOps& commands, PackageSpool& spool, const api::DeviceDirectory& devices,
                  coap::Scheduler& scheduler, FirmwareSettings settings, Publish publish, Fetch fetch = {});
  ~FirmwareService() override;

  // api::DeviceOps
  void submit(api::Command command, std::function<void(Result<std::string>)> accepted) override;
  std::vector<api::QueuedCommand> queued(const std::string& endpoint) const override;
  Result<void> cancel(const std::string& requestId) override;

  // api::Firmware
  std::uint64_t maxPackageSize() const override { return spool_.maxSize(); }
  Result<std::unique_ptr<api::PackageUpload>> beginUpload() override { return spool_.beginUpload(); }
  std::optional<std::filesystem::path> packageFile(const std::string& sha256) const override;
  void deliver(std::string endpoint, api::PackageInfo package, api::TransferMode mode, api::ReplyRoute reply,
               std::function<void(Result<std::string>)> accepted) override;
  std::optional<api::TransferProgress> progress(const std::string& requestId) const override;
  std::optional<api::TransferProgress> latestTransfer(const std::string& endpoint) const override;

  // api::DeviceEventListener: how package requests ended.
  void onDeviceEvent(const api::DeviceEvent& event) override;

  // From RequestSender's transfer listener: a push moved.
  void onPushed(const std::string& endpoint, const operations::DeviceRequest& request, std::uint64_t acknowledged,
                std::uint64_t size);
  // From server::PackageResource: a block of a package was served to `address`.
  void onServed(const std::string& address, const std::string& sha256, std::uint64_t end, std::uint64_t size,
                std::uint16_t blockSize);

  // The gateway's URI of a package for pull mode ("coap://host:port/fw/<sha256>").
  std::string pullUriOf(const std::string& sha256) const;

 private:
  struct Transfer {
    api::TransferProgress progress;
    operations::DeviceRequest request;  // as queued (the package by name)
    api::ReplyRoute reply;
    std::chrono::steady_clock::time_point lastEvent{};
  };
  void store(api::Command command, std::function<void(Result<std::string>)> accepted);
  void queue(api::Command command, api::PackageInfo package, std::function<void(Result<std::string>)> accepted);
  Transfer* find(const std::string& endpoint, const std::string& sha256, api::TransferMode mode);
  void update(Transfer& transfer, std::uint64_t bytes, std::uint16_t blockSize, bool force);
  void publishProgress(Transfer& transfer);
  void sweepLater();

  api::DeviceOps& commands_;
  PackageSpool& spool_;
  const api::DeviceDirectory& devices_;
  coap::Scheduler& scheduler_;
  FirmwareSettings settings_;
  Publish publish_;
  Fetch fetch_;
  std::map<std::string, Transfer> transfers_;   // by request id
  std::map<std::string, std::string> latest_;   // endpoint → request id
  coap::Scheduler::TimerId sweepTimer_ = 0;
  std::shared_ptr<FirmwareService*> self_;      // fetches hold a weak_ptr: no call after destruction
};

}  // namespace lwm2m::gateway
