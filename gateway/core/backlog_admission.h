#pragma once
// BacklogAdmission: the gateway's load shedding (lwm2m.overload_*). New work
// from devices (a Register, a Send) piles up somewhere when devices send
// faster than the gateway works; each instance watches one such place, a
// Backlog:
// - the database writes waiting for the one writer thread (every Register
//   and Send ends in writes committed there);
// - the datagrams waiting in the kernel's receive queue of the device
//   listeners, as a percentage of the buffer (the I/O thread is behind; once
//   the buffer is full the kernel drops datagrams at random, Updates and
//   answers alike).
// While the backlog is above `bound`, new Registers and Sends are refused
// with a Max-Age drawn between `retry` and twice it, so that the devices come
// back spread out; shedding ends once the backlog is down to three quarters
// of the bound (no flapping at the edge). One warning when shedding starts,
// one info line with the count when it ends.
//
// Threading: the I/O thread (the dispatcher's); the backlog's measure is
// called there, once per new Register or Send.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "lwm2m/server/uplink_admission.h"

namespace lwm2m::gateway {

struct Backlog {
  std::function<std::size_t()> measure;
  // For the log lines: what a measured amount is, e.g. "database writes wait
  // for the disk" after "12000 ", and the setting that bounds it.
  std::string what;
  std::string setting;
};

class BacklogAdmission : public server::UplinkAdmission {
 public:
  struct Settings {
    std::size_t bound = 0;  // 0: never shed
    std::chrono::seconds retry{10};
  };

  BacklogAdmission(Backlog backlog, Settings settings, std::function<std::uint32_t()> random);

  std::optional<std::chrono::seconds> retryAfter(server::UplinkWork work) override;
  bool shedding() const { return shedding_; }

 private:
  Backlog backlog_;
  Settings settings_;
  std::function<std::uint32_t()> random_;
  bool shedding_ = false;
  std::uint64_t shedSinceStart_ = 0;  // of this episode
};

}  // namespace lwm2m::gateway
