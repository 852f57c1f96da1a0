// The http section of rule files: what loads, and every refusal with file:line.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <unistd.h>

#include "mapping/http_alias_rules.h"
#include "mapping/rest_routes.h"
#include "tests/unit/mapping/mapping_test_support.h"

namespace lwm2m::mapping {
namespace {

using testing::loadError;
using testing::rulesFrom;
using testing::testModel;

TEST(HttpAliasRules, ReadsEveryField) {
  RuleSet rules = rulesFrom(R"(
http:
  - name: calibration
    enabled: false
    method: put
    path: "/api/v1/sites/{endpoint}/calibration/{instance}"
    operation: write
    target: "/3323/{instance}/5821"
    payload: value
    validate: {type: float, min: -5, max: 5.5, one_of: [0, 1.5]}
    response_topic: "sites/{endpoint}/result"
    response_qos: 0
    ttl: 600
  - method: GET
    path: "/api/v1/sites/{endpoint}/temperature"
    operation: read
    target: "/3303/0/5700"
    transform: {scale: 0.1, round: 1, rename: temperature}
  - method: POST
    path: "/api/v1/x/{endpoint}/observe?path={path}&enable=true"
    operation: observe
    target: "{path}"
    payload: emqx
)");
  ASSERT_EQ(rules.http().size(), 3u);
  const HttpAlias& a = rules.http()[0];
  EXPECT_EQ(a.name, "calibration");
  EXPECT_EQ(a.source, "test.yaml:3");
  EXPECT_FALSE(a.enabled);
  EXPECT_EQ(a.method, "PUT");
  EXPECT_EQ(a.operation, Operation::WriteReplace);
  EXPECT_EQ(a.targets, (std::vector<std::string>{"/3323/{instance}/5821"}));
  EXPECT_EQ(a.style, PayloadStyle::Value);
  ASSERT_TRUE(a.validate.has_value());
  EXPECT_EQ(a.validate->type, model::DataType::Float);
  EXPECT_EQ(a.validate->min, -5);
  EXPECT_EQ(a.validate->max, 5.5);
  EXPECT_EQ(a.validate->oneOf, (std::vector<std::string>{"0", "1.5"}));
  EXPECT_EQ(a.responseTopic, "sites/{endpoint}/result");
  EXPECT_EQ(a.responseQos, 0);
  EXPECT_EQ(a.ttlSeconds, 600u);
  EXPECT_TRUE(a.captures("instance"));

  const HttpAlias& b = rules.http()[1];
  EXPECT_EQ(b.style, PayloadStyle::Json);  // the default
  EXPECT_EQ(b.transform.scale, 0.1);
  EXPECT_EQ(b.transform.rename, "temperature");

  const HttpAlias& c = rules.http()[2];
  ASSERT_EQ(c.query.size(), 2u);
  EXPECT_EQ(c.query[0].name, "path");
  EXPECT_EQ(c.query[0].capture, "path");
  EXPECT_EQ(c.query[1].literal, "true");
  EXPECT_EQ(c.path.text(), "/api/v1/x/{endpoint}/observe");

  const std::string listing = describe(rules);
  EXPECT_NE(listing.find("http aliases (3):"), std::string::npos) << listing;
  EXPECT_NE(listing.find("PUT /api/v1/sites/{endpoint}/calibration/{instance}  ->  write /3323/{instance}/5821"
                         "  payload: value"),
            std::string::npos)
      << listing;
  EXPECT_NE(listing.find("validate: type Float min -5 max 5.5 one of \"0\" \"1.5\""), std::string::npos) << listing;
  EXPECT_NE(listing.find("transform: scale 0.1 round 1 rename \"temperature\""), std::string::npos) << listing;
}

TEST(HttpAliasRules, MethodsFitTheirOperations) {
  EXPECT_TRUE(methodFits("GET", Operation::Read));
  EXPECT_TRUE(methodFits("GET", Operation::ReadComposite));
  EXPECT_FALSE(methodFits("GET", Operation::Observe));
  EXPECT_FALSE(methodFits("GET", Operation::Execute));
  EXPECT_TRUE(methodFits("PUT", Operation::WriteReplace));
  EXPECT_FALSE(methodFits("PUT", Operation::WriteUpdate));
  EXPECT_TRUE(methodFits("PATCH", Operation::WriteUpdate));
  EXPECT_FALSE(methodFits("PATCH", Operation::WriteReplace));
  EXPECT_TRUE(methodFits("DELETE", Operation::Delete));
  EXPECT_TRUE(methodFits("DELETE", Operation::CancelObserve));
  EXPECT_FALSE(methodFits("DELETE", Operation::Read));
  EXPECT_TRUE(methodFits("POST", Operation::Execute));
  EXPECT_TRUE(methodFits("POST", Operation::Read));  // EMQX's HTTP API reads with POST
}

// One alias with `fields` (YAML lines of the map, indented by four) after
// the given method and path.
std::string alias(const std::string& fields) { return "http:\n  - name: a\n" + fields; }

TEST(HttpAliasRules, RefusesBadAliasesWithFileLineAndReason) {
  const std::string get = "    method: GET\n    path: \"/api/v1/s/{endpoint}/t\"\n";
  struct Case {
    std::string yaml;
    std::string error;
  };
  const Case cases[] = {
      {alias(get + "    operation: read\n    target: /3/0\n    colour: red\n"),
       "rules.yaml:7: http[0]: unknown key 'colour' (known: name, enabled, method, path, operation, target, payload, "
       "transform, validate, response_topic, response_qos, ttl)"},
      {alias("    method: FETCH\n    path: \"/api/v1/s/{endpoint}\"\n    operation: read\n    target: /3/0\n"),
       "rules.yaml:3: http[0].method: unknown method 'FETCH' (known: GET, PUT, PATCH, POST, DELETE)"},
      {alias("    path: \"/api/v1/s/{endpoint}\"\n    operation: read\n    target: /3/0\n"),
       "rules.yaml:2: http[0].method: is required"},
      {alias("    method: GET\n    path: \"/sites/{endpoint}\"\n    operation: read\n    target: /3/0\n"),
       "rules.yaml:4: http[0].path: '/sites/{endpoint}' must start with /api/v1/"},
      {alias("    method: GET\n    path: \"/api/v1/sites/main\"\n    operation: read\n    target: /3/0\n"),
       "rules.yaml:4: http[0].path: the path must capture {endpoint}"},
      {alias("    method: GET\n    path: \"/api/v1/s/{endpoint}/\"\n    operation: read\n    target: /3/0\n"),
       "rules.yaml:4: http[0].path: '/api/v1/s/{endpoint}/' must not end in '/'"},
      {alias("    method: GET\n    path: \"/api/v1/s/{endpoint}/{site}\"\n    operation: read\n    target: /3/0\n"),
       "rules.yaml:4: http[0].path: unknown placeholder {site} (known: {endpoint}, {object}, {instance}, "
       "{resource}, {id}, {path}, {value}, {type})"},
      {alias("    method: GET\n    path: \"/api/v1/s/{endpoint}/x{instance}\"\n    operation: read\n"
             "    target: /3/0\n"),
       "rules.yaml:4: http[0].path: topic pattern '/api/v1/s/{endpoint}/x{instance}': 'x{instance}' must be a whole "
       "level {name} of letters, digits and '_'"},
      {alias("    method: GET\n    path: \"/api/v1/s/{endpoint}?path\"\n    operation: read\n    target: /3/0\n"),
       "rules.yaml:4: http[0].path: query 'path' is not name={placeholder} or name=value"},
      {alias(get + "    operation: fly\n    target: /3/0\n"), "rules.yaml:5: http[0].operation: unknown operation 'fly'"},
      {alias(get + "    operation: write\n    target: /3/0/15\n"),
       "rules.yaml:3: http[0].method: GET cannot write (GET reads; PUT replaces; PATCH updates; DELETE deletes or "
       "cancels; POST does any)"},
      {alias(get + "    operation: read\n    target: /3/0\n    payload: event\n"),
       "rules.yaml:7: http[0].payload: an alias answers in value, json, senml, tree or emqx"},
      {alias(get + "    operation: read\n"),
       "rules.yaml:2: http[0].target: is required (the LwM2M path the alias acts on)"},
      {alias(get + "    operation: read\n    target: \"/3303/{instance}/5700\"\n"),
       "rules.yaml:6: http[0].target: template '/3303/{instance}/5700': unknown placeholder {instance} (known: "
       "{endpoint})"},
      {alias(get + "    operation: read\n    target: [/3/0/0, /3/0/1]\n"),
       "rules.yaml:6: http[0].target: read takes one target path"},
      {alias("    method: PUT\n    path: \"/api/v1/s/{endpoint}/t\"\n    operation: write\n    target: /3/0/15\n"
             "    transform: {scale: 2}\n"),
       "rules.yaml:7: http[0].transform: write answers without values"},
      {alias(get + "    operation: read\n    target: /3/0/15\n    validate: {max: 3}\n"),
       "rules.yaml:7: http[0].validate: read writes no value"},
      {alias("    method: PUT\n    path: \"/api/v1/s/{endpoint}/t\"\n    operation: write\n    target: /3/0/15\n"
             "    validate: {type: integer}\n"),
       "rules.yaml:6: http[0].target: /3/0/15 is String in the object model, not Integer"},
      {alias("    method: PUT\n    path: \"/api/v1/s/{endpoint}/t\"\n    operation: write\n    target: /3/0/15\n"
             "    validate: {type: colour}\n"),
       "rules.yaml:7: http[0].validate.type: unknown type 'colour' (known: string, integer, unsigned, float, "
       "boolean, opaque, time, objlnk)"},
      {alias("    method: PUT\n    path: \"/api/v1/s/{endpoint}/t\"\n    operation: write\n    target: /3/0/15\n"
             "    validate: {min: 5, max: 1}\n"),
       "rules.yaml:7: http[0].validate.max: is below min"},
      {alias("    method: POST\n    path: \"/api/v1/s/{endpoint}/t\"\n    operation: create\n    target: /3303\n"
             "    payload: value\n"),
       "rules.yaml:7: http[0].payload: create reads its body as json"},
      {alias("    method: PUT\n    path: \"/api/v1/s/{endpoint}/t\"\n    operation: write\n    target: /3/0/15\n"
             "    payload: tree\n"),
       "rules.yaml:7: http[0].payload: write reads its body as value or json (or takes a {value} placeholder)"},
      {alias("    method: GET\n    path: \"/api/v1/s/{endpoint}/t?v={value}\"\n    operation: read\n"
             "    target: /3/0/15\n"),
       "rules.yaml:4: http[0].path: {value} is the value of a write; read writes none"},
      {alias(get + "    operation: read\n    target: /3/0\n    response_topic: \"r/{site}\"\n"),
       "rules.yaml:7: http[0].response_topic: template 'r/{site}': unknown placeholder {site} (known: {endpoint})"},
      {alias(get + "    operation: read\n    target: /3/0\n    ttl: soon\n"),
       "rules.yaml:7: http[0].ttl: 'soon' is not a whole number of seconds"},
      {"http: {method: GET}\n", "rules.yaml:1: http: expected a list of rules"},
  };
  for (const Case& c : cases) EXPECT_EQ(loadError(c.yaml), c.error) << c.yaml;
}

TEST(HttpAliasRules, RefusesRoutesTwoAliasesWouldBothAnswer) {
  EXPECT_EQ(loadError(R"(http:
  - method: GET
    path: "/api/v1/sites/{endpoint}/temperature"
    operation: read
    target: /3303/0/5700
  - method: GET
    path: "/api/v1/sites/{endpoint}/{instance}"
    operation: read
    target: "/3303/{instance}/5700"
)"),
            "rules.yaml:6: http: GET /api/v1/sites/{endpoint}/{instance} answers the same requests as GET "
            "/api/v1/sites/{endpoint}/temperature (rules.yaml:2)");
  // Another method on the same path, different literal query values, a
  // disabled duplicate and paths of other lengths are all fine.
  RuleSet rules = rulesFrom(R"(http:
  - {method: GET, path: "/api/v1/s/{endpoint}/t", operation: read, target: /3303/0/5700}
  - {method: PUT, path: "/api/v1/s/{endpoint}/t", operation: write, target: /3303/0/5750, payload: value}
  - {method: GET, path: "/api/v1/s/{endpoint}/t", operation: read, target: /3303/0/5750, enabled: false}
  - {method: POST, path: "/api/v1/s/{endpoint}/o?enable=true", operation: observe, target: /3303/0/5700}
  - {method: POST, path: "/api/v1/s/{endpoint}/o?enable=false", operation: cancel-observe, target: /3303/0/5700}
  - {method: GET, path: "/api/v1/s/{endpoint}/t/{instance}", operation: read, target: "/3303/{instance}/5700"}
)");
  EXPECT_EQ(rules.http().size(), 6u);
}

TEST(HttpAliasRules, TargetsObjectsTheModelDoesNotKnow) {
  // As resource URLs and commands: a vendor object without a definition is operated on.
  EXPECT_EQ(loadError("http:\n  - {method: GET, path: \"/api/v1/s/{endpoint}/v\", operation: read, target: /9999/0/1}\n"),
            "(loaded)");
}

TEST(HttpAliasRules, RefusesPathsOfBuiltInRoutes) {
  auto route = [](const std::string& method, const std::string& path) {
    return loadError("http:\n  - {method: " + method + ", path: \"" + path +
                     "\", operation: read, target: /3/0}\n");
  };
  EXPECT_EQ(route("GET", "/api/v1/devices/{endpoint}/3303"),
            "rules.yaml:2: http: GET /api/v1/devices/{endpoint}/3303 would take paths of the built-in route "
            "/api/v1/devices/{endpoint}/{objectId} (GET, POST; numeric ids there are digits, other {parameters} "
            "any level)");
  EXPECT_NE(route("GET", "/api/v1/devices/{endpoint}/{object}").find("built-in route /api/v1/devices/{endpoint}/"),
            std::string::npos);
  EXPECT_NE(route("GET", "/api/v1/devices/{endpoint}").find("built-in route /api/v1/devices/{endpoint} (GET"),
            std::string::npos);
  EXPECT_NE(route("POST", "/api/v1/devices/{endpoint}/commands").find("built-in route"), std::string::npos);
  EXPECT_NE(route("GET", "/api/v1/mapping/{endpoint}").find("built-in route /api/v1/mapping/reload (POST"),
            std::string::npos);
  EXPECT_NE(route("GET", "/api/v1/{endpoint}").find("built-in route"), std::string::npos);
  // Paths the API does not serve are free, also beside its routes.
  EXPECT_EQ(route("GET", "/api/v1/devices/{endpoint}/info"), "(loaded)");
  EXPECT_EQ(route("GET", "/api/v1/devices/{endpoint}/info/{instance}"), "(loaded)");
  EXPECT_EQ(route("GET", "/api/v1/requests/{endpoint}/x"), "(loaded)");
}

TEST(HttpAliasRules, EveryRouteOfTheApiIsRefused) {
  // Each route of the table (rest_routes.h) as an alias path: its first
  // parameter captures {endpoint}, numeric ids are numbers, a route without
  // parameters has its last level captured.
  for (const RestRoute& r : builtInRestRoutes()) {
    std::string path(r.path);
    if (!path.starts_with("/api/v1/")) continue;
    std::string alias;
    bool endpoint = false;
    for (size_t start = 1; start <= path.size();) {
      const size_t end = std::min(path.find('/', start), path.size());
      std::string level = path.substr(start, end - start);
      if (isNumericParameter(level)) {
        level = "7";
      } else if (level.front() == '{') {
        level = endpoint ? "x" : "{endpoint}";
        endpoint = true;
      }
      alias += "/" + level;
      start = end + 1;
    }
    if (!endpoint) alias = alias.substr(0, alias.rfind('/')) + "/{endpoint}";
    const std::string error =
        loadError("http:\n  - {method: GET, path: \"" + alias + "\", operation: read, target: /3/0}\n");
    EXPECT_NE(error.find("would take paths of the built-in route"), std::string::npos) << r.path << ": " << error;
  }
}

TEST(HttpAliasRules, RoutesOfSeveralFilesAreCheckedTogether) {
  namespace fs = std::filesystem;
  fs::path dir = fs::temp_directory_path() / ("http-alias-rules-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  std::ofstream(dir / "a.yaml") << "http:\n  - {method: GET, path: \"/api/v1/s/{endpoint}/t\", operation: read, "
                                   "target: /3303/0/5700}\n";
  std::ofstream(dir / "b.yaml") << "uplink: []\nhttp:\n  - {method: GET, path: \"/api/v1/s/{endpoint}/{id}\", "
                                   "operation: read, target: /3/0}\n";
  auto rules = loadRules(dir.string(), testModel());
  ASSERT_FALSE(rules.ok());
  EXPECT_EQ(rules.error().message, (dir / "b.yaml").string() + ":3: http: GET /api/v1/s/{endpoint}/{id} answers the "
                                                               "same requests as GET /api/v1/s/{endpoint}/t (" +
                                       (dir / "a.yaml").string() + ":2)");
  fs::remove_all(dir);
}

}  // namespace
}  // namespace lwm2m::mapping
