#pragma once
// HttpPoster: the webhook's HTTP/1.1 client (Boost.Beast over Asio) on the
// gateway's io_context: never blocks the I/O thread.
//
// Each POST carries the event's JSON and these headers:
//   Content-Type: application/json
//   User-Agent: lwm2m-gateway/<version>
//   X-Lwm2m-Event: <kind>              X-Lwm2m-Delivery: <outbox id, the same on a retry>
//   X-Lwm2m-Timestamp: <unix s>        X-Lwm2m-Signature: sha256=<hex> (with a secret; signature.h)
// plus the configured extra headers. The connection is kept open between
// POSTs (keep-alive) and opened again when the receiver closed it.
//
// https: TLS 1.2 or later (OpenSSL) with the server's certificate verified
// against ca_file (or the system's trust store) and its name checked against
// the URL's host (an IP address against the certificate's IP entries); SNI
// is sent for host names. `timeout` bounds each POST: resolving,
// connecting, the handshake, sending and the answer.
//
// Threading contract: construct, call and destroy on the I/O thread.

#include <boost/asio/io_context.hpp>
#include <boost/asio/ssl/context.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "bridges/webhook/webhook_poster.h"
#include "bridges/webhook/webhook_url.h"

namespace lwm2m::bridges::webhook {

struct PosterSettings {
  std::string name;  // for messages
  WebhookUrl url;
  std::string secret;  // empty: no signature header
  std::vector<std::pair<std::string, std::string>> headers;
  std::chrono::milliseconds timeout{10000};
  std::string userAgent = "lwm2m-gateway";
  std::function<std::int64_t()> unixSeconds;  // the timestamp header's clock
};

// The TLS client context of an https webhook: verifies the server against
// `caFile` (PEM), or the system's trust store when empty. Throws
// std::runtime_error naming the file when it cannot be read.
std::shared_ptr<boost::asio::ssl::context> makeTlsContext(const std::string& caFile);

class HttpPoster final : public WebhookPoster {
 public:
  // `tls` is needed for an https URL (makeTlsContext), ignored for http.
  HttpPoster(boost::asio::io_context& io, PosterSettings settings, std::shared_ptr<boost::asio::ssl::context> tls);
  ~HttpPoster() override;  // cancel()

  void post(const StoredEvent& event, std::function<void(PostOutcome)> done) override;
  void cancel() override;

  class Exchange;

 private:
  std::shared_ptr<Exchange> exchange_;
};

}  // namespace lwm2m::bridges::webhook
