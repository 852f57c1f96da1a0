#pragma once
// Loads OMA DDF XML object definitions (the format of the OMA registry,
// schemas LWM2M.xsd and LWM2M-v1_1.xsd). Errors name the file and element.

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "lwm2m/model/object_model.h"
#include "lwm2m/result.h"

namespace lwm2m::model {

// Parses one DDF document (all <Object> elements of <LWM2M>). `source` names
// the document in errors.
Result<std::vector<ObjectDefinition>> parseDdf(std::string_view xml, std::string_view source);

// Loads one file.
Result<std::vector<ObjectDefinition>> loadDdfFile(const std::filesystem::path& file);

struct DdfLoadReport {
  size_t filesLoaded = 0;
  size_t objectsLoaded = 0;
  std::vector<std::string> errors;   // one per rejected file: "file: <element>: reason"
  std::vector<std::string> skipped;  // files of other schemas, or with no object definition
};

// Loads every *.xml file of a directory (not recursive) into `model`, in file
// name order. Files of the registry's other schemas (DDF.xml list, units,
// reusable resources in Common.xml) hold no object definition and are listed
// as skipped, not as errors. A bad file is reported and skipped; the
// others still load.
DdfLoadReport loadDdfDirectory(const std::filesystem::path& directory, ObjectModel& model);

// One file or a whole directory, whichever `path` names.
DdfLoadReport loadDdf(const std::filesystem::path& path, ObjectModel& model);

}  // namespace lwm2m::model
