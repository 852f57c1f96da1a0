#include "bridges/http/firmware_text.h"

#include <algorithm>
#include <charconv>

namespace lwm2m::bridges::http {

std::optional<std::pair<std::uint64_t, std::uint64_t>> parseByteRange(std::string_view header, std::uint64_t size) {
  constexpr std::string_view kUnit = "bytes=";
  if (header.substr(0, kUnit.size()) != kUnit || size == 0) return std::nullopt;
  const std::string_view spec = header.substr(kUnit.size());
  const auto dash = spec.find('-');
  if (dash == std::string_view::npos || spec.find(',') != std::string_view::npos) return std::nullopt;
  auto number = [](std::string_view text) -> std::optional<std::uint64_t> {
    std::uint64_t v = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    if (text.empty() || ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
    return v;
  };
  const auto first = number(spec.substr(0, dash));
  const auto last = number(spec.substr(dash + 1));
  if (!first && !spec.substr(0, dash).empty()) return std::nullopt;
  if (!first) {  // the last n bytes
    if (!last || *last == 0) return std::nullopt;
    return std::pair{size - std::min(*last, size), size - 1};
  }
  if (*first >= size) return std::nullopt;
  if (spec.substr(dash + 1).empty()) return std::pair{*first, size - 1};
  if (!last || *last < *first) return std::nullopt;
  return std::pair{*first, std::min(*last, size - 1)};
}

Result<PackageUrl> parsePackageUrl(std::string_view text) {
  PackageUrl url;
  std::string_view rest = text;
  if (rest.substr(0, 8) == "https://") {
    url.tls = true;
    rest.remove_prefix(8);
  } else if (rest.substr(0, 7) == "http://") {
    rest.remove_prefix(7);
  } else {
    return fail("not an http:// or https:// URL: " + std::string(text));
  }
  const auto slash = rest.find_first_of("/?");
  const std::string_view authority = rest.substr(0, slash);
  url.target = slash == std::string_view::npos ? "/" : std::string(rest.substr(slash));
  if (!url.target.empty() && url.target.front() == '?') url.target.insert(url.target.begin(), '/');
  if (authority.find('@') != std::string_view::npos) {
    return fail("URLs with user names are not supported: " + std::string(text));
  }
  std::string_view port;
  if (!authority.empty() && authority.front() == '[') {  // [v6]:port
    const auto close = authority.find(']');
    if (close == std::string_view::npos) return fail("bad host in " + std::string(text));
    url.host = std::string(authority.substr(1, close - 1));
    const std::string_view after = authority.substr(close + 1);
    if (!after.empty() && after.front() != ':') return fail("bad host in " + std::string(text));
    if (!after.empty()) port = after.substr(1);
  } else {
    const auto colon = authority.rfind(':');
    url.host = std::string(authority.substr(0, colon));
    if (colon != std::string_view::npos) port = authority.substr(colon + 1);
  }
  if (url.host.empty()) return fail("no host in " + std::string(text));
  if (!port.empty()) {
    unsigned number = 0;
    auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), number);
    if (ec != std::errc() || end != port.data() + port.size() || number == 0 || number > 65535) {
      return fail("bad port in " + std::string(text));
    }
  }
  url.port = port.empty() ? (url.tls ? "443" : "80") : std::string(port);
  return url;
}

}  // namespace lwm2m::bridges::http
