#include "bridges/mqtt/event_topic.h"

namespace lwm2m::bridges::mqtt {
namespace {

std::string topicLevel(std::string_view text) {
  std::string level(text);
  for (char& c : level) {
    if (c == '/' || c == '+' || c == '#' || c == '\0') c = '_';
  }
  return level;
}

}  // namespace

std::string expandEventTopic(std::string_view topicTemplate, std::string_view endpoint,
                             std::string_view kind) {
  static constexpr std::string_view kEndpoint = "{endpoint}";
  static constexpr std::string_view kKind = "{kind}";
  std::string topic;
  topic.reserve(topicTemplate.size() + endpoint.size());
  for (std::size_t i = 0; i < topicTemplate.size();) {
    const auto rest = topicTemplate.substr(i);
    if (rest.starts_with(kEndpoint)) {
      topic += topicLevel(endpoint);
      i += kEndpoint.size();
    } else if (rest.starts_with(kKind)) {
      topic += kind;
      i += kKind.size();
    } else {
      topic += topicTemplate[i++];
    }
  }
  return topic;
}

std::string expandStatusTopic(std::string_view topicTemplate, std::string_view gatewayId) {
  static constexpr std::string_view kGateway = "{gateway}";
  std::string topic;
  for (std::size_t i = 0; i < topicTemplate.size();) {
    if (topicTemplate.substr(i).starts_with(kGateway)) {
      topic += topicLevel(gatewayId);
      i += kGateway.size();
    } else {
      topic += topicTemplate[i++];
    }
  }
  return topic;
}

}  // namespace lwm2m::bridges::mqtt
