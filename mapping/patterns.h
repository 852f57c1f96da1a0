#pragma once
// Matching and templating used by the rules: endpoint globs, LwM2M path
// patterns with MQTT-style wildcards, topic patterns with named wildcards,
// and topic templates with {placeholders}.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "lwm2m/model/path.h"
#include "lwm2m/result.h"

namespace lwm2m::mapping {

// Shell-style glob: '*' any run of characters, '?' one character, others literal.
bool globMatch(std::string_view pattern, std::string_view text);

// "/3303/+/5700", "/3/0/#", "/3/0/1", "/#". '+' stands for one id, a final
// '#' for zero or more levels below.
class PathPattern {
 public:
  static Result<PathPattern> parse(std::string_view text);

  bool matches(const model::Path& path) const;
  // True when some path below `path` (or `path` itself) could match: used to
  // keep a whole node whose resources a pattern selects.
  bool couldMatchBelow(const model::Path& path) const;
  // The concrete path when the pattern has no wildcard.
  std::optional<model::Path> literal() const;
  // Level count without '#'; whether it ends in '#'.
  int depth() const { return static_cast<int>(ids_.size()); }
  bool multiLevel() const { return multiLevel_; }
  // nullopt for '+' at that level. Precondition: level < depth().
  std::optional<std::uint16_t> id(int level) const { return ids_[static_cast<size_t>(level)]; }
  const std::string& text() const { return text_; }

 private:
  std::vector<std::optional<std::uint16_t>> ids_;
  bool multiLevel_ = false;
  std::string text_;
};

// An MQTT topic pattern with named single-level wildcards and an optional
// final '#': "lwm2m/{endpoint}/cmd/{op}", "lwm2m/{endpoint}/dn/#".
class TopicPattern {
 public:
  static Result<TopicPattern> parse(std::string_view text);

  // The captured names on a match ("#" holds the rest, without a leading '/').
  std::optional<std::map<std::string, std::string>> match(std::string_view topic) const;
  // The same on levels already split (and, for a URL, percent-decoded), so a
  // level may hold a '/'.
  std::optional<std::map<std::string, std::string>> match(const std::vector<std::string>& levels) const;
  // The subscription filter: named wildcards become '+'.
  std::string filter() const;
  const std::string& text() const { return text_; }
  bool captures(std::string_view name) const;
  // Each level as written: a literal, "{name}" or "#".
  const std::vector<std::string>& levels() const { return levels_; }
  // The name of a "{name}" level; "" for a literal or "#".
  static std::string_view captureName(std::string_view level);

 private:
  std::vector<std::string> levels_;  // literal, "{name}" or "#"
  std::string text_;
};

// Names a template may use; render() leaves unknown names out of this map.
using Placeholders = std::map<std::string, std::string, std::less<>>;

// Checks that every {name} in `text` is one of `allowed` and braces balance.
Result<void> checkTemplate(std::string_view text, const std::vector<std::string_view>& allowed);
// Replaces each {name} with its value. Values going into topics are made
// safe first: '/', '+', '#' and NUL become '_' so a device name cannot add
// topic levels or wildcards. Missing names render as "".
std::string renderTopic(std::string_view text, const Placeholders& values);
// Same substitution without topic escaping (paths like "/{object}/{instance}").
std::string renderText(std::string_view text, const Placeholders& values);

// Makes what was appended to `out` from `from` on safe for a topic, as renderTopic().
void sanitizeTopicTail(std::string& out, std::size_t from);

// Replaces each {name} in `text` with what `append(name, out)` appends to
// `out` (nothing for an unknown name), made safe for a topic when `topic`.
template <typename Append>
std::string substituteWith(std::string_view text, Append&& append, bool topic) {
  std::string out;
  out.reserve(text.size() + 32);
  std::size_t i = 0;
  while (i < text.size()) {
    const std::size_t open = text.find('{', i);
    if (open == std::string_view::npos) break;
    const std::size_t close = text.find('}', open);
    if (close == std::string_view::npos) break;
    out.append(text.substr(i, open - i));
    const std::size_t from = out.size();
    append(text.substr(open + 1, close - open - 1), out);
    if (topic) sanitizeTopicTail(out, from);
    i = close + 1;
  }
  out.append(text.substr(i));
  return out;
}

// renderTopic() with the values computed on demand by `append` (as in
// substituteWith): for callers whose values cost something to make, when a
// template names few.
template <typename Append>
std::string renderTopicWith(std::string_view text, Append&& append) {
  return substituteWith(text, std::forward<Append>(append), true);
}

}  // namespace lwm2m::mapping
