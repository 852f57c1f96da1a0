#pragma once
// RequestTracker: what the REST API knows of each command's life, fed by the
// command events (device_events.h: Queued, then Response, RequestExpired or
// RequestCancelled). Requests not yet finished are kept while they wait; the
// last `capacity` finished ones are kept with their final event, oldest
// dropped first, so GET /api/v1/requests/{id} can answer after the fact. A
// caller may wait for one request to finish. It also follows which devices
// are asleep (Awake/Asleep events), so a call for a sleeping device answers
// 202 at once instead of waiting. A firmware package write also keeps the
// latest Progress of its transfer (blocks sent / total), during and after.
//
// In memory only: after a restart, finished results are gone.
// Threading contract: I/O thread only; waiters are called there, from
// onDeviceEvent() or at once from await().

#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "gateway/api/device_events.h"

namespace lwm2m::bridges::http {

enum class RequestState { Queued, Done, Failed, Expired, Cancelled };

struct TrackedRequest {
  std::string requestId;
  std::string endpoint;
  operations::DeviceRequest request;
  std::chrono::system_clock::time_point acceptedAt;
  RequestState state = RequestState::Queued;
  // The final event, once finished. Shared and apart: a request waiting
  // costs a few hundred bytes instead of the ~1.7 KB of an event held inline.
  // Waiters get it whole; the one kept afterwards has of the device only
  // its endpoint (the request's JSON shows nothing else of it).
  std::shared_ptr<const gateway::api::DeviceEvent> end;
  std::optional<gateway::api::TransferProgress> transfer;  // a package write: its latest Progress
};

class RequestTracker : public gateway::api::DeviceEventListener {
 public:
  using Waiter = std::function<void(const TrackedRequest&)>;

  // Precondition: capacity > 0.
  explicit RequestTracker(std::size_t capacity) : capacity_(capacity) {}

  void onDeviceEvent(const gateway::api::DeviceEvent& event) override;

  // The request, waiting or finished; nullptr when unknown or dropped.
  const TrackedRequest* find(const std::string& requestId) const;

  // Calls `done` once the request has finished: at once when it already has.
  // Returns a ticket for forget(); 0 when `done` was already called.
  std::uint64_t await(const std::string& requestId, Waiter done);
  // The waiter of `ticket` will not be called.
  void forget(std::uint64_t ticket);
  // Drops every waiter (the server stops).
  void forgetAll() { waiters_.clear(); }

  // True after the device's Asleep event, until it is awake or registers again.
  bool asleep(const std::string& endpoint) const { return asleep_.count(endpoint) > 0; }

  std::size_t finishedCount() const { return finishedOrder_.size(); }

 private:
  void finish(const gateway::api::DeviceEvent& event, RequestState state);

  std::size_t capacity_;
  std::unordered_map<std::string, TrackedRequest> requests_;  // waiting and finished
  std::deque<std::string> finishedOrder_;                    // oldest first
  struct Waiting {
    std::uint64_t ticket;
    Waiter done;
  };
  std::unordered_map<std::string, std::vector<Waiting>> waiters_;
  std::uint64_t nextTicket_ = 1;
  std::unordered_set<std::string> asleep_;
};

// "queued", "done", "failed", "expired", "cancelled".
std::string_view toString(RequestState state);

}  // namespace lwm2m::bridges::http
