// docs/openapi.json against the real daemon, with the simulator as the device
// and curl as the client: every documented operation is sent (its path
// parameters filled with real values, its documented example body), must be
// answered by its route (never the router's 404 or 405), with a documented
// status and content type, and a JSON answer must conform to the documented
// schema of that status. Routes of features not built into this binary
// (events, models, firmware) are listed and skipped, not failed.
// A package is uploaded first, so that the package route has a real
// {sha256}; documented binary bodies are sent as such.
// The gateway has a token of each role: every operation is sent first with
// the role just below the one its x-required-role names (no credential below
// read), which must be refused (401, 403) with a documented answer, then with
// a token of exactly that role.
// That the document covers every route is tested with the route table
// (tests/unit/bridges/http/openapi_document_test.cc).

#include <strings.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <set>
#include <sstream>
#include <thread>

#include <gtest/gtest.h>
#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "tests/integration/gateway_process.h"
#include "tests/integration/json_reading.h"
#include "tests/support/json_schema.h"

namespace lwm2m::testing {
namespace {

using namespace std::chrono_literals;

const char* const kMethods[] = {"get", "put", "post", "delete", "patch", "head"};
// Features whose routes the document describes and which a build may lack.
const std::set<std::string> kOptionalFeatures{};
// Operations whose documented answer is an error with the simulator, and why.
const std::map<std::string, std::string> kErrorAnswers{
    {"DELETE /api/v1/devices/{endpoint}/{objectId}/{instanceId}/{resourceId}", "LwM2M deletes object instances only"},
    {"DELETE /api/v1/devices/{endpoint}/{objectId}/{instanceId}/{resourceId}/{resourceInstanceId}", "LwM2M deletes object instances only"},
    {"PUT /api/v1/devices/{endpoint}/{objectId}/{instanceId}/{resourceId}/{resourceInstanceId}", "the simulator has no writable multiple resource"},
    {"PATCH /api/v1/devices/{endpoint}/{objectId}/{instanceId}/{resourceId}",
     "the gateway refuses a partial update of a single resource (the device would take the POST for an "
     "Execute), and the simulator has no writable multiple resource"},
};

struct Answer {
  int status = 0;
  std::string contentType;
  std::string body;
};

std::string textOf(const rapidjson::Value& v) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  v.Accept(writer);
  return buffer.GetString();
}

std::string upper(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  return s;
}

// curl -i, so that a stream cut by --max-time still shows its status line
// and headers; the last header block wins (100 Continue comes first).
Answer curl(const std::string& method, const std::string& url, const std::string& body, std::chrono::seconds maxTime,
           const std::string& token, const std::string& contentType = "application/json") {
  // -w "\n": the output is read line by line, so the body must end with one.
  std::vector<std::string> argv{"curl", "-s", "-g", "-i", "-w", "\n", "--max-time", std::to_string(maxTime.count())};
  if (method == "HEAD") {
    argv.push_back("-I");
  } else {
    argv.insert(argv.end(), {"-X", method});
  }
  if (!body.empty()) argv.insert(argv.end(), {"-H", "Content-Type: " + contentType, "--data-binary", body});
  if (!token.empty()) argv.insert(argv.end(), {"-H", "Authorization: Bearer " + token});
  argv.push_back(url);
  std::string out = runCommand(argv, maxTime + 5s).output;
  std::erase(out, '\r');
  Answer answer;
  std::size_t start = 0;
  while (out.compare(start, 5, "HTTP/") == 0) {
    const std::size_t end = out.find("\n\n", start);
    const std::string head = out.substr(start, end == std::string::npos ? std::string::npos : end - start);
    answer.status = std::atoi(head.substr(head.find(' ') + 1, 3).c_str());
    answer.contentType.clear();
    std::istringstream lines(head);
    for (std::string line; std::getline(lines, line);) {
      if (line.size() > 13 && strncasecmp(line.c_str(), "content-type:", 13) == 0) {
        answer.contentType = line.substr(13);
        answer.contentType.erase(0, answer.contentType.find_first_not_of(' '));
        answer.contentType = answer.contentType.substr(0, answer.contentType.find(';'));
      }
    }
    if (end == std::string::npos) return answer;
    start = end + 2;
    if (answer.status != 100) break;
  }
  answer.body = out.substr(start);
  if (answer.body.ends_with('\n')) answer.body.pop_back();  // the -w newline
  return answer;
}

class OpenApiRoutes : public ::testing::Test {
 protected:
  OpenApiRoutes()
      : config_(std::filesystem::temp_directory_path() / ("openapi-" + std::to_string(::getpid()) + ".yaml")) {
    std::ofstream(config_) << "lwm2m:\n  awake_window_s: 1\nhttp:\n  request_timeout_s: 10\n  auth:\n    tokens:\n"
                           << "      - {name: reader, token: " << tokenOf("read") << ", role: read}\n"
                           << "      - {name: operator, token: " << tokenOf("operate") << ", role: operate}\n"
                           << "      - {name: administrator, token: " << tokenOf("admin") << ", role: admin}\n";
    // The bootstrap server is on, for its configuration routes.
    gateway_.emplace(broker_.uri(), "127.0.0.1",
                     std::vector<std::string>{"--config", config_.string(), "--bootstrap",
                                              "127.0.0.1:" + std::to_string(freeUdpPort())});
    std::ifstream in(std::string(LWM2M_SOURCE_DIR) + "/docs/openapi.json");
    std::stringstream text;
    text << in.rdbuf();
    documentText_ = text.str();
    doc_.Parse(documentText_.c_str());
  }
  ~OpenApiRoutes() override {
    gateway_.reset();
    std::filesystem::remove(config_);
  }

