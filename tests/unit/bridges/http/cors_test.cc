#include "bridges/http/cors.h"

#include <gtest/gtest.h>

#include <boost/beast/http/field.hpp>

namespace lwm2m::bridges::http {
namespace {

namespace beast_http = boost::beast::http;
using Request = beast_http::request<beast_http::string_body>;

Request preflightFrom(const std::string& origin) {
  Request r{beast_http::verb::options, "/api/v1/devices", 11};
  r.set(beast_http::field::origin, origin);
  r.set(beast_http::field::access_control_request_method, "POST");
  r.set(beast_http::field::access_control_request_headers, "authorization, content-type");
  return r;
}

TEST(Cors, OffUnlessOriginsAreConfigured) {
  CorsPolicy off{CorsSettings{}};
  EXPECT_FALSE(off.enabled());
  EXPECT_FALSE(off.preflight(preflightFrom("https://ui.example")).has_value());
  beast_http::fields response;
  off.allowOrigin(preflightFrom("https://ui.example"), response);
  EXPECT_EQ(response.find(beast_http::field::access_control_allow_origin), response.end());
}

TEST(Cors, PreflightFromAListedOriginIsAllowed) {
  CorsPolicy cors{CorsSettings{{"https://ui.example"}, std::chrono::seconds(60)}};
  auto answer = cors.preflight(preflightFrom("https://ui.example"));
  ASSERT_TRUE(answer.has_value());
  EXPECT_EQ(answer->result(), beast_http::status::no_content);
  EXPECT_EQ((*answer)[beast_http::field::access_control_allow_origin], "https://ui.example");
  EXPECT_NE((*answer)[beast_http::field::access_control_allow_methods].find("POST"),
            boost::beast::string_view::npos);
  EXPECT_NE((*answer)[beast_http::field::access_control_allow_headers].find("Authorization"),
            boost::beast::string_view::npos);
  EXPECT_EQ((*answer)[beast_http::field::access_control_max_age], "60");
  EXPECT_EQ((*answer)[beast_http::field::vary], "Origin");
}

TEST(Cors, PreflightFromAnotherOriginIsRefusedWithoutAllowance) {
  CorsPolicy cors{CorsSettings{{"https://ui.example"}}};
  auto answer = cors.preflight(preflightFrom("https://evil.example"));
  ASSERT_TRUE(answer.has_value());
  EXPECT_EQ(answer->result(), beast_http::status::forbidden);
  EXPECT_EQ(answer->find(beast_http::field::access_control_allow_origin), answer->end());
}

TEST(Cors, PlainOptionsIsNotAPreflight) {
  CorsPolicy cors{CorsSettings{{"*"}}};
  Request r{beast_http::verb::options, "/api/v1/devices", 11};
  r.set(beast_http::field::origin, "https://ui.example");
  EXPECT_FALSE(cors.preflight(r).has_value());  // no Access-Control-Request-Method
}

TEST(Cors, ResponsesToAListedOriginCarryTheAllowance) {
  CorsPolicy cors{CorsSettings{{"https://ui.example"}}};
  Request get{beast_http::verb::get, "/api/v1/devices", 11};
  get.set(beast_http::field::origin, "https://ui.example");
  beast_http::fields response;
  cors.allowOrigin(get, response);
  EXPECT_EQ(response[beast_http::field::access_control_allow_origin], "https://ui.example");
  EXPECT_EQ(response[beast_http::field::access_control_expose_headers], "Location, Retry-After");

  get.set(beast_http::field::origin, "https://other.example");
  beast_http::fields other;
  cors.allowOrigin(get, other);
  EXPECT_EQ(other.find(beast_http::field::access_control_allow_origin), other.end());
}

}  // namespace
}  // namespace lwm2m::bridges::http
