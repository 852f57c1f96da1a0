#pragma once
// What every request passes before it reaches a route, and what every response
// gets on its way out: the limits of the HTTP server, CORS and access control
// (bridges/http/cors.h, bridges/http/access_control.h).
//
// Order, once a request's header is read and before its body is:
//   more header fields than limits.maxHeaders  -> 431
//   a CORS preflight                           -> its answer (no credentials needed)
//   access control refuses                     -> 401 (with WWW-Authenticate: Bearer) or 403
// A refusal is logged with the peer, the method, the path and the reason —
// never a query string or a header value.
//
// Threading contract: used by the sessions on the gateway's I/O thread; const.

#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "bridges/http/access_control.h"
#include "bridges/http/cors.h"

namespace lwm2m::bridges::http {

struct HttpLimits {
  std::uint32_t headerBytes = 8 * 1024;  // request line and header fields; 431 beyond
  std::uint64_t bodyBytes = 64 * 1024;   // 413 beyond
  std::uint32_t maxHeaders = 100;        // header fields; 431 beyond
  // A connection must deliver a whole request within this time after it opened
  // or after the previous response (idle keep-alive and slow senders alike are
  // closed), and take a response within it.
  std::chrono::seconds idleTimeout{30};
  std::uint32_t maxConnections = 256;  // beyond: new connections are closed at once
};

class RequestGuard {
 public:
  using Request = boost::beast::http::request<boost::beast::http::string_body>;
  using Response = boost::beast::http::response<boost::beast::http::string_body>;

  RequestGuard(const HttpLimits& limits, const AccessSettings& access, CorsSettings cors)
      : limits_(limits), access_(access), cors_(std::move(cors)) {}

  const HttpLimits& limits() const { return limits_; }
  bool authenticates() const { return access_.enabled(); }

  // The answer when the request must not reach a route; nullopt to go on.
  // Only the header of `request` is looked at: the body may not be read yet.
  // `peerCommonName`: of a verified client certificate; `peer`: the address, for the log.
  std::optional<Response> admit(const Request& request,
                                const std::optional<std::string>& peerCommonName,
                                std::string_view peer) const;

  // Adds what every response carries (the CORS allowance).
  void finish(const Request& request, Response& response) const {
    cors_.allowOrigin(request, response.base());
  }
  // The fields finish() adds, for a response the session does not write (a
  // connection taken over).
  boost::beast::http::fields responseFields(const Request& request) const {
    boost::beast::http::fields fields;
    cors_.allowOrigin(request, fields);
    return fields;
  }

 private:
  HttpLimits limits_;
  AccessControl access_;
  CorsPolicy cors_;
};

}  // namespace lwm2m::bridges::http
