// HTTP aliases at work: REST requests to commands, device answers to bodies.
#include "mapping/http_alias.h"

#include <gtest/gtest.h>

#include "tests/unit/mapping/mapping_test_support.h"

namespace lwm2m::mapping {
namespace {

using testing::json;
using testing::path;
using testing::rulesFrom;
using testing::str;
using testing::testModel;
using testing::valuesOf;

const char* const kRules = R"(
http:
  - name: temperature
    method: GET
    path: "/api/v1/sites/{endpoint}/temperature"
    operation: read
    target: "/3303/0/5700"
    payload: json
    transform: {scale: 0.1, round: 1, rename: temperature}
  - method: GET
    path: "/api/v1/sites/{endpoint}/temperature/{instance}"
    operation: read
    target: "/3303/{instance}/5700"
    payload: value
  - method: PUT
    path: "/api/v1/sites/{endpoint}/calibration"
    operation: write
    target: "/3323/0/5821"
    payload: value
    validate: {type: float, min: -5, max: 5}
    ttl: 600
  - method: PATCH
    path: "/api/v1/sites/{endpoint}/temperature"
    operation: write-update
    target: "/3303/0"
    payload: json
  - method: POST
    path: "/api/v1/sites/{endpoint}/reboot"
    operation: execute
    target: "/3/0/4"
    payload: value
  - method: GET
    path: "/api/v1/sites/{endpoint}/info"
    operation: read
    target: "/3/0"
    payload: tree
  - method: POST
    path: "/api/v1/emqx/{endpoint}/write?path={path}&type={type}&value={value}"
    operation: write
    target: "{path}"
    payload: emqx
    response_topic: "lwm2m/{endpoint}/up/resp"
  - method: POST
    path: "/api/v1/emqx/{endpoint}/observe?path={path}&enable=true"
    operation: observe
    target: "{path}"
    payload: emqx
  - method: POST
    path: "/api/v1/emqx/{endpoint}/observe?path={path}&enable=false"
    operation: cancel-observe
    target: "{path}"
    payload: emqx
  - method: GET
    path: "/api/v1/sites/{endpoint}/off"
    operation: read
    target: "/3/0"
    enabled: false
)";

const RuleSet& rules() {
  static const RuleSet kRuleSet = rulesFrom(kRules);
  return kRuleSet;
}

HttpCall call(std::string method, const std::string& urlPath, std::string body = {},
              std::vector<std::pair<std::string, std::string>> query = {}) {
  HttpCall c;
  c.method = std::move(method);
  size_t start = 0;
  while (true) {
    size_t slash = urlPath.find('/', start);
    c.levels.push_back(urlPath.substr(start, slash == std::string::npos ? std::string::npos : slash - start));
    if (slash == std::string::npos) break;
    start = slash + 1;
  }
  c.query = std::move(query);
  c.body = std::move(body);
  return c;
}

AliasCall accepted(const HttpCall& c) {
  auto outcome = matchHttpAlias(rules(), c, testModel());
  if (auto* refusal = std::get_if<AliasRefusal>(&outcome)) {
    ADD_FAILURE() << "refused: " << refusal->message;
    return AliasCall{};
  }
  return std::get<AliasCall>(outcome);
}

AliasRefusal refused(const HttpCall& c) {
  auto outcome = matchHttpAlias(rules(), c, testModel());
  if (std::holds_alternative<AliasCall>(outcome)) {
    ADD_FAILURE() << "accepted";
    return AliasRefusal{};
  }
  return std::get<AliasRefusal>(outcome);
}

TEST(HttpAlias, ReadAliasMakesAReadOfItsTarget) {
  AliasCall a = accepted(call("GET", "/api/v1/sites/sensor-1/temperature"));
  EXPECT_EQ(a.alias.name, "temperature");
  EXPECT_EQ(a.command.endpoint, "sensor-1");
  EXPECT_EQ(a.command.request, operations::DeviceRequest::read(path("/3303/0/5700")));
  EXPECT_TRUE(a.command.reply.topic.empty());  // answered over HTTP only

  // Captures fill the target; an endpoint name may hold what the URL escaped.
  HttpCall escaped = call("GET", "/api/v1/sites/x/temperature/2");
  escaped.levels[4] = "hall/b 7";  // the bridge decoded "hall%2Fb%207"
  AliasCall b = accepted(escaped);
  EXPECT_EQ(b.command.endpoint, "hall/b 7");
  EXPECT_EQ(b.command.request.path, path("/3303/2/5700"));
}

TEST(HttpAlias, RefusesUnknownPathsOtherMethodsAndBadTargets) {
  AliasRefusal none = refused(call("GET", "/api/v1/sites/sensor-1/humidity"));
  EXPECT_EQ(none.kind, AliasRefusal::Kind::NotFound);
  EXPECT_EQ(refused(call("GET", "/api/v1/sites/sensor-1/off")).kind, AliasRefusal::Kind::NotFound);  // disabled

  AliasRefusal method = refused(call("DELETE", "/api/v1/sites/sensor-1/temperature"));
  EXPECT_EQ(method.kind, AliasRefusal::Kind::MethodNotAllowed);
  EXPECT_EQ(method.allowed, (std::vector<std::string>{"GET", "PATCH"}));
  EXPECT_EQ(method.message, "method DELETE is not allowed here (allowed: GET, PATCH)");

  AliasRefusal target = refused(call("GET", "/api/v1/sites/sensor-1/temperature/first"));
  EXPECT_EQ(target.kind, AliasRefusal::Kind::BadRequest);
  EXPECT_EQ(target.message.rfind("bad path '/3303/first/5700'", 0), 0u) << target.message;

  AliasRefusal body = refused(call("GET", "/api/v1/sites/sensor-1/temperature", "{\"x\":1}"));
  EXPECT_EQ(body.message, "GET /api/v1/sites/{endpoint}/temperature takes no body");
}

TEST(HttpAlias, ValueBodiesAreTypedByTheModelAndValidated) {
  AliasCall a = accepted(call("PUT", "/api/v1/sites/sensor-1/calibration", "2.5"));
  EXPECT_EQ(a.command.request.operation, Operation::WriteReplace);
  EXPECT_EQ(a.command.request.path, path("/3323/0/5821"));
  auto values = valuesOf(a.command);
  ASSERT_EQ(values.size(), 1u);
  EXPECT_EQ(values[0].value, model::Value::floating(2.5));
  EXPECT_EQ(a.command.request.ttl, std::chrono::seconds(600));

  EXPECT_EQ(refused(call("PUT", "/api/v1/sites/sensor-1/calibration", "7")).message,
            "value for /3323/0/5821 7 is above the maximum 5");
  EXPECT_EQ(refused(call("PUT", "/api/v1/sites/sensor-1/calibration", "-5.5")).message,
            "value for /3323/0/5821 -5.5 is below the minimum -5");
  EXPECT_EQ(refused(call("PUT", "/api/v1/sites/sensor-1/calibration", "warm")).kind, AliasRefusal::Kind::BadRequest);
  EXPECT_EQ(refused(call("PUT", "/api/v1/sites/sensor-1/calibration", "")).message,
            "the body holds the value to write");

  AliasCall reboot = accepted(call("POST", "/api/v1/sites/sensor-1/reboot", "0='now'"));
  EXPECT_EQ(reboot.command.request, operations::DeviceRequest::execute(path("/3/0/4"), "0='now'"));
}

TEST(HttpAlias, OneOfAndTypeChecksApplyToPlaceholderTargets) {
  RuleSet r = rulesFrom(R"(http:
  - method: PUT
    path: "/api/v1/s/{endpoint}/{object}/{instance}/{resource}"
    operation: write
    target: "/{object}/{instance}/{resource}"
    payload: value
    validate: {type: string, one_of: [indoor, outdoor]}
)");
  auto ok = matchHttpAlias(r, call("PUT", "/api/v1/s/e/3303/0/5750", "indoor"), testModel());
  EXPECT_TRUE(std::holds_alternative<AliasCall>(ok));
  auto other = matchHttpAlias(r, call("PUT", "/api/v1/s/e/3303/0/5750", "attic"), testModel());
  ASSERT_TRUE(std::holds_alternative<AliasRefusal>(other));
  EXPECT_EQ(std::get<AliasRefusal>(other).message, "value for /3303/0/5750 must be one of: indoor, outdoor");
  auto type = matchHttpAlias(r, call("PUT", "/api/v1/s/e/3323/0/5821", "1.5"), testModel());
  ASSERT_TRUE(std::holds_alternative<AliasRefusal>(type));
  EXPECT_EQ(std::get<AliasRefusal>(type).message, "value for /3323/0/5821 is Float, the alias accepts String");
}

TEST(HttpAlias, JsonBodiesUseTheCommandCodecButNotItsOperationOrPath) {
  AliasCall a = accepted(call("PATCH", "/api/v1/sites/sensor-1/temperature", R"({"values":{"5750":"attic"},"ttl":60})"));
  EXPECT_EQ(a.command.request.operation, Operation::WriteUpdate);
  EXPECT_EQ(a.command.request.path, path("/3303/0"));
  auto values = valuesOf(a.command);
  ASSERT_EQ(values.size(), 1u);
  EXPECT_EQ(values[0].path, path("/3303/0/5750"));
  EXPECT_EQ(a.command.request.ttl, std::chrono::seconds(60));

  EXPECT_EQ(refused(call("PATCH", "/api/v1/sites/sensor-1/temperature", R"({"path":"/3/0/4","values":{}})")).message,
            "the body may not set \"path\": PATCH /api/v1/sites/{endpoint}/temperature always performs write-update "
            "on its target");
  EXPECT_EQ(refused(call("PATCH", "/api/v1/sites/sensor-1/temperature", "{")).message.rfind("bad JSON", 0), 0u);
  EXPECT_EQ(refused(call("PATCH", "/api/v1/sites/sensor-1/temperature", R"({"values":{"5750":7}})")).kind,
            AliasRefusal::Kind::BadRequest);
}

TEST(HttpAlias, QueryPlaceholdersAndLiteralsAsEmqxHttpApi) {
  AliasCall w = accepted(call("POST", "/api/v1/emqx/sensor-1/write", "",
                              {{"path", "/3/0/15"}, {"type", "String"}, {"value", "Europe/Berlin"}, {"timeout", "5"}}));
  EXPECT_EQ(w.command.request.operation, Operation::WriteReplace);
  auto values = valuesOf(w.command);
  ASSERT_EQ(values.size(), 1u);
  EXPECT_EQ(values[0].value, model::Value::string("Europe/Berlin"));
  EXPECT_EQ(w.command.reply.topic, "lwm2m/sensor-1/up/resp");
  EXPECT_EQ(w.command.reply.style, ReplyStyle::Emqx);
  EXPECT_EQ(w.command.reply.echo,
            R"({"msgType":"write","data":{"path":"/3/0/15","type":"String","value":"Europe/Berlin"}})");

  AliasCall on = accepted(call("POST", "/api/v1/emqx/sensor-1/observe", "", {{"path", "/3303/0/5700"}, {"enable", "true"}}));
  EXPECT_EQ(on.command.request, operations::DeviceRequest::observe(path("/3303/0/5700")));
  AliasCall off = accepted(call("POST", "/api/v1/emqx/sensor-1/observe", "", {{"enable", "false"}, {"path", "/3303/0/5700"}}));
  EXPECT_EQ(off.command.request, operations::DeviceRequest::cancelObserve(path("/3303/0/5700")));

  EXPECT_EQ(refused(call("POST", "/api/v1/emqx/sensor-1/observe", "", {{"path", "/3/0"}, {"enable", "1"}})).message,
            "query parameter 'enable' must be true or false");
  EXPECT_EQ(refused(call("POST", "/api/v1/emqx/sensor-1/observe", "", {{"enable", "true"}})).message,
            "missing query parameter 'path' (/api/v1/emqx/{endpoint}/observe?path={path}&enable=true)");
  EXPECT_EQ(refused(call("POST", "/api/v1/emqx/sensor-1/write", "",
                         {{"path", "/3/0/15"}, {"path", "/3/0/14"}, {"type", "String"}, {"value", "x"}}))
                .message,
            "query parameter 'path' is given twice");
  EXPECT_EQ(refused(call("POST", "/api/v1/emqx/sensor-1/write", "x",
                         {{"path", "/3/0/15"}, {"type", "String"}, {"value", "x"}}))
                .message,
            "the value comes from the URL; the body must be empty");
}

operations::DeviceResponse content(model::Node node) {
  operations::DeviceResponse r;
  r.code = "2.05";
  r.codeName = "content";
  r.node = std::move(node);
  return r;
}

const auto kAt = std::chrono::system_clock::time_point(std::chrono::seconds(1700000000));

HttpAnswer answer(const AliasCall& a, const operations::DeviceResponse& response) {
  return renderHttpAnswer(a.alias, responseEvent(a.command, response, kAt), testModel());
}

TEST(HttpAlias, AnswersInTheJsonStyleWithTheTransform) {
  AliasCall a = accepted(call("GET", "/api/v1/sites/sensor-1/temperature"));
  HttpAnswer out = answer(a, content(model::Resource::single(5700, model::Value::floating(215.0))));
  EXPECT_EQ(out.outcome, operations::Outcome::Success);
  EXPECT_EQ(out.code, "2.05");
  EXPECT_EQ(out.contentType, "application/json");
  auto doc = json(out.body);
  EXPECT_EQ(str(doc["endpoint"]), "sensor-1");
  EXPECT_EQ(str(doc["path"]), "/3303/0/5700");
  EXPECT_EQ(str(doc["name"]), "temperature");
  EXPECT_EQ(doc["value"].GetDouble(), 21.5);
  EXPECT_EQ(str(doc["unit"]), "Cel");
  EXPECT_EQ(doc["timestamp"].GetDouble(), 1700000000);
}

TEST(HttpAlias, AnswersInTheValueAndTreeStyles) {
  AliasCall v = accepted(call("GET", "/api/v1/sites/sensor-1/temperature/1"));
  HttpAnswer value = answer(v, content(model::Resource::single(5700, model::Value::floating(21.5))));
  EXPECT_EQ(value.body, "21.5");
  EXPECT_EQ(value.contentType, "text/plain");

  AliasCall t = accepted(call("GET", "/api/v1/sites/sensor-1/info"));
  std::vector<model::Resource> resources = {model::Resource::single(0, model::Value::string("Acme")),
                                            model::Resource::single(9, model::Value::integer(87))};
  HttpAnswer tree = answer(t, content(model::ObjectInstance(0, resources)));
  auto doc = json(tree.body);
  EXPECT_EQ(str(doc["path"]), "/3/0");
  EXPECT_EQ(str(doc["object"]), "Device");
  EXPECT_EQ(str(doc["resources"]["0"]), "Acme");
  EXPECT_EQ(doc["resources"]["9"].GetInt(), 87);

  // The value style shows several resources by path.
  AliasCall byPath = t;
  byPath.alias.style = PayloadStyle::Value;
  EXPECT_EQ(answer(byPath, content(model::ObjectInstance(0, resources))).body, R"({"/3/0/0":"Acme","/3/0/9":87})");
  // The senml style, every value.
  AliasCall senml = t;
  senml.alias.style = PayloadStyle::Senml;
  HttpAnswer pack = answer(senml, content(model::ObjectInstance(0, resources)));
  EXPECT_EQ(pack.contentType, "application/senml+json");
  EXPECT_EQ(pack.body, R"([{"bn":"/","n":"3/0/0","vs":"Acme"},{"n":"3/0/9","v":87}])");
}

TEST(HttpAlias, AnswersWithoutValuesAndFailures) {
  AliasCall w = accepted(call("PUT", "/api/v1/sites/sensor-1/calibration", "1"));
  operations::DeviceResponse changed;
  changed.code = "2.04";
  HttpAnswer empty = answer(w, changed);
  EXPECT_TRUE(empty.body.empty());  // the value style has nothing to show
  EXPECT_EQ(empty.code, "2.04");

  AliasCall r = accepted(call("GET", "/api/v1/sites/sensor-1/temperature"));
  operations::DeviceResponse missing;
  missing.outcome = operations::Outcome::DeviceError;
  missing.code = "4.04";
  missing.reason = "no such instance";
  HttpAnswer notFound = answer(r, missing);
  EXPECT_EQ(notFound.outcome, operations::Outcome::DeviceError);
  auto doc = json(notFound.body);
  EXPECT_EQ(str(doc["code"]), "4.04");
  EXPECT_EQ(str(doc["status"]), "not_found");
  EXPECT_EQ(str(doc["operation"]), "read");
  EXPECT_EQ(str(doc["path"]), "/3303/0/5700");
  EXPECT_EQ(str(doc["error"]), "no such instance");

  HttpAnswer timeout = answer(r, operations::DeviceResponse::failure(operations::Outcome::Timeout, "no answer"));
  EXPECT_EQ(str(json(timeout.body)["status"]), "timeout");
}

TEST(HttpAlias, EmqxStyleAnswersAsEmqxPublishesResults) {
  AliasCall w = accepted(call("POST", "/api/v1/emqx/sensor-1/write", "",
                              {{"path", "/3/0/15"}, {"type", "String"}, {"value", "UTC"}}));
  operations::DeviceResponse changed;
  changed.code = "2.04";
  EXPECT_EQ(answer(w, changed).body,
            R"({"msgType":"write","data":{"reqPath":"/3/0/15","code":"2.04","codeMsg":"changed"}})");
}

}  // namespace
}  // namespace lwm2m::mapping
