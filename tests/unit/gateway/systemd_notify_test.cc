#include "gateway/daemon/systemd_notify.h"

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

#include "lwm2m/coap/manual_scheduler.h"

namespace lwm2m::gateway {
namespace {

using namespace std::chrono_literals;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

// A real AF_UNIX datagram socket standing in for systemd's notify socket.
class NotifySocket {
 public:
  explicit NotifySocket(const std::string& name) : name_(name) {
    fd_ = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    std::memcpy(address.sun_path, name.data(), name.size());
    socklen_t length = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + name.size());
    if (name[0] == '@') {
      address.sun_path[0] = '\0';
    } else {
      length += 1;
    }
    bound_ = ::bind(fd_, reinterpret_cast<sockaddr*>(&address), length) == 0;
  }
  ~NotifySocket() {
    ::close(fd_);
    if (name_[0] == '/') ::unlink(name_.c_str());
  }
  bool bound() const { return bound_; }

  // Every datagram waiting now, without blocking.
  std::vector<std::string> received() {
    std::vector<std::string> out;
    char buffer[4096];
    for (;;) {
      const ssize_t n = ::recv(fd_, buffer, sizeof buffer, MSG_DONTWAIT);
      if (n < 0) break;
      out.emplace_back(buffer, static_cast<std::size_t>(n));
    }
    return out;
  }

 private:
  std::string name_;
  int fd_ = -1;
  bool bound_ = false;
};

std::string tempSocketPath() {
  return (std::filesystem::temp_directory_path() /
          ("lwm2m-notify-test-" + std::to_string(::getpid()) + ".sock"))
      .string();
}

TEST(ServiceNotifier, SendsOneDatagramToAPathSocket) {
  NotifySocket systemd(tempSocketPath());
  ASSERT_TRUE(systemd.bound());
  ServiceNotifier notifier(tempSocketPath(), 0us);
  ASSERT_TRUE(notifier.notify("READY=1\nSTATUS=serving"));
  ASSERT_TRUE(notifier.notify("STOPPING=1"));
  EXPECT_THAT(systemd.received(), ElementsAre("READY=1\nSTATUS=serving", "STOPPING=1"));
}

TEST(ServiceNotifier, SendsToAnAbstractSocket) {
  const std::string name = "@lwm2m-notify-test-" + std::to_string(::getpid());
  NotifySocket systemd(name);
  ASSERT_TRUE(systemd.bound());
  ASSERT_TRUE(ServiceNotifier(name, 0us).notify("WATCHDOG=1"));
  EXPECT_THAT(systemd.received(), ElementsAre("WATCHDOG=1"));
}

TEST(ServiceNotifier, WithoutASocketDoesNothing) {
  ServiceNotifier notifier("", 0us);
  EXPECT_FALSE(notifier.enabled());
  EXPECT_TRUE(notifier.notify("READY=1"));
}

TEST(ServiceNotifier, AMissingSocketIsAnErrorNamingIt) {
  ServiceNotifier notifier("/nonexistent/notify.sock", 0us);
  auto sent = notifier.notify("READY=1");
  ASSERT_FALSE(sent);
  EXPECT_THAT(sent.error().message, HasSubstr("/nonexistent/notify.sock"));
}

class ScopedEnv {
 public:
  ScopedEnv(const char* name, const std::string& value) : name_(name) { ::setenv(name, value.c_str(), 1); }
  ~ScopedEnv() { ::unsetenv(name_); }

 private:
  const char* name_;
};

TEST(ServiceNotifier, ReadsSocketAndWatchdogFromTheEnvironment) {
  ScopedEnv socket("NOTIFY_SOCKET", "/run/systemd/notify");
  ScopedEnv usec("WATCHDOG_USEC", "20000000");
  {
    ScopedEnv pid("WATCHDOG_PID", std::to_string(::getpid()));
    auto notifier = ServiceNotifier::fromEnvironment();
    EXPECT_EQ(notifier.socketPath(), "/run/systemd/notify");
    EXPECT_EQ(notifier.watchdogInterval(), 20s);
  }
  {
    ScopedEnv pid("WATCHDOG_PID", std::to_string(::getpid() + 1));  // the watchdog is another process's
    EXPECT_EQ(ServiceNotifier::fromEnvironment().watchdogInterval(), 0us);
  }
  {
    ScopedEnv bad("WATCHDOG_USEC", "20s");
    EXPECT_EQ(ServiceNotifier::fromEnvironment().watchdogInterval(), 0us);
  }
  {
    ScopedEnv relative("NOTIFY_SOCKET", "notify");  // not absolute: ignored, as sd_notify(3) does
    EXPECT_FALSE(ServiceNotifier::fromEnvironment().enabled());
  }
}

TEST(SystemdService, ReadyThenWatchdogEveryHalfIntervalUntilStopping) {
  NotifySocket systemd(tempSocketPath());
  ASSERT_TRUE(systemd.bound());
  coap::ManualScheduler scheduler;
  SystemdService service(scheduler, ServiceNotifier(tempSocketPath(), 10s));

  service.ready("serving 0 devices");
  EXPECT_THAT(systemd.received(), ElementsAre("READY=1\nSTATUS=serving 0 devices"));
  scheduler.advance(4999ms);
  EXPECT_TRUE(systemd.received().empty());
  scheduler.advance(1ms);
  EXPECT_THAT(systemd.received(), ElementsAre("WATCHDOG=1"));
  scheduler.advance(10s);
  EXPECT_THAT(systemd.received(), ElementsAre("WATCHDOG=1", "WATCHDOG=1"));

  service.stopping();
  scheduler.advance(30s);
  EXPECT_THAT(systemd.received(), ElementsAre("STOPPING=1\nSTATUS=stopping"));
  EXPECT_EQ(scheduler.pendingTimers(), 0u);
}

TEST(SystemdService, ReloadIsAnnouncedWithTheMonotonicClock) {
  NotifySocket systemd(tempSocketPath());
  ASSERT_TRUE(systemd.bound());
  coap::ManualScheduler scheduler;
  SystemdService service(scheduler, ServiceNotifier(tempSocketPath(), 0us));
  service.reloading();
  service.reloaded();
  const auto usec = std::chrono::duration_cast<std::chrono::microseconds>(scheduler.now().time_since_epoch());
  EXPECT_THAT(systemd.received(),
              ElementsAre("RELOADING=1\nMONOTONIC_USEC=" + std::to_string(usec.count()), "READY=1"));
}

TEST(SystemdService, NoWatchdogWithoutWatchdogSec) {
  NotifySocket systemd(tempSocketPath());
  ASSERT_TRUE(systemd.bound());
  coap::ManualScheduler scheduler;
  SystemdService service(scheduler, ServiceNotifier(tempSocketPath(), 0us));
  service.ready("serving");
  EXPECT_EQ(scheduler.pendingTimers(), 0u);
  EXPECT_THAT(systemd.received(), ElementsAre("READY=1\nSTATUS=serving"));
}

}  // namespace
}  // namespace lwm2m::gateway
