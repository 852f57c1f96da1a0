#pragma once
// A webhook receiver for tests: an HTTP(S) server on 127.0.0.1 that records
// every POST and answers the first `failFirst` of them with 500, the rest
// with 200. One connection at a time, keep-alive honoured. TLS with the given
// certificate and key (PEM) when set.

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace lwm2m::testing {

struct ReceivedPost {
  std::string target;
  std::map<std::string, std::string> headers;  // names lowercased
  std::string body;
  int answered = 0;  // the status the receiver answered
};

class WebhookReceiver {
 public:
  struct Options {
    std::uint16_t port = 0;  // 0: a free one
    int failFirst = 0;
    std::string certFile, keyFile;  // both set: HTTPS
  };
  explicit WebhookReceiver(Options options);
  ~WebhookReceiver();  // stops
  WebhookReceiver(const WebhookReceiver&) = delete;
  WebhookReceiver& operator=(const WebhookReceiver&) = delete;

  std::uint16_t port() const { return port_; }
  std::vector<ReceivedPost> posts() const;
  // Polls until `done(posts())` holds or the timeout passes; the last result.
  bool waitFor(const std::function<bool(const std::vector<ReceivedPost>&)>& done,
               std::chrono::milliseconds timeout);
  // TLS handshakes that failed (e.g. the client refused the certificate).
  int failedHandshakes() const;

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
  std::uint16_t port_ = 0;
};

// HMAC-SHA256 over "<timestamp>.<body>" as lowercase hex, with "sha256=" in
// front: what X-Lwm2m-Signature must say (computed here with OpenSSL's EVP
// MAC interface, apart from the gateway's code).
std::string expectedSignature(const std::string& secret, const std::string& timestamp, const std::string& body);

}  // namespace lwm2m::testing
