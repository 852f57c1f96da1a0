#include "gateway/daemon/bootstrap_config_yaml.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <charconv>
#include <fstream>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <sstream>

namespace lwm2m::gateway {
namespace {

using server::AclInstance;
using server::BootstrapConfig;
using server::SecurityInstance;
using server::SecurityMode;
using server::ServerInstance;

// Collects "file:line: where: problem" lines.
class Problems {
 public:
  explicit Problems(std::string_view file) : file_(file) {}
  void add(const YAML::Node& node, std::string_view where, std::string_view problem) {
    std::string line = node.IsDefined() ? std::to_string(node.Mark().line + 1) : "?";
    if (node.IsDefined() && node.Mark().line < 0) line = "1";
    lines_.push_back(file_ + ":" + line + ": " + std::string(where) + ": " + std::string(problem));
  }
  void addAt(int line, std::string_view problem) {
    lines_.push_back(file_ + ":" + std::to_string(line) + ": " + std::string(problem));
  }
  bool empty() const { return lines_.empty(); }
  std::string text() const {
    std::string all;
    for (const auto& line : lines_) all += (all.empty() ? "" : "\n") + line;
    return all;
  }

 private:
  std::string file_;
  std::vector<std::string> lines_;
};

std::string describeYaml(const YAML::Node& node) {
  if (node.IsMap()) return "a map";
  if (node.IsSequence()) return "a list";
  if (node.IsNull()) return "nothing";
  return "'" + node.Scalar() + "'";
}

std::optional<std::uint64_t> unsignedValue(const YAML::Node& node, std::uint64_t max) {
  if (!node.IsScalar()) return std::nullopt;
  const std::string& s = node.Scalar();
  std::uint64_t value = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
  if (ec != std::errc() || end != s.data() + s.size() || s.empty() || value > max) return std::nullopt;
  return value;
}

std::optional<bool> boolValue(const YAML::Node& node) {
  if (!node.IsScalar()) return std::nullopt;
  const std::string& s = node.Scalar();
  if (s == "true") return true;
  if (s == "false") return false;
  return std::nullopt;
}

std::optional<model::Bytes> hexValue(const std::string& text) {
  if (text.empty() || text.size() % 2 != 0) return std::nullopt;
  model::Bytes bytes;
  for (std::size_t i = 0; i < text.size(); i += 2) {
    unsigned value = 0;
    auto [end, ec] = std::from_chars(text.data() + i, text.data() + i + 2, value, 16);
    if (ec != std::errc() || end != text.data() + i + 2) return std::nullopt;
    bytes.push_back(static_cast<std::uint8_t>(value));
  }
  return bytes;
}

// Reads the keys of one map; unknown keys are problems.
class MapReader {
 public:
  MapReader(const YAML::Node& map, std::string prefix, Problems& problems)
      : map_(map), prefix_(std::move(prefix)), problems_(problems) {}

  template <class Read>
  void key(std::string_view name, Read read) {
    known_.insert(std::string(name));
    YAML::Node value = map_[std::string(name)];
    if (!value.IsDefined()) return;
    if (auto problem = read(value)) problems_.add(value, prefix_ + std::string(name), *problem);
  }
  void unsignedKey(std::string_view name, std::uint64_t max, std::function<void(std::uint64_t)> set) {
    key(name, [&](const YAML::Node& v) -> std::optional<std::string> {
      auto value = unsignedValue(v, max);
      if (!value) return "expected a whole number 0.." + std::to_string(max) + " (got " + describeYaml(v) + ")";
      set(*value);
      return std::nullopt;
    });
  }
  void boolKey(std::string_view name, bool& target) {
    key(name, [&](const YAML::Node& v) -> std::optional<std::string> {
      auto value = boolValue(v);
      if (!value) return "expected true or false (got " + describeYaml(v) + ")";
      target = *value;
      return std::nullopt;
    });
  }
  void stringKey(std::string_view name, std::string& target) {
    key(name, [&](const YAML::Node& v) -> std::optional<std::string> {
      if (!v.IsScalar()) return "expected a string (got " + describeYaml(v) + ")";
      target = v.Scalar();
      return std::nullopt;
    });
  }
  bool has(std::string_view name) const { return map_[std::string(name)].IsDefined(); }
  void rejectUnknown() {
    for (const auto& entry : map_) {
      std::string name = entry.first.IsScalar() ? entry.first.Scalar() : describeYaml(entry.first);
      if (!known_.count(name)) problems_.add(entry.first, prefix_ + name, "unknown key");
    }
  }

