#pragma once
// RequestTracker: what the REST API knows of each command's life, fed by the
// command events (device_events.h: Queued, then Response, RequestExpired or
// RequestCancelled). Requests not yet finished are kept while they wait. The
// last `capacity` finished ones are kept as the JSON GET
// /api/v1/requests/{id} answers (finished_requests.h, rendered once by
// `render` when the request finished), oldest dropped first; the last
// kRecentFinished also whole, with their final event, for a caller that
// waits for one after it finished. A caller may wait for one request to
// finish. It also follows which devices are asleep (Awake/Asleep events),
// so a call for a sleeping device answers 202 at once instead of waiting. A
// firmware package write also keeps the latest Progress of its transfer
// (blocks sent / total), during and after (a Progress after the end renders
// the request again, while it is among the recent ones).
//
// With expireAfter(), finished requests are also forgotten once they are
// older than a maximum age (by expire(), which the gateway calls now and
// then): a wave of devices gone leaves no results behind for ever.
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
#include <utility>
#include <vector>

#include "bridges/http/finished_requests.h"
#include "bridges/http/history_age.h"
#include "gateway/api/device_events.h"

namespace lwm2m::bridges::http {

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
  // The JSON a finished request is kept as (without it: an empty text).
  using Render = std::function<std::string(const TrackedRequest&)>;
  // Finished requests also kept whole (their final event), newest.
  static constexpr std::size_t kRecentFinished = 16;

  // Precondition: capacity > 0.
  explicit RequestTracker(std::size_t capacity, Render render = {})
      : render_(std::move(render)), finished_(capacity) {}

  void onDeviceEvent(const gateway::api::DeviceEvent& event) override;

  // Finished requests older than `maxAge` (by `now`) are forgotten; zero: kept
  // until `capacity` pushes them out (the default).
  void expireAfter(std::chrono::steady_clock::duration maxAge, HistoryAge::Clock now);
  // Forgets the finished requests past the maximum age; returns how many.
  std::size_t expire();

  // The request while it waits, or one of the kRecentFinished; else nullptr.
  const TrackedRequest* find(const std::string& requestId) const;
  // A request among the last `capacity` finished; nullopt when unknown, not
  // finished or dropped.
  std::optional<FinishedRequest> finished(const std::string& requestId) const { return finished_.find(requestId); }

  // Calls `done` once the request has finished: at once when it already has
  // (one of the recent ones). Returns a ticket for forget(); 0 when `done`
  // was already called, or will never be: it finished before the recent
  // ones and only its JSON is kept (finished()).
  std::uint64_t await(const std::string& requestId, Waiter done);
  // The waiter of `ticket` will not be called.
  void forget(std::uint64_t ticket);
  // Drops every waiter (the server stops).
  void forgetAll() { waiters_.clear(); }

  // True after the device's Asleep event, until it is awake or registers again.
  bool asleep(const std::string& endpoint) const { return asleep_.count(endpoint) > 0; }

  std::size_t finishedCount() const { return finished_.size(); }

 private:
  void finish(const gateway::api::DeviceEvent& event, RequestState state);
  void keep(const TrackedRequest& request);  // in finished_

  Render render_;
  HistoryAge age_;
  std::unordered_map<std::string, TrackedRequest> requests_;  // waiting, and the recent finished
  // The recent finished, oldest first, with when they finished (age_.stampNow()).
  std::deque<std::pair<std::string, std::int64_t>> recent_;
  FinishedRequests finished_;
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
