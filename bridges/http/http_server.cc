// Listener + sessions in the shape of Beast's asynchronous server examples:
// each connection owns itself through shared_from_this(), reads one request's
// header, lets the RequestGuard admit it, reads its body (unless a route takes
// the connection over: a firmware upload streams its own body), writes the
// router's response, and reads again while keep-alive holds. One Session
// template serves plain TCP and TLS streams.
#include "bridges/http/http_server.h"

#include <spdlog/spdlog.h>

#include <boost/asio/post.hpp>
#include <boost/beast/core/bind_handler.hpp>
#include <boost/beast/core/detect_ssl.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>

#include <array>
#include <chrono>
#include <limits>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <type_traits>
#include <vector>

#include "bridges/http/connection_takeover.h"

namespace lwm2m::bridges::http {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace beast_http = boost::beast::http;
using tcp = asio::ip::tcp;

namespace {

std::string toString(const tcp::endpoint& endpoint) {
  std::ostringstream s;
  s << endpoint;
  return s.str();
}

// What every session shares: the router, the guard and the routes that take
// a connection over.
struct Routes {
  std::shared_ptr<ApiRouter> router;
  std::shared_ptr<const RequestGuard> guard;
  std::shared_ptr<ConnectionTakeover> takeover;  // the event stream; may be null
  std::shared_ptr<HeaderTakeover> uploads;       // firmware uploads; may be null
};

// What the listener needs of a session of either stream type.
class Connection {
 public:
  virtual ~Connection() = default;
  // From HttpServer::stop(): ends the connection; pending operations complete
  // with operation_aborted and the session goes away.
  virtual void close() = 0;
};

template <class Stream>
class Session : public Connection, public std::enable_shared_from_this<Session<Stream>> {
  static constexpr bool kTls = std::is_same_v<Stream, TlsStream>;

 public:
  Session(tcp::socket socket, const Routes& routes, asio::ssl::context* tls)
      : peer_(toString(socket.remote_endpoint(ignored_))),
        stream_(makeStream(std::move(socket), tls)),
        routes_(routes),
        limits_(routes.guard->limits()) {}

  void run() {
    lowest().expires_after(limits_.idleTimeout);
    if constexpr (kTls) {
      beast::async_detect_ssl(lowest(), buffer_,
                              beast::bind_front_handler(&Session::onDetect, this->shared_from_this()));
    } else {
      doRead();
    }
  }

  void close() override {
    if (handedOver_) return;
    beast::error_code ignored;
    lowest().socket().shutdown(tcp::socket::shutdown_both, ignored);
    lowest().close();
  }

 private:
  static Stream makeStream(tcp::socket socket, asio::ssl::context* tls) {
    if constexpr (kTls) {
      return Stream(std::move(socket), *tls);
    } else {
      return Stream(std::move(socket));
    }
  }

  beast::tcp_stream& lowest() { return beast::get_lowest_layer(stream_); }

  void onDetect(beast::error_code ec, bool tls) {
    if (ec) return;
    if (!tls) {
      // Not a TLS ClientHello: most likely http:// to an https:// port.
      plainRefusal_ = "HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain\r\nConnection: close\r\n"
                      "Content-Length: 44\r\n\r\nThis port speaks HTTPS: use an https:// URL\n";
      spdlog::debug("HTTP from {} refused: plain HTTP on the HTTPS port", peer_);
      asio::async_write(lowest(), asio::buffer(plainRefusal_),
                        [self = this->shared_from_this()](beast::error_code, std::size_t) {
                          self->close();
                        });
      return;
    }
    if constexpr (kTls) {
      stream_.async_handshake(asio::ssl::stream_base::server, buffer_.data(),
                              beast::bind_front_handler(&Session::onHandshake, this->shared_from_this()));
    }
  }

  void onHandshake(beast::error_code ec, std::size_t used) {
    if (ec) {
      spdlog::debug("HTTPS handshake with {} failed: {}", peer_, ec.message());
      return close();
    }
    buffer_.consume(used);
    if constexpr (kTls) peerCommonName_ = verifiedPeerCommonName(stream_.native_handle());
    doRead();
  }

