#include "tests/integration/webhook_receiver.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/params.h>
#include <sys/socket.h>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <cstdio>

namespace lwm2m::testing {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = boost::beast::http;
using tcp = asio::ip::tcp;

struct WebhookReceiver::Impl {
  explicit Impl(const Options& o)
      : options(o), acceptor(io, tcp::endpoint(asio::ip::make_address("127.0.0.1"), o.port)),
        tls(asio::ssl::context::tls_server) {
    if (!o.certFile.empty()) {
      tls.use_certificate_chain_file(o.certFile);
      tls.use_private_key_file(o.keyFile, asio::ssl::context::pem);
    }
    thread = std::thread([this] { run(); });
  }

  void run() {
    while (!stopping) {
      tcp::socket socket(io);
      beast::error_code ec;
      acceptor.accept(socket, ec);
      if (ec || stopping) return;
      active = socket.native_handle();
      if (options.certFile.empty()) {
        serve(socket);
      } else {
        asio::ssl::stream<tcp::socket> stream(std::move(socket), tls);
        stream.handshake(asio::ssl::stream_base::server, ec);
        if (ec) {
          ++handshakeFailures;
        } else {
          serve(stream);
        }
      }
      active = -1;
    }
  }

  template <class Stream>
  void serve(Stream& stream) {
    beast::flat_buffer buffer;
    while (!stopping) {
      http::request<http::string_body> request;
      beast::error_code ec;
      http::read(stream, buffer, request, ec);
      if (ec) return;
      ReceivedPost post;
      post.target = std::string(request.target());
      for (const auto& field : request) {
        std::string name(field.name_string());
        std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return std::tolower(c); });
        post.headers[name] = std::string(field.value());
      }
      post.body = request.body();
      {
        std::lock_guard lock(mutex);
        post.answered = static_cast<int>(posts.size()) < options.failFirst ? 500 : 200;
        posts.push_back(post);
      }
      http::response<http::string_body> response(static_cast<http::status>(post.answered), request.version());
      response.keep_alive(request.keep_alive());
      response.body() = post.answered == 200 ? "" : "not now";
      response.prepare_payload();
      http::write(stream, response, ec);
      if (ec || !request.keep_alive()) return;
    }
  }

  void stop() {
    stopping = true;
    beast::error_code ignored;
    ::shutdown(acceptor.native_handle(), SHUT_RDWR);
    const int fd = active.load();
    if (fd >= 0) ::shutdown(fd, SHUT_RDWR);
    if (thread.joinable()) thread.join();
    acceptor.close(ignored);
  }

  Options options;
  asio::io_context io;
  tcp::acceptor acceptor;
  asio::ssl::context tls;
  std::thread thread;
  std::atomic<bool> stopping{false};
  std::atomic<int> active{-1};
  std::atomic<int> handshakeFailures{0};
  mutable std::mutex mutex;
  std::vector<ReceivedPost> posts;
};

WebhookReceiver::WebhookReceiver(Options options) : impl_(std::make_unique<Impl>(options)) {
  port_ = impl_->acceptor.local_endpoint().port();
}

WebhookReceiver::~WebhookReceiver() { impl_->stop(); }

std::vector<ReceivedPost> WebhookReceiver::posts() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->posts;
}

bool WebhookReceiver::waitFor(const std::function<bool(const std::vector<ReceivedPost>&)>& done,
                              std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (true) {
    if (done(posts())) return true;
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
}

int WebhookReceiver::failedHandshakes() const { return impl_->handshakeFailures; }

std::string expectedSignature(const std::string& secret, const std::string& timestamp, const std::string& body) {
  const std::string text = timestamp + "." + body;
  EVP_MAC* mac = EVP_MAC_fetch(nullptr, "HMAC", nullptr);
  EVP_MAC_CTX* ctx = EVP_MAC_CTX_new(mac);
  char digestName[] = "SHA256";
  OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string("digest", digestName, 0), OSSL_PARAM_construct_end()};
  unsigned char out[64];
  std::size_t length = 0;
  EVP_MAC_init(ctx, reinterpret_cast<const unsigned char*>(secret.data()), secret.size(), params);
  EVP_MAC_update(ctx, reinterpret_cast<const unsigned char*>(text.data()), text.size());
  EVP_MAC_final(ctx, out, &length, sizeof out);
  EVP_MAC_CTX_free(ctx);
  EVP_MAC_free(mac);
  std::string hex = "sha256=";
  char byte[3];
  for (std::size_t i = 0; i < length; ++i) {
    std::snprintf(byte, sizeof byte, "%02x", out[i]);
    hex += byte;
  }
  return hex;
}

}  // namespace lwm2m::testing
