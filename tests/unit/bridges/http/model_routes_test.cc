// The object definitions over REST, through the router as a client meets
// them: the list, one object with its resources, a reload and its refusal.
#include "bridges/http/model_routes.h"

#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <boost/asio/io_context.hpp>
#include <optional>

#include "tests/unit/bridges/http/fake_directory.h"

namespace lwm2m::bridges::http {
namespace {

namespace beast_http = boost::beast::http;

class FakeCatalog : public gateway::api::ModelCatalog {
 public:
  std::shared_ptr<const model::ObjectModel> objectModel() const override { return model; }
  std::vector<std::string> modelFiles() const override { return {"/etc/lwm2m-gateway/models"}; }
  std::string reloadModels() override {
    ++reloads;
    return refusal;
  }
  std::shared_ptr<const model::ObjectModel> model =
      std::make_shared<const model::ObjectModel>(model::ObjectModel::builtIn());
  std::string refusal;
  int reloads = 0;
};

class ModelRoutesTest : public ::testing::Test {
 protected:
  Response call(std::string target, beast_http::verb verb = beast_http::verb::get) {
    Request request{verb, target, 11};
    std::optional<Response> answer;
    router_.handle(request, [&](Response r) { answer = std::move(r); });
    EXPECT_TRUE(answer.has_value()) << target << ": no answer";
    return answer ? std::move(*answer) : Response{};
  }
  RestServices services() {
    RestServices s;
    s.devices = &directory_;
    s.health = [] { return gateway::api::HealthReport{}; };
    s.models = &catalog_;
    return s;
  }
  static rapidjson::Document json(const Response& response) {
    rapidjson::Document doc;
    doc.Parse(response.body().c_str());
    EXPECT_FALSE(doc.HasParseError()) << response.body();
    return doc;
  }

  boost::asio::io_context io_;
  testing::FakeDirectory directory_;
  FakeCatalog catalog_;
  ApiRouter router_{io_.get_executor(), services()};
};

TEST_F(ModelRoutesTest, ListsEveryObjectWithItsSource) {
  auto r = call("/api/v1/models");
  ASSERT_EQ(r.result(), beast_http::status::ok);
  auto doc = json(r);
  EXPECT_STREQ(doc["files"][0].GetString(), "/etc/lwm2m-gateway/models");
  ASSERT_TRUE(doc["objects"].IsArray());
  EXPECT_EQ(doc["objects"].Size(), catalog_.model->objectIds().size());
  const auto& device = doc["objects"][3];
  EXPECT_EQ(device["id"].GetInt(), 3);
  EXPECT_STREQ(device["name"].GetString(), "Device");
  EXPECT_STREQ(device["source"].GetString(), "built-in");
  EXPECT_GT(device["resources"].GetInt(), 10);
}

TEST_F(ModelRoutesTest, OneObjectWithItsResources) {
  auto doc = json(call("/api/v1/models/3303"));
  EXPECT_STREQ(doc["name"].GetString(), "Temperature");
  bool found = false;
  for (const auto& r : doc["resources"].GetArray()) {
    if (r["id"].GetInt() != 5700) continue;
    found = true;
    EXPECT_STREQ(r["name"].GetString(), "Sensor Value");
    EXPECT_STREQ(r["operations"].GetString(), "R");
    EXPECT_FALSE(r["multiple"].GetBool());
    EXPECT_TRUE(r["mandatory"].GetBool());
    EXPECT_STREQ(r["type"].GetString(), "Float");
    EXPECT_STREQ(r["units"].GetString(), "Cel");
  }
  EXPECT_TRUE(found);
  auto missing = call("/api/v1/models/31024");
  EXPECT_EQ(missing.result(), beast_http::status::not_found);
  EXPECT_NE(missing.body().find("no object 31024 in the object model"), std::string::npos);
  EXPECT_EQ(call("/api/v1/models/3?version=9.9").result(), beast_http::status::not_found);
  EXPECT_EQ(call("/api/v1/models/3?version=1.1").result(), beast_http::status::ok);
  EXPECT_EQ(call("/api/v1/models/x").result(), beast_http::status::not_found);
  EXPECT_EQ(call("/api/v1/models/3", beast_http::verb::delete_).result(), beast_http::status::method_not_allowed);
}

TEST_F(ModelRoutesTest, ReloadAnswersWithTheListOrWhyNot) {
  EXPECT_EQ(call("/api/v1/models/reload").result(), beast_http::status::method_not_allowed);
  EXPECT_EQ(call("/api/v1/models/reload", beast_http::verb::post).result(), beast_http::status::ok);
  catalog_.refusal = "/etc/lwm2m-gateway/models/x.xml:7: <Object[9]/Mandatory>: expected Mandatory or Optional";
  auto refused = call("/api/v1/models/reload", beast_http::verb::post);
  EXPECT_EQ(refused.result(), beast_http::status::unprocessable_entity);
  EXPECT_NE(refused.body().find("x.xml:7: "), std::string::npos) << refused.body();
  EXPECT_EQ(catalog_.reloads, 2);
}

}  // namespace
}  // namespace lwm2m::bridges::http
