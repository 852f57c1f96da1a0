#pragma once
// The mapping rules in force.
//
// They come from mapping.path (one file, or every *.yaml/*.yml/*.json file of
// a directory) or, when that is empty, from the built-in generic preset (the
// text of deploy/mapping/generic.yaml, compiled in). A reload — on SIGHUP, or
// when watch() sees a file change — builds a new RuleSet; if it does not load,
// or it would drop every rule of a kind that had some (mapping/rule_loader.h:
// checkReplacement, LoadPolicy), the error (file:line: reason) is logged,
// counted in reloadStats() and shown in mappingStatus(), and the rules in
// force stay. A changed file is loaded only once its name, size and time
// stayed the same for the settle time: an editor's save in progress is not
// read half-written.
//
// Contract: I/O thread only. Listeners hear every RuleSet that comes into
// force, the first one included when they are added after load().

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include "gateway/api/mapping_control.h"
#include "lwm2m/coap/scheduler.h"
#include "lwm2m/model/model_source.h"
#include "lwm2m/result.h"
#include "mapping/rule_loader.h"
#include "mapping/rule_set.h"

namespace lwm2m::gateway {

// The built-in generic preset's text.
std::string_view defaultMappingText();

// Loads the rules for `path` ("" = the built-in preset), as --print-mapping and start-up do.
Result<mapping::RuleSet> loadMapping(const std::string& path, const model::ObjectModel& model,
                                     const mapping::LoadPolicy& policy = {});

// Reloads so far (SIGHUP, REST, file changes, new object definitions).
struct MappingReloadStats {
  std::uint64_t applied = 0;
  std::uint64_t refused = 0;
  std::string lastError;  // of the latest reload; "" when it was applied
};

class MappingRules : public api::MappingControl {
 public:
  using Listener = std::function<void(const std::shared_ptr<const mapping::RuleSet>&)>;

  // Rules are checked against the model in force when they load.
  MappingRules(std::string path, const model::ModelSource& models, coap::Scheduler& scheduler,
               mapping::LoadPolicy policy = {});
  ~MappingRules() override;

  // The first load; an error here stops the start-up.
  Result<void> load();
  // Loads again; true when new rules are in force. `why` goes into the log.
  bool reload(const std::string& why) { return reloadWithReason(why).empty(); }
  // Checks the files every `period` and reloads when one changed, appeared
  // or went, once they stayed unchanged for `settle`.
  void watch(std::chrono::milliseconds period, std::chrono::milliseconds settle);
  MappingReloadStats reloadStats() const { return stats_; }

  void addListener(Listener listener);
  const std::shared_ptr<const mapping::RuleSet>& current() const { return current_; }
  std::string source() const { return path_.empty() ? "built-in generic preset" : path_; }

  // api::MappingControl, for the REST API.
  api::MappingStatus mappingStatus() const override;
  std::string reloadMapping() override;

 private:
  // Names, modification times and sizes of the files the rules come from.
  using Stamp = std::vector<std::tuple<std::string, std::filesystem::file_time_type, std::uintmax_t>>;
  Stamp stamp() const;
  void poll();
  std::string reloadWithReason(const std::string& why);  // "" or the load error

  std::string path_;
  const model::ModelSource& models_;
  coap::Scheduler& scheduler_;
  std::shared_ptr<const mapping::RuleSet> current_;
  std::vector<Listener> listeners_;
  mapping::LoadPolicy policy_;
  MappingReloadStats stats_;
  Stamp lastStamp_;  // of the latest load, applied or refused
  // A change seen and not loaded yet: its stamp and when it was first seen.
  std::optional<std::pair<Stamp, std::chrono::steady_clock::time_point>> settling_;
  std::chrono::milliseconds period_{0};
  std::chrono::milliseconds settle_{0};
  coap::Scheduler::TimerId timer_ = 0;
};

}  // namespace lwm2m::gateway
