#include "mapping/rule_loader.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "mapping/http_alias_rules.h"
#include "mapping/rule_fields.h"

namespace lwm2m::mapping {

namespace {

constexpr std::string_view kUplinkPlaceholders[] = {
    "endpoint", "gateway", "event", "object", "instance", "resource", "object_name", "resource_name", "path"};

Result<UplinkRule> parseUplink(const FieldReader& in, const model::ObjectModel& model) {
  UplinkRule rule;
  rule.source = in.location();
  if (auto r = in.checkKeys({"name", "enabled", "match", "topic", "payload", "qos", "retain", "transform", "batch"});
      !r) {
    return r.error();
  }
  rule.name = in.string("name", "");
  auto enabled = in.boolean("enabled", true);
  if (!enabled) return enabled.error();
  rule.enabled = *enabled;
  auto match = in.child("match");
  if (match) {
    auto parsed = parseMatch(*match, model);
    if (!parsed) return parsed.error();
    rule.match = std::move(*parsed);
  }
  auto topic = in.requiredString("topic");
  if (!topic) return topic.error();
  rule.topic = *topic;
  std::vector<std::string_view> allowed(std::begin(kUplinkPlaceholders), std::end(kUplinkPlaceholders));
  if (auto r = checkTemplate(rule.topic, allowed); !r) return in.errorAt("topic", r.error().message);
  auto style = in.style("payload", PayloadStyle::Json);
  if (!style) return style.error();
  rule.style = *style;
  bool valueStyle = rule.style == PayloadStyle::Value || rule.style == PayloadStyle::Json ||
                    rule.style == PayloadStyle::Senml || rule.style == PayloadStyle::Tree;
  if (valueStyle && !rule.match.events.empty() &&
      std::none_of(rule.match.events.begin(), rule.match.events.end(), gateway::api::carriesValues)) {
    return in.errorAt("payload", "style " + std::string(toString(rule.style)) +
                                     " publishes values, and none of the matched events carries any"
                                     " (use payload: event)");
  }
  auto qos = in.qos("qos");
  if (!qos) return qos.error();
  rule.qos = *qos;
  auto retain = in.boolean("retain", false);
  if (!retain) return retain.error();
  rule.retain = *retain;
  if (auto transform = in.child("transform")) {
    auto parsed = parseTransform(*transform);
    if (!parsed) return parsed.error();
    rule.transform = *parsed;
  }
  if (auto batch = in.child("batch")) {
    auto parsed = parseBatch(*batch);
    if (!parsed) return parsed.error();
    rule.batch = *parsed;
    const bool json = rule.style == PayloadStyle::Json || rule.style == PayloadStyle::Senml ||
                      rule.style == PayloadStyle::Tree || rule.style == PayloadStyle::Event;
    if (!json) {
      return in.errorAt("batch", "a batch is a JSON array of the messages' payloads; style " +
                                     std::string(toString(rule.style)) +
                                     " is not JSON (use json, senml, tree or event)");
    }
    if (rule.style == PayloadStyle::Senml && rule.topic.find("{endpoint}") == std::string::npos) {
      return in.errorAt("batch", "a SenML pack names no device, so a SenML batch is one device's: "
                                 "its topic needs {endpoint}");
    }
    if (rule.retain) {
      return in.errorAt("batch", "a retained batch would replace the one before it: batch and retain: true "
                                 "do not go together");
    }
  }
  return rule;
}

Result<ObserveRule> parseObserve(const FieldReader& in, const model::ObjectModel& model) {
  ObserveRule rule;
  rule.source = in.location();
  if (auto r = in.checkKeys({"name", "enabled", "match", "attributes", "composite"}); !r) return r.error();
  rule.name = in.string("name", "");
  auto enabled = in.boolean("enabled", true);
  if (!enabled) return enabled.error();
  rule.enabled = *enabled;
  auto match = in.child("match");
  if (!match) return in.errorAt("match", "an observe rule needs match.path");
  auto parsed = parseMatch(*match, model);
  if (!parsed) return parsed.error();
  rule.match = std::move(*parsed);
  if (rule.match.paths.empty()) return in.errorAt("match", "an observe rule needs match.path");
  if (auto attributes = in.child("attributes")) {
    auto a = parseAttributes(*attributes);
    if (!a) return a.error();
    rule.attributes = *a;
  }
  auto composite = in.boolean("composite", false);
  if (!composite) return composite.error();
  rule.composite = *composite;
  return rule;
}

Result<DownlinkRule> parseDownlink(const FieldReader& in) {
  DownlinkRule rule;
  rule.source = in.location();
  if (auto r = in.checkKeys({"name", "enabled", "topic", "operation", "path", "payload", "response_topic",
                             "response_qos", "ttl", "validate"});
      !r) {
    return r.error();
  }
  rule.name = in.string("name", "");
  auto enabled = in.boolean("enabled", true);
  if (!enabled) return enabled.error();
  rule.enabled = *enabled;
  auto topicText = in.requiredString("topic");
  if (!topicText) return topicText.error();
  auto topic = TopicPattern::parse(*topicText);
  if (!topic) return in.errorAt("topic", topic.error().message);
  if (!topic->captures("endpoint")) return in.errorAt("topic", "the topic must capture {endpoint}");
  rule.topic = std::move(*topic);
  auto style = in.style("payload", PayloadStyle::Json);
  if (!style) return style.error();
  if (*style != PayloadStyle::Value && *style != PayloadStyle::Json && *style != PayloadStyle::Emqx) {
    return in.errorAt("payload", "a command payload is value, json or emqx");
  }
  rule.style = *style;
  std::string operation = in.string("operation", "");
  if (!operation.empty()) {
    auto op = operations::parseOperation(operation);
    if (!op) return in.errorAt("operation", "unknown operation '" + operation + "'");
    rule.operation = *op;
  }
  std::vector<std::string_view> captured = {"endpoint", "gateway"};
  for (std::string_view candidate : {"op", "object", "instance", "resource", "id", "path"}) {
    if (rule.topic.captures(candidate)) captured.push_back(candidate);
  }
  rule.pathTemplate = in.string("path", "");
  if (auto r = checkTemplate(rule.pathTemplate, captured); !r) return in.errorAt("path", r.error().message);
  if (rule.style == PayloadStyle::Value) {
    if (!rule.operation && !rule.topic.captures("op")) {
      return in.errorAt("operation", "a value payload needs 'operation' or {op} in the topic");
    }
    if (rule.pathTemplate.empty()) return in.errorAt("path", "a value payload needs a path template");
  }
  rule.responseTopic = in.string("response_topic", "");
  if (auto r = checkTemplate(rule.responseTopic, captured); !r) {
    return in.errorAt("response_topic", r.error().message);
  }
  auto qos = in.qos("response_qos");
  if (!qos) return qos.error();
  rule.responseQos = *qos;
  auto ttl = in.optionalUnsigned("ttl", "seconds");
  if (!ttl) return ttl.error();
  rule.ttlSeconds = *ttl;
  if (auto validate = in.child("validate")) {
    auto parsed = parseValueCheck(*validate);
    if (!parsed) return parsed.error();
    rule.validate = std::move(*parsed);
  }
  return rule;
}

// Sections written as an explicit empty list ("uplink: []") in any file.
using Emptied = std::vector<std::string>;

template <class Rule, class Parse>
Result<void> parseSection(const FieldReader& root, const char* key, std::vector<Rule>& out, Emptied& emptied,
                          Parse parse) {
  auto items = root.list(key);
  if (!items) return items.error();
  if (items->empty() && root.child(key) &&
      std::find(emptied.begin(), emptied.end(), key) == emptied.end()) {
    emptied.emplace_back(key);
  }
  for (const FieldReader& item : *items) {
    auto rule = parse(item);
    if (!rule) return rule.error();
    out.push_back(std::move(*rule));
  }
  return {};
}

// The rules of every file loaded so far, in file order.
struct Sections {
  std::vector<UplinkRule> uplink;
  std::vector<ObserveRule> observe;
  std::vector<DownlinkRule> downlink;
  std::vector<HttpAlias> http;
  Emptied emptied;