  // The token of a role ("read", "operate", "admin"); "" for "open".
  static std::string tokenOf(const std::string& role) { return role == "open" ? "" : "openapi-test-" + role + "-token"; }

  Answer send(const std::string& method, const std::string& path, const std::string& body = {},
              const std::string& role = "admin", const std::string& contentType = "application/json") {
    const bool stream = path.starts_with("/api/v1/events");
    return curl(method, gateway_->httpUrl(path), body, stream ? 2s : 10s, tokenOf(role), contentType);
  }

  // A command for `endpoint`: its request id.
  std::string queueRead(const std::string& endpoint) {
    auto r = send("POST", "/api/v1/devices/" + endpoint + "/commands", R"({"operation":"read","path":"/3/0/0","ttl":600})");
    EXPECT_EQ(r.status, 202) << r.body;
    return str(parse(r.body)["requestId"]);
  }

  // The documented schema of `status` for the media type, or nullptr.
  const rapidjson::Value* responseSchema(const rapidjson::Value& op, int status, const std::string& mediaType,
                                         std::string& why) {
    const std::string code = std::to_string(status);
    if (!op["responses"].HasMember(code.c_str())) {
      why = "status " + code + " is not documented";
      return nullptr;
    }
    const auto* response = dereference(doc_, op["responses"][code.c_str()]);
    if (!response || !response->HasMember("content")) return nullptr;
    const auto& content = (*response)["content"];
    if (!content.HasMember(mediaType.c_str())) {
      why = "content type '" + mediaType + "' is not documented for " + code;
      return nullptr;
    }
    return &content[mediaType.c_str()]["schema"];
  }

