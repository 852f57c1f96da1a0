#pragma once
// The durable queue of requests for devices that cannot be reached now
// (queue mode, asleep). Every accepted request is stored before it is
// acknowledged as queued, delivered when the device is reachable, in the order
// accepted, one at a time, and removed when finished (answered), cancelled or
// expired. A de-registered device's queue is kept until its TTLs run out.
//
// The life of a request. Each numbered step is ONE SQLite transaction
// (RequestQueueStore::together, StoreWriter::together) holding the row's
// change AND the messages the listeners store to tell it (the MQTT outbox, the
// webhook outbox): the event is emitted inside the step, and everything a
// listener writes while handling it commits with the row, or nothing does.
//
//   submit --1 "accepted": row stored, answered=0 --> ACCEPTED   (accepted() told: 202)
//   ACCEPTED --2 "queued-answer": answered=1 + Queued --> QUEUED-ANSWERED
//   QUEUED-ANSWERED --3 "in-flight": state=in_flight --> IN FLIGHT (then handed to the device)
//   submit, device reachable with nothing ahead --1+2+3 "accepted-in-flight":
//          row stored in_flight, answered=1 + Queued --> IN FLIGHT (accepted() told, then handed to the device)
//   IN FLIGHT --4 "outcome": row removed + Delivered (the response) --> DONE
//   IN FLIGHT --no answer, repeatable class--> QUEUED-ANSWERED (memory only; the row
//                                              stays in_flight, which restart treats alike)
//   IN FLIGHT --4 "outcome": no answer, at-most-once class --> INTERRUPTED (Expired "interrupted: ...")
//   QUEUED-ANSWERED --4 "outcome": TTL ran out --> EXPIRED;  --4 cancel() --> CANCELLED
//
// "Nothing ahead": the device's queue is empty (nothing stored or being
// stored for it) and no delivery to it is in progress or paced. Such a request
// (the usual command to an awake device) costs two commits, this one and its
// outcome; the others go through steps 1, 2 and 3. The steps of one commit
// tell the same: the queued answer is stored with the row, and the row says in
// flight before the device sees the request.
//
// So the cloud sees `queued` first and then exactly one final outcome, whatever
// crashes when: a crash inside a step leaves the state before it (the step is
// redone after the restart; for steps 1 and 1+2+3 nothing was accepted, as if
// the command never came: an MQTT command was already taken from the broker,
// so nothing answers it), a crash after it the state after it. resume()
// continues from the rows: ACCEPTED sends its queued answer (step 2) before
// anything else happens to it; IN FLIGHT goes by class (table below); a row
// past its TTL expires (step 4). A step waits for the commit of the one before
// (step 2 for step 1's, step 3 for step 2's), so each state on disk implies the
// earlier ones; a failed 1+2+3 stored nothing and refuses the request as a
// failed step 1 does. Messages leave the outbox for the broker only once committed
// (bridges/mqtt/delivery_window.h): a message may arrive twice (QoS 1), a
// contradicting one never. The crash points "<step>:uncommitted" and
// "<step>:committed" (persistence/crash_point.h) let tests stop the gateway
// at each boundary. QoS 0 answers are at most once and outside this promise.
//
// Contract:
// - Everything runs on the I/O thread; store completions (writer thread) come
//   back through the injected `post`.
// - A request is marked in flight, durably, before it is handed to the device.
// - Delivery by class of operation (operations::isRepeatable), when the device
//   does not answer (it was asleep: NoAnswer) or the gateway stops while the
//   request is in flight (crash, kill -9, power cut):
//
//     | operations                                    | no answer / restart in flight          |
//     |-----------------------------------------------|----------------------------------------|
//     | Read, Discover, Observe and its cancel,       | back to the head of the device's queue,|
//     | Write (replace, partial), Write-Attributes,   | sent again at the next wake-up until   |
//     | Delete, Read/Write/Observe-Composite          | its TTL: at least once                 |
//     | Execute, Create, a Write of a firmware package| never sent again: Expired with reason  |
//     | (/5/0/0 from the package store)               | "interrupted: ...": at most once       |
//
//   A repeat of the first class leaves the device as one delivery would; a
//   repeat of Execute or Create could act twice. A device that answers (even
//   with an error, or acknowledges and then times out) finishes the request.
// - The Deliverer tells the device's answer (its response event) inside
//   atomically("outcome", ...) together with done(Answered), so the answer and
//   the row's removal are step 4.
// - Requests are stored in the queue's own row format (persistence/request_row.h):
//   typed in, typed out; the queue hands them to the Deliverer as they came.

