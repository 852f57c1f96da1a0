#pragma once
// EventStream: GET /api/v1/events, the gateway's device events as
// server-sent events (text/event-stream). It takes the connection over from
// the HTTP session (connection_takeover.h) and gives it to an SseConnection
// subscribed to the EventRing.
//
//   id: 1765000000000042
//   event: notification
//   data: {"event":"notification","endpoint":"sim-0001",...,"values":[...]}
//
// Query parameters and Last-Event-ID: event_filter.h. Resuming from an id the
// ring no longer holds starts with
//   event: missed
//   data: {"lastEventId":41,"reason":"overflow","missed":1000,"oldestId":1042}
// (no id line), then every event the ring holds. Errors before the stream
// starts are JSON responses: 400 (malformed query, naming the problem), 405
// (not GET), 503 (maxStreams open). Limits and cut-off: sse_connection.h.
//
// Threading contract: construct, call and destroy on the gateway's I/O
// thread. stats() may be read from any thread.

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "bridges/http/connection_takeover.h"
#include "bridges/http/event_ring.h"
#include "bridges/http/sse_connection.h"

namespace lwm2m::bridges::http {

struct EventStreamSettings {
  SseLimits limits;
  std::size_t maxStreams = 64;
};

// For /metrics and /health: streams open now and counts since start.
struct EventStreamStats {
  std::size_t open = 0;
  std::uint64_t opened = 0;
  std::uint64_t cutOff = 0;  // slow readers disconnected
};

class EventStream final : public ConnectionTakeover {
 public:
  EventStream(EventRing& ring, EventStreamSettings settings);
  ~EventStream() override;  // stop()

  bool matches(const Request& request) const override;
  void takeOver(boost::beast::tcp_stream stream, Request request) override;
  void stop() override;

  EventStreamStats stats() const;

 private:
  struct Open {
    std::uint64_t key = 0;
    std::weak_ptr<SseConnection> connection;
    std::uint64_t subscription = 0;
  };
  void refuse(boost::beast::tcp_stream stream, Response response);
  void closed(std::uint64_t key, bool cutOff);

  EventRing& ring_;
  const EventStreamSettings settings_;
  std::vector<Open> open_;
  bool stopped_ = false;
  std::atomic<std::size_t> openCount_{0};
  std::atomic<std::uint64_t> opened_{0};
  std::atomic<std::uint64_t> cutOff_{0};
};

}  // namespace lwm2m::bridges::http
