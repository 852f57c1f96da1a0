#include "bridges/http/api_router.h"

#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <boost/asio/io_context.hpp>

#include "bridges/http/rest_target.h"

#include "tests/unit/bridges/http/fake_directory.h"

namespace lwm2m::bridges::http {
namespace {

namespace beast_http = boost::beast::http;
using testing::FakeDirectory;
using testing::device;

class ApiRouterTest : public ::testing::Test {
 protected:
  ApiRouterTest() : router_(io_.get_executor(), services()) {
    directory_.list = {device("a b/c", "r1"), device("sensor-2", "r2")};
  }

  RestServices services() {
    RestServices s;
    s.devices = &directory_;
    s.health = [] { return gateway::api::HealthReport{"9.9.9", std::chrono::seconds(61), 2, true}; };
    return s;
  }

  Response get(std::string target, beast_http::verb verb = beast_http::verb::get) {
    Request request{verb, target, 11};
    std::optional<Response> answer;
    router_.handle(request, [&](Response r) { answer = std::move(r); });
    EXPECT_TRUE(answer.has_value()) << target << ": no answer";
    return answer ? std::move(*answer) : Response{};
  }

  static rapidjson::Document json(const Response& response) {
    rapidjson::Document doc;
    doc.Parse(response.body().c_str());
    EXPECT_FALSE(doc.HasParseError()) << response.body();
    EXPECT_EQ(response[beast_http::field::content_type], "application/json");
    return doc;
  }

  boost::asio::io_context io_;
  FakeDirectory directory_;
  ApiRouter router_;
};

TEST_F(ApiRouterTest, ListsEveryDevice) {
  auto response = get("/api/v1/devices");
  EXPECT_EQ(response.result(), beast_http::status::ok);
  auto doc = json(response);
  ASSERT_TRUE(doc["devices"].IsArray());
  ASSERT_EQ(doc["devices"].Size(), 2u);
  EXPECT_STREQ(doc["devices"][0]["endpoint"].GetString(), "a b/c");
  EXPECT_STREQ(doc["devices"][1]["registrationId"].GetString(), "r2");
  EXPECT_EQ(doc["devices"][1]["objects"].Size(), 2u);
}

TEST_F(ApiRouterTest, EmptyListIsAnEmptyArray) {
  directory_.list.clear();
  auto doc = json(get("/api/v1/devices/"));
  ASSERT_TRUE(doc["devices"].IsArray());
  EXPECT_EQ(doc["devices"].Size(), 0u);
}

TEST_F(ApiRouterTest, FindsOneDeviceByPercentEncodedEndpoint) {
  auto response = get("/api/v1/devices/a%20b%2Fc?verbose=1");
  EXPECT_EQ(response.result(), beast_http::status::ok);
  auto doc = json(response);
  EXPECT_STREQ(doc["endpoint"].GetString(), "a b/c");
  EXPECT_STREQ(doc["registrationId"].GetString(), "r1");
  EXPECT_STREQ(doc["lwm2m"].GetString(), "1.1");
}

TEST_F(ApiRouterTest, UnknownDeviceIs404WithItsName) {
  auto response = get("/api/v1/devices/nobody");
  EXPECT_EQ(response.result(), beast_http::status::not_found);
  EXPECT_STREQ(json(response)["error"].GetString(), "device 'nobody' is not registered");
}

TEST_F(ApiRouterTest, MalformedEscapeIs400) {
  auto response = get("/api/v1/devices/bad%2");
  EXPECT_EQ(response.result(), beast_http::status::bad_request);
  EXPECT_NE(std::string(json(response)["error"].GetString()).find("percent-encoding"),
            std::string::npos);
}

TEST_F(ApiRouterTest, WithoutCommandsTheResourceUrlsAreNotThere) {
  auto response = get("/api/v1/devices/sensor-2/3/0/0");
  EXPECT_EQ(response.result(), beast_http::status::not_found);
}

TEST_F(ApiRouterTest, HealthReportsTheSnapshot) {
  auto response = get("/health");
  EXPECT_EQ(response.result(), beast_http::status::ok);
  auto doc = json(response);
  EXPECT_STREQ(doc["status"].GetString(), "ok");
  EXPECT_STREQ(doc["version"].GetString(), "9.9.9");
  EXPECT_EQ(doc["uptime"].GetInt(), 61);
  EXPECT_EQ(doc["devices"].GetInt(), 2);
  EXPECT_STREQ(doc["mqtt"].GetString(), "connected");
}

TEST_F(ApiRouterTest, UnknownPathIs404Json) {
  for (const char* target : {"/", "/api/v1", "/api/v1/devicesX", "/api/v1/devices/a/b"}) {
    auto response = get(target);
    EXPECT_EQ(response.result(), beast_http::status::not_found) << target;
    EXPECT_TRUE(json(response)["error"].IsString()) << target;
  }
}

TEST_F(ApiRouterTest, WrongMethodIs405WithAllow) {
  for (const char* target : {"/api/v1/devices", "/api/v1/devices/sensor-2", "/health"}) {
    auto response = get(target, beast_http::verb::delete_);
    EXPECT_EQ(response.result(), beast_http::status::method_not_allowed) << target;
    EXPECT_EQ(response[beast_http::field::allow], "GET");
    EXPECT_NE(std::string(json(response)["error"].GetString()).find("DELETE"), std::string::npos);
  }
}

TEST(PercentDecode, DecodesEscapesAndRejectsBrokenOnes) {
  EXPECT_EQ(percentDecode("plain"), "plain");
  EXPECT_EQ(percentDecode("%41%62+%2f"), "Ab+/");
  EXPECT_EQ(percentDecode("%e2%82%ac"), "\xe2\x82\xac");
  EXPECT_FALSE(percentDecode("%").has_value());
  EXPECT_FALSE(percentDecode("%4").has_value());
  EXPECT_FALSE(percentDecode("%zz").has_value());
}

}  // namespace
}  // namespace lwm2m::bridges::http