  void doRead() {
    parser_.emplace();
    parser_->header_limit(limits_.headerBytes);
    // The body limit is chosen once the header is read (onHeader): an upload
    // route has its own. Not boost::none: Boost 1.74 then refuses every body.
    parser_->body_limit(std::numeric_limits<std::uint64_t>::max());
    // One deadline for the whole request, header and body: a slow sender
    // cannot hold the connection by trickling bytes.
    lowest().expires_after(limits_.idleTimeout);
    beast_http::async_read_header(stream_, buffer_, *parser_,
                                  beast::bind_front_handler(&Session::onHeader, this->shared_from_this()));
  }

  // True when `ec` ended the request: answered or the connection dropped.
  bool endedByError(beast::error_code ec) {
    if (!ec) return false;
    if (ec == beast_http::error::end_of_stream) {
      shutdown();
    } else if (ec == beast_http::error::body_limit) {
      replyAndClose(beast_http::status::payload_too_large,
                    "request body larger than " + std::to_string(limits_.bodyBytes) + " bytes");
    } else if (ec == beast_http::error::header_limit) {
      replyAndClose(beast_http::status::request_header_fields_too_large,
                    "request headers larger than " + std::to_string(limits_.headerBytes) + " bytes");
    } else if (ec == beast::error::timeout || ec == asio::error::operation_aborted ||
               ec == asio::error::connection_reset || ec == asio::error::eof ||
               ec.category() == asio::error::get_ssl_category() ||
               ec == asio::ssl::error::stream_truncated) {
      // the stream is closed or about to be: nothing to answer
    } else {
      replyAndClose(beast_http::status::bad_request, "malformed HTTP request: " + ec.message());
    }
    return true;
  }

  void onHeader(beast::error_code ec, std::size_t) {
    if (endedByError(ec)) return;
    if (auto refusal = routes_.guard->admit(parser_->get(), peerCommonName_, peer_)) {
      response_ = std::move(*refusal);
      // The body was not read: the connection cannot carry another request.
      if (!parser_->is_done()) response_.keep_alive(false);
      return doWrite();
    }
    // Admitted: a route that takes the connection over gets it now, with the
    // request's header (the event stream; connection_takeover.h).
    if (routes_.takeover && routes_.takeover->matches(parser_->get())) return handOver();
    // A route that streams its body (a firmware upload) takes the connection
    // with the bytes read past the header; it applies its own body limit.
    if (routes_.uploads && routes_.uploads->matches(parser_->get())) {
      handedOver_ = true;
      beast_http::fields responseFields = routes_.guard->responseFields(parser_->get());
      return routes_.uploads->takeOver(std::move(stream_), std::move(buffer_), *parser_, std::move(responseFields));
    }
    // Every other request: the session's limit, from the Content-Length before
    // any of the body is read, else as it arrives.
    if (const auto length = parser_->content_length(); length && *length > limits_.bodyBytes) {
      endedByError(beast_http::error::body_limit);
      return;
    }
    parser_->body_limit(limits_.bodyBytes);
    if (parser_->is_done()) return onRead({}, 0);
    beast_http::async_read(stream_, buffer_, *parser_,
                           beast::bind_front_handler(&Session::onRead, this->shared_from_this()));
  }

  void onRead(beast::error_code ec, std::size_t) {
    if (endedByError(ec)) return;
    // The answer may come now or later (a call waiting for its device); it
    // is written from this connection's executor, and nothing else is read
    // meanwhile. A client gone by then only makes the write fail.
    routes_.router->handle(parser_->get(), [self = this->shared_from_this()](Response response) {
      asio::post(self->lowest().get_executor(), [self, response = std::move(response)]() mutable {
        self->onResponse(std::move(response));
      });
    });
  }

  void handOver() {
    handedOver_ = true;
    lowest().expires_never();
    beast_http::fields responseFields = routes_.guard->responseFields(parser_->get());
    routes_.takeover->takeOver(std::move(stream_), parser_->release(), std::move(responseFields));
  }

  void onResponse(Response response) {
    const Request& request = parser_->get();
    spdlog::debug("HTTP {} {} -> {}", std::string(request.method_string()), std::string(request.target()),
                  response.result_int());
    response_ = std::move(response);
    doWrite();
  }

