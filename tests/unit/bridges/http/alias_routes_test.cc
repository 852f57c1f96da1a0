// The mapping's HTTP aliases as REST routes: URL decoding, refusals with
// their HTTP status, answers with content type and status.
#include "bridges/http/alias_routes.h"

#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include "mapping/rule_loader.h"

namespace lwm2m::bridges::http {
namespace {

namespace beast_http = boost::beast::http;
using beast_http::status;

const model::ObjectModel& objectModel() {
  static const model::ObjectModel kModel = model::ObjectModel::builtIn();
  return kModel;
}

std::shared_ptr<const mapping::RuleSet> rules() {
  static const auto kRules = [] {
    auto loaded = mapping::parseRules(R"(
http:
  - method: GET
    path: "/api/v1/sites/{endpoint}/temperature"
    operation: read
    target: "/3303/0/5700"
    payload: value
  - method: PUT
    path: "/api/v1/sites/{endpoint}/temperature"
    operation: write
    target: "/3303/0/5750"
    payload: value
  - method: POST
    path: "/api/v1/sites/{endpoint}/read?path={path}"
    operation: read
    target: "{path}"
    payload: json
  - method: POST
    path: "/api/v1/sites/{endpoint}/sensors"
    operation: create
    target: "/3303"
    payload: json
)",
                                      "aliases.yaml", objectModel());
    EXPECT_TRUE(loaded.ok()) << (loaded.ok() ? "" : loaded.error().message);
    return std::make_shared<const mapping::RuleSet>(loaded.ok() ? *loaded : mapping::RuleSet());
  }();
  return kRules;
}

Request request(beast_http::verb verb, std::string target, std::string body = {}) {
  Request r{verb, target, 11};
  r.body() = std::move(body);
  r.prepare_payload();
  return r;
}

class AliasRoutesTest : public ::testing::Test {
 protected:
  AliasRoutesTest() : routes_(objectModel()) { routes_.setRules(rules()); }

  AliasCall accepted(const Request& r) {
    auto matched = routes_.match(r);
    if (!matched || !std::holds_alternative<AliasCall>(*matched)) {
      ADD_FAILURE() << "not accepted: "
                    << (matched ? std::get<Response>(*matched).body() : std::string("no alias"));
      return AliasCall{};
    }
    return std::get<AliasCall>(*matched);
  }

  Response refused(const Request& r) {
    auto matched = routes_.match(r);
    if (!matched || !std::holds_alternative<Response>(*matched)) {
      ADD_FAILURE() << (matched ? "accepted" : "no alias");
      return Response{};
    }
    return std::get<Response>(*matched);
  }

