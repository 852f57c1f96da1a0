#include "bridges/http/rest_reply.h"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <boost/beast/http/verb.hpp>

namespace lwm2m::bridges::http {
namespace beast_http = boost::beast::http;

namespace {

Response jsonResponse(beast_http::status status, std::string body, unsigned version, bool keepAlive) {
  Response response{status, version};
  response.set(beast_http::field::server, "lwm2m-gateway");
  response.set(beast_http::field::content_type, "application/json");
  response.set(beast_http::field::cache_control, "no-store");
  response.keep_alive(keepAlive);
  response.body() = std::move(body);
  response.prepare_payload();
  return response;
}

}  // namespace

std::string errorBody(std::string_view message) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> w(buffer);
  w.StartObject();
  w.Key("error");
  w.String(message.data(), static_cast<rapidjson::SizeType>(message.size()));
  w.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

Response jsonResponse(beast_http::status status, std::string body, const Request& request) {
  return jsonResponse(status, std::move(body), request.version(), request.keep_alive());
}

Response errorResponse(beast_http::status status, std::string_view message, unsigned version, bool keepAlive) {
  return jsonResponse(status, errorBody(message), version, keepAlive);
}

Reply::Reply(const Request& request, Respond respond)
    : version_(request.version()),
      keepAlive_(request.keep_alive()),
      method_(request.method_string()),
      target_(request.target()),
      respond_(std::move(respond)) {}

void Reply::json(beast_http::status status, std::string body, const Headers& headers) const {
  Response response = jsonResponse(status, std::move(body), version_, keepAlive_);
  for (const auto& [field, value] : headers) response.set(field, value);
  respond_(std::move(response));
}

void Reply::error(beast_http::status status, std::string_view message) const {
  respond_(errorResponse(status, message, version_, keepAlive_));
}

void Reply::notAllowed(std::string_view allow) const {
  Response response = errorResponse(beast_http::status::method_not_allowed,
                                    "method " + method_ + " is not allowed on " + target_ + " (allowed: " +
                                        std::string(allow) + ")",
                                    version_, keepAlive_);
  response.set(beast_http::field::allow, std::string(allow));
  respond_(std::move(response));
}

}  // namespace lwm2m::bridges::http
