#include "mapping/patterns.h"

#include <algorithm>
#include <cctype>
#include <charconv>

namespace lwm2m::mapping {

namespace {

std::vector<std::string_view> splitLevels(std::string_view text, char separator) {
  std::vector<std::string_view> out;
  size_t start = 0;
  while (true) {
    size_t end = text.find(separator, start);
    out.push_back(text.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start));
    if (end == std::string_view::npos) break;
    start = end + 1;
  }
  return out;
}

bool isName(std::string_view level) {
  if (level.size() < 3 || level.front() != '{' || level.back() != '}') return false;
  for (char c : level.substr(1, level.size() - 2)) {
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_')) return false;
  }
  return true;
}

std::string substitute(std::string_view text, const Placeholders& values, bool topic) {
  return substituteWith(
      text,
      [&values](std::string_view name, std::string& out) {
        if (auto it = values.find(name); it != values.end()) out += it->second;
      },
      topic);
}

}  // namespace

void sanitizeTopicTail(std::string& out, std::size_t from) {
  for (std::size_t k = from; k < out.size(); ++k) {
    char& c = out[k];
    if (c == '/' || c == '+' || c == '#' || c == '\0') c = '_';
  }
}

bool globMatch(std::string_view pattern, std::string_view text) {
  // Iterative matching with one backtrack point: linear in practice, never
  // exponential on hostile patterns.
  size_t p = 0, t = 0, starP = std::string_view::npos, starT = 0;
  while (t < text.size()) {
    if (p < pattern.size() && (pattern[p] == '?' || pattern[p] == text[t])) {
      ++p;
      ++t;
    } else if (p < pattern.size() && pattern[p] == '*') {
      starP = p++;
      starT = t;
    } else if (starP != std::string_view::npos) {
      p = starP + 1;
      t = ++starT;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

Result<PathPattern> PathPattern::parse(std::string_view text) {
  PathPattern pattern;
  pattern.text_ = std::string(text);
  if (text.empty() || text.front() != '/') {
    return fail("path pattern '" + std::string(text) + "' must start with '/'");
  }
  if (text == "/") return pattern;
  auto levels = splitLevels(text.substr(1), '/');
  for (size_t k = 0; k < levels.size(); ++k) {
    std::string_view level = levels[k];
    if (level == "#") {
      if (k + 1 != levels.size()) {
        return fail("path pattern '" + std::string(text) + "': '#' must be the last level");
      }
      pattern.multiLevel_ = true;
      break;
    }
    if (pattern.ids_.size() == 4) {
      return fail("path pattern '" + std::string(text) + "' has more than four levels");
    }
    if (level == "+") {
      pattern.ids_.emplace_back(std::nullopt);
      continue;
    }
    unsigned value = 0;
    auto [end, ec] = std::from_chars(level.data(), level.data() + level.size(), value);
    if (level.empty() || ec != std::errc() || end != level.data() + level.size() ||
        value >= model::kReservedId) {
      return fail("path pattern '" + std::string(text) + "': '" + std::string(level) +
                  "' is not an id, '+' or '#'");
    }
    pattern.ids_.emplace_back(static_cast<std::uint16_t>(value));
  }
  return pattern;
}

bool PathPattern::matches(const model::Path& path) const {
  int levels = depth();
  if (path.depth() < levels || (!multiLevel_ && path.depth() != levels)) return false;
  for (int k = 0; k < levels; ++k) {
    auto want = ids_[static_cast<size_t>(k)];
    if (want && *want != path.id(k)) return false;
  }
  return true;
}

bool PathPattern::couldMatchBelow(const model::Path& path) const {
  int common = std::min(depth(), path.depth());
  for (int k = 0; k < common; ++k) {
    auto want = ids_[static_cast<size_t>(k)];
    if (want && *want != path.id(k)) return false;
  }
  return path.depth() <= depth() || multiLevel_;
}

std::optional<model::Path> PathPattern::literal() const {
  model::Path path;
  for (const auto& id : ids_) {
    if (!id) return std::nullopt;
    path = path.child(*id);
  }
  return path;
}

Result<TopicPattern> TopicPattern::parse(std::string_view text) {
  TopicPattern pattern;
  pattern.text_ = std::string(text);
  if (text.empty()) return fail("topic pattern is empty");
  auto levels = splitLevels(text, '/');
  for (size_t k = 0; k < levels.size(); ++k) {
    std::string_view level = levels[k];
    if (level == "#" && k + 1 != levels.size()) {
      return fail("topic pattern '" + std::string(text) + "': '#' must be the last level");
    }
    if (level == "+") {
      return fail("topic pattern '" + std::string(text) + "': name the wildcard, e.g. {endpoint}");
    }
    bool hasBrace = level.find_first_of("{}") != std::string_view::npos;
    if (hasBrace && !isName(level)) {
      return fail("topic pattern '" + std::string(text) + "': '" + std::string(level) +
                  "' must be a whole level {name} of letters, digits and '_'");
    }
    if (level != "#" && !hasBrace && level.find_first_of("+#") != std::string_view::npos) {
      return fail("topic pattern '" + std::string(text) + "': wildcard inside level '" +
                  std::string(level) + "'");
    }
    pattern.levels_.emplace_back(level);
  }
  return pattern;
}

std::optional<std::map<std::string, std::string>> TopicPattern::match(std::string_view topic) const {
  std::vector<std::string> levels;
  for (auto level : splitLevels(topic, '/')) levels.emplace_back(level);
  return match(levels);
}

std::optional<std::map<std::string, std::string>> TopicPattern::match(const std::vector<std::string>& levels) const {
  std::map<std::string, std::string> captured;
  size_t k = 0;
  for (; k < levels_.size(); ++k) {
    const std::string& want = levels_[k];
    if (want == "#") {
      std::string rest;
      for (size_t j = k; j < levels.size(); ++j) {
        if (j > k) rest += '/';
        rest += levels[j];
      }
      captured["#"] = rest;
      return captured;
    }
    if (k >= levels.size()) return std::nullopt;
    if (isName(want)) {
      if (levels[k].empty()) return std::nullopt;
      captured[want.substr(1, want.size() - 2)] = levels[k];
    } else if (want != levels[k]) {
      return std::nullopt;
    }
  }
  if (k != levels.size()) return std::nullopt;
  return captured;
}

std::string_view TopicPattern::captureName(std::string_view level) {
  return isName(level) ? level.substr(1, level.size() - 2) : std::string_view();
}

std::string TopicPattern::filter() const {
  std::string out;
  for (size_t k = 0; k < levels_.size(); ++k) {
    if (k) out += '/';
    out += isName(levels_[k]) ? std::string("+") : levels_[k];
  }
  return out;
}

bool TopicPattern::captures(std::string_view name) const {
  for (const auto& level : levels_) {
    if (isName(level) && std::string_view(level).substr(1, level.size() - 2) == name) return true;
  }
  return false;
}

Result<void> checkTemplate(std::string_view text, const std::vector<std::string_view>& allowed) {
  size_t i = 0;
  while (i < text.size()) {
    size_t open = text.find_first_of("{}", i);
    if (open == std::string_view::npos) break;
    if (text[open] == '}') return fail("template '" + std::string(text) + "': unmatched '}'");
    size_t close = text.find_first_of("{}", open + 1);
    if (close == std::string_view::npos || text[close] == '{') {
      return fail("template '" + std::string(text) + "': unclosed '{'");
    }
    std::string_view name = text.substr(open + 1, close - open - 1);
    bool known = false;
    for (auto a : allowed) known = known || a == name;
    if (!known) {
      std::string list;
      for (auto a : allowed) list += (list.empty() ? "" : ", ") + ("{" + std::string(a) + "}");
      return fail("template '" + std::string(text) + "': unknown placeholder {" + std::string(name) +
                  "} (known: " + list + ")");
    }
    i = close + 1;
  }
  return {};
}

std::string renderTopic(std::string_view text, const Placeholders& values) {
  return substitute(text, values, true);
}

std::string renderText(std::string_view text, const Placeholders& values) {
  return substitute(text, values, false);
}

}  // namespace lwm2m::mapping
