#include "mapping/http_alias_rules.h"

#include <algorithm>
#include <cctype>

#include "mapping/json_values.h"
#include "mapping/rest_routes.h"

namespace lwm2m::mapping {
namespace {

constexpr std::string_view kPrefix = "/api/v1/";
constexpr std::string_view kMethods[] = {"GET", "PUT", "PATCH", "POST", "DELETE"};
// Names a path or query may capture: the endpoint, the parts of an LwM2M
// path, a written value, and EMQX's write type (read, not used: the object
// model types values).
constexpr std::string_view kCaptures[] = {"endpoint", "object", "instance", "resource", "id", "path", "value", "type"};

bool takesBody(Operation op) {
  return op == Operation::WriteReplace || op == Operation::WriteUpdate || op == Operation::WriteAttributes ||
         op == Operation::Create || op == Operation::WriteComposite;
}

bool writesValues(Operation op) {
  return op == Operation::WriteReplace || op == Operation::WriteUpdate || op == Operation::Create ||
         op == Operation::WriteComposite;
}

bool answersValues(Operation op) {
  return op == Operation::Read || op == Operation::Observe || op == Operation::ReadComposite ||
         op == Operation::ObserveComposite;
}

bool isWord(std::string_view text) {
  return !text.empty() && std::all_of(text.begin(), text.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.';
  });
}

Result<std::vector<QueryField>> parseQuery(std::string_view text) {
  std::vector<QueryField> fields;
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find('&', start);
    if (end == std::string_view::npos) end = text.size();
    std::string_view item = text.substr(start, end - start);
    size_t eq = item.find('=');
    std::string_view name = item.substr(0, eq);
    std::string_view value = eq == std::string_view::npos ? std::string_view() : item.substr(eq + 1);
    if (!isWord(name) || value.empty()) {
      return fail("query '" + std::string(item) + "' is not name={placeholder} or name=value");
    }
    QueryField field;
    field.name = std::string(name);
    if (value.front() == '{' && value.back() == '}') {
      field.capture = std::string(value.substr(1, value.size() - 2));
    } else if (value.find_first_of("{}") != std::string_view::npos) {
      return fail("query value '" + std::string(value) + "' must be a whole {placeholder} or a literal");
    } else {
      field.literal = std::string(value);
    }
    if (std::any_of(fields.begin(), fields.end(), [&](const QueryField& f) { return f.name == field.name; })) {
      return fail("query parameter '" + field.name + "' appears twice");
    }
    fields.push_back(std::move(field));
    start = end + 1;
  }
  return fields;
}

// The path and query of an alias ("/api/v1/x/{endpoint}?path={path}").
Result<void> parseRoute(std::string_view text, HttpAlias& alias) {
  if (text.substr(0, kPrefix.size()) != kPrefix) return fail("'" + std::string(text) + "' must start with /api/v1/");
  size_t q = text.find('?');
  std::string_view path = text.substr(0, q);
  if (path.back() == '/') return fail("'" + std::string(path) + "' must not end in '/'");
  if (path.find("//") != std::string_view::npos) return fail("'" + std::string(path) + "' has an empty level");
  if (path.find('#') != std::string_view::npos) return fail("'" + std::string(path) + "': a REST path has no '#'");
  auto pattern = TopicPattern::parse(path);
  if (!pattern) return pattern.error();
  alias.path = std::move(*pattern);
  if (q != std::string_view::npos) {
    auto query = parseQuery(text.substr(q + 1));
    if (!query) return query.error();
    alias.query = std::move(*query);
  }
  std::vector<std::string_view> names;
  for (const auto& level : alias.path.levels()) {
    if (auto name = TopicPattern::captureName(level); !name.empty()) names.push_back(name);
  }
  for (const auto& field : alias.query) {
    if (!field.capture.empty()) names.push_back(field.capture);
  }
  for (size_t i = 0; i < names.size(); ++i) {
    if (std::find(std::begin(kCaptures), std::end(kCaptures), names[i]) == std::end(kCaptures)) {
      return fail("unknown placeholder {" + std::string(names[i]) +
                  "} (known: {endpoint}, {object}, {instance}, {resource}, {id}, {path}, {value}, {type})");
    }
    if (std::find(names.begin(), names.begin() + static_cast<std::ptrdiff_t>(i), names[i]) !=
        names.begin() + static_cast<std::ptrdiff_t>(i)) {
      return fail("{" + std::string(names[i]) + "} is captured twice");
    }
  }
  if (!alias.path.captures("endpoint")) return fail("the path must capture {endpoint}");
  return {};
}

std::vector<std::string_view> capturedNames(const HttpAlias& alias) {
  std::vector<std::string_view> out;
  for (auto name : kCaptures) {
    if (alias.captures(name)) out.push_back(name);
  }
  return out;
}

