#pragma once
// The building blocks of the daemon's YAML files (gateway.yaml, the HTTP
// credentials file): a table of Fields, each able to load its key and print
// its value, so a loader and its printer cannot drift apart; and FieldLoader,
// which walks a YAML map against such a table and collects every problem as
// "FILE:LINE: full.key: problem".
//
// Fields bind by reference to the structure they fill: keep it alive and in
// place while the table is used.

#include <yaml-cpp/yaml.h>

#include <charconv>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "gateway/daemon/config.h"

namespace lwm2m::gateway::config_fields {

using Problem = std::optional<std::string>;
using Checker = std::function<Problem(std::string_view)>;

struct Field;

// A problem at a node inside a value a field reads itself (a list of maps):
// `key` is appended to the field's full name.
struct NestedProblem {
  YAML::Node at;
  std::string key;  // "[1].url"
  std::string problem;
};

// A list of maps (e.g. http.auth.tokens): each entry is loaded like a section.
struct Entries {
  std::function<std::size_t()> size;
  std::function<void()> append;                          // a new entry at the end, with defaults
  std::function<std::vector<Field>(std::size_t)> fields;  // the fields of entry i
  std::function<Problem(std::size_t)> check;             // what entry i lacks, once loaded
};

struct Field {
  std::string_view key;
  std::function<Problem(const YAML::Node&)> load;  // reads a value into the structure
  std::function<std::string()> text;                // the current value as a YAML scalar
  bool quoted = false;                              // strings are emitted double-quoted
  bool secret = false;                              // hidden by Secrets::Hidden when set
  std::vector<Field> children;                      // a nested map instead of a value
  std::optional<Entries> entries;                   // a list of maps instead of a value
  // A value text() cannot give (a list); hides its secrets when asked.
  std::function<void(YAML::Emitter&, Secrets)> emit;
  // Instead of load: a value with problems at their own lines (with emit).
  std::function<std::vector<NestedProblem>(const YAML::Node&)> loadNested;
};

std::string quote(std::string_view s);
std::string describe(const YAML::Node& node);
std::optional<long long> parseInteger(const YAML::Node& node);

Field retiredField(std::string_view key, std::string replacement);
Field stringField(std::string_view key, std::string& target, Checker check = nullptr);
Field secretField(std::string_view key, std::string& target);
Field boolField(std::string_view key, bool& target);
Field doubleField(std::string_view key, double& target, double min, double max);
Field blockSizeField(std::string_view key, std::uint16_t& target);
Field mapField(std::string_view key, std::vector<Field> children);
// A list of strings, each passing `check`; a single string is taken as a list of one.
Field stringListField(std::string_view key, std::vector<std::string>& target, Checker check = nullptr);
// A number of seconds, or "derived" (nullopt): computed from other settings.
Field derivedSecondsField(std::string_view key, std::optional<std::uint32_t>& target, long long min,
                          long long max);
// A value read and printed by functions of its own (webhooks.targets).
Field nestedField(std::string_view key, std::function<std::vector<NestedProblem>(const YAML::Node&)> load,
                  std::function<void(YAML::Emitter&, Secrets)> emit);
Problem nonEmpty(std::string_view value);

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
  return Field{key,
               [&target, min, max](const YAML::Node& node) -> Problem {
                 auto value = parseInteger(node);
                 if (!value) return "expected an integer (got " + describe(node) + ")";
                 if (*value < min || *value > max) {
                   return "must be between " + std::to_string(min) + " and " + std::to_string(max) +
                          " (got " + node.Scalar() + ")";
                 }
                 target = Duration(*value);
                 return std::nullopt;
               },
               [&target] { return std::to_string(target.count()); }};
}

// A list of maps of type T: `fieldsOf` gives an entry's fields, `check` what it lacks.
template <class T>
Field entriesField(std::string_view key, std::vector<T>& target,
                   std::function<std::vector<Field>(T&)> fieldsOf,
                   std::function<Problem(const T&)> check) {
  Field f{key, nullptr, nullptr};
  f.entries = Entries{[&target] { return target.size(); }, [&target] { target.emplace_back(); },
                      [&target, fieldsOf](std::size_t i) { return fieldsOf(target[i]); },
                      [&target, check](std::size_t i) { return check(target[i]); }};
  return f;
}

// "unknown key, did you mean 'qos'? (expected one of: uri, client_id, ...)"
std::string unknown(std::string_view what, std::string_view name,
                    const std::vector<std::string_view>& names);

class FieldLoader {
 public:
  explicit FieldLoader(std::string_view fileName) : file_(fileName) {}

  // The document, or nullopt with the problem reported (not UTF-8, invalid YAML).
  std::optional<YAML::Node> parse(std::string_view text);
  // Loads the map `body` into `fields`; a key's full name is prefix + key.
  void loadFields(const std::vector<Field>& fields, const YAML::Node& body, const std::string& prefix);
  void report(const YAML::Node& at, const std::string& key, const std::string& problem);
  // A problem with no node: at the line of the first key it names, if the file set it.
  void reportNamingKey(const std::string& problem);

  bool failed() const { return !errors_.empty(); }
  // Every problem, one line each.
  std::string errors() const;
  static std::string line(const YAML::Node& node) { return std::to_string(node.Mark().line + 1); }
  const std::string& file() const { return file_; }

 private:
  void loadEntries(const Entries& entries, const YAML::Node& list, const std::string& full);

  std::string file_;
  std::vector<std::string> errors_;
  std::map<std::string, std::string> keyLines_;  // "mqtt.qos" -> "7"
};

// The text of a configuration file, or "PATH: cannot open: reason" (also for a directory).
Result<std::string> readConfigFile(const std::string& path);

// Writes `fields` as the entries of a YAML map (the caller opens and closes it).
void emitFields(YAML::Emitter& out, const std::vector<Field>& fields, Secrets secrets);

}  // namespace lwm2m::gateway::config_fields
