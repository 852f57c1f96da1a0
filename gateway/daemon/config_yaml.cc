// gateway.yaml <-> GatewayConfig. One table of sections and keys drives both
// the loader and toYaml(), so the two cannot drift apart.
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <limits>
#include <map>
#include <set>
#include <sstream>

#include "gateway/daemon/config.h"
#include "gateway/daemon/webhook_config_yaml.h"
#include "lwm2m/model/value.h"

namespace lwm2m::gateway {
namespace {

using Problem = std::optional<std::string>;
using Checker = std::function<Problem(std::string_view)>;

struct Field {
  std::string_view key;
  std::function<Problem(const YAML::Node&)> load;  // reads the value into the config
  std::function<std::string()> text;                // the current value as a YAML scalar
  bool quoted = false;                              // strings are emitted double-quoted
  // A list or map value (instead of load/text): problems at their own lines.
  std::function<std::vector<NestedProblem>(const YAML::Node&)> loadNested;
  std::function<void(YAML::Emitter&)> emit;
  std::function<std::vector<std::string>()> list;   // instead of text: a list of strings
};

struct Section {
  std::string_view name;
  std::vector<Field> fields;
};

std::string quote(std::string_view s) { return "'" + std::string(s) + "'"; }

std::string describe(const YAML::Node& node) {
  if (node.IsMap()) return "a map";
  if (node.IsSequence()) return "a list";
  if (node.IsNull()) return "nothing";
  return quote(node.Scalar());
}

// A key of an earlier release: setting it is an error that says what replaced it.
// Not printed by toYaml().
Field retiredField(std::string_view key, std::string replacement) {
  return Field{key,
               [replacement = std::move(replacement)](const YAML::Node&) -> Problem {
                 return "no longer a setting: " + replacement;
               },
               nullptr};
}

Field stringField(std::string_view key, std::string& target, Checker check = nullptr) {
  return Field{key,
               [&target, check](const YAML::Node& node) -> Problem {
                 std::string value;
                 if (node.IsScalar()) {
                   value = node.Scalar();
                 } else if (!node.IsNull()) {
                   return "expected a string (got " + describe(node) + ")";
                 }
                 if (check) {
                   if (auto problem = check(value)) return problem;
                 }
                 target = std::move(value);
                 return std::nullopt;
               },
               [&target] { return target; }, true};
}

std::optional<long long> parseInteger(const YAML::Node& node) {
  if (!node.IsScalar()) return std::nullopt;
  const std::string& s = node.Scalar();
  long long value = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
  if (ec != std::errc() || end != s.data() + s.size() || s.empty()) return std::nullopt;
  return value;
}

// An integer in [min, max]; rangeText replaces the generic range message.
template <class T>
Field integerField(std::string_view key, T& target, long long min, long long max,
                   std::string rangeText = "") {
  if (rangeText.empty()) {
    rangeText = "must be between " + std::to_string(min) + " and " + std::to_string(max);
  }
  return Field{key,
               [&target, min, max, rangeText](const YAML::Node& node) -> Problem {
                 auto value = parseInteger(node);
                 if (!value) return "expected an integer (got " + describe(node) + ")";
                 if (*value < min || *value > max) {
                   return rangeText + " (got " + node.Scalar() + ")";
                 }
                 target = static_cast<T>(*value);
                 return std::nullopt;
               },
               [&target] { return std::to_string(target); }};
}

template <class Duration>
Field durationField(std::string_view key, Duration& target, long long min, long long max) {
  const std::string rangeText =
      "must be between " + std::to_string(min) + " and " + std::to_string(max);
  return Field{key,
               [&target, min, max, rangeText](const YAML::Node& node) -> Problem {
                 auto value = parseInteger(node);
                 if (!value) return "expected an integer (got " + describe(node) + ")";
                 if (*value < min || *value > max) {
                   return rangeText + " (got " + node.Scalar() + ")";
                 }
                 target = Duration(*value);
                 return std::nullopt;
               },
               [&target] { return std::to_string(target.count()); }};
}

Field boolField(std::string_view key, bool& target) {
  return Field{key,
               [&target](const YAML::Node& node) -> Problem {
                 bool value = false;
                 if (!node.IsScalar() || !YAML::convert<bool>::decode(node, value)) {
                   return "expected true or false (got " + describe(node) + ")";
                 }
                 target = value;
                 return std::nullopt;
               },
               [&target] { return std::string(target ? "true" : "false"); }};
}

Field doubleField(std::string_view key, double& target, double min, double max) {
  return Field{key,
               [&target, min, max](const YAML::Node& node) -> Problem {
                 if (!node.IsScalar() || node.Scalar().empty()) {
                   return "expected a number (got " + describe(node) + ")";
                 }
                 const std::string& s = node.Scalar();
                 char* end = nullptr;
                 errno = 0;
                 const double value = std::strtod(s.c_str(), &end);
                 if (end != s.c_str() + s.size() || errno != 0 || !std::isfinite(value)) {
                   return "expected a number (got " + quote(s) + ")";
                 }
                 if (value < min || value > max) {
                   std::ostringstream msg;
                   msg << "must be between " << min << " and " << max << " (got " << s << ")";
                   return msg.str();
                 }
                 target = value;
                 return std::nullopt;
               },
               [&target] {
                 char buf[64];
                 auto [end, ec] = std::to_chars(buf, buf + sizeof buf, target);
                 std::string text(buf, ec == std::errc() ? end : buf);
                 // "2" would read back the same, but "2.0" says it is a factor, not a count.
                 if (text.find_first_of(".e") == std::string::npos) text += ".0";
                 return text;
               }};
}

// A CoAP block size (RFC 7959 SZX 0..6): a power of two from 16 to 1024.
Field blockSizeField(std::string_view key, std::uint16_t& target) {
  return Field{key,
               [&target](const YAML::Node& node) -> Problem {
                 auto value = parseInteger(node);
                 if (!value) return "expected an integer (got " + describe(node) + ")";
                 if (*value < 16 || *value > 1024 || (*value & (*value - 1)) != 0) {
                   return "must be 16, 32, 64, 128, 256, 512 or 1024 (got " + node.Scalar() + ")";
                 }
                 target = static_cast<std::uint16_t>(*value);
                 return std::nullopt;
               },
               [&target] { return std::to_string(target); }};
}

// Empty, or an absolute path of an existing directory.
Problem checkDirectory(std::string_view value) {
  if (value.empty()) return std::nullopt;
  if (value.front() != '/') return std::string("must be an absolute path");
  std::error_code ec;
  if (!std::filesystem::is_directory(std::string(value), ec)) return std::string("is not a directory");
  return std::nullopt;
}

// Empty, or coap://HOST:PORT (IPv6 in brackets), no path.
Problem checkPullUri(std::string_view value) {
  if (value.empty()) return std::nullopt;
  constexpr std::string_view kScheme = "coap://";
  if (value.substr(0, kScheme.size()) != kScheme || value.size() == kScheme.size()) {
    return std::string("must be coap://HOST:PORT, the address devices reach this gateway's LwM2M port at");
  }
  if (value.substr(kScheme.size()).find('/') != std::string_view::npos) return std::string("must not have a path");
  return std::nullopt;
}

// A list of strings, each checked; a single string is taken as a list of one.
Field stringListField(std::string_view key, std::vector<std::string>& target, Checker check = nullptr) {
  Field field{key,
              [&target, check](const YAML::Node& node) -> Problem {
                std::vector<std::string> values;
                if (node.IsScalar()) {
                  values.push_back(node.Scalar());
                } else if (node.IsSequence()) {
                  for (const auto& item : node) {
                    if (!item.IsScalar()) return "expected a list of strings (got " + describe(item) + " in it)";
                    values.push_back(item.Scalar());
                  }
                } else if (!node.IsNull()) {
                  return "expected a list of strings (got " + describe(node) + ")";
                }
                for (const auto& value : values) {
                  if (!check) break;
                  if (auto problem = check(value)) return quote(value) + ": " + *problem;
                }
                target = std::move(values);
                return std::nullopt;
              },
              nullptr};
  field.list = [&target] { return target; };
  return field;
}

// A number of seconds, or "derived" (nullopt): computed from other settings.
Field derivedSecondsField(std::string_view key, std::optional<std::uint32_t>& target, long long min, long long max) {
  return Field{key,
               [&target, min, max](const YAML::Node& node) -> Problem {
                 if (node.IsScalar() && node.Scalar() == "derived") {
                   target.reset();
                   return std::nullopt;
                 }
                 auto value = parseInteger(node);
                 if (!value) return "expected a number of seconds or 'derived' (got " + describe(node) + ")";
                 if (*value < min || *value > max) {
                   return "must be between " + std::to_string(min) + " and " + std::to_string(max) +
                          ", or 'derived' (got " + node.Scalar() + ")";
                 }
                 target = static_cast<std::uint32_t>(*value);
                 return std::nullopt;
               },
               [&target] { return target ? std::to_string(*target) : std::string("derived"); }};
}

Problem nonEmpty(std::string_view value) {
  if (value.empty()) return std::string("must not be empty");
  return std::nullopt;
}

constexpr long long kUint32Max = std::numeric_limits<std::uint32_t>::max();

std::vector<Section> schema(GatewayConfig& c) {
  return {
      {"gateway", {stringField("id", c.gateway.id, checkGatewayId)}},
      {"coap",
       {boolField("enabled", c.coap.enabled),
        stringField("listen", c.coap.listen, checkListenAddress),
        durationField("ack_timeout_ms", c.coap.ackTimeout, 1, 600000),
        doubleField("ack_random_factor", c.coap.ackRandomFactor, 1.0, 10.0),
        integerField("max_retransmit", c.coap.maxRetransmit, 0, 20),
        blockSizeField("block_size", c.coap.blockSize),
        integerField("max_body_size", c.coap.maxBodySize, 1024, 64LL * 1024 * 1024)}},
      {"coaps",
       {boolField("enabled", c.coaps.enabled),
        stringField("listen", c.coaps.listen, checkListenAddress),
        stringField("cert_file", c.coaps.certFile, checkReadableFile),
        stringField("key_file", c.coaps.keyFile, checkReadableFile),
        stringField("ca_file", c.coaps.caFile, checkReadableFile),
        stringField("credentials_file", c.coaps.credentialsFile),
        durationField("handshake_timeout_s", c.coaps.handshakeTimeout, 1, 3600),
        durationField("idle_timeout_s", c.coaps.idleTimeout, 1, 30LL * 86400),
        integerField("max_sessions", c.coaps.maxSessions, 1, 10000000),
        integerField("max_handshakes", c.coaps.maxHandshakes, 1, 1000000)}},
      {"bootstrap",
       {boolField("enabled", c.bootstrap.enabled),
        stringField("listen", c.bootstrap.listen, checkListenAddress),
        stringField("listen_dtls", c.bootstrap.listenDtls,
                    [](std::string_view text) { return text.empty() ? std::nullopt : checkListenAddress(text); }),
        stringField("configs", c.bootstrap.configs),
        stringField("server_host", c.bootstrap.serverHost),
        integerField("lifetime_s", c.bootstrap.lifetimeSeconds, 1, kUint32Max),
        durationField("session_timeout_s", c.bootstrap.sessionTimeout, 1, 3600)}},
      {"lwm2m",
       {boolField("allow_plain_registration", c.lwm2m.allowPlainRegistration),
        boolField("strict_version", c.lwm2m.strictVersion),
        integerField("lifetime_grace_s", c.lwm2m.lifetimeGraceSeconds, 0, kUint32Max),
        integerField("min_lifetime_s", c.lwm2m.minLifetimeSeconds, 1, kUint32Max),
        integerField("max_lifetime_s", c.lwm2m.maxLifetimeSeconds, 1, kUint32Max),
        derivedSecondsField("awake_window_s", c.lwm2m.awakeWindowSeconds, 1, 86400),
        integerField("request_timeout_s", c.lwm2m.requestTimeoutSeconds, 1, 86400),
        stringListField("models", c.lwm2m.models, nonEmpty)}},
      {"queue", {stringListField("expected_endpoints", c.queue.expectedEndpoints, nonEmpty)}},
      {"http",
       {stringField("listen", c.http.listen, checkListenAddress),
        durationField("request_timeout_s", c.http.requestTimeout, 1, 3600),
        integerField("finished_requests", c.http.finishedRequests, 1, 1000000),
        integerField("value_cache_entries", c.http.valueCacheEntries, 1, 10000000)}},
      {"events",
       {integerField("ring", c.events.ring, 0, 10000000),
        durationField("heartbeat_s", c.events.heartbeat, 1, 3600),
        integerField("max_buffer_kb", c.events.maxBufferKb, 1, 1024 * 1024),
        integerField("max_streams", c.events.maxStreams, 1, 100000)}},
      {"webhooks",
       {integerField("outbox_limit", c.webhooks.outboxLimit, 1, 100000000),
        durationField("retry_min_ms", c.webhooks.retryMin, 1, 3600000),
        durationField("retry_max_ms", c.webhooks.retryMax, 1, 86400000),
        Field{"targets", nullptr, nullptr, false,
              [&c](const YAML::Node& node) { return loadWebhookTargets(node, c.webhooks.targets); },
              [&c](YAML::Emitter& out) { emitWebhookTargets(out, c.webhooks.targets); }}}},
      {"mqtt",
       {stringField("uri", c.mqtt.uri, checkMqttUri),
        stringField("client_id", c.mqtt.clientId, nonEmpty),
        stringField("username", c.mqtt.username), stringField("password", c.mqtt.password),
        stringField("version", c.mqtt.version, checkMqttVersion),
        stringField("ca_file", c.mqtt.caFile, checkReadableFile),
        stringField("cert_file", c.mqtt.certFile, checkReadableFile),
        stringField("key_file", c.mqtt.keyFile, checkReadableFile),
        retiredField("event_topic",
                     "device events go to the topics the mapping rules choose (by default "
                     "lwm2m/{endpoint}/event/{event}); see deploy/mapping/README.md and "
                     "lwm2m-gateway --print-mapping"),
        stringField("status_topic", c.mqtt.statusTopic, checkStatusTopic),
        stringField("device_status_topic", c.mqtt.deviceStatusTopic, checkDeviceStatusTopic),
        integerField("qos", c.mqtt.qos, 0, 2, "must be 0, 1 or 2"),
        durationField("keepalive_s", c.mqtt.keepalive, 0, 65535),
        durationField("session_expiry_s", c.mqtt.sessionExpiry, 0, kUint32Max),
        durationField("reconnect_min_ms", c.mqtt.reconnectMin, 1, 3600000),
        durationField("reconnect_max_ms", c.mqtt.reconnectMax, 1, 3600000),
        integerField("outbox_limit", c.mqtt.outboxLimit, 1, 100000000),
        integerField("max_inflight", c.mqtt.maxInflight, 1, 65535),
        boolField("required_for_ready", c.mqtt.requiredForReady)}},
      {"storage",
       {stringField("data_dir", c.storage.dataDir, nonEmpty),
        durationField("probe_interval_s", c.storage.probeInterval, 1, 3600)}},
      {"firmware",
       {integerField("max_size", c.firmware.maxSize, 1024, 1LL << 30),
        durationField("retention_s", c.firmware.retention, 60, 365LL * 86400),
        stringField("allowed_dir", c.firmware.allowedDir, checkDirectory),
        boolField("allow_downloads", c.firmware.allowDownloads),
        stringField("ca_file", c.firmware.caFile, checkReadableFile),
        stringField("pull_uri", c.firmware.pullUri, checkPullUri)}},
      {"mapping", {stringField("path", c.mapping.path)}},
      {"logging", {stringField("level", c.logging.level, checkLogLevel)}},
  };
}

std::size_t editDistance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] != b[j - 1] ? 1 : 0)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

