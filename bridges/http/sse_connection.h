#pragma once
// SseConnection: one client of GET /api/v1/events after the HTTP session
// handed its TCP stream over (connection_takeover.h). Writes the response
// head, the replayed events, then every new event that passes its filter as
// server-sent events, and a comment line (": heartbeat") every heartbeat
// interval so that proxies and clients see the connection alive.
//
// Never slows the gateway: push() copies a shared pointer into the
// connection's queue and returns; the socket is written asynchronously. A
// reader that falls behind by more than maxBufferBytes of queued events, or
// does not take a write within writeTimeout, is cut off (closed, logged,
// counted); the other streams go on. The socket's kernel send buffer is fixed
// at maxBufferBytes (at most 256 KiB), so a reader that stopped is cut off
// after about twice maxBufferBytes, not after the megabytes the kernel's
// autotuning would otherwise buffer.
//
// The body runs until the connection closes (no Content-Length, no chunking:
// RFC 9112 §6.3 "read until close"), hence "Connection: close".
//
// Threading contract: construct and call on the gateway's I/O thread.

#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/tcp_stream.hpp>

#include <chrono>
#include <cstddef>
#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "bridges/http/event_filter.h"
#include "bridges/http/event_ring.h"

namespace lwm2m::bridges::http {

struct SseLimits {
  std::size_t maxBufferBytes = 1024 * 1024;
  std::chrono::seconds heartbeat{15};
  std::chrono::seconds writeTimeout{60};
};

class SseConnection : public std::enable_shared_from_this<SseConnection> {
 public:
  // `onClosed` runs once, on the I/O thread, when the connection ends for
  // whatever reason; `cutOff` tells whether it was cut off as too slow.
  SseConnection(boost::beast::tcp_stream stream, EventFilter filter, SseLimits limits,
                std::function<void(bool cutOff)> onClosed);

  // Writes the head and `first` (a "missed" notice, the replay) and starts
  // the heartbeat and the watch for the client closing.
  void start(std::string first, const std::vector<StreamEventPtr>& replay);
  // A new event: queued if it passes the filter.
  void push(const StreamEventPtr& event);
  // Ends the connection (server stop). Idempotent.
  void close();
  bool open() const { return open_; }

 private:
  void enqueue(std::shared_ptr<const std::string> frame);
  void write();
  void onWrite(boost::beast::error_code ec, std::size_t bytes);
  void watchClient();
  void heartbeat();
  void end(bool cutOff, const std::string& why);

  boost::beast::tcp_stream stream_;
  const EventFilter filter_;
  const SseLimits limits_;
  std::function<void(bool)> onClosed_;
  boost::asio::steady_timer heartbeatTimer_;
  std::string peer_;

  std::deque<std::shared_ptr<const std::string>> queue_;  // not yet written
  std::vector<std::shared_ptr<const std::string>> writing_;  // the write in progress
  std::size_t queuedBytes_ = 0;  // queue_ and writing_
  bool open_ = true;
  char readByte_ = 0;
};

}  // namespace lwm2m::bridges::http
