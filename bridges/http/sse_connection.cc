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

std::string head(const beast::http::fields& extra) {
  std::string text =
      "HTTP/1.1 200 OK\r\n"
      "Content-Type: text/event-stream; charset=utf-8\r\n"
      "Cache-Control: no-cache\r\n"
      "Connection: close\r\n"
      "X-Accel-Buffering: no\r\n";
  for (const auto& field : extra) {
    text.append(field.name_string().data(), field.name_string().size()).append(": ");
    text.append(field.value().data(), field.value().size()).append("\r\n");
  }
  return text + "\r\n";
}

}  // namespace

template <class Stream>
SseConnection<Stream>::SseConnection(Stream stream, EventFilter filter, SseLimits limits,
                                     std::function<void(bool)> onClosed)
    : stream_(std::move(stream)),
      filter_(std::move(filter)),
      limits_(limits),
      onClosed_(std::move(onClosed)),
      heartbeatTimer_(stream_.get_executor()),
      peer_(describePeer(lowest())) {}

template <class Stream>
void SseConnection<Stream>::start(const beast::http::fields& headFields, std::string first,
                                  const std::vector<StreamEventPtr>& replay) {
  beast::error_code ignored;
  lowest().socket().set_option(asio::ip::tcp::no_delay(true), ignored);
  // A fixed kernel send buffer: with the kernel's autotuning it would grow to
  // megabytes behind a reader that stopped, and the bound would never show.
  lowest().socket().set_option(
      asio::socket_base::send_buffer_size(static_cast<int>(std::min<std::size_t>(limits_.maxBufferBytes, kMaxSendBuffer))),
      ignored);
  enqueue(std::make_shared<const std::string>(head(headFields) + first));
  for (const StreamEventPtr& event : replay) push(event);
  watchClient();
  heartbeat();
}

template <class Stream>
void SseConnection<Stream>::push(const StreamEventPtr& event) {
  if (!open_ || !filter_.matches(*event)) return;
  // Shares the event's frame: no copy per stream.
  enqueue(std::shared_ptr<const std::string>(event, &event->frame));
}

template <class Stream>
void SseConnection<Stream>::enqueue(std::shared_ptr<const std::string> frame) {
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

template <class Stream>
void SseConnection<Stream>::write() {
  std::vector<asio::const_buffer> buffers;
  while (!queue_.empty() && writing_.size() < kFramesPerWrite) {
    buffers.emplace_back(asio::buffer(*queue_.front()));
    writing_.push_back(std::move(queue_.front()));
    queue_.pop_front();
  }
  if (writing_.empty()) return;
  lowest().expires_after(limits_.writeTimeout);
  asio::async_write(stream_, buffers, beast::bind_front_handler(&SseConnection::onWrite, this->shared_from_this()));
}

template <class Stream>
void SseConnection<Stream>::onWrite(beast::error_code ec, std::size_t bytes) {
  if (!open_) return;
  if (ec == beast::error::timeout) {
    return end(true, "cut off: the client took no data for " +
                         std::to_string(limits_.writeTimeout.count()) + " s");
  }
  if (ec) return end(false, "closed: " + ec.message());
  queuedBytes_ -= bytes;
  writing_.clear();
  lowest().expires_never();
  write();
}

// The client sends nothing after its request; a read that completes means it
// closed the connection (or broke the protocol): either way the stream ends.
// Over TLS the read goes through the TLS stream (one read and one write may
// be outstanding at a time there), so a close_notify ends it too.
template <class Stream>
void SseConnection<Stream>::watchClient() {
  stream_.async_read_some(
      asio::buffer(&readByte_, 1), [self = this->shared_from_this()](beast::error_code ec, std::size_t) {
        if (!self->open_) return;
        self->end(false, ec ? "closed by the client" : "closed: the client sent data after its request");
      });
}

template <class Stream>
void SseConnection<Stream>::heartbeat() {
  heartbeatTimer_.expires_after(limits_.heartbeat);
  heartbeatTimer_.async_wait([self = this->shared_from_this()](beast::error_code ec) {
    if (ec || !self->open_) return;
    static const auto kHeartbeat = std::make_shared<const std::string>(": heartbeat\n\n");
    self->enqueue(kHeartbeat);
    self->heartbeat();
  });
}

template <class Stream>
void SseConnection<Stream>::close() {
  if (open_) end(false, "closed: the gateway stops");
}

template <class Stream>
void SseConnection<Stream>::end(bool cutOff, const std::string& why) {
  if (!open_) return;
  open_ = false;
  if (cutOff) {
    spdlog::warn("event stream to {} {}", peer_, why);
  } else {
    spdlog::debug("event stream to {} {}", peer_, why);
  }
  heartbeatTimer_.cancel();
  beast::error_code ignored;
  lowest().socket().shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
  lowest().close();
  queue_.clear();
  if (auto done = std::move(onClosed_)) done(cutOff);
}

template class SseConnection<beast::tcp_stream>;
template class SseConnection<TlsStream>;

}  // namespace lwm2m::bridges::http
