#include "bridges/http/request_tracker.h"

#include "lwm2m/spare_buckets.h"

namespace lwm2m::bridges::http {
namespace api = gateway::api;

std::string_view toString(RequestState state) {
  switch (state) {
    case RequestState::Queued: return "queued";
    case RequestState::Done: return "done";
    case RequestState::Failed: return "failed";
    case RequestState::Expired: return "expired";
    case RequestState::Cancelled: return "cancelled";
  }
  return "queued";
}

void RequestTracker::onDeviceEvent(const api::DeviceEvent& event) {
  const std::string& endpoint = event.device.endpoint;
  switch (event.kind) {
    case api::DeviceEventKind::Asleep: asleep_.insert(endpoint); return;
    case api::DeviceEventKind::Awake:
    case api::DeviceEventKind::Registered:
    case api::DeviceEventKind::Updated:
    case api::DeviceEventKind::Deregistered:
    case api::DeviceEventKind::Expired:
      if (asleep_.erase(endpoint) != 0) releaseSpareBuckets(asleep_);
      return;
    default: break;
  }
  if (!event.command) return;
  const api::CommandInfo& command = *event.command;
  switch (event.kind) {
    case api::DeviceEventKind::Queued:
      requests_.try_emplace(command.requestId,
                            TrackedRequest{command.requestId, endpoint, command.request, event.at, RequestState::Queued, {}, {}});
      return;
    case api::DeviceEventKind::Response:
      return finish(event, command.response && command.response->ok() ? RequestState::Done : RequestState::Failed);
    case api::DeviceEventKind::RequestExpired: return finish(event, RequestState::Expired);
    case api::DeviceEventKind::RequestCancelled: return finish(event, RequestState::Cancelled);
    case api::DeviceEventKind::Progress:
      // Also after the request finished: the transfer's last word comes after its Response.
      if (auto it = requests_.find(command.requestId); it != requests_.end() && event.transfer) {
        it->second.transfer = event.transfer;
        if (it->second.state != RequestState::Queued) keep(it->second);
      }
      return;
    default: return;
  }
}

void RequestTracker::finish(const api::DeviceEvent& event, RequestState state) {
  const std::string& id = event.command->requestId;
  auto it = requests_.find(id);
  if (it == requests_.end()) {
    if (finished_.contains(id)) return;  // finished already
    it = requests_.try_emplace(id, TrackedRequest{id, event.device.endpoint, event.command->request, event.at,
                                                  RequestState::Queued, {}, {}})
             .first;
  }
  if (it->second.state != RequestState::Queued) return;  // finished already
  it->second.state = state;
  it->second.end = std::make_shared<const api::DeviceEvent>(event);  // whole, for the waiters
  keep(it->second);
  recent_.emplace_back(id, age_.stampNow());
  std::vector<Waiting> waiting;
  if (auto w = waiters_.find(id); w != waiters_.end()) {
    waiting = std::move(w->second);
    waiters_.erase(w);
  }
  const TrackedRequest finished = it->second;  // waiters may drop entries below
  // A recent one keeps the event without the device's registration (only its
  // endpoint, as for a command event of an unregistered device), which the
  // request's JSON does not show.
  auto kept = std::make_shared<api::DeviceEvent>(event);
  kept->device = api::DeviceInfo{};
  kept->device.endpoint = event.device.endpoint;
  it->second.end = std::move(kept);
  while (recent_.size() > kRecentFinished) {
    requests_.erase(recent_.front().first);
    recent_.pop_front();
  }
  releaseSpareBuckets(requests_);
  for (Waiting& w : waiting) w.done(finished);
}

void RequestTracker::keep(const TrackedRequest& request) {
  finished_.add({request.requestId, request.endpoint, request.state, render_ ? render_(request) : std::string()},
                age_.stampNow());
}

void RequestTracker::expireAfter(std::chrono::steady_clock::duration maxAge, HistoryAge::Clock now) {
  age_.set(maxAge, std::move(now));
}

std::size_t RequestTracker::expire() {
  const std::int64_t oldest = age_.oldestKept();
  if (oldest == 0) return 0;
  const std::size_t dropped = finished_.dropOlderThan(oldest);
  bool erased = false;
  while (!recent_.empty() && recent_.front().second < oldest) {
    requests_.erase(recent_.front().first);
    recent_.pop_front();
    erased = true;
  }
  if (erased) {
    if (recent_.empty()) recent_ = {};
    releaseSpareBuckets(requests_);
  }
  return dropped;
}

const TrackedRequest* RequestTracker::find(const std::string& requestId) const {
  auto it = requests_.find(requestId);
  return it == requests_.end() ? nullptr : &it->second;
}

std::uint64_t RequestTracker::await(const std::string& requestId, Waiter done) {
  const TrackedRequest* r = find(requestId);
  if (r && r->state != RequestState::Queued) {
    done(*r);
    return 0;
  }
  if (!r && finished_.contains(requestId)) return 0;
  const std::uint64_t ticket = nextTicket_++;
  waiters_[requestId].push_back({ticket, std::move(done)});
  return ticket;
}

void RequestTracker::forget(std::uint64_t ticket) {
  for (auto it = waiters_.begin(); it != waiters_.end(); ++it) {
    std::erase_if(it->second, [ticket](const Waiting& w) { return w.ticket == ticket; });
    if (it->second.empty()) {
      waiters_.erase(it);
      return;
    }
  }
}

}  // namespace lwm2m::bridges::http
