// docs/openapi.json against the code: the route table the router gates every
// request with (api_routes.h) is exactly the document's paths and methods, the
// binary serves the document as the repository keeps it, and every example in
// it conforms to its schema. The answers of the real routes are held against
// the same schemas in tests/integration/openapi_test.cc.

#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <boost/asio/io_context.hpp>

#include <algorithm>
#include <fstream>
#include <set>
#include <sstream>

#include "bridges/http/api_router.h"
#include "bridges/http/api_routes.h"
#include "bridges/http/openapi_route.h"
#include "tests/support/json_schema.h"
#include "tests/unit/bridges/http/fake_directory.h"

namespace lwm2m::bridges::http {
namespace {

namespace beast_http = boost::beast::http;
using lwm2m::testing::dereference;
using lwm2m::testing::joinProblems;
using lwm2m::testing::schemaProblems;

const char* const kMethods[] = {"get", "put", "post", "delete", "patch", "head", "options"};

std::string fileText() {
  std::ifstream in(std::string(LWM2M_SOURCE_DIR) + "/docs/openapi.json");
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

std::string upper(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  return s;
}

class OpenApiDocument : public ::testing::Test {
 protected:
  OpenApiDocument() {
    doc_.Parse(text_.c_str());
  }
  void SetUp() override {
    ASSERT_FALSE(text_.empty()) << "docs/openapi.json is missing";
    ASSERT_FALSE(doc_.HasParseError()) << "docs/openapi.json is not JSON (offset " << doc_.GetErrorOffset() << ")";
    ASSERT_TRUE(doc_.IsObject() && doc_.HasMember("paths"));
  }

  // Calls f(path, method, operation) for every operation of the document.
  template <typename F>
  void eachOperation(F f) const {
    for (const auto& path : doc_["paths"].GetObject()) {
      for (const char* method : kMethods) {
        if (path.value.HasMember(method)) f(std::string(path.name.GetString()), upper(method), path.value[method]);
      }
    }
  }

  // Every example under a media type conforms to the media type's schema.
  void checkExamples(const rapidjson::Value& content, const std::string& where, std::size_t& jsonExamples) const {
    for (const auto& media : content.GetObject()) {
      if (!media.value.HasMember("schema")) {
        ADD_FAILURE() << where << " " << media.name.GetString() << ": no schema";
        continue;
      }
      const bool json = std::string_view(media.name.GetString()) == "application/json";
      auto checkOne = [&](const rapidjson::Value& example, const std::string& name) {
        auto problems = schemaProblems(doc_, media.value["schema"], example);
        EXPECT_TRUE(problems.empty()) << where << " example " << name << ":\n" << joinProblems(problems);
        if (json) ++jsonExamples;
      };
      if (media.value.HasMember("example")) checkOne(media.value["example"], "example");
      if (media.value.HasMember("examples")) {
        for (const auto& example : media.value["examples"].GetObject()) {
          ASSERT_TRUE(example.value.HasMember("value")) << where << " example " << example.name.GetString();
          checkOne(example.value["value"], example.name.GetString());
        }
      }
    }
  }

  std::string text_ = fileText();
  rapidjson::Document doc_;
};

TEST_F(OpenApiDocument, DocumentsExactlyTheRoutesOfTheRouteTable) {
  std::set<std::string> documented;
  eachOperation([&](const std::string& path, const std::string& method, const rapidjson::Value&) {
    documented.insert(method + " " + path);
  });
  std::set<std::string> routed;
  for (const auto& route : apiRoutes()) {
    std::string_view rest = route.methods;
    while (!rest.empty()) {
      const auto comma = rest.find(',');
      routed.insert(std::string(rest.substr(0, comma)) + " " + std::string(route.path));
      if (comma == std::string_view::npos) break;
      rest.remove_prefix(comma + 1);
      while (!rest.empty() && rest.front() == ' ') rest.remove_prefix(1);
    }
  }
  for (const auto& r : routed) EXPECT_TRUE(documented.contains(r)) << "the router takes " << r << " but docs/openapi.json does not describe it";
  for (const auto& d : documented) EXPECT_TRUE(routed.contains(d)) << "docs/openapi.json describes " << d << " but no route of api_routes.h takes it";
  EXPECT_GE(routed.size(), 50u);
}

TEST_F(OpenApiDocument, TheBinaryServesTheDocumentOfTheRepository) {
  EXPECT_EQ(openApiDocument(), text_);
  EXPECT_EQ(std::string(doc_["openapi"].GetString()).substr(0, 2), "3.");
}

TEST_F(OpenApiDocument, EveryOperationHasParametersForItsPathAndAJsonExample) {
  std::set<std::string> operationIds;
  eachOperation([&](const std::string& path, const std::string& method, const rapidjson::Value& op) {
    const std::string where = method + " " + path;
    ASSERT_TRUE(op.HasMember("operationId") && op.HasMember("summary") && op.HasMember("responses")) << where;
    EXPECT_TRUE(operationIds.insert(op["operationId"].GetString()).second) << where << ": operationId repeated";
    // Each {name} of the template is a declared path parameter, and no other.
    std::set<std::string> inTemplate;
    for (std::size_t open = path.find('{'); open != std::string::npos; open = path.find('{', open + 1)) {
      inTemplate.insert(path.substr(open + 1, path.find('}', open) - open - 1));
    }
    std::set<std::string> declared;
    if (op.HasMember("parameters")) {
      for (const auto& p : op["parameters"].GetArray()) {
        const auto* parameter = dereference(doc_, p);
        ASSERT_NE(parameter, nullptr) << where << ": dangling parameter $ref";
        if (std::string_view((*parameter)["in"].GetString()) == "path") declared.insert((*parameter)["name"].GetString());
      }
    }
    EXPECT_EQ(declared, inTemplate) << where;
    // Every answer has a description; a JSON answer its schema and at least one
    // JSON answer of the operation an example.
    std::size_t jsonExamples = 0;
    for (const auto& r : op["responses"].GetObject()) {
      const auto* response = dereference(doc_, r.value);
      ASSERT_NE(response, nullptr) << where << " " << r.name.GetString() << ": dangling $ref";
      EXPECT_TRUE(response->HasMember("description")) << where << " " << r.name.GetString();
      if (response->HasMember("content")) checkExamples((*response)["content"], where + " " + r.name.GetString(), jsonExamples);
    }
    const bool streamsOrBinary = path == "/api/v1/events" || path == "/metrics" || path.starts_with("/api/v1/firmware/") ||
                                 path == "/api/v1/openapi.json";
    if (!streamsOrBinary) {
      EXPECT_GT(jsonExamples, 0u) << where << ": no JSON example";
    }
    if (op.HasMember("requestBody") && op["requestBody"].HasMember("content")) {
      std::size_t ignored = 0;
      checkExamples(op["requestBody"]["content"], where + " request body", ignored);
    }
  });
}

TEST_F(OpenApiDocument, ErrorsHaveTheOneErrorShape) {
  // Every 4xx/5xx JSON answer is an Error, except the device results whose
  // HTTP status follows the device's LwM2M code.
  eachOperation([&](const std::string& path, const std::string& method, const rapidjson::Value& op) {
    for (const auto& r : op["responses"].GetObject()) {
      const std::string status = r.name.GetString();
      if (status[0] != '4' && status[0] != '5') continue;
      const auto* response = dereference(doc_, r.value);
      if (!response->HasMember("content") || !(*response)["content"].HasMember("application/json")) continue;
      const auto& schema = (*response)["content"]["application/json"]["schema"];
      const std::string ref = schema.HasMember("$ref") ? schema["$ref"].GetString() : "";
      const bool allowed = ref == "#/components/schemas/Error" || ref == "#/components/schemas/DeviceResult" ||
                           ref == "#/components/schemas/Readiness";
      EXPECT_TRUE(allowed) << method << " " << path << " " << status << ": " << ref;
    }
  });
}

TEST_F(OpenApiDocument, SchemaCheckerFindsWhatIsWrong) {
  // The checker this test and the integration test rely on: it must fail.
  rapidjson::Document device;
  device.Parse(R"({"endpoint":7,"registrationId":"r","lwm2m":"1.1","binding":"U","queueMode":"no","lifetime":300,
                   "address":"a","objects":["/3/0"]})");
  const auto problems = schemaProblems(doc_, doc_["components"]["schemas"]["Device"], device);
  const std::string text = joinProblems(problems);
  EXPECT_NE(text.find("$.endpoint: expected string, got integer"), std::string::npos) << text;
  EXPECT_NE(text.find("$.queueMode: expected boolean"), std::string::npos) << text;
  EXPECT_NE(text.find("missing required member \"registeredAt\""), std::string::npos) << text;
  rapidjson::Document state;
  state.Parse(R"({"requestId":"q","endpoint":"e","state":"sleeping","location":"/x"})");
  EXPECT_FALSE(schemaProblems(doc_, doc_["components"]["schemas"]["Accepted"], state).empty());
}

// The router answers with the route table.
class RouteTable : public ::testing::Test {
 protected:
  RouteTable() : router_(io_.get_executor(), services()) {}
  RestServices services() {
    RestServices s;
    s.devices = &directory_;
    s.health = [] { return gateway::api::HealthReport{"9.9.9", std::chrono::seconds(61), 2, true}; };
    return s;
  }
  Response send(beast_http::verb verb, std::string target) {
    Request request{verb, target, 11};
    std::optional<Response> answer;
    router_.handle(request, [&](Response r) { answer = std::move(r); });
    return answer ? std::move(*answer) : Response{};
  }
  boost::asio::io_context io_;
  testing::FakeDirectory directory_;
  ApiRouter router_;
};

TEST_F(RouteTable, ServesTheDocument) {
  auto response = send(beast_http::verb::get, "/api/v1/openapi.json");
  EXPECT_EQ(response.result(), beast_http::status::ok);
  EXPECT_EQ(response[beast_http::field::content_type], "application/json");
  EXPECT_EQ(response.body(), std::string(openApiDocument()));
  auto refused = send(beast_http::verb::post, "/api/v1/openapi.json");
  EXPECT_EQ(refused.result(), beast_http::status::method_not_allowed);
  EXPECT_EQ(refused[beast_http::field::allow], "GET");
}

TEST_F(RouteTable, MatchesLiteralsBeforeParametersAndIdsAsDigits) {
  auto route = [](std::vector<std::string> s) {
    const ApiRoute* r = matchRoute(s);
    return r ? std::string(r->path) : std::string("none");
  };
  EXPECT_EQ(route({"api", "v1", "devices", "e", "values"}), "/api/v1/devices/{endpoint}/values");
  EXPECT_EQ(route({"api", "v1", "devices", "e", "3303"}), "/api/v1/devices/{endpoint}/{objectId}");
  EXPECT_EQ(route({"api", "v1", "devices", "e", "3", "0", "observe"}), "/api/v1/devices/{endpoint}/{objectId}/{instanceId}/observe");
  EXPECT_EQ(route({"api", "v1", "models", "reload"}), "/api/v1/models/reload");
  EXPECT_EQ(route({"api", "v1", "models", "3303"}), "/api/v1/models/{objectId}");
  EXPECT_EQ(route({"api", "v1", "devices", "e", "3x"}), "none");
  EXPECT_EQ(route({"api", "v1", "devices", "e", "3", "0", "0", "0", "0"}), "none");
  EXPECT_EQ(route({"api", "v1", "nothing"}), "none");
}

TEST_F(RouteTable, UnlistedPathsAre404AndUnlistedMethods405WithTheTablesAllow) {
  auto unknown = send(beast_http::verb::get, "/api/v1/nothing");
  EXPECT_EQ(unknown.result(), beast_http::status::not_found);
  EXPECT_NE(unknown.body().find("no such resource: /api/v1/nothing"), std::string::npos) << unknown.body();
  auto wrongMethod = send(beast_http::verb::delete_, "/api/v1/devices");
  EXPECT_EQ(wrongMethod.result(), beast_http::status::method_not_allowed);
  EXPECT_EQ(wrongMethod[beast_http::field::allow], "GET");
  auto health = send(beast_http::verb::put, "/health");
  EXPECT_EQ(health.result(), beast_http::status::method_not_allowed);
}

}  // namespace
}  // namespace lwm2m::bridges::http
