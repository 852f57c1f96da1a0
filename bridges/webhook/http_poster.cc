// One Exchange per webhook owns the connection; each step of a POST is an
// async operation whose handler holds the Exchange (shared_from_this) and the
// POST's generation, so handlers of a cancelled POST do nothing.
#include "bridges/webhook/http_poster.h"

#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>

#include <optional>
#include <stdexcept>

#include "bridges/webhook/signature.h"

namespace lwm2m::bridges::webhook {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace beast_http = boost::beast::http;
using tcp = asio::ip::tcp;

namespace {
constexpr std::uint64_t kAnswerLimit = 64 * 1024;  // the receiver's answer body is read and ignored
}  // namespace

std::shared_ptr<asio::ssl::context> makeTlsContext(const std::string& caFile) {
  auto context = std::make_shared<asio::ssl::context>(asio::ssl::context::tls_client);
  context->set_options(asio::ssl::context::default_workarounds | asio::ssl::context::no_sslv2 |
                       asio::ssl::context::no_sslv3 | asio::ssl::context::no_tlsv1 |
                       asio::ssl::context::no_tlsv1_1);
  context->set_verify_mode(asio::ssl::verify_peer);
  boost::system::error_code ec;
  if (caFile.empty()) {
    context->set_default_verify_paths(ec);
    if (ec) throw std::runtime_error("cannot read the system's trust store: " + ec.message());
  } else {
    context->load_verify_file(caFile, ec);
    if (ec) throw std::runtime_error("ca_file " + caFile + ": cannot load CA certificates: " + ec.message());
  }
  return context;
}

class HttpPoster::Exchange : public std::enable_shared_from_this<Exchange> {
 public:
  Exchange(asio::io_context& io, PosterSettings settings, std::shared_ptr<asio::ssl::context> tls)
      : io_(io), s_(std::move(settings)), tls_(std::move(tls)), resolver_(io), deadline_(io) {}

  void post(const StoredEvent& event, std::function<void(PostOutcome)> done) {
    ++generation_;
    done_ = std::move(done);
    timedOut_ = false;
    buildRequest(event);
    deadline_.expires_after(s_.timeout);
    deadline_.async_wait([self = shared_from_this(), g = generation_](beast::error_code ec) {
      if (ec || g != self->generation_) return;
      self->timedOut_ = true;
      self->resolver_.cancel();
      self->closeConnection();
    });
    if (connected_) {
      reused_ = true;
      send();
    } else {
      connect();
    }
  }

  void cancel() {
    ++generation_;
    done_ = nullptr;
    deadline_.cancel();
    resolver_.cancel();
    closeConnection();
  }

 private:
  void buildRequest(const StoredEvent& event) {
    request_ = {};
    request_.method(beast_http::verb::post);
    request_.target(s_.url.target);
    request_.version(11);
    request_.set(beast_http::field::host, s_.url.hostHeader());
    request_.set(beast_http::field::user_agent, s_.userAgent);
    request_.set(beast_http::field::content_type, "application/json");
    request_.set("X-Lwm2m-Event", event.kind);
    request_.set("X-Lwm2m-Delivery", std::to_string(event.id));
    const std::int64_t now = s_.unixSeconds();
    request_.set("X-Lwm2m-Timestamp", std::to_string(now));
    if (!s_.secret.empty()) request_.set("X-Lwm2m-Signature", signatureHeader(s_.secret, now, event.body));
    for (const auto& [name, value] : s_.headers) request_.set(name, value);
    request_.keep_alive(true);
    request_.body() = event.body;
    request_.prepare_payload();
  }

  template <class F>
  void withStream(F&& f) {
    if (secure_) {
      f(*secure_);
    } else {
      f(*plain_);
    }
  }

  tcp::socket& socket() { return secure_ ? beast::get_lowest_layer(*secure_).socket() : plain_->socket(); }

  void connect() {
    reused_ = false;
    resolver_.async_resolve(
        s_.url.host, std::to_string(s_.url.port),
        [self = shared_from_this(), g = generation_](beast::error_code ec, tcp::resolver::results_type results) {
          if (g != self->generation_) return;
          if (ec) return self->failed(ec, "cannot resolve " + self->s_.url.host);
          self->onResolved(results);
        });
  }

