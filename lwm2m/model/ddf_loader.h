#pragma once
// Loads OMA DDF XML object definitions (the format of the OMA registry,
// schemas LWM2M.xsd and LWM2M-v1_1.xsd). Errors name the file, the line and
// the element: "3303.xml:12: <Object[3303]/Resources/Item[@ID=5700]/Type>:
// unknown data type "Flaot"". Untrusted text never crashes the parser.

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "lwm2m/model/object_model.h"
#include "lwm2m/result.h"

namespace lwm2m::model {

// Parses one DDF document (all <Object> elements of <LWM2M>). `source` names
// the document in errors and becomes each definition's `source`.
Result<std::vector<ObjectDefinition>> parseDdf(std::string_view xml, std::string_view source);

// Loads one file.
Result<std::vector<ObjectDefinition>> loadDdfFile(const std::filesystem::path& file);

struct DdfLoadReport {
  size_t filesLoaded = 0;
  size_t objectsLoaded = 0;
  std::vector<std::string> errors;   // one per rejected file: "file:line: <element>: reason"
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

// What the configuration's model files (lwm2m.models) gave.
struct ModelFiles {
  ObjectModel model;                   // the base model with every file's definitions
  size_t files = 0;                    // files that held definitions
  size_t objects = 0;                  // definitions read
  std::vector<std::string> overrides;  // one line per definition that took an object over
  std::vector<std::string> skipped;    // files of other schemas (no object definition)
};

// Loads `paths` in order over `base` (the built-in model): each a DDF file,
// or a directory whose *.xml files load in name order. A later definition of
// an object takes it over from earlier ones and from the built-in one: it
// replaces the definition of the same version and becomes the object's
// preferred version; each such takeover is noted in `overrides`
// ("3303.xml:2: object 3303 (Temperature) 1.1 overrides the built-in
// definition 1.1"). All or nothing: the first bad file, a path that does
// not exist or cannot be read, is the error ("file:line: reason").
Result<ModelFiles> loadModelFiles(const std::vector<std::string>& paths, const ObjectModel& base);

}  // namespace lwm2m::model