// "unknown key (did you mean 'qos'?; expected one of: uri, client_id, ...)"
template <class Names>
std::string unknown(std::string_view what, std::string_view name, const Names& names) {
  std::string list;
  std::string suggestion;
  for (std::string_view n : names) {
    if (!list.empty()) list += ", ";
    list += n;
    if (suggestion.empty() && editDistance(name, n) <= 2) suggestion = std::string(n);
  }
  std::string msg = "unknown " + std::string(what);
  if (!suggestion.empty()) msg += ", did you mean " + quote(suggestion) + "?";
  return msg + " (expected one of: " + list + ")";
}

class Loader {
 public:
  explicit Loader(std::string_view fileName) : file_(fileName) {}

  Result<GatewayConfig> load(std::string_view text) {
    // YAML is UTF-8; yaml-cpp would take other bytes as they are, and
    // --print-config could not show them back.
    std::size_t lineNumber = 1;
    for (std::size_t start = 0; start <= text.size(); ++lineNumber) {
      const std::size_t end = std::min(text.find('\n', start), text.size());
      if (!model::isValidUtf8(text.substr(start, end - start))) {
        return fail(file_ + ":" + std::to_string(lineNumber) + ": not UTF-8 text");
      }
      start = end + 1;
    }
    YAML::Node root;
    try {
      root = YAML::Load(std::string(text));
    } catch (const YAML::Exception& e) {
      return fail(file_ + ":" + std::to_string(e.mark.line + 1) + ": invalid YAML: " + e.msg);
    }
    if (root.IsNull()) return config_;
    if (!root.IsMap()) {
      return fail(file_ + ":" + line(root) +
                  ": expected a map of sections (gateway, coap, coaps, bootstrap, lwm2m, queue, http, events, webhooks, mqtt, storage, "
                  "firmware, mapping, logging), got " + describe(root));
    }
    auto sections = schema(config_);
    std::set<std::string> seen;
    for (const auto& entry : root) {
      const std::string name = entry.first.Scalar();
      auto section = std::find_if(sections.begin(), sections.end(),
                                  [&](const Section& s) { return s.name == name; });
      if (section == sections.end()) {
        std::vector<std::string_view> names;
        for (const auto& s : sections) names.push_back(s.name);
        report(entry.first, name, unknown("section", name, names));
      } else if (!seen.insert(name).second) {
        report(entry.first, name, "appears twice");
      } else {
        loadSection(*section, entry.second);
      }
    }
    for (const auto& problem : crossCheck(config_)) {
      // Point at the first key of the problem that the file sets.
      std::string at;
      std::size_t best = std::string::npos;
      for (const auto& [key, keyLine] : keyLines_) {
        const auto pos = problem.find(key);
        if (pos < best) {
          best = pos;
          at = keyLine + ":";
        }
      }
      errors_.push_back(file_ + ":" + at + " " + problem);
    }
    if (!errors_.empty()) {
      std::string all;
      for (const auto& e : errors_) all += (all.empty() ? "" : "\n") + e;
      return fail(all);
    }
    return config_;
  }

