#pragma once
// The HTTP aliases of the mapping rules (deploy/mapping/README.md, `http:`)
// as REST routes. The API router tries its built-in routes first (the rule
// loader refuses an alias that could take one of their paths), then match():
//
//   nullopt        no alias has this path: the router answers its 404
//   a Response     an alias has the path but refuses the request: 405 with
//                  Allow (other methods), 400 {"error":…} naming the problem
//                  (malformed escape, missing query parameter, bad body, a
//                  value of the wrong type or outside the alias's `validate`)
//   an AliasCall   submit call.matched.command through gateway::api::DeviceOps,
//                  then answer with renderAliasResult() (the device answered at
//                  once) or renderAliasEvent() (its Response event, e.g. after
//                  the device woke up)
//
// Answers carry the alias's payload style (mapping/http_alias.h) with the
// status of answerStatus(). The query parameters an alias does not declare
// (timeout, async, format, ...) are left to the router.
//
// Threading contract: on the gateway's I/O thread, as the router.

#include <boost/beast/http/status.hpp>

#include <chrono>
#include <memory>
#include <optional>
#include <variant>

#include "bridges/http/api_router.h"
#include "gateway/api/device_events.h"
#include "lwm2m/model/object_model.h"
#include "lwm2m/operations/device_response.h"
#include "mapping/http_alias.h"
#include "mapping/rule_set.h"

namespace lwm2m::bridges::http {

// A request an alias accepted, with what its answer needs of the request.
struct AliasCall {
  mapping::AliasCall matched;  // the alias (a copy) and its command
  unsigned version = 11;       // of the HTTP request
  bool keepAlive = true;
};

// The alias answering `request` under `rules` (see above).
std::optional<std::variant<AliasCall, Response>> matchAlias(const mapping::RuleSet& rules, const Request& request,
                                                            const model::ObjectModel& model);

// The HTTP answer to a command's result, in the alias's payload style.
Response renderAliasResult(const AliasCall& call, const operations::DeviceResponse& response,
                           const model::ObjectModel& model, std::chrono::system_clock::time_point at);
Response renderAliasEvent(const AliasCall& call, const gateway::api::DeviceEvent& event,
                          const model::ObjectModel& model);

// The status of an answer: 200 (201 for 2.01 Created, 204 with no body); a
// device's error code as RFC 8075 maps CoAP to HTTP (4.00 400, 4.01 403,
// 4.03 403, 4.04 404, 4.05 400, 4.06 406, 4.09 409, 4.12 412, 4.13 413, 4.15 415,
// 4.22 422, 4.29 429, 5.00 500, 5.01 501, 5.02 502, 5.03 503, 5.04 504, 5.05 502;
// other 4.xx 400, 5.xx 502); no answer in time 504; a reset 502; a device that
// is not registered 404; a request the gateway could not send 400; an answer
// it could not decode 502.
boost::beast::http::status answerStatus(const mapping::HttpAnswer& answer);

// The aliases in force, for a router that keeps them across reloads.
class AliasRoutes {
 public:
  explicit AliasRoutes(const model::ObjectModel& model)
      : model_(model), rules_(std::make_shared<mapping::RuleSet>()) {}

  // The rules in force from now on (gateway::MappingRules' listener).
  void setRules(std::shared_ptr<const mapping::RuleSet> rules);
  std::optional<std::variant<AliasCall, Response>> match(const Request& request) const {
    return matchAlias(*rules_, request, model_);
  }

 private:
  const model::ObjectModel& model_;
  std::shared_ptr<const mapping::RuleSet> rules_;
};

}  // namespace lwm2m::bridges::http
