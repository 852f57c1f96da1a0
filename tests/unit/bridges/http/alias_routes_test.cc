// The mapping's HTTP aliases through the router, with a fake DeviceOps and
// the device's answers fed as events: URL decoding, refusals with their HTTP
// status, answers in the alias's style with the status of the resource
// routes, sleeping devices, and rules that change under the router.
#include "bridges/http/alias_routes.h"

#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <boost/asio/io_context.hpp>

#include "bridges/http/api_router.h"
#include "bridges/http/command_routes.h"
#include "mapping/rule_loader.h"
#include "tests/unit/bridges/http/fake_directory.h"

namespace lwm2m::bridges::http {
namespace {

namespace beast_http = boost::beast::http;
namespace api = gateway::api;
using beast_http::status;
using testing::device;

const auto kNow = std::chrono::system_clock::time_point(std::chrono::seconds(1'700'000'000));

constexpr const char* kRules = R"(
http:
  - method: GET
    path: "/api/v1/sites/{endpoint}/temperature"
    operation: read
    target: "/3303/0/5700"
    payload: value
    transform: {scale: 2}
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
)";

std::shared_ptr<const mapping::RuleSet> load(const char* text, const model::ObjectModel& model) {
  auto loaded = mapping::parseRules(text, "aliases.yaml", model);
  EXPECT_TRUE(loaded.ok()) << (loaded.ok() ? "" : loaded.error().message);
  return std::make_shared<const mapping::RuleSet>(loaded.ok() ? *loaded : mapping::RuleSet());
}

class AliasRoutesTest : public ::testing::Test {
 protected:
  AliasRoutesTest() {
    directory_.list = {device("s1", "r1"), device("sleepy", "r2"), device("hall/7", "r3")};
    directory_.list[1].queueMode = true;
    rules_ = load(kRules, *model_.current());
    RestServices s;
    s.devices = &directory_;
    s.health = [] { return api::HealthReport{}; };
    s.commands = &ops_;
    s.model = &model_;
    s.aliases = [this] { return rules_; };
    router_ = std::make_unique<ApiRouter>(io_.get_executor(), s);
  }

  // Sends a request; the answer, if it came at once.
  std::optional<Response> call(beast_http::verb verb, const std::string& target, const std::string& body = {}) {
    Request request{verb, target, 11};
    request.body() = body;
    answer_.reset();
    router_->handle(request, [this](Response r) { answer_ = std::move(r); });
    return answer_;
  }

  // The device answers the last submitted request, "q<n>".
  void answer(operations::DeviceResponse response, std::optional<model::Node> node = {}) {
    const api::Command& c = ops_.submitted.back();
    const std::string id = "q" + std::to_string(ops_.submitted.size());
    api::DeviceEvent queued{api::DeviceEventKind::Queued, directory_.list[0], kNow,
                            api::CommandInfo{id, c.request, {}, {}, {}}};
    queued.device.endpoint = c.endpoint;
    router_->onDeviceEvent(queued);
    api::DeviceEvent done = queued;
    done.kind = api::DeviceEventKind::Response;
    done.command->response = std::move(response);
    if (node) done.values.push_back({std::nullopt, {{c.request.path, *node}}});
    router_->onDeviceEvent(done);
  }

  static operations::DeviceResponse code(std::string c, operations::Outcome outcome = operations::Outcome::Success) {
    operations::DeviceResponse r;
    r.outcome = outcome;
    r.code = std::move(c);
    return r;
  }

  boost::asio::io_context io_;
  testing::FakeDirectory directory_;
  testing::FakeDeviceOps ops_;
  model::ModelSource model_{model::ObjectModel::builtIn()};
  std::shared_ptr<const mapping::RuleSet> rules_;
  std::unique_ptr<ApiRouter> router_;
  std::optional<Response> answer_;
};

TEST_F(AliasRoutesTest, ReadWaitsAndAnswersInTheAliasStyleWithItsTransform) {
  EXPECT_FALSE(call(beast_http::verb::get, "/api/v1/sites/s1/temperature"));
  ASSERT_EQ(ops_.submitted.size(), 1u);
  EXPECT_EQ(ops_.submitted[0].endpoint, "s1");
  EXPECT_EQ(ops_.submitted[0].request.path, model::Path(3303, 0, 5700));
  answer(code("2.05"), model::Resource::single(5700, model::Value::floating(21.5)));
  ASSERT_TRUE(answer_);
  EXPECT_EQ(answer_->result(), status::ok);
  EXPECT_EQ((*answer_)[beast_http::field::content_type], "text/plain");
  EXPECT_EQ(answer_->body(), "43.0");  // a Float keeps its point in the value style
}

TEST_F(AliasRoutesTest, DecodesEndpointAndQueryAndTakesTheControlParameters) {
  EXPECT_FALSE(call(beast_http::verb::get, "/api/v1/sites/hall%2F7/temperature"));
  EXPECT_EQ(ops_.submitted.back().endpoint, "hall/7");
  EXPECT_FALSE(call(beast_http::verb::post, "/api/v1/sites/s1/read?timeout=5&path=%2F3%2F0%2F1"));
  EXPECT_EQ(ops_.submitted.back().request.path, model::Path(3, 0, 1));
  EXPECT_EQ(ops_.submitted.back().request.timeout, std::chrono::seconds(5));
  auto bad = call(beast_http::verb::post, "/api/v1/sites/s1/read?timeout=soon&path=%2F3%2F0%2F1");
  ASSERT_TRUE(bad);
  EXPECT_EQ(bad->result(), status::bad_request);
  EXPECT_NE(bad->body().find("timeout"), std::string::npos) << bad->body();
}

TEST_F(AliasRoutesTest, SleepingDeviceOrAsyncGets202WithTheRequestResource) {
  router_->onDeviceEvent({api::DeviceEventKind::Asleep, directory_.list[1], kNow, std::nullopt});
  auto queued = call(beast_http::verb::get, "/api/v1/sites/sleepy/temperature");
  ASSERT_TRUE(queued);
  EXPECT_EQ(queued->result(), status::accepted);
  EXPECT_EQ((*queued)[beast_http::field::location], "/api/v1/requests/q1");
  auto async = call(beast_http::verb::get, "/api/v1/sites/s1/temperature?async");
  ASSERT_TRUE(async);
  EXPECT_EQ(async->result(), status::accepted);
}

TEST_F(AliasRoutesTest, RefusesWithStatusAndAReasonAndSendsNothing) {
  auto method = call(beast_http::verb::delete_, "/api/v1/sites/s1/temperature");
  ASSERT_TRUE(method);
  EXPECT_EQ(method->result(), status::method_not_allowed);
  EXPECT_EQ((*method)[beast_http::field::allow], "GET, PUT");

  auto query = call(beast_http::verb::post, "/api/v1/sites/s1/read");
  ASSERT_TRUE(query);
  EXPECT_EQ(query->result(), status::bad_request);
  EXPECT_EQ(query->body(), R"x({"error":"missing query parameter 'path' (/api/v1/sites/{endpoint}/read?path={path})"})x");

  auto body = call(beast_http::verb::post, "/api/v1/sites/s1/sensors", R"({"values":{"5700":"hot"}})");
  ASSERT_TRUE(body);
  EXPECT_EQ(body->result(), status::bad_request);
  EXPECT_NE(body->body().find("5700"), std::string::npos) << body->body();

  auto unknown = call(beast_http::verb::get, "/api/v1/sites/nobody/temperature");
  ASSERT_TRUE(unknown);
  EXPECT_EQ(unknown->result(), status::not_found);
  EXPECT_TRUE(ops_.submitted.empty());
}

TEST_F(AliasRoutesTest, OtherPathsAreTheRoutersAndRulesFollowAReload) {
  auto other = call(beast_http::verb::get, "/api/v1/sites/s1/humidity");
  ASSERT_TRUE(other);
  EXPECT_EQ(other->result(), status::not_found);
  EXPECT_NE(other->body().find("no such resource"), std::string::npos);
  rules_ = load("uplink: []\n", *model_.current());
  auto gone = call(beast_http::verb::get, "/api/v1/sites/s1/temperature");
  ASSERT_TRUE(gone);
  EXPECT_EQ(gone->result(), status::not_found);
}

TEST_F(AliasRoutesTest, OutcomesHaveTheStatusOfTheResourceRoutes) {
  call(beast_http::verb::get, "/api/v1/sites/s1/temperature");
  answer(code("4.04", operations::Outcome::DeviceError));
  ASSERT_TRUE(answer_);
  EXPECT_EQ(answer_->result(), status::not_found);
  rapidjson::Document doc;
  doc.Parse(answer_->body().c_str());
  ASSERT_TRUE(doc.IsObject()) << answer_->body();
  EXPECT_STREQ(doc["code"].GetString(), "4.04");

  call(beast_http::verb::get, "/api/v1/sites/s1/temperature");
  answer(code("4.05", operations::Outcome::DeviceError));
  EXPECT_EQ(answer_->result(), status::method_not_allowed);

  call(beast_http::verb::put, "/api/v1/sites/s1/temperature", "attic");
  EXPECT_EQ(ops_.submitted.back().request.operation, operations::Operation::WriteReplace);
  answer(code("2.04"));
  EXPECT_EQ(answer_->result(), status::no_content);
  EXPECT_TRUE(answer_->body().empty());

  call(beast_http::verb::post, "/api/v1/sites/s1/sensors", R"({"instance":4})");
  auto created = code("2.01");
  created.createdPath = model::Path(3303, 4);
  answer(created);
  EXPECT_EQ(answer_->result(), status::created);
  EXPECT_EQ((*answer_)[beast_http::field::location], "/api/v1/devices/s1/3303/4");
}

TEST(StatusOf, MapsDeviceCodesOnceForResourcesAndAliases) {
  auto of = [](std::string c) {
    operations::DeviceResponse r;
    r.outcome = operations::Outcome::DeviceError;
    r.code = std::move(c);
    return statusOf(r);
  };
  EXPECT_EQ(of("4.00"), status::bad_request);
  EXPECT_EQ(of("4.01"), status::forbidden);
  EXPECT_EQ(of("4.05"), status::method_not_allowed);
  EXPECT_EQ(of("4.09"), status::conflict);
  EXPECT_EQ(of("4.13"), status::payload_too_large);
  EXPECT_EQ(of("4.22"), status::unprocessable_entity);
  EXPECT_EQ(of("4.29"), status::too_many_requests);
  EXPECT_EQ(of("4.99"), status::bad_request);
  EXPECT_EQ(of("5.03"), status::bad_gateway);
}

}  // namespace
}  // namespace lwm2m::bridges::http
