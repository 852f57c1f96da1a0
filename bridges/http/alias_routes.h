#pragma once
// The HTTP aliases of the mapping rules in force (deploy/mapping/README.md,
// `http:`) as REST routes. The router tries them for a path its route table
// (api_routes.h) does not list, before its 404; the rule loader refuses an
// alias that could take a path of that table.
//
//   no alias has the path            handle() returns false: the router answers
//   an alias has it, other methods   405 with Allow
//   a bad query or body              400 naming the problem (malformed
//                                    escape, missing query parameter, a value of
//                                    the wrong type or outside `validate`, ...)
//   a device that is not registered  404
//   accepted                         the alias's command goes through DeviceCall,
//                                    as a resource URL's would: the same wait,
//                                    ?timeout=, ?async, 202 with Location for a
//                                    sleeping device; the result in the alias's
//                                    payload style (mapping/http_alias.h), with
//                                    the status of finishedAnswer() (device_call.h)
//                                    and 204 for a success with nothing to show.
//
// The query parameters an alias does not declare (timeout, async, format,
// ttl) are those of the resource URLs (resource_request.h). A reload takes
// effect at the next request: the rules are read from `rules` each time, and
// a call keeps a copy of its alias.
//
// Threading contract: the gateway's I/O thread, as the router.

#include <functional>
#include <memory>

#include "bridges/http/device_call.h"
#include "bridges/http/device_routes.h"
#include "bridges/http/request_tracker.h"
#include "bridges/http/rest_reply.h"
#include "bridges/http/rest_target.h"
#include "lwm2m/model/model_source.h"
#include "mapping/http_alias.h"
#include "mapping/rule_set.h"

namespace lwm2m::bridges::http {

// The rules in force; nullptr when there are none.
using RulesInForce = std::function<std::shared_ptr<const mapping::RuleSet>()>;

// The reply to a finished alias call, in the alias's style (see above).
void replyAliasResult(const mapping::HttpAlias& alias, const TrackedRequest& request, const Reply& reply,
                      const model::ObjectModel& model);

class AliasRoutes {
 public:
  AliasRoutes(RulesInForce rules, const model::ModelSource& models, const DeviceRoutes& devices, DeviceCall call,
              std::shared_ptr<const RequestTracker> tracker)
      : rules_(std::move(rules)),
        models_(models),
        devices_(devices),
        call_(std::move(call)),
        tracker_(std::move(tracker)) {}

  // False when no enabled alias has the path of `url`; else `reply` is answered.
  bool handle(const Request& request, const RestTarget& url, const Reply& reply);

 private:
  RulesInForce rules_;
  const model::ModelSource& models_;
  const DeviceRoutes& devices_;
  DeviceCall call_;
  std::shared_ptr<const RequestTracker> tracker_;
};

}  // namespace lwm2m::bridges::http
