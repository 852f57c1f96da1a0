#include "gateway/daemon/webhook_config_yaml.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <set>

#include "bridges/webhook/webhook_url.h"
#include "gateway/api/device_events.h"

namespace lwm2m::gateway {
namespace {

constexpr std::string_view kKeys = "name, url, events, endpoint, secret, ca_file, timeout_ms, headers";

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
  return out;
}

// RFC 9110 token characters.
bool isToken(std::string_view name) {
  return !name.empty() && std::all_of(name.begin(), name.end(), [](unsigned char c) {
    return std::isalnum(c) || std::string_view("!#$%&'*+-.^_`|~").find(static_cast<char>(c)) != std::string_view::npos;
  });
}

bool isHeaderValue(std::string_view value) {
  return std::none_of(value.begin(), value.end(),
                      [](unsigned char c) { return (c < 0x20 && c != '\t') || c == 0x7f; });
}

// Headers the client writes itself.
bool reservedHeader(std::string_view name) {
  const std::string n = lower(name);
  return n == "host" || n == "content-length" || n == "content-type" || n == "transfer-encoding" ||
         n == "connection" || n.rfind("x-lwm2m-", 0) == 0;
}

class TargetReader {
 public:
  TargetReader(std::vector<NestedProblem>& problems, std::string prefix)
      : problems_(problems), prefix_(std::move(prefix)) {}

  void read(const YAML::Node& entry, WebhookTargetConfig& t) {
    if (!entry.IsMap()) return report(entry, "", "expected a map of keys (" + std::string(kKeys) + ")");
    std::set<std::string> seen;
    for (const auto& kv : entry) {
      const std::string key = kv.first.Scalar();
      if (!seen.insert(key).second) {
        report(kv.first, "." + key, "appears twice");
        continue;
      }
      readKey(key, kv.first, kv.second, t);
    }
    if (!seen.count("url")) report(entry, ".url", "missing: every webhook needs a url");
    if (t.name.empty()) t.name = t.url;
  }

 private:
  void report(const YAML::Node& at, const std::string& key, std::string problem) {
    problems_.push_back(NestedProblem{at, prefix_ + key, std::move(problem)});
  }

  std::optional<std::string> scalar(const YAML::Node& keyNode, const std::string& key, const YAML::Node& value) {
    if (value.IsNull()) return std::string();
    if (!value.IsScalar()) {
      report(keyNode, "." + key, "expected a string");
      return std::nullopt;
    }
    return value.Scalar();
  }

  void readKey(const std::string& key, const YAML::Node& keyNode, const YAML::Node& value, WebhookTargetConfig& t) {
    if (key == "events") return readEvents(keyNode, value, t);
    if (key == "headers") return readHeaders(keyNode, value, t);
    auto text = scalar(keyNode, key, value);
    if (!text) return;
    if (key == "name") {
      t.name = *text;
    } else if (key == "url") {
      auto url = bridges::webhook::parseWebhookUrl(*text);
      if (!url) return report(keyNode, ".url", url.error().message);
      t.url = *text;
    } else if (key == "endpoint") {
      if (text->empty()) return report(keyNode, ".endpoint", "must not be empty (\"*\" for every endpoint)");
      t.endpoint = *text;
    } else if (key == "secret") {
      t.secret = *text;
    } else if (key == "ca_file") {
      if (auto problem = checkReadableFile(*text)) return report(keyNode, ".ca_file", *problem);
      t.caFile = *text;
    } else if (key == "timeout_ms") {
      long long ms = 0;
      const auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), ms);
      if (text->empty() || ec != std::errc() || end != text->data() + text->size() || ms < 1 || ms > 600000) {
        return report(keyNode, ".timeout_ms", "must be between 1 and 600000 (got '" + *text + "')");
      }
      t.timeout = std::chrono::milliseconds(ms);
    } else {
      report(keyNode, "." + key, "unknown key (expected one of: " + std::string(kKeys) + ")");
    }
  }

  void readEvents(const YAML::Node& keyNode, const YAML::Node& value, WebhookTargetConfig& t) {
    if (!value.IsSequence()) return report(keyNode, ".events", "expected a list of event kinds");
    t.events.clear();
    for (const auto& item : value) {
      const std::string name = item.IsScalar() ? item.Scalar() : "";
      if (!api::parseDeviceEventKind(name)) {
        report(item, ".events",
               "unknown event kind '" + name + "' (expected " + api::deviceEventKindNames() + ")");
        continue;
      }
      t.events.push_back(name);
    }
  }

  void readHeaders(const YAML::Node& keyNode, const YAML::Node& value, WebhookTargetConfig& t) {
    if (!value.IsMap()) return report(keyNode, ".headers", "expected a map of header names to values");
    t.headers.clear();
    for (const auto& kv : value) {
      const std::string name = kv.first.Scalar();
      const std::string text = kv.second.IsScalar() ? kv.second.Scalar() : "";
      if (!isToken(name)) {
        report(kv.first, ".headers", "'" + name + "' is not a header name");
      } else if (reservedHeader(name)) {
        report(kv.first, ".headers." + name, "is set by the gateway itself");
      } else if (!kv.second.IsScalar() || !isHeaderValue(text)) {
        report(kv.first, ".headers." + name, "expected a value without control characters");
      } else {
        t.headers.emplace_back(name, text);
      }
    }
  }

  std::vector<NestedProblem>& problems_;
  std::string prefix_;
};

}  // namespace

