#include "mapping/event_json.h"

#include <algorithm>

#include "mapping/payload_styles.h"

namespace lwm2m::mapping {

std::string eventJson(const DeviceEvent& event, const model::ObjectModel& model) {
  static const Transform kNoTransform;
  std::vector<const Record*> records;
  records.reserve(event.values.size());
  for (const Record& r : event.values) records.push_back(&r);
  return eventPayload(StyleInput{event, model, kNoTransform}, records);
}

std::vector<model::Path> eventPaths(const DeviceEvent& event) {
  std::vector<model::Path> paths;
  if (!event.requestPath.isRoot()) paths.push_back(event.requestPath);
  for (const Record& r : event.values) {
    if (std::find(paths.begin(), paths.end(), r.path) == paths.end()) paths.push_back(r.path);
  }
  return paths;
}

}  // namespace lwm2m::mapping
