#pragma once
// Load shedding at the door of the LwM2M server: the UplinkDispatcher asks
// before it lets new work in (a Register, a Send); a refusal is answered
// 5.03 Service Unavailable with Max-Age set to the seconds the device should
// wait before it tries again (RFC 7252 §5.9.3.4), and counted. Work that
// keeps what exists alive (Update, De-register) and every response are never
// asked about: shedding them would cost more than it saves.

#include <chrono>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <vector>

namespace lwm2m::server {

enum class UplinkWork { Register, Send };

class UplinkAdmission {
 public:
  virtual ~UplinkAdmission() = default;
  // nullopt: admitted. Otherwise how long the device should wait.
  virtual std::optional<std::chrono::seconds> retryAfter(UplinkWork work) = 0;
};

// Asks each admission in turn; the first refusal wins. Every one is asked
// while none refuses (each keeps its own episode: start and end lines).
class AdmissionChain : public UplinkAdmission {
 public:
  AdmissionChain(std::initializer_list<UplinkAdmission*> admissions) : admissions_(admissions) {}
  std::optional<std::chrono::seconds> retryAfter(UplinkWork work) override {
    for (UplinkAdmission* admission : admissions_) {
      if (auto wait = admission->retryAfter(work)) return wait;
    }
    return std::nullopt;
  }

 private:
  std::vector<UplinkAdmission*> admissions_;
};

// Requests answered 5.03 by the dispatcher, since start.
struct ShedCounts {
  std::uint64_t registers = 0;
  std::uint64_t sends = 0;
};

}  // namespace lwm2m::server