// The model's checks a literal target allows at load time.
Result<void> checkTarget(const std::string& target, const model::ObjectModel& model,
                         const std::optional<ValueCheck>& validate) {
  if (target.find('{') != std::string::npos) return {};
  auto path = model::Path::parse(target);
  if (!path) return fail("'" + target + "' is not an LwM2M path: " + path.error().message);
  if (validate && validate->type && path->depth() >= 3) {
    const auto* def = model.findResource(path->objectId(), path->resourceId());
    if (def && def->type != *validate->type) {
      return fail(target + " is " + std::string(model::toString(def->type)) + " in the object model, not " +
                  std::string(model::toString(*validate->type)));
    }
  }
  return {};
}

Result<void> parseTargets(const FieldReader& in, const model::ObjectModel& model, HttpAlias& alias) {
  auto targets = in.strings("target");
  if (!targets) return targets.error();
  if (targets->empty()) return in.errorAt("target", "is required (the LwM2M path the alias acts on)");
  const bool composite = operations::isComposite(alias.operation);
  if (!composite && targets->size() > 1) {
    return in.errorAt("target", std::string(operations::commandName(alias.operation)) + " takes one target path");
  }
  std::vector<std::string_view> allowed = capturedNames(alias);
  allowed.erase(std::remove_if(allowed.begin(), allowed.end(),
                               [](std::string_view n) { return n == "value" || n == "type"; }),
                allowed.end());
  for (const auto& target : *targets) {
    if (auto r = checkTemplate(target, allowed); !r) return in.errorAt("target", r.error().message);
    if (auto r = checkTarget(target, model, alias.validate); !r) return in.errorAt("target", r.error().message);
  }
  alias.targets = std::move(*targets);
  return {};
}

// What the operation needs of the payload style, the body and the other keys.
Result<void> checkOperationFit(const FieldReader& in, const HttpAlias& alias) {
  const std::string op(operations::commandName(alias.operation));
  const bool valueCapture = alias.captures("value");
  if (valueCapture && alias.operation != Operation::WriteReplace && alias.operation != Operation::WriteUpdate) {
    return in.errorAt("path", "{value} is the value of a write; " + op + " writes none");
  }
  if (takesBody(alias.operation) && !valueCapture && alias.style != PayloadStyle::Json &&
      !(alias.style == PayloadStyle::Value && (alias.operation == Operation::WriteReplace ||
                                               alias.operation == Operation::WriteUpdate))) {
    return in.errorAt("payload", op + " reads its body as " +
                                     (alias.operation == Operation::WriteReplace ||
                                              alias.operation == Operation::WriteUpdate
                                          ? "value or json (or takes a {value} placeholder)"
                                          : "json"));
  }
  if (alias.transform.numeric() || !alias.transform.rename.empty()) {
    if (!answersValues(alias.operation)) return in.errorAt("transform", op + " answers without values");
  }
  if (alias.validate && !writesValues(alias.operation)) return in.errorAt("validate", op + " writes no value");
  return {};
}

// Whether some path matches both alias paths (levels: literals or {captures}).
bool pathsOverlap(const std::vector<std::string>& a, const std::vector<std::string>& b) {
  if (a.size() != b.size()) return false;
  for (size_t k = 0; k < a.size(); ++k) {
    const bool either = !TopicPattern::captureName(a[k]).empty() || !TopicPattern::captureName(b[k]).empty();
    if (!either && a[k] != b[k]) return false;
  }
  return true;
}

// Whether some path matches both the alias path and a built-in route's template.
bool takesRoutePath(const std::vector<std::string>& alias, std::string_view route) {
  size_t k = 0;
  size_t start = 0;
  while (true) {
    const size_t slash = route.find('/', start);
    const std::string_view level = route.substr(start, slash == std::string_view::npos ? slash : slash - start);
    if (k == alias.size()) return false;
    if (TopicPattern::captureName(alias[k]).empty() && !templateSegmentMatches(level, alias[k])) return false;
    ++k;
    if (slash == std::string_view::npos) return k == alias.size();
    start = slash + 1;
  }
}

// Two aliases with literal query values that differ never answer the same request.
bool queriesOverlap(const HttpAlias& a, const HttpAlias& b) {
  for (const auto& fa : a.query) {
    for (const auto& fb : b.query) {
      if (fa.name == fb.name && !fa.literal.empty() && !fb.literal.empty() && fa.literal != fb.literal) return false;
    }
  }
  return true;
}

}  // namespace

bool HttpAlias::captures(std::string_view name) const {
  if (path.captures(name)) return true;
  return std::any_of(query.begin(), query.end(), [&](const QueryField& f) { return f.capture == name; });
}

