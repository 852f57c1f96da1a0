// libFuzzer target: the mapping-file loader. Whatever loads is described
// and used once in each direction, and its HTTP aliases answer a request.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "lwm2m/model/object_model.h"
#include "mapping/commands.h"
#include "mapping/http_alias.h"
#include "mapping/router.h"
#include "mapping/rule_loader.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace lwm2m;
  using namespace lwm2m::mapping;
  static const model::ObjectModel kModel = model::ObjectModel::builtIn();
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto rules = parseRules(text, "fuzz.yaml", kModel);
  if (!rules) return 0;
  (void)describe(*rules);
  (void)rules->subscriptions();

  DeviceEvent event;
  event.kind = DeviceEventKind::Notification;
  event.endpoint = "sensor-1";
  event.values = {{model::Path(3303, 0, 5700), model::Value::floating(21.5), std::nullopt},
                  {model::Path(3, 0, 7, 1), model::Value::integer(5000), std::nullopt}};
  (void)routeEvent(*rules, event, kModel);
  event.kind = DeviceEventKind::Registered;
  event.registration.objectLinks = {model::Path(3, 0), model::Path(3303, 0), model::Path(3303)};
  (void)routeEvent(*rules, event, kModel);
  (void)autoObserve(*rules, event, kModel);
  for (const char* topic : {"lwm2m/sensor-1/cmd", "lwm2m/sensor-1/dn/x", "lwm2m/sensor-1/cmd/read"}) {
    (void)decodeCommand(*rules, InboundMessage{topic, R"({"operation":"read","path":"/3/0/0"})", "", ""}, kModel);
  }
  for (const auto& alias : rules->http()) {
    // The alias's own path, every capture filled with an id.
    HttpCall call;
    call.method = alias.method;
    for (const auto& level : alias.path.levels()) {
      call.levels.push_back(TopicPattern::captureName(level).empty() ? level : "3");
    }
    for (const auto& field : alias.query) call.query.emplace_back(field.name, field.literal.empty() ? "/3/0/1" : field.literal);
    call.body = "1";
    auto outcome = matchHttpAlias(*rules, call, kModel);
    if (auto* accepted = std::get_if<AliasCall>(&outcome)) {
      operations::DeviceResponse response;
      response.code = "2.05";
      response.node = model::Resource::single(1, model::Value::string("x"));
      (void)renderHttpAnswer(accepted->alias, responseEvent(accepted->command, response, {}), kModel);
    }
  }
  return 0;
}
