// Matching REST requests to HTTP aliases and making their commands.
#include "mapping/http_alias.h"

#include <algorithm>
#include <map>

#include "mapping/command_parts.h"

namespace lwm2m::mapping {
namespace {

using Captures = std::map<std::string, std::string>;

AliasRefusal badRequest(std::string message) {
  return AliasRefusal{AliasRefusal::Kind::BadRequest, std::move(message), {}};
}

// Why an alias's query did not fit: a missing or repeated parameter, or
// literal values the request did not give (listed for the message).
struct QueryMiss {
  std::string missing;
  std::string name;
  std::vector<std::string> literals;
};

// Adds the query's captures; nullopt when they fit, else why not.
std::optional<QueryMiss> captureQuery(const HttpAlias& alias, const HttpCall& call, Captures& captures) {
  for (const QueryField& field : alias.query) {
    const std::string* value = nullptr;
    for (const auto& [name, v] : call.query) {
      if (name != field.name) continue;
      if (value) return QueryMiss{"query parameter '" + field.name + "' is given twice", "", {}};
      value = &v;
    }
    if (!value || (value->empty() && !field.capture.empty())) {
      return QueryMiss{"missing query parameter '" + field.name + "' (" + alias.pathText + ")", "", {}};
    }
    if (!field.capture.empty()) {
      captures[field.capture] = *value;
    } else if (*value != field.literal) {
      return QueryMiss{"", field.name, {field.literal}};
    }
  }
  return std::nullopt;
}

bool blank(std::string_view text) {
  return std::all_of(text.begin(), text.end(), [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; });
}

// The json body: the command's fields; the alias fixes operation and paths.
Result<CommandParts> jsonParts(const HttpAlias& alias, const std::string& body, const std::string& target,
                               const model::ObjectModel& model) {
  rapidjson::Document doc;
  if (auto r = parseCommandJson(body, doc); !r) return r.error();
  for (const char* fixed : {"operation", "path", "paths", "partial"}) {
    if (doc.HasMember(fixed)) {
      return fail(std::string("the body may not set \"") + fixed + "\": " + alias.method + " " + alias.pathText +
                  " always performs " + std::string(operations::operationName(alias.operation)) + " on its target");
    }
  }
  CommandDefaults defaults{alias.operation, true, target};
  return readCommandParts(doc, model, defaults);
}

Result<void> checkCovered(const std::vector<model::Path>& targets, const std::vector<model::Record>& values) {
  for (const auto& r : values) {
    if (std::none_of(targets.begin(), targets.end(), [&](const model::Path& t) { return t.covers(r.path); })) {
      return fail("value path " + r.path.toString() + " is outside the alias's targets");
    }
  }
  return {};
}

Result<CommandParts> commandParts(const HttpAlias& alias, const Captures& captures, const std::string& body,
                                  const model::ObjectModel& model) {
  Placeholders values(captures.begin(), captures.end());
  std::vector<model::Path> targets;
  std::string firstTarget;
  for (const auto& t : alias.targets) {
    std::string text = renderText(t, values);
    auto path = commandPath(text);
    if (!path) return path.error();
    if (firstTarget.empty()) firstTarget = text;
    targets.push_back(*path);
  }
  const Operation op = alias.operation;
  const bool hasBody = !blank(body);
  const bool write = op == Operation::WriteReplace || op == Operation::WriteUpdate;
  const bool readsBody = op == Operation::WriteAttributes || op == Operation::Create ||
                         op == Operation::WriteComposite || op == Operation::Execute || write;
  CommandParts parts;
  if (auto value = captures.find("value"); value != captures.end() && write) {
    if (hasBody) return fail("the value comes from the URL; the body must be empty");
    auto record = textRecord(targets.front(), value->second, model);
    if (!record) return record.error();
    parts.values.push_back(std::move(*record));
  } else if (alias.style == PayloadStyle::Json && hasBody && readsBody) {
    auto read = jsonParts(alias, body, firstTarget, model);
    if (!read) return read.error();
    parts = std::move(*read);
  } else if (alias.style == PayloadStyle::Value && write) {
    if (!hasBody) return fail("the body holds the value to write");
    auto record = textRecord(targets.front(), body, model);
    if (!record) return record.error();
    parts.values.push_back(std::move(*record));
  } else if (alias.style == PayloadStyle::Value && op == Operation::Execute) {
    parts.arguments = body;
  } else if (hasBody) {
    return fail(alias.method + " " + alias.pathText + " takes no body");
  }
  parts.operation = op;
  parts.paths = targets;
  parts.partial = op == Operation::WriteUpdate;
  if (!parts.ttl && alias.ttlSeconds) parts.ttl = std::chrono::seconds(*alias.ttlSeconds);
  if (op == Operation::WriteComposite) {
    if (auto r = checkCovered(targets, parts.values); !r) return r.error();
  }
  if (alias.validate) {
    if (auto r = checkValues(*alias.validate, parts.values); !r) return r.error();
  }
  return parts;
}

ReplyRoute replyRoute(const HttpAlias& alias, const Captures& captures, const HttpCall& call,
                      const operations::DeviceRequest& request) {
  ReplyRoute route;
  route.style = alias.style == PayloadStyle::Emqx ? ReplyStyle::Emqx : ReplyStyle::Json;
  route.qos = alias.responseQos;
  if (!alias.responseTopic.empty()) {
    route.topic = renderTopic(alias.responseTopic, Placeholders(captures.begin(), captures.end()));
  }
  if (route.style == ReplyStyle::Emqx) {
    // As EMQX's HTTP API: the request's query is the command's data.
    std::vector<std::pair<std::string, std::string>> data;
    const auto targets = request.targets();
    data.emplace_back("path", targets.empty() ? request.path.toString() : targets.front().toString());
    for (const auto& field : alias.query) {
      if (field.name == "path") continue;
      for (const auto& [name, value] : call.query) {
        if (name == field.name) data.emplace_back(name, value);
      }
    }
    route.echo = emqxRequestEcho(request.operation, data);
  }
  return route;
}

}  // namespace

std::variant<AliasCall, AliasRefusal> matchHttpAlias(const RuleSet& rules, const HttpCall& call,
                                                     const model::ObjectModel& model) {
  std::vector<std::string> allowed;
  std::optional<QueryMiss> miss;
  for (const HttpAlias& alias : rules.http()) {
    if (!alias.enabled) continue;
    auto captures = alias.path.match(call.levels);
    if (!captures) continue;
    if (alias.method != call.method) {
      if (std::find(allowed.begin(), allowed.end(), alias.method) == allowed.end()) allowed.push_back(alias.method);
      continue;
    }
    if (auto why = captureQuery(alias, call, *captures)) {
      if (miss && why->missing.empty() && miss->name == why->name) {
        miss->literals.push_back(why->literals.front());
      } else if (!miss || miss->missing.empty()) {
        miss = std::move(why);
      }
      continue;
    }
    auto parts = commandParts(alias, *captures, call.body, model);
    if (!parts) return badRequest(parts.error().message);
    auto request = toDeviceRequest(std::move(*parts), model);
    if (!request) return badRequest(request.error().message);
    ReplyRoute route = replyRoute(alias, *captures, call, *request);
    return AliasCall{alias, Command{(*captures)["endpoint"], std::move(*request), std::move(route)}};
  }
  if (miss) {
    if (!miss->missing.empty()) return badRequest(miss->missing);
    std::string list;
    for (const auto& l : miss->literals) list += (list.empty() ? "" : " or ") + l;
    return badRequest("query parameter '" + miss->name + "' must be " + list);
  }
  if (!allowed.empty()) {
    std::string list;
    for (const auto& m : allowed) list += (list.empty() ? "" : ", ") + m;
    return AliasRefusal{AliasRefusal::Kind::MethodNotAllowed,
                        "method " + call.method + " is not allowed here (allowed: " + list + ")", allowed};
  }
  return AliasRefusal{AliasRefusal::Kind::NotFound, "no alias answers this path", {}};
}

}  // namespace lwm2m::mapping
