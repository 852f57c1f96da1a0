#include "bridges/http/event_filter.h"

#include <algorithm>
#include <charconv>

#include "mapping/patterns.h"

namespace lwm2m::bridges::http {
namespace api = gateway::api;
namespace {

// "%2A" -> "*". A '%' not followed by two hex digits is an error.
Result<std::string> unescape(std::string_view name, std::string_view text) {
  std::string out;
  out.reserve(text.size());
  while (!text.empty()) {
    const auto percent = text.find('%');
    out.append(text.substr(0, percent));
    if (percent == std::string_view::npos) break;
    unsigned byte = 0;
    const char* digits = text.data() + percent + 1;
    const auto [end, ec] = std::from_chars(digits, digits + std::min<std::size_t>(2, text.size() - percent - 1),
                                           byte, 16);
    if (ec != std::errc() || end != digits + 2) {
      return fail("malformed percent-encoding in query parameter '" + std::string(name) + "'");
    }
    out += static_cast<char>(byte);
    text.remove_prefix(percent + 3);
  }
  return out;
}

Result<std::uint64_t> parseId(std::string_view what, std::string_view text) {
  std::uint64_t id = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), id);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size()) {
    return fail(std::string(what) + " must be an event id, a decimal number (got '" +
                std::string(text.substr(0, 64)) + "')");
  }
  return id;
}

Result<std::vector<api::DeviceEventKind>> parseKinds(std::string_view list) {
  std::vector<api::DeviceEventKind> kinds;
  while (true) {
    const auto comma = list.find(',');
    const std::string_view name = list.substr(0, comma);
    const auto kind = api::parseDeviceEventKind(name);
    if (!kind) {
      return fail("kinds: unknown event kind '" + std::string(name.substr(0, 64)) + "' (expected " +
                  api::deviceEventKindNames() + ")");
    }
    kinds.push_back(*kind);
    if (comma == std::string_view::npos) return kinds;
    list.remove_prefix(comma + 1);
  }
}

Result<void> apply(EventStreamRequest& into, std::string_view name, const std::string& value) {
  if (name == "endpoint") {
    if (value.empty()) return fail("endpoint: must not be empty (leave it out for every endpoint)");
    into.filter.endpoint = value;
  } else if (name == "kinds") {
    auto kinds = parseKinds(value);
    if (!kinds) return kinds.error();
    into.filter.kinds = std::move(*kinds);
  } else if (name == "path") {
    auto path = model::Path::parse(value);
    if (!path) return fail("path: " + path.error().message);
    into.filter.path = *path;
  } else if (name == "last_event_id") {
    auto id = parseId("last_event_id", value);
    if (!id) return id.error();
    into.lastEventId = *id;
  } else {
    return fail("unknown query parameter '" + std::string(name.substr(0, 64)) +
                "' (expected endpoint, kinds, path, last_event_id)");
  }
  return {};
}

}  // namespace

bool EventFilter::matches(const StreamEvent& event) const {
  if (!kinds.empty() && std::find(kinds.begin(), kinds.end(), event.kind) == kinds.end()) return false;
  if (!endpoint.empty() && !mapping::globMatch(endpoint, event.endpoint)) return false;
  if (path) {
    return std::any_of(event.paths.begin(), event.paths.end(),
                       [this](const model::Path& p) { return path->covers(p); });
  }
  return true;
}

Result<EventStreamRequest> parseEventStreamRequest(std::string_view target,
                                                   std::string_view lastEventIdHeader) {
  EventStreamRequest request;
  const auto question = target.find('?');
  std::string_view query = question == std::string_view::npos ? "" : target.substr(question + 1);
  std::vector<std::string_view> seen;
  while (!query.empty()) {
    const auto amp = query.find('&');
    const std::string_view pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? "" : query.substr(amp + 1);
    if (pair.empty()) continue;
    const auto equals = pair.find('=');
    const std::string_view name = pair.substr(0, equals);
    if (std::find(seen.begin(), seen.end(), name) != seen.end()) {
      return fail("query parameter '" + std::string(name.substr(0, 64)) + "' appears twice");
    }
    seen.push_back(name);
    auto value = unescape(name, equals == std::string_view::npos ? "" : pair.substr(equals + 1));
    if (!value) return value.error();
    if (auto applied = apply(request, name, *value); !applied) return applied.error();
  }
  if (!lastEventIdHeader.empty()) {
    auto id = parseId("Last-Event-ID", lastEventIdHeader);
    if (!id) return id.error();
    request.lastEventId = *id;
  }
  return request;
}

}  // namespace lwm2m::bridges::http
