#include "gateway/core/firmware_service.h"

#include <algorithm>

#include <spdlog/spdlog.h>

namespace lwm2m::gateway {
namespace {

namespace fs = std::filesystem;
using api::TransferMode;
using api::TransferState;

constexpr std::chrono::seconds kProgressInterval{1};
constexpr std::chrono::hours kSweepInterval{1};
constexpr std::size_t kKeptTransfers = 1000;  // finished transfers remembered for REST

std::uint32_t blocksOf(std::uint64_t bytes, std::uint16_t blockSize) {
  return static_cast<std::uint32_t>((bytes + blockSize - 1) / blockSize);
}

bool isUrl(const std::string& source) {
  return source.rfind("http://", 0) == 0 || source.rfind("https://", 0) == 0;
}

// True when `file` (canonical) lies inside `dir` (canonical).
bool inside(const fs::path& file, const fs::path& dir) {
  auto f = file.begin();
  for (auto d = dir.begin(); d != dir.end(); ++d, ++f) {
    if (d->empty()) continue;  // a trailing separator
    if (f == file.end() || *f != *d) return false;
  }
  return f != file.end();
}

bool isPackageUri(const model::Path& path) { return path.isResource() && path.resourceId() == 1; }

}  // namespace

FirmwareService::FirmwareService(api::DeviceOps& commands, PackageSpool& spool, const api::DeviceDirectory& devices,
                                 coap::Scheduler& scheduler, FirmwareSettings settings, Publish publish, Fetch fetch)
    : commands_(commands),
      spool_(spool),
      devices_(devices),
      scheduler_(scheduler),
      settings_(std::move(settings)),
      publish_(std::move(publish)),
      fetch_(std::move(fetch)),
      self_(std::make_shared<FirmwareService*>(this)) {
  sweepTimer_ = scheduler_.schedule(std::chrono::seconds(0), [this] { sweepLater(); });
}

FirmwareService::~FirmwareService() { scheduler_.cancel(sweepTimer_); }

void FirmwareService::sweepLater() {
  const std::size_t removed = spool_.sweep(settings_.retention, [this](std::string_view sha) {
    return std::any_of(transfers_.begin(), transfers_.end(), [sha](const auto& entry) {
      const api::TransferProgress& p = entry.second.progress;
      return p.package.sha256 == sha && (p.state == TransferState::Queued || p.state == TransferState::Transferring);
    });
  });
  if (removed > 0) spdlog::info("firmware packages: {} unused for {} s removed from {}", removed,
                                settings_.retention.count(), spool_.directory().string());
  sweepTimer_ = scheduler_.schedule(kSweepInterval, [this] { sweepLater(); });
}

void FirmwareService::submit(api::Command command, std::function<void(Result<std::string>)> accepted) {
  if (!command.request.package) {
    commands_.submit(std::move(command), std::move(accepted));
    return;
  }
  store(std::move(command), std::move(accepted));
}

std::vector<api::QueuedCommand> FirmwareService::queued(const std::string& endpoint) const {
  return commands_.queued(endpoint);
}

Result<void> FirmwareService::cancel(const std::string& requestId) { return commands_.cancel(requestId); }

std::optional<fs::path> FirmwareService::packageFile(const std::string& sha256) const { return spool_.file(sha256); }

// Puts the package named by the command into the spool, then queues the command.
void FirmwareService::store(api::Command command, std::function<void(Result<std::string>)> accepted) {
  const operations::PackageReference& package = *command.request.package;
  if (package.stored()) {
    auto found = spool_.find(package.sha256);
    if (!found || found->size != package.size) {
      accepted(fail(ErrorCode::NotFound, "no firmware package " + package.sha256 + " of " +
                                             std::to_string(package.size) + " bytes is stored"));
      return;
    }
    queue(std::move(command), *found, std::move(accepted));
    return;
  }
  const std::string source = package.source;
  if (isUrl(source)) {
    if (!fetch_) {
      accepted(fail(ErrorCode::Unauthorized, "this gateway does not download packages (" + source + ")"));
      return;
    }
    auto upload = spool_.beginUpload();
    if (!upload) {
      accepted(upload.error());
      return;
    }
    std::weak_ptr<FirmwareService*> alive = self_;
    spdlog::info("firmware package for {}: downloading {}", command.endpoint, source);
    fetch_(source, std::move(*upload),
           [this, alive, command = std::move(command), accepted](Result<api::PackageInfo> fetched) mutable {
             if (!alive.lock()) return;
             if (!fetched) {
               accepted(fetched.error());  // names the URL and why
               return;
             }
             queue(std::move(command), *fetched, std::move(accepted));
           });
    return;
  }
  const fs::path file(source);
  if (!file.is_absolute()) {
    accepted(fail("package source \"" + source + "\" is neither an absolute file path nor an http(s):// URL"));
    return;
  }
  if (settings_.allowedDir.empty()) {
    accepted(fail(ErrorCode::Unauthorized, "packages from files are off (firmware.allowed_dir is not set)"));
    return;
  }
  std::error_code ec, allowedError;
  const fs::path real = fs::canonical(file, ec);
  const fs::path allowed = fs::weakly_canonical(settings_.allowedDir, allowedError);
  if (ec) {
    accepted(fail(ErrorCode::NotFound, "package file " + source + ": " + ec.message()));
    return;
  }
  if (allowedError || !inside(real, allowed)) {
    accepted(fail(ErrorCode::Unauthorized,
                  "package file " + source + " is outside firmware.allowed_dir (" + allowed.string() + ")"));
    return;
  }
  auto stored = spool_.storeFile(real);
  if (!stored) {
    accepted(stored.error());
    return;
  }
  queue(std::move(command), *stored, std::move(accepted));
}

std::string FirmwareService::pullUriOf(const std::string& sha256) const {
  std::string base = settings_.pullUri;
  while (!base.empty() && base.back() == '/') base.pop_back();
  return base + "/fw/" + sha256;
}

void FirmwareService::deliver(std::string endpoint, api::PackageInfo package, api::TransferMode mode,
                              api::ReplyRoute reply, std::function<void(Result<std::string>)> accepted) {
  api::Command command;
  command.endpoint = std::move(endpoint);
  command.request = operations::DeviceRequest::writePackage(
      mode == TransferMode::Pull ? model::Path(5, 0, 1) : model::Path(5, 0, 0),
      operations::PackageReference{{}, package.sha256, package.size});
  command.reply = std::move(reply);
  store(std::move(command), std::move(accepted));
}

// The stored package as the request the device gets: its bytes (push) or the
// gateway's URI of it (pull, a Write of the Package URI).
void FirmwareService::queue(api::Command command, api::PackageInfo package,
                            std::function<void(Result<std::string>)> accepted) {
  operations::DeviceRequest& request = command.request;
  TransferMode mode = TransferMode::Push;
  if (isPackageUri(request.path)) {
    if (settings_.pullUri.empty()) {
      accepted(fail("pull mode needs firmware.pull_uri: the address devices reach the gateway at"));
      return;
    }
    mode = TransferMode::Pull;
    request.package.reset();
    request.node = model::Node(model::Resource::single(1, model::Value::string(pullUriOf(package.sha256))));
  } else {
    request.package = operations::PackageReference{{}, package.sha256, package.size};
  }
  request.ttl = std::min(request.ttl.value_or(settings_.defaultTtl), settings_.retention);
  spool_.touch(package.sha256);
  spdlog::info("firmware package {} ({} bytes) for {}: {} queued", package.sha256, package.size, command.endpoint,
               api::toString(mode));
  std::weak_ptr<FirmwareService*> alive = self_;
  const std::string endpoint = command.endpoint;
  operations::DeviceRequest kept = request;
  api::ReplyRoute reply = command.reply;
  commands_.submit(std::move(command), [this, alive, endpoint, package, mode, kept = std::move(kept),
                                        reply = std::move(reply), accepted](Result<std::string> id) {
    if (alive.lock() && id) {
      Transfer t;
      t.progress.requestId = *id;
      t.progress.endpoint = endpoint;
      t.progress.package = package;
      t.progress.mode = mode;
      t.progress.totalBlocks = blocksOf(package.size, settings_.blockSize);
      t.progress.started = t.progress.updated = scheduler_.wallNow();
      t.request = kept;
      t.reply = reply;
      if (transfers_.size() >= kKeptTransfers) {
        auto old = std::find_if(transfers_.begin(), transfers_.end(), [](const auto& e) {
          return e.second.progress.state == TransferState::Delivered || e.second.progress.state == TransferState::Failed;
        });
        if (old != transfers_.end()) transfers_.erase(old);
      }
      transfers_[*id] = std::move(t);
      latest_[endpoint] = *id;
    }
    accepted(std::move(id));
  });
}

FirmwareService::Transfer* FirmwareService::find(const std::string& endpoint, const std::string& sha256,
                                                 TransferMode mode) {
  Transfer* any = nullptr;
  for (auto& [id, t] : transfers_) {
    const api::TransferProgress& p = t.progress;
    if (p.mode != mode || p.package.sha256 != sha256) continue;
    if (p.state != TransferState::Queued && p.state != TransferState::Transferring) continue;
    if (p.endpoint == endpoint) return &t;
    if (!any) any = &t;
  }
  return endpoint.empty() ? any : nullptr;
}

void FirmwareService::onPushed(const std::string& endpoint, const operations::DeviceRequest& request,
                               std::uint64_t acknowledged, std::uint64_t) {
  if (!request.package) return;
  if (Transfer* t = find(endpoint, request.package->sha256, TransferMode::Push)) {
    update(*t, acknowledged, settings_.blockSize, false);
  }
}

void FirmwareService::onServed(const std::string& address, const std::string& sha256, std::uint64_t end,
                               std::uint64_t size, std::uint16_t blockSize) {
  Transfer* t = nullptr;
  for (const api::DeviceInfo& device : devices_.devices()) {
    if (device.address == address && (t = find(device.endpoint, sha256, TransferMode::Pull))) break;
  }
  if (!t) t = find({}, sha256, TransferMode::Pull);
  if (!t) return;
  const bool last = end >= size;
  if (last) t->progress.state = TransferState::Delivered;
  update(*t, end, blockSize, last);
}

void FirmwareService::update(Transfer& t, std::uint64_t bytes, std::uint16_t blockSize, bool force) {
  api::TransferProgress& p = t.progress;
  if (p.state == TransferState::Queued) p.state = TransferState::Transferring;
  p.bytes = std::max(p.bytes, bytes);
  p.blocks = blocksOf(p.bytes, blockSize);
  p.totalBlocks = blocksOf(p.package.size, blockSize);
  p.updated = scheduler_.wallNow();
  if (force || t.lastEvent == std::chrono::steady_clock::time_point{} ||
      scheduler_.now() - t.lastEvent >= kProgressInterval) {
    publishProgress(t);
  }
}

void FirmwareService::publishProgress(Transfer& t) {
  t.lastEvent = scheduler_.now();
  api::DeviceEvent event;
  event.kind = api::DeviceEventKind::Progress;
  if (auto device = devices_.find(t.progress.endpoint)) {
    event.device = std::move(*device);
  } else {
    event.device.endpoint = t.progress.endpoint;
  }
  event.at = scheduler_.wallNow();
  event.command = api::CommandInfo{t.progress.requestId, t.request, t.reply, std::nullopt, {}};
  event.paths = {t.request.path};
  event.transfer = t.progress;
  publish_(event);
}

void FirmwareService::onDeviceEvent(const api::DeviceEvent& event) {
  if (!event.command || event.kind == api::DeviceEventKind::Progress) return;
  auto found = transfers_.find(event.command->requestId);
  if (found == transfers_.end()) return;
  api::TransferProgress& p = found->second.progress;
  switch (event.kind) {
    case api::DeviceEventKind::Response: {
      const auto& response = event.command->response;
      if (response && response->ok()) {
        if (p.mode == TransferMode::Push) {
          p.state = TransferState::Delivered;
          p.bytes = p.package.size;
          p.blocks = p.totalBlocks;
        } else if (p.state == TransferState::Queued) {
          p.state = TransferState::Transferring;  // the device has the URI; its download follows
        }
      } else {
        p.state = TransferState::Failed;
        p.error = response ? response->reason : "no answer";
        if (p.error.empty() && response) p.error = "device answered " + response->code;
      }
      break;
    }
    case api::DeviceEventKind::RequestExpired:
    case api::DeviceEventKind::RequestCancelled:
      p.state = TransferState::Failed;
      p.error = event.kind == api::DeviceEventKind::RequestCancelled ? "cancelled" : event.command->reason;
      break;
    default:
      return;
  }
  p.updated = scheduler_.wallNow();
  // Published after the event being delivered has reached every listener.
  std::weak_ptr<FirmwareService*> alive = self_;
  const std::string id = event.command->requestId;
  scheduler_.schedule(std::chrono::seconds(0), [this, alive, id] {
    if (!alive.lock()) return;
    if (auto t = transfers_.find(id); t != transfers_.end()) publishProgress(t->second);
  });
}

std::optional<api::TransferProgress> FirmwareService::progress(const std::string& requestId) const {
  auto found = transfers_.find(requestId);
  if (found == transfers_.end()) return std::nullopt;
  return found->second.progress;
}

std::optional<api::TransferProgress> FirmwareService::latestTransfer(const std::string& endpoint) const {
  auto id = latest_.find(endpoint);
  if (id == latest_.end()) return std::nullopt;
  return progress(id->second);
}

}  // namespace lwm2m::gateway