  void replyAndClose(beast_http::status status, const std::string& message) {
    spdlog::debug("HTTP request from {} rejected: {}", peer_, message);
    response_ = errorResponse(status, message);
    doWrite();
  }

  void doWrite() {
    if (parser_) routes_.guard->finish(parser_->get(), response_);
    lowest().expires_after(limits_.idleTimeout);
    beast_http::async_write(stream_, response_,
                            beast::bind_front_handler(&Session::onWrite, this->shared_from_this()));
  }

  void onWrite(beast::error_code ec, std::size_t) {
    if (ec) return;
    if (!response_.keep_alive()) {
      // Refused before its body was read (413, a guard's refusal): the
      // client may still be sending it. Closing now would make the kernel
      // answer those bytes with a reset, which can reach the client before
      // it read the answer; read them away first (bounded), then close.
      if (parser_ && !parser_->is_done()) return lingerThenClose();
      return shutdown();
    }
    doRead();
  }

  // Half-closes, then discards what the client still sends until it closes
  // too, kLingerTime passes or kLingerBytes arrived, then closes.
  void lingerThenClose() {
    beast::error_code ignored;
    lowest().socket().shutdown(tcp::socket::shutdown_send, ignored);
    lowest().expires_after(kLingerTime);
    discard(0);
  }

  void discard(std::uint64_t discarded) {
    if (discarded > kLingerBytes) return close();
    lowest().async_read_some(asio::buffer(discardBuffer_),
                             [self = this->shared_from_this(), discarded](beast::error_code ec, std::size_t n) {
                               if (ec) return self->close();
                               self->discard(discarded + n);
                             });
  }

  void shutdown() {
    if constexpr (kTls) {
      lowest().expires_after(std::chrono::seconds(5));
      stream_.async_shutdown([self = this->shared_from_this()](beast::error_code) { self->close(); });
    } else {
      beast::error_code ignored;
      lowest().socket().shutdown(tcp::socket::shutdown_send, ignored);
    }
  }

  beast::error_code ignored_;
  std::string peer_;
  Stream stream_;
  Routes routes_;
  const HttpLimits& limits_;
  beast::flat_buffer buffer_;
  std::optional<beast_http::request_parser<beast_http::string_body>> parser_;
  std::optional<std::string> peerCommonName_;
  std::string plainRefusal_;
  Response response_;
  bool handedOver_ = false;
  static constexpr auto kLingerTime = std::chrono::seconds(2);
  static constexpr std::uint64_t kLingerBytes = 64ULL * 1024 * 1024;
  std::array<char, 16 * 1024> discardBuffer_{};
};

}  // namespace

class HttpListener : public std::enable_shared_from_this<HttpListener> {
 public:
  HttpListener(asio::io_context& io, Routes routes, std::shared_ptr<asio::ssl::context> tls)
      : io_(io), acceptor_(io), routes_(std::move(routes)), tls_(std::move(tls)) {}

  void listen(const tcp::endpoint& endpoint) {
    beast::error_code ec;
    acceptor_.open(endpoint.protocol(), ec);
    if (!ec) acceptor_.set_option(asio::socket_base::reuse_address(true), ec);
    if (!ec) acceptor_.bind(endpoint, ec);
    if (!ec) acceptor_.listen(asio::socket_base::max_listen_connections, ec);
    if (ec) {
      beast::error_code ignored;
      acceptor_.close(ignored);
      throw std::runtime_error("HTTP server cannot listen on " + toString(endpoint) + ": " +
                               ec.message());
    }
  }

  // No strand: one thread runs the io_context (see http_server.h). A strand
  // per connection also took one of Asio's 193 strand mutexes, each allocated
  // on its first use wherever the heap had room at the time and never freed:
  // after a wave of devices, each held a heap page resident on its own.
  void accept() {
    acceptor_.async_accept(io_,
                           beast::bind_front_handler(&HttpListener::onAccept, shared_from_this()));
  }

