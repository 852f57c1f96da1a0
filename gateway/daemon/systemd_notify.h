#pragma once
// The daemon's side of the systemd service protocol (sd_notify(3)), without
// libsystemd, so images without systemd build and run the same binary:
// - ServiceNotifier sends state lines ("READY=1", "STOPPING=1", "WATCHDOG=1",
//   "STATUS=...") as one datagram to the AF_UNIX socket named by $NOTIFY_SOCKET
//   (a path, or "@name" for the abstract namespace). Without $NOTIFY_SOCKET
//   (not started by systemd, or not Type=notify) every call does nothing.
// - SystemdService feeds the watchdog (WatchdogSec=) from the scheduler it is
//   given, i.e. from the I/O thread: if that thread stalls, the pings stop and
//   systemd restarts the service.

#include <chrono>
#include <string>
#include <string_view>

#include "lwm2m/coap/scheduler.h"
#include "lwm2m/result.h"

namespace lwm2m::gateway {

class ServiceNotifier {
 public:
  // socketPath empty: disabled. watchdogInterval zero: no watchdog.
  ServiceNotifier(std::string socketPath, std::chrono::microseconds watchdogInterval);

  // Reads NOTIFY_SOCKET, WATCHDOG_USEC and WATCHDOG_PID (the watchdog is ours
  // only when WATCHDOG_PID is unset or names this process). Malformed values
  // disable what they describe.
  static ServiceNotifier fromEnvironment();

  bool enabled() const { return !socketPath_.empty(); }
  const std::string& socketPath() const { return socketPath_; }
  std::chrono::microseconds watchdogInterval() const { return watchdogInterval_; }

  // Sends `state` (newline-separated KEY=VALUE lines) as one datagram. Does
  // nothing when disabled; an error names the socket and the reason.
  Result<void> notify(std::string_view state) const;

 private:
  std::string socketPath_;
  std::chrono::microseconds watchdogInterval_;
};

class SystemdService {
 public:
  SystemdService(coap::Scheduler& scheduler, ServiceNotifier notifier);
  ~SystemdService();
  SystemdService(const SystemdService&) = delete;
  SystemdService& operator=(const SystemdService&) = delete;

  // The service accepts requests: READY=1 with a STATUS= line, then
  // WATCHDOG=1 every half watchdog interval until stopping().
  void ready(std::string_view status);
  // A reload (SIGHUP) is under way / finished: RELOADING=1 / READY=1.
  void reloading();
  void reloaded();
  // Shutdown began: STOPPING=1; the watchdog is no longer fed.
  void stopping();

  const ServiceNotifier& notifier() const { return notifier_; }

 private:
  void send(std::string_view state);
  void scheduleWatchdog();

  coap::Scheduler& scheduler_;
  ServiceNotifier notifier_;
  coap::Scheduler::TimerId watchdogTimer_ = 0;
  bool failed_ = false;  // a failed send is logged once, not every ping
};

}  // namespace lwm2m::gateway
