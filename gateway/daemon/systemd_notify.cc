#include "gateway/daemon/systemd_notify.h"

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <string>
#include <utility>

#include <spdlog/spdlog.h>

namespace lwm2m::gateway {
namespace {

// A decimal number without sign or trailing text, or nullopt-like 0 on failure.
bool parseUnsigned(const char* text, unsigned long long& out) {
  if (text == nullptr || *text < '0' || *text > '9') return false;
  char* end = nullptr;
  errno = 0;
  out = std::strtoull(text, &end, 10);
  return errno == 0 && end != nullptr && *end == '\0';
}

std::string formatError(const std::string& path, const char* what) {
  return "notify socket " + path + ": " + what + ": " + std::strerror(errno);
}

}  // namespace

ServiceNotifier::ServiceNotifier(std::string socketPath, std::chrono::microseconds watchdogInterval)
    : socketPath_(std::move(socketPath)), watchdogInterval_(watchdogInterval) {}

ServiceNotifier ServiceNotifier::fromEnvironment() {
  const char* socket = std::getenv("NOTIFY_SOCKET");
  std::string path = socket != nullptr ? socket : "";
  // Only absolute paths and abstract names are valid (as in sd_notify(3)).
  if (!path.empty() && path[0] != '/' && path[0] != '@') path.clear();

  std::chrono::microseconds watchdog{0};
  unsigned long long usec = 0;
  unsigned long long pid = 0;
  const char* watchdogPid = std::getenv("WATCHDOG_PID");
  const bool ours = watchdogPid == nullptr ||
                    (parseUnsigned(watchdogPid, pid) && pid == static_cast<unsigned long long>(::getpid()));
  if (ours && parseUnsigned(std::getenv("WATCHDOG_USEC"), usec) && usec > 0) {
    watchdog = std::chrono::microseconds(usec);
  }
  return ServiceNotifier(std::move(path), watchdog);
}

Result<void> ServiceNotifier::notify(std::string_view state) const {
  if (!enabled()) return {};
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  if (socketPath_.size() >= sizeof(address.sun_path)) {
    return fail("notify socket " + socketPath_ + ": path too long");
  }
  std::memcpy(address.sun_path, socketPath_.data(), socketPath_.size());
  socklen_t length = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + socketPath_.size());
  if (socketPath_[0] == '@') {
    address.sun_path[0] = '\0';  // abstract namespace: no terminating NUL counted
  } else {
    length += 1;
  }

  const int fd = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return fail(formatError(socketPath_, "socket"));
  const ssize_t sent = ::sendto(fd, state.data(), state.size(), MSG_NOSIGNAL,
                                reinterpret_cast<const sockaddr*>(&address), length);
  Result<void> result;
  if (sent < 0) {
    result = fail(formatError(socketPath_, "send"));
  } else if (static_cast<std::size_t>(sent) != state.size()) {
    result = fail("notify socket " + socketPath_ + ": datagram truncated");
  }
  ::close(fd);
  return result;
}

SystemdService::SystemdService(coap::Scheduler& scheduler, ServiceNotifier notifier)
    : scheduler_(scheduler), notifier_(std::move(notifier)) {}

SystemdService::~SystemdService() { scheduler_.cancel(watchdogTimer_); }

void SystemdService::ready(std::string_view status) {
  send("READY=1\nSTATUS=" + std::string(status));
  if (notifier_.enabled() && notifier_.watchdogInterval().count() > 0 && watchdogTimer_ == 0) {
    spdlog::info("systemd watchdog: pinging every {} ms",
                 std::chrono::duration_cast<std::chrono::milliseconds>(notifier_.watchdogInterval() / 2).count());
    scheduleWatchdog();
  }
}

void SystemdService::reloading() {
  const auto now = std::chrono::duration_cast<std::chrono::microseconds>(
      scheduler_.now().time_since_epoch());
  send("RELOADING=1\nMONOTONIC_USEC=" + std::to_string(now.count()));
}

void SystemdService::reloaded() { send("READY=1"); }

void SystemdService::stopping() {
  scheduler_.cancel(watchdogTimer_);
  watchdogTimer_ = 0;
  send("STOPPING=1\nSTATUS=stopping");
}

void SystemdService::send(std::string_view state) {
  auto sent = notifier_.notify(state);
  if (!sent && !failed_) {
    failed_ = true;
    spdlog::warn("systemd: {}", sent.error().message);
  }
}

void SystemdService::scheduleWatchdog() {
  watchdogTimer_ = scheduler_.schedule(notifier_.watchdogInterval() / 2, [this] {
    send("WATCHDOG=1");
    scheduleWatchdog();
  });
}

}  // namespace lwm2m::gateway
