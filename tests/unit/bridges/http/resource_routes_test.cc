// The REST resource URLs through the router, with a fake DeviceOps and the
// device's answers fed as events: what a REST client sees for every
// operation, for a sleeping device, for the request resource, for cached
// values, and for each kind of bad input (nothing is sent for those).
#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <boost/asio/io_context.hpp>

#include "bridges/http/api_router.h"
#include "bridges/http/request_tracker.h"
#include "tests/unit/bridges/http/fake_directory.h"

namespace lwm2m::bridges::http {
namespace {

namespace beast_http = boost::beast::http;
namespace api = gateway::api;
using operations::Operation;
using testing::device;

class FakeValues : public api::LatestValues {
 public:
  std::vector<api::LatestValue> list;
  std::vector<api::LatestValue> latest(std::string_view endpoint, const model::Path& under) const override {
    std::vector<api::LatestValue> out;
    if (endpoint != "sensor-2") return out;
    for (const auto& v : list) {
      if (under.covers(v.path)) out.push_back(v);
    }
    return out;
  }
};

const auto kResourceNow = std::chrono::system_clock::time_point(std::chrono::seconds(1'800'000'000));

class ResourceRoutesTest : public ::testing::Test {
 protected:
  ResourceRoutesTest() {
    directory_.list = {device("sensor-2", "r2"), device("sleepy", "r3")};
    directory_.list[1].queueMode = true;
    RestServices s;
    s.devices = &directory_;
    s.health = [] { return api::HealthReport{}; };
    s.commands = &ops_;
    s.model = &model_;
    s.values = &values_;
    s.now = [] { return kResourceNow; };
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

  static rapidjson::Document json(const Response& response) {
    rapidjson::Document doc;
    doc.Parse(response.body().c_str());
    EXPECT_TRUE(doc.IsObject()) << response.body();
    return doc;
  }

  // The device answers request `id` (the last submitted one).
  void answer(const std::string& id, operations::DeviceResponse response, std::optional<model::Node> node = {}) {
    const api::Command& c = ops_.submitted.back();
    api::DeviceEvent queued{api::DeviceEventKind::Queued, directory_.list[0], kResourceNow, api::CommandInfo{id, c.request, {}, {}, {}}};
    queued.device.endpoint = c.endpoint;
    router_->onDeviceEvent(queued);
    api::DeviceEvent done = queued;
    done.kind = api::DeviceEventKind::Response;
    done.command->response = std::move(response);
    if (node) done.values.push_back({std::nullopt, {{c.request.path, *node}}});
    router_->onDeviceEvent(done);
  }

  static operations::DeviceResponse ok(std::string code, std::string name) {
    operations::DeviceResponse r;
    r.code = std::move(code);
    r.codeName = std::move(name);
    return r;
  }

  boost::asio::io_context io_;
  testing::FakeDirectory directory_;
  testing::FakeDeviceOps ops_;
  FakeValues values_;
  model::ModelSource model_{model::ObjectModel::builtIn()};
  std::unique_ptr<ApiRouter> router_;
  std::optional<Response> answer_;
};

TEST_F(ResourceRoutesTest, ReadWaitsForTheDeviceAndAnswersItsTypedValues) {
  EXPECT_FALSE(call(beast_http::verb::get, "/api/v1/devices/sensor-2/3303/0/5700"));
  ASSERT_EQ(ops_.submitted.size(), 1u);
  EXPECT_EQ(ops_.submitted[0].endpoint, "sensor-2");
  EXPECT_EQ(ops_.submitted[0].request.operation, Operation::Read);
  EXPECT_EQ(ops_.submitted[0].request.path, model::Path(3303, 0, 5700));
  EXPECT_EQ(ops_.submitted[0].request.timeout, std::nullopt);  // the device waits lwm2m.request_timeout_s

  answer("q1", ok("2.05", "content"), model::Resource::single(5700, model::Value::floating(21.5)));
  ASSERT_TRUE(answer_);
  EXPECT_EQ(answer_->result(), beast_http::status::ok);
  auto doc = json(*answer_);
  EXPECT_STREQ(doc["code"].GetString(), "2.05");
  EXPECT_STREQ(doc["requestId"].GetString(), "q1");
  EXPECT_STREQ(doc["operation"].GetString(), "read");
  ASSERT_EQ(doc["values"].Size(), 1u);
  EXPECT_STREQ(doc["values"][0]["path"].GetString(), "/3303/0/5700");
  EXPECT_DOUBLE_EQ(doc["values"][0]["value"].GetDouble(), 21.5);
}

TEST_F(ResourceRoutesTest, EachMethodIsItsOperation) {
  struct Case {
    beast_http::verb verb;
    std::string target, body;
    Operation operation;
  };
  const std::vector<Case> cases = {
      {beast_http::verb::put, "/3/0/14", R"({"value":"+02:00"})", Operation::WriteReplace},
      {beast_http::verb::patch, "/3311/0", R"({"values":{"5850":true}})", Operation::WriteUpdate},
      {beast_http::verb::post, "/3/0/4", "0='now'", Operation::Execute},
      {beast_http::verb::post, "/3311", R"({"instance":1,"values":{"5850":false}})", Operation::Create},
      {beast_http::verb::delete_, "/3311/1", "", Operation::Delete},
      {beast_http::verb::get, "/3303/0/discover", "", Operation::Discover},
      {beast_http::verb::post, "/3303/0/5700/observe", "", Operation::Observe},
      {beast_http::verb::delete_, "/3303/0/5700/observe", "", Operation::CancelObserve},
      {beast_http::verb::put, "/3303/0/5700/attributes?pmin=10&pmax=60", "", Operation::WriteAttributes},
      {beast_http::verb::post, "/composite/read", R"({"paths":["/3/0/0","/3303/0/5700"]})", Operation::ReadComposite},
      {beast_http::verb::post, "/composite/observe", R"({"paths":["/3303/0/5700"]})", Operation::ObserveComposite},
      {beast_http::verb::delete_, "/composite/observe", R"({"paths":["/3303/0/5700"]})", Operation::CancelObserveComposite},
      {beast_http::verb::post, "/composite/write", R"({"values":{"/3/0/14":"+01:00"}})", Operation::WriteComposite},
  };
  for (const Case& c : cases) {
    const auto before = ops_.submitted.size();
    auto at = call(c.verb, "/api/v1/devices/sensor-2" + c.target, c.body);
    ASSERT_FALSE(at) << c.target << " answered at once: " << at->body();
    ASSERT_EQ(ops_.submitted.size(), before + 1) << c.target;
    EXPECT_EQ(ops_.submitted.back().request.operation, c.operation) << c.target;
  }
  EXPECT_EQ(ops_.submitted[2].request.arguments, "0='now'");
  EXPECT_EQ(ops_.submitted[8].request.attributes.minPeriod, 10u);
  EXPECT_EQ(ops_.submitted[8].request.attributes.maxPeriod, 60u);
  EXPECT_EQ(ops_.submitted[9].request.paths.size(), 2u);
}

TEST_F(ResourceRoutesTest, CreateAnswers201WithTheNewInstancesLocation) {
  call(beast_http::verb::post, "/api/v1/devices/sensor-2/3311", R"({"values":{"5850":true}})");
  auto created = ok("2.01", "created");
  created.createdPath = model::Path(3311, 4);
  answer("q1", created);
  ASSERT_TRUE(answer_);
  EXPECT_EQ(answer_->result(), beast_http::status::created);
  EXPECT_EQ((*answer_)[beast_http::field::location], "/api/v1/devices/sensor-2/3311/4");
  EXPECT_STREQ(json(*answer_)["location"].GetString(), "/3311/4");
}

TEST_F(ResourceRoutesTest, DeviceErrorsBecomeHttpStatusesWithTheCoapCode) {
  const std::vector<std::pair<std::string, beast_http::status>> codes = {
      {"4.04", beast_http::status::not_found},
      {"4.05", beast_http::status::method_not_allowed},
      {"4.00", beast_http::status::bad_request},
      {"5.00", beast_http::status::bad_gateway}};
  int n = 0;
  for (const auto& [code, status] : codes) {
    call(beast_http::verb::get, "/api/v1/devices/sensor-2/3/0/0");
    operations::DeviceResponse failed = ok(code, "x");
    failed.outcome = operations::Outcome::DeviceError;
    answer("q" + std::to_string(++n), failed);
    ASSERT_TRUE(answer_) << code;
    EXPECT_EQ(answer_->result(), status) << code;
    auto doc = json(*answer_);
    EXPECT_STREQ(doc["code"].GetString(), code.c_str());
    EXPECT_TRUE(doc["error"].IsString()) << answer_->body();
  }
  call(beast_http::verb::get, "/api/v1/devices/sensor-2/3/0/0");
  answer("q5", operations::DeviceResponse::failure(operations::Outcome::Timeout, "no answer within 30 s"));
  EXPECT_EQ(answer_->result(), beast_http::status::gateway_timeout);
  EXPECT_STREQ(json(*answer_)["status"].GetString(), "timeout");
}

TEST_F(ResourceRoutesTest, AsyncAndSleepingDevicesGet202WithTheRequestResource) {
  auto async = call(beast_http::verb::get, "/api/v1/devices/sensor-2/3/0/0?async");
  ASSERT_TRUE(async);
  EXPECT_EQ(async->result(), beast_http::status::accepted);
  EXPECT_EQ((*async)[beast_http::field::location], "/api/v1/requests/q1");
  EXPECT_STREQ(json(*async)["state"].GetString(), "queued");

  // Awake queue-mode device: it waits; asleep: 202 at once.
  EXPECT_FALSE(call(beast_http::verb::get, "/api/v1/devices/sleepy/3/0/0"));
  api::DeviceEvent asleep{api::DeviceEventKind::Asleep, directory_.list[1], kResourceNow, std::nullopt};
  router_->onDeviceEvent(asleep);
  auto queued = call(beast_http::verb::get, "/api/v1/devices/sleepy/3/0/0");
  ASSERT_TRUE(queued);
  EXPECT_EQ(queued->result(), beast_http::status::accepted);
  EXPECT_EQ((*queued)[beast_http::field::location], "/api/v1/requests/q3");
}

TEST_F(ResourceRoutesTest, RequestResourceShowsTheStateAndTheResult) {
  call(beast_http::verb::get, "/api/v1/devices/sensor-2/3/0/0?async=true");
  const api::Command& c = ops_.submitted.back();
  router_->onDeviceEvent({api::DeviceEventKind::Queued, directory_.list[0], kResourceNow, api::CommandInfo{"q1", c.request, {}, {}, {}}});
  ops_.waiting = {{"q1", c, kResourceNow, kResourceNow + std::chrono::hours(1), true}};
  auto inFlight = call(beast_http::verb::get, "/api/v1/requests/q1");
  ASSERT_TRUE(inFlight);
  EXPECT_STREQ(json(*inFlight)["state"].GetString(), "in-flight");
  EXPECT_STREQ(json(*inFlight)["command"]["path"].GetString(), "/3/0/0");
  EXPECT_FALSE(json(*inFlight).HasMember("result"));

  ops_.waiting.clear();
  answer("q1", ok("2.05", "content"), model::Resource::single(0, model::Value::string("Acme")));
  auto done = call(beast_http::verb::get, "/api/v1/requests/q1");
  auto doc = json(*done);
  EXPECT_STREQ(doc["state"].GetString(), "done");
  EXPECT_STREQ(doc["result"]["values"][0]["value"].GetString(), "Acme");
  EXPECT_EQ(call(beast_http::verb::delete_, "/api/v1/requests/q1")->result(), beast_http::status::conflict);
  EXPECT_TRUE(ops_.cancelled.empty());
  EXPECT_EQ(call(beast_http::verb::get, "/api/v1/requests/q9")->result(), beast_http::status::not_found);
}

TEST_F(ResourceRoutesTest, AnOlderFinishedRequestAnswersTheSameAsWhenItHadJustFinished) {
  call(beast_http::verb::get, "/api/v1/devices/sensor-2/3/0/0?async=true");
  answer("q1", ok("2.05", "content"), model::Resource::single(0, model::Value::string("Acme")));
  const std::string fresh = call(beast_http::verb::get, "/api/v1/requests/q1")->body();
  // Enough later requests finish that q1 is kept only as its JSON.
  for (std::size_t i = 0; i < RequestTracker::kRecentFinished + 2; ++i) {
    call(beast_http::verb::get, "/api/v1/devices/sensor-2/3/0/1?async=true");
    answer("later-" + std::to_string(i), ok("2.05", "content"), model::Resource::single(1, model::Value::string("x")));
  }
  auto old = call(beast_http::verb::get, "/api/v1/requests/q1");
  ASSERT_TRUE(old);
  EXPECT_EQ(old->result(), beast_http::status::ok);
  EXPECT_EQ(old->body(), fresh);
  EXPECT_STREQ(json(*old)["result"]["values"][0]["value"].GetString(), "Acme");
  auto refused = call(beast_http::verb::delete_, "/api/v1/requests/q1");
  EXPECT_EQ(refused->result(), beast_http::status::conflict);
  EXPECT_NE(refused->body().find("already finished (done)"), std::string::npos) << refused->body();
  EXPECT_TRUE(ops_.cancelled.empty());
}

TEST_F(ResourceRoutesTest, DeleteCancelsAQueuedRequest) {
  call(beast_http::verb::get, "/api/v1/devices/sensor-2/3/0/0?async");
  const api::Command& c = ops_.submitted.back();
  router_->onDeviceEvent({api::DeviceEventKind::Queued, directory_.list[0], kResourceNow, api::CommandInfo{"q1", c.request, {}, {}, {}}});
  auto cancelled = call(beast_http::verb::delete_, "/api/v1/requests/q1");
  EXPECT_EQ(cancelled->result(), beast_http::status::ok);
  EXPECT_EQ(ops_.cancelled, std::vector<std::string>{"q1"});
  ops_.cancelResult = fail(ErrorCode::InFlight, "request q1 is already with the device");
  EXPECT_EQ(call(beast_http::verb::delete_, "/api/v1/requests/q1")->result(), beast_http::status::conflict);
}

TEST_F(ResourceRoutesTest, CachedValuesAnswerWithoutTheDevice) {
  values_.list = {{model::Path(3303, 0, 5700), model::Value::floating(19.5), kResourceNow - std::chrono::seconds(12),
                   api::DeviceEventKind::Notification}};
  auto cached = call(beast_http::verb::get, "/api/v1/devices/sensor-2/3303/0/5700?cached");
  ASSERT_TRUE(cached);
  EXPECT_EQ(cached->result(), beast_http::status::ok);
  EXPECT_TRUE(ops_.submitted.empty());
  auto doc = json(*cached);
  EXPECT_DOUBLE_EQ(doc["values"][0]["value"].GetDouble(), 19.5);
  EXPECT_DOUBLE_EQ(doc["values"][0]["age_s"].GetDouble(), 12.0);
  EXPECT_STREQ(doc["values"][0]["source"].GetString(), "notification");
  EXPECT_EQ(json(*call(beast_http::verb::get, "/api/v1/devices/sensor-2/values"))["values"].Size(), 1u);
  EXPECT_EQ(call(beast_http::verb::get, "/api/v1/devices/sensor-2/3/0/0?cached")->result(), beast_http::status::not_found);
  EXPECT_EQ(call(beast_http::verb::get, "/api/v1/devices/nobody/values")->result(), beast_http::status::not_found);
}

TEST_F(ResourceRoutesTest, BadInputIsA4xxNamingTheProblemAndSendsNothing) {
  struct Case {
    beast_http::verb verb;
    std::string target, body;
    beast_http::status status;
    std::string says;
  };
  const std::vector<Case> cases = {
      {beast_http::verb::get, "/sensor-2/3/abc", "", beast_http::status::bad_request, "instance id 'abc' is not a number"},
      {beast_http::verb::get, "/sensor-2/3/0/x1", "", beast_http::status::bad_request, "resource id 'x1' is not a number"},
      {beast_http::verb::get, "/sensor-2/70000", "", beast_http::status::bad_request, "object id 70000 is out of range"},
      {beast_http::verb::get, "/sensor-2/3/65535", "", beast_http::status::bad_request, "out of range"},
      {beast_http::verb::get, "/sensor-2/3/0/7/0/1", "", beast_http::status::bad_request, "too deep"},
      {beast_http::verb::get, "/sensor-2/temperature", "", beast_http::status::bad_request, "neither an object id"},
      {beast_http::verb::get, "/sensor-2/composite/delete", "", beast_http::status::not_found, "no composite operation"},
      {beast_http::verb::get, "/sensor-2/3/0/observe/x", "", beast_http::status::not_found, "nothing lies below"},
      {beast_http::verb::get, "/nobody/3/0/0", "", beast_http::status::not_found, "device 'nobody' is not registered"},
      {beast_http::verb::put, "/sensor-2/3/0/14", "{nope", beast_http::status::bad_request, "bad JSON"},
      {beast_http::verb::put, "/sensor-2/3/0/14", "", beast_http::status::bad_request, "needs a value"},
      {beast_http::verb::put, "/sensor-2/3/0/13", R"({"value":"yesterday"})", beast_http::status::bad_request, "/3/0/13"},
      {beast_http::verb::put, "/sensor-2/3/0/14", R"({"path":"/3/0/15","value":"x"})", beast_http::status::bad_request, "\"path\" is given by"},
      {beast_http::verb::get, "/sensor-2/3/0/0?timeout=0", "", beast_http::status::bad_request, "timeout must be"},
      {beast_http::verb::get, "/sensor-2/3/0/0?timeout=abc", "", beast_http::status::bad_request, "timeout must be"},
      {beast_http::verb::get, "/sensor-2/3/0/0?format=xml", "", beast_http::status::bad_request, "unknown content format 'xml'"},
      {beast_http::verb::get, "/sensor-2/3/0/0?async=maybe", "", beast_http::status::bad_request, "async must be"},
      {beast_http::verb::post, "/sensor-2/composite/read", R"({"paths":"/3/0/0"})", beast_http::status::bad_request, "\"paths\" must be"},
      {beast_http::verb::get, "/sensor-2/99999/0", "", beast_http::status::bad_request, "out of range"},
      {beast_http::verb::get, "/sensor-2/3/0/0%zz", "", beast_http::status::bad_request, "percent-encoding"},
  };
  for (const Case& c : cases) {
    auto response = call(c.verb, "/api/v1/devices" + c.target, c.body);
    ASSERT_TRUE(response) << c.target;
    EXPECT_EQ(response->result(), c.status) << c.target << ": " << response->body();
    auto doc = json(*response);
    ASSERT_TRUE(doc.HasMember("error")) << response->body();
    EXPECT_NE(std::string(doc["error"].GetString()).find(c.says), std::string::npos)
        << c.target << ": " << doc["error"].GetString();
  }
  EXPECT_TRUE(ops_.submitted.empty());
}

TEST_F(ResourceRoutesTest, WrongMethodsAre405WithAllow) {
  const std::vector<std::tuple<beast_http::verb, std::string, std::string>> cases = {
      {beast_http::verb::put, "/3", "GET, POST"},
      {beast_http::verb::post, "/3/0", "GET, PUT, PATCH, DELETE"},
      {beast_http::verb::post, "/3/0/7/0", "GET, PUT, DELETE"},
      {beast_http::verb::post, "/3/0/discover", "GET"},
      {beast_http::verb::get, "/3/0/0/observe", "POST, DELETE"},
      {beast_http::verb::get, "/3/0/0/attributes", "PUT"},
      {beast_http::verb::get, "/composite/read", "POST"},
  };
  for (const auto& [verb, target, allow] : cases) {
    auto response = call(verb, "/api/v1/devices/sensor-2" + target);
    ASSERT_TRUE(response) << target;
    EXPECT_EQ(response->result(), beast_http::status::method_not_allowed) << target;
    EXPECT_EQ((*response)[beast_http::field::allow], allow) << target;
  }
  EXPECT_TRUE(ops_.submitted.empty());
}

TEST_F(ResourceRoutesTest, QueryChoosesFormatTimeoutAndTtl) {
  call(beast_http::verb::get, "/api/v1/devices/sensor-2/3/0?format=senml-json&timeout=5&ttl=600");
  ASSERT_EQ(ops_.submitted.size(), 1u);
  const auto& r = ops_.submitted[0].request;
  EXPECT_EQ(r.format, formats::kSenmlJson);
  EXPECT_EQ(r.timeout, std::chrono::seconds(5));
  EXPECT_EQ(r.ttl, std::chrono::seconds(600));
  call(beast_http::verb::get, "/api/v1/devices/sensor-2/3/0?format=11542");
  EXPECT_EQ(ops_.submitted[1].request.format, formats::kTlv);
}

TEST_F(ResourceRoutesTest, RefusedSubmissionsKeepTheirStatus) {
  ops_.refuse = fail(ErrorCode::QueueFull, "the queue of device sensor-2 is full (100 requests)");
  auto response = call(beast_http::verb::get, "/api/v1/devices/sensor-2/3/0/0");
  ASSERT_TRUE(response);
  EXPECT_EQ(response->result(), beast_http::status::too_many_requests);
}

TEST_F(ResourceRoutesTest, DeviceRequestsAreListedWithTheirLocation) {
  call(beast_http::verb::get, "/api/v1/devices/sensor-2/3/0/0?async");
  ops_.waiting = {{"q1", ops_.submitted[0], kResourceNow, kResourceNow + std::chrono::hours(1), false}};
  auto doc = json(*call(beast_http::verb::get, "/api/v1/devices/sensor-2/requests"));
  ASSERT_EQ(doc["requests"].Size(), 1u);
  EXPECT_STREQ(doc["requests"][0]["location"].GetString(), "/api/v1/requests/q1");
  EXPECT_FALSE(doc["requests"][0]["inFlight"].GetBool());
}

}  // namespace
}  // namespace lwm2m::bridges::http