 private:
  static std::string line(const YAML::Node& node) { return std::to_string(node.Mark().line + 1); }

  void report(const YAML::Node& at, const std::string& key, const std::string& problem) {
    errors_.push_back(file_ + ":" + line(at) + ": " + key + ": " + problem);
  }

  void loadSection(const Section& section, const YAML::Node& body) {
    const std::string prefix = std::string(section.name) + ".";
    if (body.IsNull()) return;  // "mqtt:" alone keeps every default
    if (!body.IsMap()) {
      report(body, std::string(section.name), "expected a map of keys (got " + describe(body) + ")");
      return;
    }
    std::set<std::string> seen;
    for (const auto& entry : body) {
      const std::string key = entry.first.Scalar();
      const std::string full = prefix + key;
      keyLines_[full] = line(entry.first);
      auto field = std::find_if(section.fields.begin(), section.fields.end(),
                                [&](const Field& f) { return f.key == key; });
      if (field == section.fields.end()) {
        std::vector<std::string_view> names;
        for (const auto& f : section.fields) names.push_back(f.key);
        report(entry.first, full, unknown("key", key, names));
      } else if (!seen.insert(key).second) {
        report(entry.first, full, "appears twice");
      } else if (field->loadNested) {
        for (const NestedProblem& p : field->loadNested(entry.second)) {
          report(p.at.IsDefined() && p.at.Mark().line >= 0 ? p.at : entry.first, full + p.key, p.problem);
        }
      } else if (auto problem = field->load(entry.second)) {
        report(entry.first, full, *problem);
      }
    }
  }