bool methodFits(std::string_view method, Operation op) {
  if (method == "POST") return true;
  if (method == "GET") return op == Operation::Read || op == Operation::Discover || op == Operation::ReadComposite;
  if (method == "DELETE") {
    return op == Operation::Delete || op == Operation::CancelObserve || op == Operation::CancelObserveComposite;
  }
  const bool anyWrite = op == Operation::WriteAttributes || op == Operation::WriteComposite;
  if (method == "PUT") return anyWrite || op == Operation::WriteReplace;
  if (method == "PATCH") return anyWrite || op == Operation::WriteUpdate;
  return false;
}

Result<HttpAlias> parseHttpAlias(const FieldReader& in, const model::ObjectModel& model) {
  HttpAlias alias;
  alias.source = in.location();
  if (auto r = in.checkKeys({"name", "enabled", "method", "path", "operation", "target", "payload", "transform",
                             "validate", "response_topic", "response_qos", "ttl"});
      !r) {
    return r.error();
  }
  alias.name = in.string("name", "");
  auto enabled = in.boolean("enabled", true);
  if (!enabled) return enabled.error();
  alias.enabled = *enabled;

  auto method = in.requiredString("method");
  if (!method) return method.error();
  alias.method = *method;
  std::transform(alias.method.begin(), alias.method.end(), alias.method.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  if (std::find(std::begin(kMethods), std::end(kMethods), alias.method) == std::end(kMethods)) {
    return in.errorAt("method", "unknown method '" + *method + "' (known: GET, PUT, PATCH, POST, DELETE)");
  }
  auto path = in.requiredString("path");
  if (!path) return path.error();
  alias.pathText = *path;
  if (auto r = parseRoute(alias.pathText, alias); !r) return in.errorAt("path", r.error().message);

  auto operation = in.requiredString("operation");
  if (!operation) return operation.error();
  auto op = operations::parseOperation(*operation);
  if (!op) return in.errorAt("operation", "unknown operation '" + *operation + "'");
  alias.operation = *op;
  if (!methodFits(alias.method, alias.operation)) {
    return in.errorAt("method", alias.method + " cannot " + *operation +
                                    " (GET reads; PUT replaces; PATCH updates; DELETE deletes or cancels; POST does any)");
  }

  auto style = in.style("payload", PayloadStyle::Json);
  if (!style) return style.error();
  if (*style == PayloadStyle::Event) return in.errorAt("payload", "an alias answers in value, json, senml, tree or emqx");
  alias.style = *style;
  if (auto transform = in.child("transform")) {
    auto parsed = parseTransform(*transform);
    if (!parsed) return parsed.error();
    alias.transform = *parsed;
  }
  if (auto validate = in.child("validate")) {
    auto parsed = parseValueCheck(*validate);
    if (!parsed) return parsed.error();
    alias.validate = std::move(*parsed);
  }
  if (auto r = parseTargets(in, model, alias); !r) return r.error();
  if (auto r = checkOperationFit(in, alias); !r) return r.error();

  alias.responseTopic = in.string("response_topic", "");
  std::vector<std::string_view> captured = capturedNames(alias);
  if (auto r = checkTemplate(alias.responseTopic, captured); !r) return in.errorAt("response_topic", r.error().message);
  auto qos = in.qos("response_qos");
  if (!qos) return qos.error();
  alias.responseQos = *qos;
  auto ttl = in.optionalUnsigned("ttl", "seconds");
  if (!ttl) return ttl.error();
  alias.ttlSeconds = *ttl;
  return alias;
}

Result<void> checkHttpRoutes(const std::vector<HttpAlias>& aliases) {
  for (size_t i = 0; i < aliases.size(); ++i) {
    const HttpAlias& a = aliases[i];
    if (!a.enabled) continue;
    for (const RestRoute& route : builtInRestRoutes()) {
      if (takesRoutePath(a.path.levels(), route.path)) {
        return fail(a.source + ": http: " + a.method + " " + a.pathText + " would take paths of the built-in route " +
                    std::string(route.path) + " (" + std::string(route.methods) +
                    "; numeric ids there are digits, other {parameters} any level)");
      }
    }
    for (size_t j = 0; j < i; ++j) {
      const HttpAlias& b = aliases[j];
      if (!b.enabled || a.method != b.method || !pathsOverlap(a.path.levels(), b.path.levels()) ||
          !queriesOverlap(a, b)) {
        continue;
      }
      return fail(a.source + ": http: " + a.method + " " + a.pathText + " answers the same requests as " + b.method +
                  " " + b.pathText + " (" + b.source + ")");
    }
  }
  return {};
}

}  // namespace lwm2m::mapping