 private:
  const YAML::Node& map_;
  std::string prefix_;
  Problems& problems_;
  std::set<std::string> known_;
};

bool validUri(const std::string& uri) {
  return (uri.rfind("coap://", 0) == 0 && uri.size() > 7) || (uri.rfind("coaps://", 0) == 0 && uri.size() > 8);
}

SecurityInstance loadSecurity(const YAML::Node& node, const std::string& where, const BootstrapDefaults& defaults,
                              Problems& problems) {
  SecurityInstance s;
  if (!node.IsMap()) {
    problems.add(node, where, "expected a map (got " + describeYaml(node) + ")");
    return s;
  }
  MapReader r(node, where + ".", problems);
  r.unsignedKey("instance", 65534, [&](std::uint64_t v) { s.instance = static_cast<model::InstanceId>(v); });
  r.stringKey("uri", s.serverUri);
  r.boolKey("bootstrap", s.bootstrapServer);
  r.key("mode", [&](const YAML::Node& v) -> std::optional<std::string> {
    if (v.IsScalar() && v.Scalar() == "psk") {
      s.mode = SecurityMode::Psk;
    } else if (v.IsScalar() && v.Scalar() == "nosec") {
      s.mode = SecurityMode::NoSec;
    } else {
      return "expected psk or nosec (got " + describeYaml(v) + ")";
    }
    return std::nullopt;
  });
  r.stringKey("psk-identity", s.pskIdentity);
  r.key("psk-key", [&](const YAML::Node& v) -> std::optional<std::string> {
    auto bytes = v.IsScalar() ? hexValue(v.Scalar()) : std::nullopt;
    if (!bytes) return "expected the key as an even number of hex digits";  // never echo a key
    s.pskKey = std::move(*bytes);
    return std::nullopt;
  });
  r.unsignedKey("short-server-id", 65534, [&](std::uint64_t v) { s.shortServerId = static_cast<std::uint16_t>(v); });
  r.rejectUnknown();
  if (!r.has("mode")) problems.add(node, where, "mode is required (psk or nosec)");
  if (s.shortServerId == 0 && !s.bootstrapServer) problems.add(node, where, "short-server-id must be 1..65534");
  if (s.mode == SecurityMode::Psk) {
    bool identity = r.has("psk-identity");
    bool key = r.has("psk-key");
    if (identity != key) problems.add(node, where, "psk-identity and psk-key go together (or neither: generated)");
    s.generatePsk = !identity && !key;
  } else if (r.has("psk-identity") || r.has("psk-key")) {
    problems.add(node, where, "psk-identity/psk-key need mode psk");
  }
  if (!r.has("uri")) {
    s.serverUri = s.mode == SecurityMode::Psk ? defaults.secureServerUri : defaults.plainServerUri;
    if (s.serverUri.empty()) {
      problems.add(node, where, s.mode == SecurityMode::Psk
                                    ? "uri is required: the gateway has no coaps listener"
                                    : "uri is required: the gateway has no plain CoAP listener");
    }
  } else if (!validUri(s.serverUri)) {
    problems.add(node["uri"], where + ".uri", "expected coap://HOST:PORT or coaps://HOST:PORT (got '" + s.serverUri + "')");
  } else if ((s.serverUri.rfind("coaps://", 0) == 0) != (s.mode == SecurityMode::Psk)) {
    problems.add(node["uri"], where + ".uri", "coaps:// goes with mode psk, coap:// with mode nosec");
  }
  return s;
}

ServerInstance loadServer(const YAML::Node& node, const std::string& where, Problems& problems) {
  ServerInstance s;
  if (!node.IsMap()) {
    problems.add(node, where, "expected a map (got " + describeYaml(node) + ")");
    return s;
  }
  MapReader r(node, where + ".", problems);
  r.unsignedKey("instance", 65534, [&](std::uint64_t v) { s.instance = static_cast<model::InstanceId>(v); });
  r.unsignedKey("short-server-id", 65534, [&](std::uint64_t v) { s.shortServerId = static_cast<std::uint16_t>(v); });
  r.unsignedKey("lifetime", 0xffffffffu, [&](std::uint64_t v) { s.lifetime = static_cast<std::uint32_t>(v); });
  r.boolKey("notification-storing", s.notificationStoring);
  r.key("binding", [&](const YAML::Node& v) -> std::optional<std::string> {
    if (!v.IsScalar() || v.Scalar().empty() ||
        v.Scalar().find_first_not_of("UQSNT") != std::string::npos) {
      return "expected binding letters U, Q, S, N, T (got " + describeYaml(v) + ")";
    }
    s.binding = v.Scalar();
    return std::nullopt;
  });
  r.rejectUnknown();
  if (s.shortServerId == 0) problems.add(node, where, "short-server-id must be 1..65534");
  if (s.lifetime == 0) problems.add(node, where, "lifetime must be at least 1 second");
  return s;
}

AclInstance loadAcl(const YAML::Node& node, const std::string& where, Problems& problems) {
  AclInstance a;
  if (!node.IsMap()) {
    problems.add(node, where, "expected a map (got " + describeYaml(node) + ")");
    return a;
  }
  MapReader r(node, where + ".", problems);
  r.unsignedKey("instance", 65534, [&](std::uint64_t v) { a.instance = static_cast<model::InstanceId>(v); });
  r.unsignedKey("object", 65534, [&](std::uint64_t v) { a.objectId = static_cast<model::ObjectId>(v); });
  r.unsignedKey("object-instance", 65535, [&](std::uint64_t v) { a.objectInstanceId = static_cast<model::InstanceId>(v); });
  r.unsignedKey("owner", 65535, [&](std::uint64_t v) { a.owner = static_cast<std::uint16_t>(v); });
  r.key("rights", [&](const YAML::Node& v) -> std::optional<std::string> {
    if (!v.IsMap()) return "expected a map of short server id to access bits (got " + describeYaml(v) + ")";
    for (const auto& entry : v) {
      auto ssid = unsignedValue(entry.first, 65535);
      auto bits = unsignedValue(entry.second, 31);
      if (!ssid || !bits) return "expected SHORT-SERVER-ID: BITS with bits 0..31";
      a.rights[static_cast<std::uint16_t>(*ssid)] = static_cast<std::uint16_t>(*bits);
    }
    return std::nullopt;
  });
  r.rejectUnknown();
  return a;
}

template <class Item, class Load>
std::vector<Item> loadList(const YAML::Node& root, std::string_view key, Problems& problems, Load load) {
  std::vector<Item> items;
  YAML::Node list = root[std::string(key)];
  if (!list.IsDefined() || list.IsNull()) return items;
  if (!list.IsSequence()) {
    problems.add(list, key, "expected a list (got " + describeYaml(list) + ")");
    return items;
  }
  std::set<model::InstanceId> instances;
  for (std::size_t i = 0; i < list.size(); ++i) {
    std::string where = std::string(key) + "[" + std::to_string(i) + "]";
    Item item = load(list[i], where);
    if (!instances.insert(item.instance).second) {
      problems.add(list[i], where, "instance " + std::to_string(item.instance) + " given twice");
    }
    items.push_back(std::move(item));
  }
  return items;
}

}  // namespace

Result<server::BootstrapConfig> loadBootstrapConfigText(std::string_view yaml, std::string_view fileName,
                                                        const BootstrapDefaults& defaults, std::string_view endpoint) {
  Problems problems(fileName);
  YAML::Node root;
  try {
    root = YAML::Load(std::string(yaml));
  } catch (const YAML::Exception& e) {
    problems.addAt(e.mark.line + 1, "not valid YAML: " + e.msg);
    return fail(problems.text());
  }
  BootstrapConfig config;
  if (!root.IsMap()) {
    problems.addAt(1, "expected a map with endpoint, security and servers (got " + describeYaml(root) + ")");
    return fail(problems.text());
  }
  try {
    MapReader r(root, "", problems);
    r.stringKey("endpoint", config.endpoint);
    r.boolKey("discover", config.discover);
    r.boolKey("read-before-write", config.readServers);
    r.boolKey("delete-existing", config.deleteExisting);
    r.key("security", [](const YAML::Node&) { return std::optional<std::string>(); });
    r.key("servers", [](const YAML::Node&) { return std::optional<std::string>(); });
    r.key("acl", [](const YAML::Node&) { return std::optional<std::string>(); });
    r.rejectUnknown();
    if (!endpoint.empty() && r.has("endpoint") && config.endpoint != endpoint) {
      problems.add(root["endpoint"], "endpoint",
                   "must be the path's endpoint '" + std::string(endpoint) + "' or left out (got '" +
                       config.endpoint + "')");
    }
    if (!endpoint.empty() && !r.has("endpoint")) config.endpoint = std::string(endpoint);
    if (config.endpoint.empty()) {
      problems.addAt(1, "endpoint is required (a device's endpoint name, or \"*\" for every other device)");
    }
    config.security = loadList<SecurityInstance>(root, "security", problems, [&](const YAML::Node& n, const std::string& w) {
      return loadSecurity(n, w, defaults, problems);
    });
    config.servers = loadList<ServerInstance>(root, "servers", problems, [&](const YAML::Node& n, const std::string& w) {
      return loadServer(n, w, problems);
    });
    config.acls = loadList<AclInstance>(root, "acl", problems, [&](const YAML::Node& n, const std::string& w) {
      return loadAcl(n, w, problems);
    });
    if (config.security.empty()) problems.addAt(1, "security: at least one Security instance is required");
    // Every LwM2M server account needs both halves, tied by the short server id.
    for (const auto& s : config.security) {
      if (s.bootstrapServer) continue;
      bool paired = std::any_of(config.servers.begin(), config.servers.end(),
                                [&](const ServerInstance& v) { return v.shortServerId == s.shortServerId; });
      if (!paired) {
        problems.add(root["security"], "security",
                     "short-server-id " + std::to_string(s.shortServerId) + " has no entry in servers");
      }
    }
  } catch (const YAML::Exception& e) {
    problems.addAt(e.mark.line + 1, "unreadable: " + e.msg);
  }
  if (!problems.empty()) return fail(problems.text());
  return config;
}

std::string bootstrapConfigFileText(std::string_view yaml, std::string_view endpoint) {
  YAML::Node root = YAML::Load(std::string(yaml));
  root["endpoint"] = std::string(endpoint);
  YAML::Emitter out;
  out << root;
  return std::string(out.c_str()) + "\n";
}

Result<server::BootstrapConfigs> loadBootstrapConfigDirectory(const std::filesystem::path& directory,
                                                              const BootstrapDefaults& defaults) {
  std::error_code ec;
  if (!std::filesystem::is_directory(directory, ec)) {
    return fail(ErrorCode::NotFound, directory.string() + ": not a directory of bootstrap configurations");
  }
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::directory_iterator(directory, ec)) {
    if (entry.is_regular_file() && entry.path().extension() == ".yaml") files.push_back(entry.path());
  }
  if (ec) return fail(directory.string() + ": " + ec.message());
  std::sort(files.begin(), files.end());
  server::BootstrapConfigs configs;
  std::map<std::string, std::string> fileOf;
  std::string errors;
  for (const auto& file : files) {
    std::ifstream in(file);
    std::stringstream text;
    text << in.rdbuf();
    if (!in) {
      errors += (errors.empty() ? "" : "\n") + file.string() + ": cannot be read";
      continue;
    }
    auto config = loadBootstrapConfigText(text.str(), file.string(), defaults);
    if (!config) {
      errors += (errors.empty() ? "" : "\n") + config.error().message;
      continue;
    }
    auto [it, fresh] = fileOf.emplace(config->endpoint, file.string());
    if (!fresh) {
      errors += (errors.empty() ? "" : "\n") + file.string() + ":1: endpoint '" + config->endpoint +
                "' is already configured in " + it->second;
      continue;
    }
    configs.add(std::move(config).value());
  }
  if (!errors.empty()) return fail(errors);
  return configs;
}

}  // namespace lwm2m::gateway