  void setTakeover(std::shared_ptr<ConnectionTakeover> takeover) { routes_.takeover = std::move(takeover); }
  void setUploads(std::shared_ptr<HeaderTakeover> uploads) { routes_.uploads = std::move(uploads); }

  void stop() {
    beast::error_code ignored;
    acceptor_.close(ignored);
    routes_.router->stop();
    if (routes_.takeover) routes_.takeover->stop();
    if (routes_.uploads) routes_.uploads->stop();
    for (auto& weak : sessions_) {
      if (auto session = weak.lock()) session->close();
    }
    sessions_.clear();
  }

  tcp::endpoint localEndpoint() const {
    beast::error_code ec;
    auto endpoint = acceptor_.local_endpoint(ec);
    return ec ? tcp::endpoint{} : endpoint;
  }

 private:
  void onAccept(beast::error_code ec, tcp::socket socket) {
    if (!acceptor_.is_open()) return;  // stopped
    std::erase_if(sessions_, [](const auto& weak) { return weak.expired(); });
    if (ec) {
      spdlog::warn("HTTP accept failed: {}", ec.message());
    } else if (sessions_.size() >= routes_.guard->limits().maxConnections) {
      if (!atLimit_) {
        spdlog::warn("HTTP connections at the limit of {} (http.limits.max_connections): new ones "
                     "are closed until some end", sessions_.size());
      }
      atLimit_ = true;
      beast::error_code ignored;
      socket.close(ignored);
    } else {
      atLimit_ = false;
      // Every answer is complete when written: send it at once. Without this,
      // an answer written while the previous one is unacknowledged (pipelined
      // requests, streamed events) waits for the client's delayed ACK (~40 ms).
      beast::error_code ignored;
      socket.set_option(tcp::no_delay(true), ignored);
      sessions_.push_back(start(std::move(socket)));
    }
    accept();
  }

  std::shared_ptr<Connection> start(tcp::socket socket) {
    if (tls_) {
      auto session = std::make_shared<Session<TlsStream>>(std::move(socket), routes_, tls_.get());
      session->run();
      return session;
    }
    auto session = std::make_shared<Session<beast::tcp_stream>>(std::move(socket), routes_, nullptr);
    session->run();
    return session;
  }

  asio::io_context& io_;
  tcp::acceptor acceptor_;
  Routes routes_;
  std::shared_ptr<asio::ssl::context> tls_;
  std::vector<std::weak_ptr<Connection>> sessions_;
  bool atLimit_ = false;
};

namespace {

std::shared_ptr<asio::ssl::context> tlsContext(const std::optional<TlsSettings>& settings) {
  if (!settings) return nullptr;
  auto context = makeServerTlsContext(*settings);
  if (!context) throw std::runtime_error("HTTPS: " + context.error().message);
  return *context;
}

}  // namespace

HttpServer::HttpServer(asio::io_context& io, tcp::endpoint listen, RestServices services,
                       const HttpServerSettings& settings)
    : router_(std::make_shared<ApiRouter>(io.get_executor(), std::move(services))),
      listener_(std::make_shared<HttpListener>(
          io,
          Routes{router_, std::make_shared<RequestGuard>(settings.limits, settings.access, settings.cors)},
          tlsContext(settings.tls))) {
  listener_->listen(listen);
}

HttpServer::~HttpServer() { stop(); }

void HttpServer::setOperationsRoutes(std::shared_ptr<const OperationsRoutes> routes) {
  router_->setOperationsRoutes(std::move(routes));
}

void HttpServer::start() {
  if (started_ || !listener_) return;
  started_ = true;
  listener_->accept();
}

void HttpServer::setTakeover(std::shared_ptr<ConnectionTakeover> takeover) {
  if (listener_) listener_->setTakeover(std::move(takeover));
}

void HttpServer::setUploads(std::shared_ptr<HeaderTakeover> uploads) {
  if (listener_) listener_->setUploads(std::move(uploads));
}

void HttpServer::stop() {
  if (!listener_) return;
  listener_->stop();
  listener_.reset();
}

tcp::endpoint HttpServer::localEndpoint() const {
  return listener_ ? listener_->localEndpoint() : tcp::endpoint{};
}

}  // namespace lwm2m::bridges::http