  AliasRoutes routes_;
};

TEST_F(AliasRoutesTest, DecodesEndpointAndQueryFromTheUrl) {
  AliasCall call = accepted(request(beast_http::verb::get, "/api/v1/sites/hall%2F7/temperature/"));
  EXPECT_EQ(call.matched.command.endpoint, "hall/7");
  EXPECT_EQ(call.matched.command.request.path.toString(), "/3303/0/5700");
  EXPECT_EQ(call.version, 11u);
  EXPECT_TRUE(call.keepAlive);

  AliasCall read = accepted(request(beast_http::verb::post, "/api/v1/sites/s1/read?timeout=5&path=%2F3%2F0%2F1"));
  EXPECT_EQ(read.matched.command.request.path.toString(), "/3/0/1");
}

TEST_F(AliasRoutesTest, LeavesOtherPathsToTheRouter) {
  EXPECT_FALSE(routes_.match(request(beast_http::verb::get, "/api/v1/sites/s1/humidity")).has_value());
  EXPECT_FALSE(routes_.match(request(beast_http::verb::get, "/health")).has_value());
  AliasRoutes empty(objectModel());
  EXPECT_FALSE(empty.match(request(beast_http::verb::get, "/api/v1/sites/s1/temperature")).has_value());
}

TEST_F(AliasRoutesTest, RefusesWithStatusAndAReason) {
  Response method = refused(request(beast_http::verb::delete_, "/api/v1/sites/s1/temperature"));
  EXPECT_EQ(method.result(), status::method_not_allowed);
  EXPECT_EQ(method[beast_http::field::allow], "GET, PUT");
  EXPECT_EQ(method[beast_http::field::content_type], "application/json");
  EXPECT_EQ(method.body(), R"x({"error":"method DELETE is not allowed here (allowed: GET, PUT)"})x");

  Response escape = refused(request(beast_http::verb::get, "/api/v1/sites/s%G1/temperature"));
  EXPECT_EQ(escape.result(), status::bad_request);
  EXPECT_EQ(escape.body(), R"({"error":"malformed percent-escape in 's%G1'"})");

  Response query = refused(request(beast_http::verb::post, "/api/v1/sites/s1/read"));
  EXPECT_EQ(query.result(), status::bad_request);
  EXPECT_EQ(query.body(), R"x({"error":"missing query parameter 'path' (/api/v1/sites/{endpoint}/read?path={path})"})x");

  Response path = refused(request(beast_http::verb::post, "/api/v1/sites/s1/read?path=%2F99999"));
  EXPECT_EQ(path.result(), status::bad_request);

  Response body = refused(request(beast_http::verb::post, "/api/v1/sites/s1/sensors", R"({"values":{"5700":"hot"}})"));
  EXPECT_EQ(body.result(), status::bad_request);
  EXPECT_NE(body.body().find("5700"), std::string::npos) << body.body();
}

TEST_F(AliasRoutesTest, AnswersWithTheStyleAndTheDeviceOutcome) {
  const auto at = std::chrono::system_clock::time_point(std::chrono::seconds(1700000000));
  AliasCall read = accepted(request(beast_http::verb::get, "/api/v1/sites/s1/temperature"));
  operations::DeviceResponse content;
  content.code = "2.05";
  content.node = model::Resource::single(5700, model::Value::floating(21.5));
  Response ok = renderAliasResult(read, content, objectModel(), at);
  EXPECT_EQ(ok.result(), status::ok);
  EXPECT_EQ(ok[beast_http::field::content_type], "text/plain");
  EXPECT_EQ(ok.body(), "21.5");

  operations::DeviceResponse missing;
  missing.outcome = operations::Outcome::DeviceError;
  missing.code = "4.04";
  Response notFound = renderAliasResult(read, missing, objectModel(), at);
  EXPECT_EQ(notFound.result(), status::not_found);
  rapidjson::Document doc;
  doc.Parse(notFound.body().c_str());
  ASSERT_TRUE(doc.IsObject()) << notFound.body();
  EXPECT_STREQ(doc["code"].GetString(), "4.04");
  EXPECT_STREQ(doc["status"].GetString(), "not_found");

  EXPECT_EQ(renderAliasResult(read, operations::DeviceResponse::failure(operations::Outcome::Timeout, "no answer"),
                              objectModel(), at)
                .result(),
            status::gateway_timeout);
  EXPECT_EQ(renderAliasResult(read, operations::DeviceResponse::failure(operations::Outcome::NotRegistered, "x"),
                              objectModel(), at)
                .result(),
            status::not_found);

  AliasCall write = accepted(request(beast_http::verb::put, "/api/v1/sites/s1/temperature", "attic"));
  operations::DeviceResponse changed;
  changed.code = "2.04";
  Response noContent = renderAliasResult(write, changed, objectModel(), at);
  EXPECT_EQ(noContent.result(), status::no_content);
  EXPECT_TRUE(noContent.body().empty());

  AliasCall create = accepted(request(beast_http::verb::post, "/api/v1/sites/s1/sensors", R"({"instance":4})"));
  operations::DeviceResponse created;
  created.code = "2.01";
  EXPECT_EQ(renderAliasResult(create, created, objectModel(), at).result(), status::created);
}

TEST(AnswerStatus, MapsDeviceCodesAsRfc8075) {
  auto of = [](std::string code) {
    mapping::HttpAnswer a;
    a.outcome = operations::Outcome::DeviceError;
    a.code = std::move(code);
    a.body = "{}";
    return answerStatus(a);
  };
  EXPECT_EQ(of("4.00"), status::bad_request);
  EXPECT_EQ(of("4.01"), status::forbidden);
  EXPECT_EQ(of("4.05"), status::bad_request);
  EXPECT_EQ(of("4.13"), status::payload_too_large);
  EXPECT_EQ(of("4.99"), status::bad_request);
  EXPECT_EQ(of("5.03"), status::service_unavailable);
  EXPECT_EQ(of("5.05"), status::bad_gateway);
  EXPECT_EQ(of(""), status::bad_gateway);
}

}  // namespace
}  // namespace lwm2m::bridges::http
