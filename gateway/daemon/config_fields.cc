#include "gateway/daemon/config_fields.h"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "lwm2m/model/value.h"

namespace lwm2m::gateway::config_fields {

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

Field stringField(std::string_view key, std::string& target, Checker check) {
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

Field secretField(std::string_view key, std::string& target) {
  Field f = stringField(key, target);
  f.secret = true;
  return f;
}

std::optional<long long> parseInteger(const YAML::Node& node) {
  if (!node.IsScalar()) return std::nullopt;
  const std::string& s = node.Scalar();
  long long value = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
  if (ec != std::errc() || end != s.data() + s.size() || s.empty()) return std::nullopt;
  return value;
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

Field mapField(std::string_view key, std::vector<Field> children) {
  Field f{key, nullptr, nullptr};
  f.children = std::move(children);
  return f;
}

Field stringListField(std::string_view key, std::vector<std::string>& target, Checker check) {
  Field f{key,
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
  f.emit = [&target](YAML::Emitter& out, Secrets) {
    out << YAML::Flow << YAML::BeginSeq;
    for (const auto& value : target) out << YAML::DoubleQuoted << value;
    out << YAML::EndSeq;
  };
  return f;
}

Field derivedSecondsField(std::string_view key, std::optional<std::uint32_t>& target, long long min,
                          long long max) {
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

Field nestedField(std::string_view key, std::function<std::vector<NestedProblem>(const YAML::Node&)> load,
                  std::function<void(YAML::Emitter&, Secrets)> emit) {
  Field f{key, nullptr, nullptr};
  f.loadNested = std::move(load);
  f.emit = std::move(emit);
  return f;
}

Problem nonEmpty(std::string_view value) {
  if (value.empty()) return std::string("must not be empty");
  return std::nullopt;
}

namespace {

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

}  // namespace

std::string unknown(std::string_view what, std::string_view name,
                    const std::vector<std::string_view>& names) {
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

std::optional<YAML::Node> FieldLoader::parse(std::string_view text) {
  // YAML is UTF-8; yaml-cpp would take other bytes as they are, and
  // --print-config could not show them back.
  std::size_t lineNumber = 1;
  for (std::size_t start = 0; start <= text.size(); ++lineNumber) {
    const std::size_t end = std::min(text.find('\n', start), text.size());
    if (!model::isValidUtf8(text.substr(start, end - start))) {
      errors_.push_back(file_ + ":" + std::to_string(lineNumber) + ": not UTF-8 text");
      return std::nullopt;
    }
    start = end + 1;
  }
  try {
    return YAML::Load(std::string(text));
  } catch (const YAML::Exception& e) {
    errors_.push_back(file_ + ":" + std::to_string(e.mark.line + 1) + ": invalid YAML: " + e.msg);
    return std::nullopt;
  }
}

void FieldLoader::report(const YAML::Node& at, const std::string& key, const std::string& problem) {
  errors_.push_back(file_ + ":" + line(at) + ": " + key + ": " + problem);
}

void FieldLoader::reportNamingKey(const std::string& problem) {
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

std::string FieldLoader::errors() const {
  std::string all;
  for (const auto& e : errors_) all += (all.empty() ? "" : "\n") + e;
  return all;
}

void FieldLoader::loadFields(const std::vector<Field>& fields, const YAML::Node& body,
                             const std::string& prefix) {
  if (body.IsNull()) return;  // "mqtt:" alone keeps every default
  if (!body.IsMap()) {
    report(body, prefix.substr(0, prefix.size() - 1), "expected a map of keys (got " + describe(body) + ")");
    return;
  }
  std::set<std::string> seen;
  for (const auto& entry : body) {
    const std::string key = entry.first.Scalar();
    const std::string full = prefix + key;
    keyLines_[full] = line(entry.first);
    auto field = std::find_if(fields.begin(), fields.end(), [&](const Field& f) { return f.key == key; });
    if (field == fields.end()) {
      std::vector<std::string_view> names;
      for (const auto& f : fields) names.push_back(f.key);
      report(entry.first, full, unknown("key", key, names));
    } else if (!seen.insert(key).second) {
      report(entry.first, full, "appears twice");
    } else if (!field->children.empty()) {
      loadFields(field->children, entry.second, full + ".");
    } else if (field->entries) {
      loadEntries(*field->entries, entry.second, full);
    } else if (field->loadNested) {
      for (const NestedProblem& p : field->loadNested(entry.second)) {
        report(p.at.IsDefined() && p.at.Mark().line >= 0 ? p.at : entry.first, full + p.key, p.problem);
      }
    } else if (auto problem = field->load(entry.second)) {
      report(entry.first, full, *problem);
    }
  }
}

void FieldLoader::loadEntries(const Entries& entries, const YAML::Node& list, const std::string& full) {
  if (list.IsNull()) return;
  if (!list.IsSequence()) {
    report(list, full, "expected a list of maps (got " + describe(list) + ")");
    return;
  }
  std::size_t number = 0;
  for (const auto& item : list) {
    const std::string name = full + "[" + std::to_string(++number) + "]";
    if (!item.IsMap()) {
      report(item, name, "expected a map (got " + describe(item) + ")");
      continue;
    }
    entries.append();
    const std::size_t index = entries.size() - 1;
    loadFields(entries.fields(index), item, name + ".");
    if (auto problem = entries.check(index)) report(item, name, *problem);
  }
}

Result<std::string> readConfigFile(const std::string& path) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) {
    return fail(path + ": is a directory, expected a configuration file");
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) return fail(path + ": cannot open: " + std::strerror(errno));
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) return fail(path + ": cannot read: " + std::strerror(errno));
  return text.str();
}

void emitFields(YAML::Emitter& out, const std::vector<Field>& fields, Secrets secrets) {
  for (const auto& field : fields) {
    if (!field.text && !field.emit && field.children.empty() && !field.entries) continue;  // retired
    out << YAML::Key << std::string(field.key) << YAML::Value;
    if (!field.children.empty()) {
      out << YAML::BeginMap;
      emitFields(out, field.children, secrets);
      out << YAML::EndMap;
    } else if (field.entries) {
      const std::size_t size = field.entries->size();
      if (size == 0) out << YAML::Flow;
      out << YAML::BeginSeq;
      for (std::size_t i = 0; i < size; ++i) {
        out << YAML::BeginMap;
        emitFields(out, field.entries->fields(i), secrets);
        out << YAML::EndMap;
      }
      out << YAML::EndSeq;
    } else if (field.emit) {
      field.emit(out, secrets);
    } else {
      std::string value = field.text();
      if (field.secret && secrets == Secrets::Hidden && !value.empty()) value = "(hidden)";
      if (field.quoted) out << YAML::DoubleQuoted;
      out << value;
    }
  }
}

}  // namespace lwm2m::gateway::config_fields