  Result<RuleSet> finish(std::vector<std::string> files) {
    if (auto r = checkHttpRoutes(http); !r) return r.error();
    RuleSet rules(std::move(uplink), std::move(observe), std::move(downlink), std::move(files), std::move(http));
    rules.setEmptiedSections(std::move(emptied));
    return rules;
  }
};

Result<void> parseRuleFile(std::string_view text, const std::string& fileName, const model::ObjectModel& model,
                           const LoadPolicy& policy, Sections& out) {
  auto root = FieldReader::load(text, fileName);
  if (!root) return root.error();
  if (root->isNull()) {
    if (policy.allowEmpty) return {};
    return fail(fileName + ":1: the file is empty (nothing but blanks and comments): refused, a half-written save "
                           "looks like this. A file without rules on purpose says so with an empty section "
                           "(\"uplink: []\"), or set mapping.allow_empty");
  }
  if (auto r = root->checkKeys({"uplink", "observe", "downlink", "http"}); !r) return r.error();
  if (auto r = parseSection(*root, "uplink", out.uplink, out.emptied,
                            [&](const FieldReader& in) { return parseUplink(in, model); });
      !r) {
    return r;
  }
  if (auto r = parseSection(*root, "observe", out.observe, out.emptied,
                            [&](const FieldReader& in) { return parseObserve(in, model); });
      !r) {
    return r;
  }
  if (auto r = parseSection(*root, "downlink", out.downlink, out.emptied,
                            [](const FieldReader& in) { return parseDownlink(in); });
      !r) {
    return r;
  }
  return parseSection(*root, "http", out.http, out.emptied,
                      [&](const FieldReader& in) { return parseHttpAlias(in, model); });
}

// yaml-cpp reports some misuse by exception (e.g. a value that is not what
// the reader expected); none may escape the loader.
Result<void> parseInto(std::string_view text, const std::string& fileName, const model::ObjectModel& model,
                       const LoadPolicy& policy, Sections& out) {
  try {
    return parseRuleFile(text, fileName, model, policy, out);
  } catch (const YAML::Exception& e) {
    return fail(fileName + ":" + std::to_string(e.mark.line < 0 ? 1 : e.mark.line + 1) + ": " + e.msg);
  }
}

Result<std::string> readFile(const std::filesystem::path& path) {
  std::ifstream file(path, std::ios::binary);
  if (!file) return fail(path.string() + ": cannot be read");
  std::ostringstream text;
  text << file.rdbuf();
  return text.str();
}

}  // namespace

Result<RuleSet> parseRules(std::string_view text, const std::string& fileName, const model::ObjectModel& model,
                           const LoadPolicy& policy) {
  Sections sections;
  if (auto r = parseInto(text, fileName, model, policy, sections); !r) return r.error();
  return sections.finish({fileName});
}

Result<RuleSet> loadRules(const std::string& fileOrDirectory, const model::ObjectModel& model,
                          const LoadPolicy& policy) {
  namespace fs = std::filesystem;
  std::error_code ec;
  std::vector<fs::path> files;
  if (fs::is_directory(fileOrDirectory, ec)) {
    for (const auto& entry : fs::directory_iterator(fileOrDirectory, ec)) {
      auto ext = entry.path().extension().string();
      if (entry.is_regular_file(ec) && (ext == ".yaml" || ext == ".yml" || ext == ".json")) {
        files.push_back(entry.path());
      }
    }
    if (ec) return fail(fileOrDirectory + ": cannot be listed: " + ec.message());
    std::sort(files.begin(), files.end());
  } else if (fs::exists(fileOrDirectory, ec)) {
    files.emplace_back(fileOrDirectory);
  } else {
    return fail(fileOrDirectory + ": no such file or directory");
  }
  Sections sections;
  std::vector<std::string> names;
  for (const auto& file : files) {
    auto text = readFile(file);
    if (!text) return text.error();
    if (auto r = parseInto(*text, file.string(), model, policy, sections); !r) return r.error();
    names.push_back(file.string());
  }
  return sections.finish(std::move(names));
}

Result<void> checkReplacement(const RuleSet& current, const RuleSet& next, const LoadPolicy& policy) {
  if (policy.allowEmpty) return {};
  const std::pair<const char*, std::pair<std::size_t, std::size_t>> kinds[] = {
      {"uplink", {current.uplink().size(), next.uplink().size()}},
      {"observe", {current.observe().size(), next.observe().size()}},
      {"downlink", {current.downlink().size(), next.downlink().size()}},
      {"http", {current.http().size(), next.http().size()}},
  };
  std::string missing;
  std::string firstKind;
  for (const auto& [kind, counts] : kinds) {
    const auto& emptied = next.emptiedSections();
    if (counts.first == 0 || counts.second > 0 || std::find(emptied.begin(), emptied.end(), kind) != emptied.end()) {
      continue;
    }
    if (firstKind.empty()) firstKind = kind;
    missing += std::string(missing.empty() ? "" : ", ") + kind + " rules (" + std::to_string(counts.first) + " in force)";
  }
  if (missing.empty()) return {};
  const std::string file = next.files().empty() ? std::string("the mapping") : next.files().front();
  return fail(file + ":1: no " + missing + " any more: refused, a file cut short looks like this. To remove "
              "every rule of a kind on purpose, write it as an empty section (\"" + firstKind +
              ": []\"), or set mapping.allow_empty");
}

}  // namespace lwm2m::mapping