std::vector<NestedProblem> loadWebhookTargets(const YAML::Node& list, std::vector<WebhookTargetConfig>& into) {
  std::vector<NestedProblem> problems;
  into.clear();
  if (list.IsNull()) return problems;
  if (!list.IsSequence()) {
    problems.push_back({list, "", "expected a list of webhooks (each a map with at least a url)"});
    return problems;
  }
  std::set<std::string> names;
  std::size_t index = 0;
  for (const auto& entry : list) {
    const std::string prefix = "[" + std::to_string(index++) + "]";
    WebhookTargetConfig target;
    TargetReader(problems, prefix).read(entry, target);
    if (!target.name.empty() && !names.insert(target.name).second) {
      problems.push_back({entry, prefix + ".name", "'" + target.name + "' names two webhooks; give each its own name"});
    }
    into.push_back(std::move(target));
  }
  return problems;
}

void emitWebhookTargets(YAML::Emitter& out, const std::vector<WebhookTargetConfig>& targets, Secrets secrets) {
  const auto shown = [secrets](const std::string& value) {
    return secrets == Secrets::Hidden && !value.empty() ? std::string("(hidden)") : value;
  };
  out << YAML::BeginSeq;
  for (const WebhookTargetConfig& t : targets) {
    out << YAML::BeginMap;
    out << YAML::Key << "name" << YAML::Value << YAML::DoubleQuoted << t.name;
    out << YAML::Key << "url" << YAML::Value << YAML::DoubleQuoted << t.url;
    out << YAML::Key << "events" << YAML::Value << YAML::Flow << YAML::BeginSeq;
    for (const auto& e : t.events) out << e;
    out << YAML::EndSeq;
    out << YAML::Key << "endpoint" << YAML::Value << YAML::DoubleQuoted << t.endpoint;
    out << YAML::Key << "secret" << YAML::Value << YAML::DoubleQuoted << shown(t.secret);
    out << YAML::Key << "ca_file" << YAML::Value << YAML::DoubleQuoted << t.caFile;
    out << YAML::Key << "timeout_ms" << YAML::Value << std::to_string(t.timeout.count());
    out << YAML::Key << "headers" << YAML::Value << YAML::BeginMap;
    for (const auto& [name, value] : t.headers) out << YAML::Key << name << YAML::Value << YAML::DoubleQuoted << shown(value);
    out << YAML::EndMap;
    out << YAML::EndMap;
  }
  out << YAML::EndSeq;
}

}  // namespace lwm2m::gateway
