#pragma once
// HTTP aliases at work (the rules: HttpAlias in rule_set.h). A REST request
// becomes the Command of the alias it matches, made by the same command codec
// as MQTT's (command_codec.h); the device's answer becomes the alias's answer,
// rendered by the uplink payload styles with the alias's transform. Pure
// functions: the HTTP bridge splits and percent-decodes the URL, chooses the
// HTTP status, submits the command and waits for its answer.
//
// Request bodies, by the alias's payload style:
//   value  the bare value of a write ("21.5"), or the arguments of an execute;
//   json   the command's fields without operation and path, e.g. {"value":21.5},
//          {"values":{"5750":"attic"}}, {"attributes":{"pmin":10}}, {"arguments":"0='x'"},
//          {"values":{"/3/0/14":"+01"}} (write-composite: below a target), "ttl";
//   others (senml, tree, emqx) read no body: a write takes its value from a
//          {value} placeholder (EMQX's HTTP API: ?path={path}&type={type}&value={value}).
// Operations that take no body refuse one.

#include <chrono>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "gateway/api/device_events.h"
#include "lwm2m/model/object_model.h"
#include "lwm2m/operations/device_response.h"
#include "mapping/device_command.h"
#include "mapping/rule_set.h"

namespace lwm2m::mapping {

// One REST request, as the bridge read it.
struct HttpCall {
  std::string method;               // "GET", "PUT", ...
  std::vector<std::string> levels;  // the path split at '/' and percent-decoded: "/api/v1/x" -> "", "api", "v1", "x"
  std::vector<std::pair<std::string, std::string>> query;  // decoded, in order
  std::string body;
};

// A matched alias and the command it makes.
struct AliasCall {
  HttpAlias alias;  // a copy: stays valid when the rules are reloaded meanwhile
  Command command;  // the reply route publishes the result when the alias has a response_topic
};

// Why no command was made.
struct AliasRefusal {
  enum class Kind {
    NotFound,          // no enabled alias has this path
    MethodNotAllowed,  // some have, with other methods: `allowed`
    BadRequest,        // the query or body cannot make the command: `message` names the problem
  };
  Kind kind = Kind::NotFound;
  std::string message;
  std::vector<std::string> allowed;
};

// The first enabled alias whose method, path and query literals match `call`
// (the loader guarantees there is at most one). Captures fill the targets and
// response topic; a target that does not render to a path, a missing or
// repeated query parameter, a body of the wrong shape, a value of the wrong
// type or outside `validate` are BadRequest.
std::variant<AliasCall, AliasRefusal> matchHttpAlias(const RuleSet& rules, const HttpCall& call,
                                                     const model::ObjectModel& model);

// The answer of an alias.
struct HttpAnswer {
  operations::Outcome outcome = operations::Outcome::Success;  // how the command ended (Timeout for an expired one)
  std::string code;         // the device's CoAP code, "2.05"; "" when it did not answer
  std::string contentType;  // of `body`
  std::string body;         // "" when there is nothing to show (a value-style write)
};

// The Response event of a command answered at once, as the gateway's events
// carry it (values flattened from the answer, paths from the request).
gateway::api::DeviceEvent responseEvent(const Command& command, const operations::DeviceResponse& response,
                                        std::chrono::system_clock::time_point at, std::string requestId = {});

// The alias's answer to its command's Response event (or RequestExpired,
// RequestCancelled, for a command that waited for a sleeping device), in the
// alias's payload style with its transform:
//   value  the bare value of one resource, {"<path>": value} for several,
//          link format for a discover, nothing for an answer without values;
//   json   the json style's object for one resource, a list for several;
//   tree   the tree style's object for one object instance, a list for several;
//   senml  a SenML pack of every value;
//   emqx   EMQX's result shape, as on its up/resp topic.
// Answers without values (write, execute, errors, timeouts) in json, tree and
// senml are the json style's command result {"operation","path","endpoint","code","status",...}.
HttpAnswer renderHttpAnswer(const HttpAlias& alias, const gateway::api::DeviceEvent& event,
                            const model::ObjectModel& model);

}  // namespace lwm2m::mapping
