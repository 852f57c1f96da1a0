#include "gateway/core/object_definitions.h"

#include <spdlog/spdlog.h>

#include <cstdio>

namespace lwm2m::gateway {

Result<model::ModelFiles> loadObjectModel(const std::vector<std::string>& paths) {
  return model::loadModelFiles(paths, model::ObjectModel::builtIn());
}

std::string describeModels(const model::ModelFiles& files) {
  std::string out = "# ID     VERSION  RESOURCES  NAME  (SOURCE)\n";
  char line[96];
  for (model::ObjectId id : files.model.objectIds()) {
    const model::ObjectDefinition* d = files.model.find(id);
    std::snprintf(line, sizeof line, "%-8u %-8s %9zu  ", static_cast<unsigned>(id), d->version.c_str(),
                  d->resources.size());
    out += line + d->name + "  (" + (d->source.empty() ? "built-in" : d->source + ":" + std::to_string(d->line)) +
           ")\n";
  }
  for (const std::string& o : files.overrides) out += "# " + o + "\n";
  out += "# " + std::to_string(files.model.objectIds().size()) + " objects, " + std::to_string(files.model.size()) +
         " definitions; " + std::to_string(files.objects) + " read from " + std::to_string(files.files) + " files\n";
  return out;
}

ObjectDefinitions::ObjectDefinitions(std::vector<std::string> paths)
    : paths_(std::move(paths)), source_(model::ObjectModel::builtIn()) {}

Result<void> ObjectDefinitions::load() {
  auto files = loadObjectModel(paths_);
  if (!files) return files.error();
  put(std::move(*files), "loaded");
  return {};
}

std::string ObjectDefinitions::reloadWithReason(const std::string& why) {
  auto files = loadObjectModel(paths_);
  if (!files) {
    spdlog::error("models reload ({}) refused, the definitions in force stay: {}", why, files.error().message);
    return files.error().message;
  }
  put(std::move(*files), "reloaded (" + why + ")");
  for (const auto& listener : listeners_) listener();
  return {};
}

void ObjectDefinitions::put(model::ModelFiles files, const std::string& how) {
  for (const std::string& line : files.overrides) spdlog::info("models: {}", line);
  for (const std::string& file : files.skipped) spdlog::debug("models: {}: no object definition, skipped", file);
  std::string from;
  for (const std::string& path : paths_) from += (from.empty() ? "" : ", ") + path;
  spdlog::info("models {}: {} definitions ({} from {} files{}{})", how, files.model.size(), files.objects, files.files,
               from.empty() ? "" : " in ", from);
  source_.replace(std::make_shared<const model::ObjectModel>(std::move(files.model)));
}

}  // namespace lwm2m::gateway
