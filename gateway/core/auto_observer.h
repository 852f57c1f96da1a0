#pragma once
// The observations the mapping rules ask for (their `observe:` section), set
// up when a device registers, or updates with object instances it did not
// have before. Each is an ordinary command (Write-Attributes first, then
// Observe or Observe-Composite) submitted through api::DeviceOps, so it
// is stored, delivered in order and its first values come back as a Response
// event like any other command's.
//
// The commands it submitted for a device and that are still queued are
// cancelled when the device de-registers or expires (its next registration
// observes anew), and when it registers again (the new registration brings
// its own): otherwise a device that left before they were delivered would
// leave them in the queue until their TTL, in memory and on disk.
//
// Contract: I/O thread only. Registrations restored after a restart are
// given to restored(), so their next Update does not observe again what the
// restored observations already cover (setRules() first).
//
// Rules without an `observe:` section cost a registration nothing here: no
// event is built and no object links are remembered. When a reload brings
// observe rules, a device registered meanwhile is observed at its next Update
// as if it had just registered.

#include <map>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "gateway/api/device_ops.h"
#include "lwm2m/coap/scheduler.h"
#include "lwm2m/model/model_source.h"
#include "lwm2m/server/registration_interface.h"
#include "mapping/rule_set.h"

namespace lwm2m::gateway {

class AutoObserver : public server::RegistrationListener {
 public:
  AutoObserver(api::DeviceOps& commands, const model::ModelSource& models, const coap::Scheduler& clock)
      : commands_(commands), models_(models), clock_(clock) {}
  ~AutoObserver() override { *alive_ = false; }
  AutoObserver(const AutoObserver&) = delete;
  AutoObserver& operator=(const AutoObserver&) = delete;

  void setRules(std::shared_ptr<const mapping::RuleSet> rules) { rules_ = std::move(rules); }
  void restored(const server::Registration& reg);

  void onRegistered(const server::Registration& reg, const server::Registration* replaced) override;
  void onUpdated(const server::Registration& reg, const server::RegistrationChanges& changes) override;
  void onDeregistered(const server::Registration& reg) override { departed(reg.endpoint); }
  void onExpired(const server::Registration& reg) override { departed(reg.endpoint); }

 private:
  bool observes() const;  // the rules have an observe section
  void observe(const server::Registration& reg, bool update, std::vector<model::Path> before);
  void departed(const std::string& endpoint);
  // Cancels what is still queued of the commands submitted for the device.
  void cancelSubmitted(const std::string& endpoint);

  api::DeviceOps& commands_;
  const model::ModelSource& models_;
  const coap::Scheduler& clock_;
  std::shared_ptr<const mapping::RuleSet> rules_;
  std::unordered_map<std::string, std::vector<model::Path>> known_;  // object links last seen, per endpoint
  std::map<std::string, std::vector<std::string>> submitted_;  // request ids, per registered endpoint
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace lwm2m::gateway
