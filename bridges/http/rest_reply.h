#pragma once
// The answer side of a REST call: JSON responses with the request's HTTP
// version and keep-alive, errors as {"error": "..."}, and Reply, the one
// completion every route answers through (exactly once, maybe later).

#include <boost/beast/http/field.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/status.hpp>
#include <boost/beast/http/string_body.hpp>

#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace lwm2m::bridges::http {

using Request = boost::beast::http::request<boost::beast::http::string_body>;
using Response = boost::beast::http::response<boost::beast::http::string_body>;
// Takes the response to a request; called exactly once per request.
using Respond = std::function<void(Response)>;

// A JSON response with the request's version and keep-alive.
Response jsonResponse(boost::beast::http::status status, std::string body, const Request& request);

// A response {"error":message} with the given status, for the routes and for
// errors the session meets before a request is complete (400, 413).
Response errorResponse(boost::beast::http::status status, std::string_view message, unsigned version = 11,
                       bool keepAlive = false);

// {"error":message}
std::string errorBody(std::string_view message);

class Reply {
 public:
  using Headers = std::vector<std::pair<boost::beast::http::field, std::string>>;

  Reply(const Request& request, Respond respond);

  void json(boost::beast::http::status status, std::string body, const Headers& headers = {}) const;
  void error(boost::beast::http::status status, std::string_view message) const;
  // 405 with Allow, naming the method, the target and what is allowed.
  void notAllowed(std::string_view allow) const;
  void send(Response response) const { respond_(std::move(response)); }

  unsigned version() const { return version_; }
  bool keepAlive() const { return keepAlive_; }

 private:
  unsigned version_;
  bool keepAlive_;
  std::string method_;
  std::string target_;
  Respond respond_;
};

}  // namespace lwm2m::bridges::http
