#include "gateway/core/mapping_rules.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <system_error>

#include "mapping/rule_loader.h"

namespace lwm2m::gateway {
namespace fs = std::filesystem;

extern const char kDefaultMappingText[];  // generated from deploy/mapping/generic.yaml

std::string_view defaultMappingText() { return kDefaultMappingText; }

Result<mapping::RuleSet> loadMapping(const std::string& path, const model::ObjectModel& model,
                                     const mapping::LoadPolicy& policy) {
  if (path.empty()) return mapping::parseRules(defaultMappingText(), "generic.yaml (built in)", model, policy);
  return mapping::loadRules(path, model, policy);
}

MappingRules::MappingRules(std::string path, const model::ModelSource& models, coap::Scheduler& scheduler,
                           mapping::LoadPolicy policy)
    : path_(std::move(path)), models_(models), scheduler_(scheduler), policy_(policy) {}

MappingRules::~MappingRules() { scheduler_.cancel(timer_); }

Result<void> MappingRules::load() {
  // Stamped before reading: a save that lands while the file is being read
  // shows as a change at the next poll instead of being taken as loaded.
  Stamp before = stamp();
  auto rules = loadMapping(path_, *models_.current(), policy_);
  if (!rules) return rules.error();
  current_ = std::make_shared<const mapping::RuleSet>(std::move(*rules));
  lastStamp_ = std::move(before);
  spdlog::info("mapping: {} uplink, {} observe, {} downlink rules, {} http aliases from {}", current_->uplink().size(),
               current_->observe().size(), current_->downlink().size(), current_->http().size(), source());
  return {};
}

std::string MappingRules::reloadWithReason(const std::string& why) {
  lastStamp_ = stamp();
  settling_.reset();
  auto rules = loadMapping(path_, *models_.current(), policy_);
  Result<void> replaceable = !rules ? Result<void>(rules.error())
                             : current_ ? mapping::checkReplacement(*current_, *rules, policy_)
                                        : Result<void>();
  if (!replaceable) {
    ++stats_.refused;
    stats_.lastError = replaceable.error().message;
    spdlog::error("mapping reload ({}) refused, the rules in force stay: {}", why, stats_.lastError);
    return stats_.lastError;
  }
  ++stats_.applied;
  stats_.lastError.clear();
  current_ = std::make_shared<const mapping::RuleSet>(std::move(*rules));
  spdlog::info("mapping reloaded ({}): {} uplink, {} observe, {} downlink rules, {} http aliases from {}", why,
               current_->uplink().size(), current_->observe().size(), current_->downlink().size(),
               current_->http().size(), source());
  for (const auto& listener : listeners_) listener(current_);
  return {};
}

api::MappingStatus MappingRules::mappingStatus() const {
  api::MappingStatus status;
  status.source = source();
  status.reloadsApplied = stats_.applied;
  status.reloadsRefused = stats_.refused;
  status.lastReloadError = stats_.lastError;
  if (current_) {
    status.uplink = current_->uplink().size();
    status.observe = current_->observe().size();
    status.downlink = current_->downlink().size();
    status.http = current_->http().size();
    for (const auto& alias : current_->http()) {
      if (alias.enabled) status.aliases.push_back(alias.method + " " + alias.pathText);
    }
    status.description = mapping::describe(*current_);
  }
  return status;
}

std::string MappingRules::reloadMapping() { return reloadWithReason("REST API"); }

void MappingRules::watch(std::chrono::milliseconds period, std::chrono::milliseconds settle) {
  if (path_.empty() || period.count() <= 0) return;
  period_ = period;
  settle_ = settle;
  scheduler_.cancel(timer_);
  timer_ = scheduler_.schedule(period_, [this] { poll(); });
}

void MappingRules::addListener(Listener listener) {
  if (current_) listener(current_);
  listeners_.push_back(std::move(listener));
}

MappingRules::Stamp MappingRules::stamp() const {
  Stamp out;
  if (path_.empty()) return out;
  std::error_code ec;
  auto add = [&](const fs::path& p) {
    auto t = fs::last_write_time(p, ec);
    if (ec) t = fs::file_time_type{};
    auto size = fs::file_size(p, ec);
    out.emplace_back(p.string(), t, ec ? std::uintmax_t{0} : size);
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
  Stamp now = stamp();
  if (now == lastStamp_) {
    settling_.reset();
  } else if (!settling_ || settling_->first != now) {
    settling_.emplace(std::move(now), scheduler_.now());  // changed (again): wait for it to settle
  } else if (scheduler_.now() - settling_->second >= settle_) {
    reload("a mapping file changed");
  }
  const auto next = settling_ ? std::min(period_, std::max(settle_, std::chrono::milliseconds(1))) : period_;
  timer_ = scheduler_.schedule(next, [this] { poll(); });
}

}  // namespace lwm2m::gateway