#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "lwm2m/coap/scheduler.h"
#include "lwm2m/result.h"
#include "gateway/api/reply_route.h"
#include "lwm2m/operations/device_request.h"
#include "persistence/request_queue_store.h"
#include "persistence/request_row.h"

namespace lwm2m::gateway {

struct QueuedRequest {
  std::string id;
  std::string endpoint;
  std::int64_t sequence = 0;
  operations::DeviceRequest request;
  api::ReplyRoute reply;  // the bridge's, kept and handed back unread
  std::chrono::system_clock::time_point acceptedAt;
  std::chrono::system_clock::time_point expiresAt;
  bool inFlight = false;
};

enum class QueueEventKind { Queued, Rejected, Delivered, Expired, Cancelled };
// The reason of an Expired event for a request of the at-most-once class whose
// delivery was cut short starts with this ("interrupted: ...").
inline constexpr std::string_view kInterrupted = "interrupted";
std::string_view toString(QueueEventKind kind);  // "queued", "rejected", ...

struct QueueEvent {
  QueueEventKind kind;
  QueuedRequest request;
  std::string reason;  // why it was rejected or expired; empty otherwise
};

struct QueueSettings {
  std::size_t perDeviceLimit = 100;
  std::chrono::seconds defaultTtl{24 * 3600};
  // Gap between two deliveries to the same device, so it is not flooded.
  std::chrono::milliseconds pacing{0};
};

// Reads a row stored before schema 4 (its JSON command); see restore().
using LegacyRowReader = std::function<Result<persistence::RequestRow>(std::string_view body)>;

// How a delivery ended, as the Deliverer tells it.
enum class DeliveryResult {
  Answered,  // finished: the device answered, or the request failed for good
  NoAnswer,  // not even acknowledged, and the device counts as asleep now
};

class RequestQueue {
 public:
  // Hands one request to the device. `done` must be called exactly once.
  // After NoAnswer the request is kept or ends by its class (see the table
  // above) and draining stops until the device is reachable again.
  using Deliverer = std::function<void(const QueuedRequest&, std::function<void(DeliveryResult)> done)>;
  using Reachability = std::function<bool(const std::string& endpoint)>;
  using Post = std::function<void(std::function<void()>)>;
  using Listener = std::function<void(const QueueEvent&)>;

  RequestQueue(persistence::RequestQueueStore& store, coap::Scheduler& scheduler, QueueSettings settings,
               Reachability reachable, Deliverer deliver, Post post, std::function<std::uint32_t()> random);
  ~RequestQueue();
  RequestQueue(const RequestQueue&) = delete;
  RequestQueue& operator=(const RequestQueue&) = delete;

  void setListener(Listener listener) { listener_ = std::move(listener); }
  void setLegacyRowReader(LegacyRowReader reader) { legacy_ = std::move(reader); }

  // Loads the stored queue (start-up, before the I/O loop); emits nothing and
  // delivers nothing until resume(). Returns how many requests wait.
  Result<std::size_t> restore();
  // Once the listeners run (their writes then join the steps): requests found
  // in flight are queued again or reported interrupted by their class
  // (above); those past their TTL, and rows that cannot be read, are removed
  // and reported as Expired; accepted ones get their queued answer; then
  // delivery starts. Before resume() nothing is delivered.
  void resume();

