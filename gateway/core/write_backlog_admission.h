#pragma once
// WriteBacklogAdmission: the gateway's load shedding (lwm2m.overload_*).
// Every Register and Send ends in database writes (the registration, the
// messages the bridges store), committed by one writer thread; when devices
// send faster than the disk commits, that queue is where work piles up. While
// more than `bound` writes wait, new Registers and Sends are refused with a
// Max-Age drawn between `retry` and twice it, so that the devices come back
// spread out; shedding ends once the queue is down to three quarters of the
// bound (no flapping at the edge). One warning when shedding starts, one info
// line with the count when it ends.
//
// Threading: the I/O thread (the dispatcher's); pendingWrites may be read
// from any thread (Database::writerStats()).

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>

#include "lwm2m/server/uplink_admission.h"

namespace lwm2m::gateway {

class WriteBacklogAdmission : public server::UplinkAdmission {
 public:
  struct Settings {
    std::size_t bound = 20000;  // 0: never shed
    std::chrono::seconds retry{10};
  };

  WriteBacklogAdmission(std::function<std::size_t()> pendingWrites, Settings settings,
                        std::function<std::uint32_t()> random);

  std::optional<std::chrono::seconds> retryAfter(server::UplinkWork work) override;
  bool shedding() const { return shedding_; }

 private:
  std::function<std::size_t()> pendingWrites_;
  Settings settings_;
  std::function<std::uint32_t()> random_;
  bool shedding_ = false;
  std::uint64_t shedSinceStart_ = 0;  // of this episode
};

}  // namespace lwm2m::gateway
