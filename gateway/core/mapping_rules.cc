#include "gateway/core/mapping_rules.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <system_error>

#include "mapping/rule_loader.h"

namespace lwm2m::gateway {
namespace fs = std::filesystem;

extern const char kDefaultMappingText[];  // generated from deploy/mapping/generic.yaml

std::string_view defaultMappingText() { return kDefaultMappingText; }

Result<mapping::RuleSet> loadMapping(const std::string& path, const model::ObjectModel& model) {
  if (path.empty()) return mapping::parseRules(defaultMappingText(), "generic.yaml (built in)", model);
  return mapping::loadRules(path, model);
}

MappingRules::MappingRules(std::string path, const model::ModelSource& models, coap::Scheduler& scheduler)
    : path_(std::move(path)), models_(models), scheduler_(scheduler) {}

MappingRules::~MappingRules() { scheduler_.cancel(timer_); }

Result<void> MappingRules::load() {
  auto rules = loadMapping(path_, *models_.current());
  if (!rules) return rules.error();
  current_ = std::make_shared<const mapping::RuleSet>(std::move(*rules));
  lastStamp_ = stamp();
  spdlog::info("mapping: {} uplink, {} observe, {} downlink rules from {}", current_->uplink().size(),
               current_->observe().size(), current_->downlink().size(), source());
  return {};
}

std::string MappingRules::reloadWithReason(const std::string& why) {
  lastStamp_ = stamp();
  auto rules = loadMapping(path_, *models_.current());
  if (!rules) {
    spdlog::error("mapping reload ({}) refused, the rules in force stay: {}", why, rules.error().message);
    return rules.error().message;
  }
  current_ = std::make_shared<const mapping::RuleSet>(std::move(*rules));
  spdlog::info("mapping reloaded ({}): {} uplink, {} observe, {} downlink rules from {}", why,
               current_->uplink().size(), current_->observe().size(), current_->downlink().size(), source());
  for (const auto& listener : listeners_) listener(current_);
  return {};
}

api::MappingStatus MappingRules::mappingStatus() const {
  api::MappingStatus status;
  status.source = source();
  if (current_) {
    status.uplink = current_->uplink().size();
    status.observe = current_->observe().size();
    status.downlink = current_->downlink().size();
    status.description = mapping::describe(*current_);
  }
  return status;
}

std::string MappingRules::reloadMapping() { return reloadWithReason("REST API"); }

void MappingRules::watch(std::chrono::milliseconds period) {
  if (path_.empty() || period.count() <= 0) return;
  period_ = period;
  scheduler_.cancel(timer_);
  timer_ = scheduler_.schedule(period_, [this] { poll(); });
}

void MappingRules::addListener(Listener listener) {
  if (current_) listener(current_);
  listeners_.push_back(std::move(listener));
}

std::vector<std::pair<std::string, fs::file_time_type>> MappingRules::stamp() const {
  std::vector<std::pair<std::string, fs::file_time_type>> out;
  if (path_.empty()) return out;
  std::error_code ec;
  auto add = [&](const fs::path& p) {
    auto t = fs::last_write_time(p, ec);
    out.emplace_back(p.string(), ec ? fs::file_time_type{} : t);
  };
  if (fs::is_directory(path_, ec)) {
    for (const auto& entry : fs::directory_iterator(path_, ec)) {
      const auto ext = entry.path().extension();
      if (ext == ".yaml" || ext == ".yml" || ext == ".json") add(entry.path());
    }
  } else {
    add(path_);
  }
  std::sort(out.begin(), out.end());
  return out;
}

void MappingRules::poll() {
  if (stamp() != lastStamp_) reload("a mapping file changed");
  timer_ = scheduler_.schedule(period_, [this] { poll(); });
}

}  // namespace lwm2m::gateway