  std::string file_;
  GatewayConfig config_;
  std::vector<std::string> errors_;
  std::map<std::string, std::string> keyLines_;  // "mqtt.qos" -> "7"
};

}  // namespace

Result<GatewayConfig> loadConfigText(std::string_view yaml, std::string_view fileName) {
  return Loader(fileName).load(yaml);
}

Result<GatewayConfig> loadConfigFile(const std::string& path) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) {
    return fail(path + ": is a directory, expected a configuration file");
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) return fail(path + ": cannot open: " + std::strerror(errno));
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) return fail(path + ": cannot read: " + std::strerror(errno));
  return loadConfigText(text.str(), path);
}

std::string toYaml(const GatewayConfig& config) {
  GatewayConfig copy = config;  // schema() binds to a mutable config; only read here
  YAML::Emitter out;
  out << YAML::BeginMap;
  for (const auto& section : schema(copy)) {
    out << YAML::Key << std::string(section.name) << YAML::Value << YAML::BeginMap;
    for (const auto& field : section.fields) {
      if (field.list) {
        out << YAML::Key << std::string(field.key) << YAML::Value << YAML::Flow << YAML::BeginSeq;
        for (const std::string& item : field.list()) out << YAML::DoubleQuoted << item;
        out << YAML::EndSeq;
        continue;
      }
      if (!field.text && !field.emit) continue;  // retired
      out << YAML::Key << std::string(field.key) << YAML::Value;
      if (field.emit) {
        field.emit(out);
        continue;
      }
      if (field.quoted) out << YAML::DoubleQuoted;
      out << field.text();
    }
    out << YAML::EndMap;
  }
  out << YAML::EndMap;
  return std::string(out.c_str()) + "\n";
}

}  // namespace lwm2m::gateway
