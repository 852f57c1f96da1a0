// libFuzzer target: the event stream's request (target with its query, and a
// Last-Event-ID header after the first newline) and webhook URLs. Whatever
// parses must filter events without failing; a URL that parses has a host, a
// port and a target that starts with '/'.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "bridges/http/event_filter.h"
#include "bridges/webhook/webhook_url.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const auto newline = text.find('\n');
  const std::string_view target = text.substr(0, newline);
  const std::string_view header = newline == std::string_view::npos ? "" : text.substr(newline + 1);
  auto request = lwm2m::bridges::http::parseEventStreamRequest(target, header);
  if (request) {
    lwm2m::bridges::http::StreamEvent event;
    event.endpoint = std::string(target.substr(0, 32));
    event.paths.push_back(*lwm2m::model::Path::parse("/3303/0/5700"));
    (void)request->filter.matches(event);
  }
  auto url = lwm2m::bridges::webhook::parseWebhookUrl(text);
  if (url && (url->host.empty() || url->port == 0 || url->target.empty() || url->target.front() != '/')) {
    std::abort();
  }
  if (url) (void)url->hostHeader();
  return 0;
}
