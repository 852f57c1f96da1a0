#pragma once
// Cross-origin requests from browsers (CORS): off unless origins are
// configured. Then a preflight (OPTIONS with Origin and
// Access-Control-Request-Method) from a listed origin is answered 204 with the
// methods and headers the API takes, from any other origin 403; and responses
// to a listed origin carry Access-Control-Allow-Origin. Preflights carry no
// credentials, so they are answered before access control.

#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

#include <chrono>
#include <ostream>
#include <optional>
#include <string>
#include <vector>

namespace lwm2m::bridges::http {

struct CorsSettings {
  // Exact origins ("https://dashboard.example.com"), or "*" for any; empty: CORS off.
  std::vector<std::string> origins;
  std::chrono::seconds maxAge{600};  // how long browsers may cache a preflight's answer
};

class CorsPolicy {
 public:
  explicit CorsPolicy(CorsSettings settings) : settings_(std::move(settings)) {}

  bool enabled() const { return !settings_.origins.empty(); }

  // The answer to a preflight; nullopt when `request` is not one or CORS is
  // off (then it is routed like any request). Only the header is looked at.
  std::optional<boost::beast::http::response<boost::beast::http::string_body>> preflight(
      const boost::beast::http::request<boost::beast::http::string_body>& request) const;

  // Adds Access-Control-Allow-Origin (and Vary: Origin) to `response` when the
  // request came from a listed origin.
  void allowOrigin(const boost::beast::http::request<boost::beast::http::string_body>& request,
                   boost::beast::http::fields& response) const;

 private:
  bool allowed(std::string_view origin) const;

  CorsSettings settings_;
};

}  // namespace lwm2m::bridges::http