  void onResolved(const tcp::resolver::results_type& results) {
    plain_.reset();
    secure_.reset();
    if (s_.url.tls) {
      secure_.emplace(io_, *tls_);
    } else {
      plain_.emplace(io_);
    }
    auto connected = [self = shared_from_this(), g = generation_](beast::error_code ec, const tcp::endpoint&) {
      if (g != self->generation_) return;
      if (ec) return self->failed(ec, "cannot connect to " + self->s_.url.hostHeader());
      // Each POST is complete when written: send it at once, not after the
      // receiver's delayed ACK of the TLS Finished or of the previous POST.
      beast::error_code ignored;
      self->socket().set_option(tcp::no_delay(true), ignored);
      if (self->secure_) return self->handshake();
      self->connected_ = true;
      self->send();
    };
    if (secure_) {
      beast::get_lowest_layer(*secure_).async_connect(results, std::move(connected));
    } else {
      plain_->async_connect(results, std::move(connected));
    }
  }

  void handshake() {
    SSL* ssl = secure_->native_handle();
    if (s_.url.ipLiteral) {
      X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl), s_.url.host.c_str());
    } else {
      SSL_set_tlsext_host_name(ssl, s_.url.host.c_str());
      SSL_set1_host(ssl, s_.url.host.c_str());
    }
    secure_->async_handshake(asio::ssl::stream_base::client,
                             [self = shared_from_this(), g = generation_](beast::error_code ec) {
                               if (g != self->generation_) return;
                               if (ec) return self->failed(ec, "TLS handshake with " + self->s_.url.hostHeader());
                               self->connected_ = true;
                               self->send();
                             });
  }

  void send() {
    withStream([this](auto& stream) {
      beast_http::async_write(stream, request_,
                              [self = shared_from_this(), g = generation_](beast::error_code ec, std::size_t) {
                                if (g != self->generation_) return;
                                if (ec) return self->failed(ec, "sending the event");
                                self->receive();
                              });
    });
  }

  void receive() {
    parser_.emplace();
    parser_->body_limit(kAnswerLimit);
    withStream([this](auto& stream) {
      beast_http::async_read(stream, buffer_, *parser_,
                             [self = shared_from_this(), g = generation_](beast::error_code ec, std::size_t) {
                               if (g != self->generation_) return;
                               if (ec) return self->failed(ec, "reading the answer");
                               const auto& answer = self->parser_->get();
                               if (!answer.keep_alive()) self->closeConnection();
                               self->complete(PostOutcome{static_cast<int>(answer.result_int()), {}});
                             });
    });
  }

  void failed(beast::error_code ec, const std::string& stage) {
    closeConnection();
    if (timedOut_) {
      return complete(PostOutcome{0, "no answer within " + std::to_string(s_.timeout.count()) + " ms"});
    }
    if (reused_) {  // the receiver closed the kept connection meanwhile: once more on a new one
      return connect();
    }
    complete(PostOutcome{0, stage + ": " + ec.message()});
  }

  void complete(PostOutcome outcome) {
    deadline_.cancel();
    reused_ = false;
    if (auto done = std::move(done_)) done(std::move(outcome));
  }

  void closeConnection() {
    connected_ = false;
    buffer_.clear();
    if (!plain_ && !secure_) return;
    beast::error_code ignored;
    socket().shutdown(tcp::socket::shutdown_both, ignored);
    socket().close(ignored);
  }

  asio::io_context& io_;
  const PosterSettings s_;
  std::shared_ptr<asio::ssl::context> tls_;
  tcp::resolver resolver_;
  asio::steady_timer deadline_;
  std::optional<beast::tcp_stream> plain_;
  std::optional<beast::ssl_stream<beast::tcp_stream>> secure_;
  beast::flat_buffer buffer_;
  beast_http::request<beast_http::string_body> request_;
  std::optional<beast_http::response_parser<beast_http::string_body>> parser_;
  std::function<void(PostOutcome)> done_;
  std::uint64_t generation_ = 0;
  bool connected_ = false;
  bool reused_ = false;
  bool timedOut_ = false;
};

HttpPoster::HttpPoster(asio::io_context& io, PosterSettings settings, std::shared_ptr<asio::ssl::context> tls)
    : exchange_(std::make_shared<Exchange>(io, std::move(settings), std::move(tls))) {}

HttpPoster::~HttpPoster() { cancel(); }

void HttpPoster::post(const StoredEvent& event, std::function<void(PostOutcome)> done) {
  exchange_->post(event, std::move(done));
}

void HttpPoster::cancel() { exchange_->cancel(); }

}  // namespace lwm2m::bridges::webhook
