// The connection keeps itself alive through shared_from_this() bound into its
// pending operations (a write, the read that watches for the client closing,
// the heartbeat timer), like Beast's sessions; the event stream holds it only
// weakly.
#include "bridges/http/sse_connection.h"

#include <spdlog/spdlog.h>

#include <boost/asio/buffer.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/bind_handler.hpp>

#include <algorithm>
#include <sstream>

namespace lwm2m::bridges::http {
namespace asio = boost::asio;
namespace beast = boost::beast;

namespace {

constexpr std::size_t kFramesPerWrite = 64;
constexpr std::size_t kMaxSendBuffer = 256 * 1024;

std::string describePeer(beast::tcp_stream& stream) {
  beast::error_code ec;
  const auto endpoint = stream.socket().remote_endpoint(ec);
  if (ec) return "an event stream client";
  std::ostringstream s;
  s << endpoint;
  return s.str();
}

const std::string kHead =
    "HTTP/1.1 200 OK\r\n"
    "Content-Type: text/event-stream; charset=utf-8\r\n"
    "Cache-Control: no-cache\r\n"
    "Connection: close\r\n"
    "X-Accel-Buffering: no\r\n"
    "\r\n";

}  // namespace

SseConnection::SseConnection(beast::tcp_stream stream, EventFilter filter, SseLimits limits,
                             std::function<void(bool)> onClosed)
    : stream_(std::move(stream)),
      filter_(std::move(filter)),
      limits_(limits),
      onClosed_(std::move(onClosed)),
      heartbeatTimer_(stream_.get_executor()),
      peer_(describePeer(stream_)) {}

void SseConnection::start(std::string first, const std::vector<StreamEventPtr>& replay) {
  beast::error_code ignored;
  stream_.socket().set_option(asio::ip::tcp::no_delay(true), ignored);
  // A fixed kernel send buffer: with the kernel's autotuning it would grow to
  // megabytes behind a reader that stopped, and the bound would never show.
  stream_.socket().set_option(
      asio::socket_base::send_buffer_size(static_cast<int>(std::min<std::size_t>(limits_.maxBufferBytes, kMaxSendBuffer))),
      ignored);
  enqueue(std::make_shared<const std::string>(kHead + first));
  for (const StreamEventPtr& event : replay) push(event);
  watchClient();
  heartbeat();
}

void SseConnection::push(const StreamEventPtr& event) {
  if (!open_ || !filter_.matches(*event)) return;
  // Shares the event's frame: no copy per stream.
  enqueue(std::shared_ptr<const std::string>(event, &event->frame));
}

void SseConnection::enqueue(std::shared_ptr<const std::string> frame) {
  if (!open_) return;
  queuedBytes_ += frame->size();
  queue_.push_back(std::move(frame));
  if (queuedBytes_ > limits_.maxBufferBytes) {
    return end(true, "cut off: " + std::to_string(queuedBytes_) +
                         " bytes of events waiting for a slow reader (events.max_buffer_kb is " +
                         std::to_string(limits_.maxBufferBytes / 1024) + ")");
  }
  if (writing_.empty()) write();
}

void SseConnection::write() {
  std::vector<asio::const_buffer> buffers;
  while (!queue_.empty() && writing_.size() < kFramesPerWrite) {
    buffers.emplace_back(asio::buffer(*queue_.front()));
    writing_.push_back(std::move(queue_.front()));
    queue_.pop_front();
  }
  if (writing_.empty()) return;
  stream_.expires_after(limits_.writeTimeout);
  asio::async_write(stream_, buffers, beast::bind_front_handler(&SseConnection::onWrite, shared_from_this()));
}

void SseConnection::onWrite(beast::error_code ec, std::size_t bytes) {
  if (!open_) return;
  if (ec == beast::error::timeout) {
    return end(true, "cut off: the client took no data for " +
                         std::to_string(limits_.writeTimeout.count()) + " s");
  }
  if (ec) return end(false, "closed: " + ec.message());
  queuedBytes_ -= bytes;
  writing_.clear();
  stream_.expires_never();
  write();
}

// The client sends nothing after its request; a read that completes means it
// closed the connection (or broke the protocol): either way the stream ends.
void SseConnection::watchClient() {
  stream_.socket().async_read_some(
      asio::buffer(&readByte_, 1), [self = shared_from_this()](beast::error_code ec, std::size_t) {
        if (!self->open_) return;
        self->end(false, ec ? "closed by the client" : "closed: the client sent data after its request");
      });
}

void SseConnection::heartbeat() {
  heartbeatTimer_.expires_after(limits_.heartbeat);
  heartbeatTimer_.async_wait([self = shared_from_this()](beast::error_code ec) {
    if (ec || !self->open_) return;
    static const auto kHeartbeat = std::make_shared<const std::string>(": heartbeat\n\n");
    self->enqueue(kHeartbeat);
    self->heartbeat();
  });
}

void SseConnection::close() {
  if (open_) end(false, "closed: the gateway stops");
}

void SseConnection::end(bool cutOff, const std::string& why) {
  if (!open_) return;
  open_ = false;
  if (cutOff) {
    spdlog::warn("event stream to {} {}", peer_, why);
  } else {
    spdlog::debug("event stream to {} {}", peer_, why);
  }
  heartbeatTimer_.cancel();
  beast::error_code ignored;
  stream_.socket().shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
  stream_.close();
  queue_.clear();
  if (auto done = std::move(onClosed_)) done(cutOff);
}

}  // namespace lwm2m::bridges::http