  // Runs `tell` as one step with the queue's writes it makes (see the life above).
  void atomically(const std::string& step, const std::function<void()>& tell) { store_.together(step, tell); }
  // Runs `then` on the I/O thread once everything written so far, the step
  // being told included, is committed (or failed): for listeners that only
  // keep what they are told in memory. Told inside step 1+2+3, `then` runs
  // only if it committed (else the request was refused, not queued).
  void whenStored(std::function<void()> then);

  // Accepts a request. `accepted` gets the stored request once its write has
  // committed (only then may the caller say "queued"), or the reason it was
  // refused (QueueFull, StoreFailed, Invalid). The request's ttl: nullopt
  // for the default.
  void submit(const std::string& endpoint, operations::DeviceRequest request, api::ReplyRoute reply,
              std::function<void(Result<QueuedRequest>)> accepted);

  // The device may be reachable now (it woke up, registered, updated): deliver.
  void deviceReachable(const std::string& endpoint);

  std::vector<QueuedRequest> list(const std::string& endpoint) const;
  // True when something is queued (or being stored) for the device.
  bool holds(const std::string& endpoint) const { return queues_.count(endpoint) != 0; }
  // True when the device's queue holds perDeviceLimit requests.
  bool isFull(const std::string& endpoint) const;
  std::size_t size() const;
  // When the request waiting longest was accepted; nullopt when none waits.
  std::optional<std::chrono::system_clock::time_point> oldestAcceptedAt() const;
  // Cancels a request not yet handed to the device; fails with NotFound or InFlight.
  Result<QueuedRequest> cancel(const std::string& requestId);

 private:
  struct Entry {
    QueuedRequest request;
    bool committed = false;  // step 1 done
    bool answered = false;   // step 2 done: its queued answer is stored
    coap::Scheduler::TimerId expiryTimer = 0;
  };
  using DeviceQueue = std::map<std::int64_t, Entry>;  // by sequence: delivery order
  using Queues = std::unordered_map<std::string, DeviceQueue>;  // by endpoint

  bool canSendAtOnce(const std::string& endpoint) const;  // nothing ahead, reachable
  void acceptInFlight(QueuedRequest request, std::function<void(Result<QueuedRequest>)> accepted);
  void refuseUnstored(Queues::iterator q, std::int64_t sequence, const Error& error,
                      const std::function<void(Result<QueuedRequest>)>& accepted);
  void answerQueued(const std::string& endpoint, std::int64_t sequence);
  void drain(const std::string& endpoint);
  void deliver(const std::string& endpoint, std::int64_t sequence);
  void delivered(const std::string& endpoint, std::int64_t sequence, DeliveryResult result);
  void requeue(Entry& entry, std::string_view why);
  void finish(const std::string& endpoint, std::int64_t sequence, QueueEventKind kind, std::string reason);
  void armExpiry(Entry& entry);
  Entry* findEntry(const std::string& requestId, std::string* endpoint = nullptr);
  void emit(QueueEventKind kind, const QueuedRequest& request, std::string reason = {});
  std::string newRequestId();

  persistence::RequestQueueStore& store_;
  coap::Scheduler& scheduler_;
  QueueSettings settings_;
  Reachability reachable_;
  Deliverer deliver_;
  Post post_;
  std::function<std::uint32_t()> random_;
  Listener listener_;
  LegacyRowReader legacy_;
  Queues queues_;
  std::unordered_map<std::string, std::string> endpointById_;
  // Endpoints with a delivery in progress or paced; an entry lives only that
  // long, so devices that come and go leave nothing behind.
  std::unordered_set<std::string> busy_;
  // Found by restore(), told by resume(): rows that end now (with why).
  std::vector<std::pair<QueuedRequest, std::string>> endAtResume_;
  std::unordered_set<std::string> unansweredAtResume_;  // ids among them whose queued answer is not stored
  bool resumed_ = false;
  bool tellingOnlyIfStored_ = false;  // inside step 1+2+3's emit (see whenStored)
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace lwm2m::gateway
