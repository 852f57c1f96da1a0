#pragma once
// The object definitions as the REST API sees them: the model in force and a
// reload of the definition files (lwm2m.models).
//
// Threading contract: call on the gateway's I/O thread.

#include <memory>
#include <string>
#include <vector>

#include "lwm2m/model/object_model.h"

namespace lwm2m::gateway::api {

class ModelCatalog {
 public:
  virtual ~ModelCatalog() = default;
  // The model in force: the built-in definitions and those of the files.
  // Each definition names the file (and line) it came from.
  virtual std::shared_ptr<const model::ObjectModel> objectModel() const = 0;
  // The configured files and directories (lwm2m.models), in load order.
  virtual std::vector<std::string> modelFiles() const = 0;
  // Loads the files again: "" when the new definitions are in force, else
  // why not (file:line: reason); the definitions in force then stay.
  virtual std::string reloadModels() = 0;
};

}  // namespace lwm2m::gateway::api
