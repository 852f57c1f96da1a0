#include "bridges/http/package_fetcher.h"

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/beast/core/bind_handler.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <openssl/ssl.h>

#include <chrono>
#include <optional>
#include <stdexcept>
#include <type_traits>

#include "bridges/http/firmware_text.h"
#include "bridges/http/package_body.h"

namespace lwm2m::bridges::http {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace beast_http = boost::beast::http;
namespace api = gateway::api;
using tcp = asio::ip::tcp;

namespace {

constexpr std::chrono::seconds kTimeout{30};  // without progress

template <class Stream>
class Download : public std::enable_shared_from_this<Download<Stream>> {
 public:
  using Done = std::function<void(Result<api::PackageInfo>)>;

  template <class... StreamArgs>
  Download(asio::io_context& io, PackageUrl url, std::string text, std::unique_ptr<api::PackageUpload> upload,
           std::uint64_t maxSize, Done done, StreamArgs&&... streamArgs)
      : resolver_(io), stream_(std::forward<StreamArgs>(streamArgs)...), url_(std::move(url)), text_(std::move(text)),
        done_(std::move(done)) {
    parser_.body_limit(maxSize);
    parser_.get().body().upload = std::move(upload);
  }

  void run() {
    if constexpr (kTls) {
      if (!SSL_set_tlsext_host_name(stream_.native_handle(), url_.host.c_str())) return fail("cannot set SNI");
      stream_.set_verify_callback(asio::ssl::host_name_verification(url_.host));
    }
    resolver_.async_resolve(url_.host, url_.port, beast::bind_front_handler(&Download::onResolve, self()));
  }

 private:
  static constexpr bool kTls = !std::is_same_v<Stream, beast::tcp_stream>;

  std::shared_ptr<Download> self() { return this->shared_from_this(); }
  beast::tcp_stream& lowest() { return beast::get_lowest_layer(stream_); }

  void onResolve(beast::error_code ec, tcp::resolver::results_type results) {
    if (ec) return fail("cannot resolve " + url_.host + ": " + ec.message());
    lowest().expires_after(kTimeout);
    lowest().async_connect(results, beast::bind_front_handler(&Download::onConnect, self()));
  }

  void onConnect(beast::error_code ec, const tcp::endpoint&) {
    if (ec) return fail("cannot connect to " + url_.host + ":" + url_.port + ": " + ec.message());
    // The request right after the TLS Finished must not wait for a delayed ACK.
    beast::error_code ignored;
    lowest().socket().set_option(tcp::no_delay(true), ignored);
    if constexpr (kTls) {
      lowest().expires_after(kTimeout);
      stream_.async_handshake(asio::ssl::stream_base::client,
                              beast::bind_front_handler(&Download::onHandshake, self()));
    } else {
      sendRequest();
    }
  }

  void onHandshake(beast::error_code ec) {
    if (ec) return fail("TLS handshake with " + url_.host + " failed: " + ec.message());
    sendRequest();
  }

  void sendRequest() {
    request_.method(beast_http::verb::get);
    request_.target(url_.target);
    request_.version(11);
    request_.set(beast_http::field::host, url_.host);
    request_.set(beast_http::field::user_agent, "lwm2m-gateway");
    request_.set(beast_http::field::connection, "close");
    lowest().expires_after(kTimeout);
    beast_http::async_write(stream_, request_, beast::bind_front_handler(&Download::onSent, self()));
  }

  void onSent(beast::error_code ec, std::size_t) {
    if (ec) return fail("cannot send the request: " + ec.message());
    readSome();
  }

  void readSome() {
    lowest().expires_after(kTimeout);
    beast_http::async_read_some(stream_, buffer_, parser_, beast::bind_front_handler(&Download::onRead, self()));
  }

  void onRead(beast::error_code ec, std::size_t) {
    if (parser_.is_header_done() && parser_.get().result() != beast_http::status::ok) {
      std::string why = "HTTP " + std::to_string(parser_.get().result_int());
      const auto location = parser_.get()[beast_http::field::location];
      if (!location.empty()) why += " (redirect to " + std::string(location) + ", not followed)";
      return fail(why);
    }
    if (ec == beast_http::error::body_limit) return fail("larger than firmware.max_size");
    auto& body = parser_.get().body();
    if (ec && body.error) return finish(*body.error);
    if (ec) return fail(ec.message());
    if (!parser_.is_done()) return readSome();
    finish(body.upload->finish());
    beast::error_code ignored;
    lowest().socket().shutdown(tcp::socket::shutdown_both, ignored);
  }

  void fail(const std::string& why) { finish(Error{ErrorCode::Invalid, "download of " + text_ + " failed: " + why}); }

  void finish(Result<api::PackageInfo> result) {
    if (!done_) return;
    Done done = std::move(done_);
    done_ = nullptr;
    done(std::move(result));
  }

  tcp::resolver resolver_;
  Stream stream_;
  PackageUrl url_;
  std::string text_;
  Done done_;
  beast::flat_buffer buffer_;
  beast_http::request<beast_http::empty_body> request_;
  beast_http::response_parser<PackageBody> parser_;
};

}  // namespace

PackageFetcher::PackageFetcher(asio::io_context& io, const std::string& caFile, std::uint64_t maxSize)
    : io_(io), caFile_(caFile), maxSize_(maxSize) {
  // A configured CA file is checked now, so that a wrong path fails start-up;
  // the system's CA store waits for the first https download: OpenSSL's
  // initialisation (configuration, providers) costs about 2 MB of resident
  // memory that a gateway without TLS never needs.
  if (caFile_.empty()) return;
  auto tls = makeTlsContext();
  if (!tls) throw std::runtime_error(tls.error().message);
  tls_ = std::move(tls).value();
}

Result<std::shared_ptr<asio::ssl::context>> PackageFetcher::makeTlsContext() const {
  auto tls = std::make_shared<asio::ssl::context>(asio::ssl::context::tls_client);
  tls->set_verify_mode(asio::ssl::verify_peer);
  beast::error_code ec;
  if (caFile_.empty()) {
    tls->set_default_verify_paths(ec);
  } else {
    tls->load_verify_file(caFile_, ec);
  }
  if (ec) return fail((caFile_.empty() ? "the system's CA store: " : "firmware.ca_file " + caFile_ + ": ") + ec.message());
  return tls;
}

void PackageFetcher::fetch(const std::string& url, std::unique_ptr<api::PackageUpload> upload,
                           std::function<void(Result<api::PackageInfo>)> done) {
  auto parsed = parsePackageUrl(url);
  if (!parsed) {
    done(parsed.error());
    return;
  }
  if (parsed->tls) {
    if (!tls_) {
      auto tls = makeTlsContext();
      if (!tls) {
        done(tls.error());
        return;
      }
      tls_ = std::move(tls).value();
    }
    std::make_shared<Download<beast::ssl_stream<beast::tcp_stream>>>(io_, *parsed, url, std::move(upload), maxSize_,
                                                                     std::move(done), io_, *tls_)
        ->run();
  } else {
    std::make_shared<Download<beast::tcp_stream>>(io_, *parsed, url, std::move(upload), maxSize_, std::move(done),
                                                  io_)
        ->run();
  }
}

}  // namespace lwm2m::bridges::http
