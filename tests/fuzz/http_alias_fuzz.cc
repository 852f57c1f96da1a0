// libFuzzer target: REST requests against HTTP aliases (mapping/http_alias.h).
// Input: "METHOD /path/levels?name=value&…\nbody". Levels and query arrive
// decoded, as the bridge hands them over. Whatever makes a command is
// answered as a device would, and the answer rendered in the alias's style.
#include <cstddef>
#include <cstdint>
#include <string>

#include "lwm2m/model/object_model.h"
#include "mapping/http_alias.h"
#include "mapping/rule_loader.h"

namespace {

const lwm2m::model::ObjectModel& fuzzModel() {
  static const lwm2m::model::ObjectModel kModel = lwm2m::model::ObjectModel::builtIn();
  return kModel;
}

const lwm2m::mapping::RuleSet& fuzzRules() {
  static const lwm2m::mapping::RuleSet kRules = [] {
    auto rules = lwm2m::mapping::parseRules(R"(
http:
  - {method: GET, path: "/api/v1/s/{endpoint}/t/{instance}", operation: read, target: "/3303/{instance}/5700",
     transform: {scale: 0.1, round: 1}}
  - {method: GET, path: "/api/v1/s/{endpoint}/tree", operation: read, target: "/3/0", payload: tree}
  - {method: GET, path: "/api/v1/s/{endpoint}/senml", operation: read-composite, target: [/3/0/0, /3303/0/5700],
     payload: senml}
  - {method: PUT, path: "/api/v1/s/{endpoint}/{object}/{instance}/{resource}", operation: write,
     target: "/{object}/{instance}/{resource}", payload: value, validate: {min: 0, max: 100}}
  - {method: PATCH, path: "/api/v1/s/{endpoint}/{object}/{instance}", operation: write-update,
     target: "/{object}/{instance}"}
  - {method: POST, path: "/api/v1/s/{endpoint}/create/{object}", operation: create, target: "/{object}"}
  - {method: POST, path: "/api/v1/s/{endpoint}/exec", operation: execute, target: /3/0/4, payload: value}
  - {method: PUT, path: "/api/v1/s/{endpoint}/attrs", operation: write-attributes, target: /3303/0/5700}
  - {method: PUT, path: "/api/v1/s/{endpoint}/composite", operation: write-composite, target: [/3/0, /3303]}
  - {method: POST, path: "/api/v1/e/{endpoint}/write?path={path}&type={type}&value={value}", operation: write,
     target: "{path}", payload: emqx, response_topic: "lwm2m/{endpoint}/up/resp"}
  - {method: POST, path: "/api/v1/e/{endpoint}/observe?path={path}&enable=true", operation: observe,
     target: "{path}", payload: emqx}
  - {method: POST, path: "/api/v1/e/{endpoint}/observe?path={path}&enable=false", operation: cancel-observe,
     target: "{path}", payload: emqx}
)",
                                            "fuzz.yaml", fuzzModel());
    return rules.ok() ? *rules : lwm2m::mapping::RuleSet();
  }();
  return kRules;
}

std::vector<std::string> split(const std::string& text, char separator) {
  std::vector<std::string> out;
  size_t start = 0;
  while (true) {
    size_t end = text.find(separator, start);
    out.push_back(text.substr(start, end == std::string::npos ? std::string::npos : end - start));
    if (end == std::string::npos) return out;
    start = end + 1;
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace lwm2m;
  using namespace lwm2m::mapping;
  const std::string input(reinterpret_cast<const char*>(data), size);
  const size_t newline = input.find('\n');
  const std::string line = input.substr(0, newline);
  HttpCall call;
  call.body = newline == std::string::npos ? "" : input.substr(newline + 1);
  const size_t space = line.find(' ');
  call.method = line.substr(0, space);
  const std::string target = space == std::string::npos ? "" : line.substr(space + 1);
  const size_t q = target.find('?');
  call.levels = split(target.substr(0, q), '/');
  if (q != std::string::npos) {
    for (const auto& item : split(target.substr(q + 1), '&')) {
      const size_t eq = item.find('=');
      call.query.emplace_back(item.substr(0, eq), eq == std::string::npos ? "" : item.substr(eq + 1));
    }
  }
  auto outcome = matchHttpAlias(fuzzRules(), call, fuzzModel());
  auto* accepted = std::get_if<AliasCall>(&outcome);
  if (!accepted) return 0;
  operations::DeviceResponse response;
  response.code = "2.05";
  std::vector<model::Resource> resources = {model::Resource::single(0, model::Value::string("Acme")),
                                            model::Resource::single(5700, model::Value::floating(215))};
  response.node = model::ObjectInstance(0, resources);
  (void)renderHttpAnswer(accepted->alias, responseEvent(accepted->command, response, {}), fuzzModel());
  operations::DeviceResponse failed = operations::DeviceResponse::failure(operations::Outcome::Timeout, "none");
  (void)renderHttpAnswer(accepted->alias, responseEvent(accepted->command, failed, {}), fuzzModel());
  return 0;
}
