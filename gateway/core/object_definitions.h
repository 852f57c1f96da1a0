#pragma once
// The object definitions in force: the built-in OMA core and IPSO objects,
// then the OMA DDF XML files of lwm2m.models (files, or directories whose
// *.xml files load in name order), later definitions taking an object over
// from earlier ones and from the built-in one (one info log line each).
//
// load() at start-up: an error (file:line: reason) stops the start-up.
// reload() on SIGHUP and from the REST API: a bad file is logged and the
// definitions in force stay. A new model replaces the old one whole in the
// ModelSource every holder reads (see lwm2m/model/model_source.h), then the
// listeners hear of it (the mapping rules are checked against it again).
//
// Contract: I/O thread only.

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "gateway/api/model_catalog.h"
#include "lwm2m/model/ddf_loader.h"
#include "lwm2m/model/model_source.h"
#include "lwm2m/result.h"

namespace lwm2m::gateway {

// The built-in model with the files of `paths` over it, as start-up,
// --check-config and --print-models read them.
Result<model::ModelFiles> loadObjectModel(const std::vector<std::string>& paths);

// The --print-models table: one line per object (id, preferred version,
// resource count, name, source), the overrides, and the totals.
std::string describeModels(const model::ModelFiles& files);

class ObjectDefinitions : public api::ModelCatalog {
 public:
  explicit ObjectDefinitions(std::vector<std::string> paths);

  // The first load; an error here stops the start-up.
  Result<void> load();
  // Loads again; true when the new definitions are in force. `why` goes into the log.
  bool reload(const std::string& why) { return reloadWithReason(why).empty(); }
  // Called after each reload that put new definitions in force.
  void addListener(std::function<void()> listener) { listeners_.push_back(std::move(listener)); }

  const model::ModelSource& source() const { return source_; }

  // api::ModelCatalog
  std::shared_ptr<const model::ObjectModel> objectModel() const override { return source_.current(); }
  std::vector<std::string> modelFiles() const override { return paths_; }
  std::string reloadModels() override { return reloadWithReason("REST API"); }

 private:
  std::string reloadWithReason(const std::string& why);  // "" or the load error
  void put(model::ModelFiles files, const std::string& how);

  std::vector<std::string> paths_;
  model::ModelSource source_;
  std::vector<std::function<void()>> listeners_;
};

}  // namespace lwm2m::gateway