  std::filesystem::path config_;
  Mosquitto broker_;
  std::optional<GatewayProcess> gateway_;
  std::string documentText_;
  rapidjson::Document doc_;
};

TEST_F(OpenApiRoutes, EveryDocumentedOperationIsAnsweredAsDocumented) {
  ASSERT_TRUE(doc_.IsObject() && doc_.HasMember("paths")) << "docs/openapi.json";
  Simulator awake({"--server", gateway_->coapAddress(), "-e", "sim-0001", "--lifetime", "300", "--objects",
                   "1/0,3/0,5/0,3303/0,3311/0"});
  Simulator sleeping({"--server", gateway_->coapAddress(), "-e", "sim-sleeps", "--lifetime", "300", "--queue",
                      "--objects", "1/0,3/0"});
  ASSERT_TRUE(awake.waitForLine("registered sim-0001")) << gateway_->log();
  ASSERT_TRUE(sleeping.waitForLine("registered sim-sleeps")) << gateway_->log();
  std::this_thread::sleep_for(2500ms);  // past the sleeping device's 1 s awake window

  // A finished request of the awake device (GET /api/v1/requests/{requestId}).
  const std::string finished = queueRead("sim-0001");
  for (int i = 0; i < 50 && str(parse(send("GET", "/api/v1/requests/" + finished).body)["state"]) != "done"; ++i) {
    std::this_thread::sleep_for(100ms);
  }

  // A stored package (GET /api/v1/firmware/{sha256}), pushed to the awake device.
  const std::string package(2048, 'p');
  const auto uploaded = send("PUT", "/api/v1/devices/sim-0001/firmware", package, "operate", "application/octet-stream");
  ASSERT_EQ(uploaded.status, 202) << uploaded.body;
  const std::string sha256 = str(parse(uploaded.body)["sha256"]);

  // Credentials and a bootstrap configuration of the awake device, so that
  // their GET (sent before PUT and DELETE) has something to show.
  for (const char* route : {"/api/v1/credentials/{endpoint}", "/api/v1/bootstrap/configs/{endpoint}"}) {
    const auto& media = doc_["paths"][route]["put"]["requestBody"]["content"]["application/json"];
    std::string path(route);
    path.replace(path.find("{endpoint}"), 10, "sim-0001");
    const auto stored = send("PUT", path, textOf(media["examples"].MemberBegin()->value["value"]));
    ASSERT_EQ(stored.status, 201) << path << ": " << stored.body;
  }

  std::vector<std::string> notBuilt;
  std::size_t sent = 0;
  std::size_t refusals = 0;
  for (const auto& item : doc_["paths"].GetObject()) {
    const std::string templ = item.name.GetString();
    for (const char* lower : kMethods) {
      if (!item.value.HasMember(lower)) continue;
      const auto& op = item.value[lower];
      const std::string method = upper(lower);
      const std::string name = method + " " + templ;
      SCOPED_TRACE(name);

      // The path: each {parameter} from the test's devices and requests, else
      // the parameter's documented example.
      std::string path = templ;
      std::map<std::string, std::string> values{{"endpoint", "sim-0001"}, {"requestId", finished}, {"sha256", sha256}};
      if (method == "DELETE" && templ.find("{requestId}") != std::string::npos) values["requestId"] = queueRead("sim-sleeps");
      if (op.HasMember("parameters")) {
        for (const auto& p : op["parameters"].GetArray()) {
          const auto* parameter = dereference(doc_, p);
          ASSERT_NE(parameter, nullptr);
          const std::string pname = (*parameter)["name"].GetString();
          if (std::string_view((*parameter)["in"].GetString()) != "path" || values.contains(pname)) continue;
          ASSERT_TRUE(parameter->HasMember("example")) << "path parameter " << pname << " has no example";
          const auto& example = (*parameter)["example"];
          values[pname] = example.IsString() ? example.GetString() : textOf(example);
        }
      }
      for (const auto& [pname, value] : values) {
        const std::string key = "{" + pname + "}";
        if (auto at = path.find(key); at != std::string::npos) path.replace(at, key.size(), value);
      }
      ASSERT_EQ(path.find('{'), std::string::npos) << path;

      // The documented example body, when the body is JSON; a package when binary.
      std::string body;
      std::string contentType = "application/json";
      if (op.HasMember("requestBody") && op["requestBody"]["content"].HasMember("application/json")) {
        const auto& media = op["requestBody"]["content"]["application/json"];
        if (media.HasMember("examples")) body = textOf(media["examples"].MemberBegin()->value["value"]);
      } else if (op.HasMember("requestBody") && op["requestBody"]["content"].HasMember("application/octet-stream")) {
        body = package;
        contentType = "application/octet-stream";
      }

      // Refused below its role, with a documented answer; then sent with its role.
      ASSERT_TRUE(op.HasMember("x-required-role")) << "no x-required-role";
      const std::string role = op["x-required-role"].GetString();
      const std::map<std::string, std::string> below{{"read", "open"}, {"operate", "read"}, {"admin", "operate"}};
      if (role == "open") {
        EXPECT_EQ(op["security"].Size(), 0u) << "an open operation needs no credential";
      } else {
        ASSERT_TRUE(below.contains(role)) << role;
        const Answer refused = send(method, path, body, below.at(role), contentType);
        const int expected = role == "read" ? 401 : 403;
        EXPECT_EQ(refused.status, expected) << path << " with the role " << below.at(role) << ": " << refused.body;
        std::string why;
        const auto* schema = responseSchema(op, refused.status, refused.contentType, why);
        ASSERT_NE(schema, nullptr) << why;
        rapidjson::Document real;
        real.Parse(refused.body.c_str());
        EXPECT_TRUE(!real.HasParseError() && schemaProblems(doc_, *schema, real).empty()) << refused.body;
        ++refusals;
      }
      const Answer answer = send(method, path, body, role, contentType);
      ++sent;
      const std::string feature = op.HasMember("tags") ? op["tags"][0].GetString() : "";
      const bool routerRefused = (answer.status == 404 && answer.body.find("no such resource") != std::string::npos) ||
                                 (answer.status == 400 && answer.body.find("is neither an object id") != std::string::npos) ||
                                 (method == "HEAD" && answer.status == 404);  // no body to tell
      if (routerRefused && kOptionalFeatures.contains(feature)) {
        notBuilt.push_back(name + " (" + feature + ")");
        continue;
      }
      EXPECT_FALSE(routerRefused) << path << " answered " << answer.status << " " << answer.body;
      EXPECT_FALSE(answer.status == 405 && answer.body.find("is not allowed") != std::string::npos)
          << path << ": the router does not take " << method << ": " << answer.body;
      if (auto why = kErrorAnswers.find(name); why != kErrorAnswers.end()) {
        EXPECT_GE(answer.status, 400) << why->second << ": " << answer.body;
      } else {
        EXPECT_GE(answer.status, 200) << answer.body;
        EXPECT_LT(answer.status, 300) << path << " " << body << " -> " << answer.body;
      }

      std::string why;
      const auto* schema = responseSchema(op, answer.status, answer.contentType, why);
      if (method == "HEAD") {
        EXPECT_TRUE(op["responses"].HasMember(std::to_string(answer.status).c_str())) << answer.status;
        continue;
      }
      ASSERT_NE(schema, nullptr) << why << "; answer: " << answer.status << " " << answer.contentType << " " << answer.body;
      if (answer.contentType == "application/json") {
        rapidjson::Document real;
        real.Parse(answer.body.c_str());
        ASSERT_FALSE(real.HasParseError()) << "[" << answer.body << "]";
        const auto problems = schemaProblems(doc_, *schema, real);
        EXPECT_TRUE(problems.empty()) << answer.body << "\n" << joinProblems(problems);
      }
    }
  }
  EXPECT_GE(sent, 50u);
  EXPECT_GE(refusals, 45u);

  // Queued requests, listed for the sleeping device, in their documented shape.
  queueRead("sim-sleeps");
  for (const char* list : {"commands", "requests"}) {
    const auto answer = send("GET", std::string("/api/v1/devices/sim-sleeps/") + list);
    ASSERT_EQ(answer.status, 200) << answer.body;
    rapidjson::Document real;
    real.Parse(answer.body.c_str());
    ASSERT_TRUE(real.IsObject() && real[list].IsArray() && !real[list].Empty()) << answer.body;
    std::string why;
    const std::string listPath = "/api/v1/devices/{endpoint}/" + std::string(list);
    const auto* schema = responseSchema(doc_["paths"][listPath.c_str()]["get"], 200,
                                        "application/json", why);
    ASSERT_NE(schema, nullptr) << why;
    EXPECT_TRUE(schemaProblems(doc_, *schema, real).empty()) << answer.body;
  }

  if (!notBuilt.empty()) {
    std::string list;
    for (const auto& n : notBuilt) list += "\n  " + n;
    std::cout << "[ NOTE ] documented routes of features not built into this binary (answered 404/400):" << list << "\n";
  }
}

TEST_F(OpenApiRoutes, ServesTheDocumentOfTheRepository) {
  const auto answer = send("GET", "/api/v1/openapi.json", {}, "open");
  EXPECT_EQ(answer.status, 200);
  EXPECT_EQ(answer.contentType, "application/json");
  EXPECT_EQ(answer.body, documentText_);
  EXPECT_EQ(send("DELETE", "/api/v1/openapi.json").status, 405);
}

}  // namespace
}  // namespace lwm2m::testing
