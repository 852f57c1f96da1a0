#include "bridges/mqtt/status_topics.h"

namespace lwm2m::bridges::mqtt {
namespace {

std::string topicLevel(std::string_view text) {
  std::string level(text);
  for (char& c : level) {
    if (c == '/' || c == '+' || c == '#' || c == '\0') c = '_';
  }
  return level;
}

std::string expand(std::string_view topicTemplate, std::string_view placeholder,
                   std::string_view value) {
  const std::string level = topicLevel(value);
  std::string topic;
  topic.reserve(topicTemplate.size() + level.size());
  for (std::size_t i = 0; i < topicTemplate.size();) {
    if (topicTemplate.substr(i).starts_with(placeholder)) {
      topic += level;
      i += placeholder.size();
    } else {
      topic += topicTemplate[i++];
    }
  }
  return topic;
}

}  // namespace

std::string expandStatusTopic(std::string_view topicTemplate, std::string_view gatewayId) {
  return expand(topicTemplate, "{gateway}", gatewayId);
}

std::string expandDeviceStatusTopic(std::string_view topicTemplate, std::string_view endpoint) {
  return expand(topicTemplate, "{endpoint}", endpoint);
}

}  // namespace lwm2m::bridges::mqtt
