#pragma once
// Object and resource names from the ObjectModel, as rules and topics use
// them. Name comparison ignores case.

#include <string>
#include <string_view>

#include "lwm2m/model/object_model.h"
#include "lwm2m/model/path.h"

namespace lwm2m::mapping {

bool sameName(std::string_view a, std::string_view b);
// The definition named `name`, or nullptr.
const model::ObjectDefinition* findObjectByName(const model::ObjectModel& model, std::string_view name);
// True when a resource called `resourceName` exists in the object named
// `objectName` (any object when objectName is empty).
bool resourceNameExists(const model::ObjectModel& model, std::string_view objectName,
                        std::string_view resourceName);
// "" when the model does not know the object or resource.
std::string objectName(const model::ObjectModel& model, const model::Path& path);
std::string resourceName(const model::ObjectModel& model, const model::Path& path);

}  // namespace lwm2m::mapping
