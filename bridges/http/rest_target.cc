#include "bridges/http/rest_target.h"

#include <charconv>
#include <optional>

namespace lwm2m::bridges::http {
namespace {

constexpr std::size_t kMaxSegments = 16;
constexpr std::size_t kMaxParameters = 32;

}  // namespace

std::optional<std::string> percentDecode(std::string_view text) {
  auto hex = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '%') {
      out += text[i];
      continue;
    }
    if (i + 2 >= text.size()) return std::nullopt;
    const int high = hex(text[i + 1]);
    const int low = hex(text[i + 2]);
    if (high < 0 || low < 0) return std::nullopt;
    out += static_cast<char>(high * 16 + low);
    i += 2;
  }
  return out;
}

std::string percentEncode(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (char c : text) {
    const auto u = static_cast<unsigned char>(c);
    if ((u >= 'a' && u <= 'z') || (u >= 'A' && u <= 'Z') || (u >= '0' && u <= '9') || c == '-' || c == '.' ||
        c == '_' || c == '~') {
      out += c;
    } else {
      out += '%';
      out += kHex[u >> 4];
      out += kHex[u & 15];
    }
  }
  return out;
}

bool RestTarget::has(std::string_view key) const { return param(key) != nullptr; }

const std::string* RestTarget::param(std::string_view key) const {
  for (const auto& [k, v] : query) {
    if (k == key) return &v;
  }
  return nullptr;
}

Result<RestTarget> parseTarget(std::string_view target) {
  if (target.empty() || target.front() != '/') return fail("the request target must be an absolute path");
  RestTarget out;
  std::string_view path = target;
  std::string_view query;
  if (auto q = target.find('?'); q != std::string_view::npos) {
    path = target.substr(0, q);
    query = target.substr(q + 1);
  }
  out.path = std::string(path);
  std::string_view rest = path.substr(1);
  if (!rest.empty() && rest.back() == '/') rest.remove_suffix(1);
  while (!rest.empty()) {
    const auto slash = rest.find('/');
    const std::string_view raw = rest.substr(0, slash);
    if (raw.empty()) return fail("empty segment ('//') in " + out.path);
    if (out.segments.size() == kMaxSegments) {
      return fail("path " + out.path + " has more than " + std::to_string(kMaxSegments) + " segments");
    }
    auto decoded = percentDecode(raw);
    if (!decoded) return fail("malformed percent-encoding in '" + std::string(raw) + "'");
    out.segments.push_back(std::move(*decoded));
    if (slash == std::string_view::npos) break;
    rest = rest.substr(slash + 1);
  }
  while (!query.empty()) {
    const auto amp = query.find('&');
    std::string_view pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    if (pair.empty()) continue;
    if (out.query.size() == kMaxParameters) {
      return fail("more than " + std::to_string(kMaxParameters) + " query parameters");
    }
    const auto eq = pair.find('=');
    std::string key(pair.substr(0, eq));
    std::string value(eq == std::string_view::npos ? std::string_view() : pair.substr(eq + 1));
    for (std::string* s : {&key, &value}) {
      for (char& c : *s) {
        if (c == '+') c = ' ';
      }
    }
    auto k = percentDecode(key);
    auto v = percentDecode(value);
    if (!k || !v) return fail("malformed percent-encoding in query parameter '" + std::string(pair) + "'");
    out.query.emplace_back(std::move(*k), std::move(*v));
  }
  return out;
}

Result<bool> flagValue(std::string_view name, const std::string* value) {
  if (!value) return false;
  if (value->empty() || *value == "1" || *value == "true" || *value == "yes") return true;
  if (*value == "0" || *value == "false" || *value == "no") return false;
  return fail("query parameter " + std::string(name) + " must be true or false, not '" + *value + "'");
}

Result<unsigned> secondsValue(std::string_view name, const std::string& value, unsigned max) {
  unsigned n = 0;
  const char* end = value.data() + value.size();
  auto [last, ec] = std::from_chars(value.data(), end, n);
  if (value.empty() || ec != std::errc() || last != end || n == 0 || n > max) {
    return fail("query parameter " + std::string(name) + " must be a whole number of seconds from 1 to " +
                std::to_string(max) + ", not '" + value + "'");
  }
  return n;
}

}  // namespace lwm2m::bridges::http
