#include "lwm2m/server/registration_interface.h"

#include <cstdio>
#include <utility>

#include "lwm2m/spare_buckets.h"

namespace lwm2m::server {
RegistrationInterface::RegistrationInterface(coap::Scheduler& scheduler,
                                             RegistrationSettings settings,
                                             std::function<std::uint32_t()> random)
    : scheduler_(scheduler), settings_(settings), random_(std::move(random)) {}

RegistrationInterface::~RegistrationInterface() {
  for (const auto& [id, timer] : expiryTimers_) scheduler_.cancel(timer);
}

void RegistrationInterface::addListener(RegistrationListener* listener) {
  listeners_.push_back(listener);
}

void RegistrationInterface::handle(const coap::Peer& from, const coap::Message& request,
                                   const coap::Endpoint::Responder& respond) {
  const auto path = request.uriPathViews();
  handle(from, request, {path.data(), path.size()}, respond);
}

void RegistrationInterface::handle(const coap::Peer& from, const coap::Message& request,
                                   std::span<const std::string_view> path,
                                   const coap::Endpoint::Responder& respond) {
  if (path.size() == 1) {
    if (request.code != coap::codes::Post) {
      respond(coap::Message::reply(coap::codes::MethodNotAllowed, "Register is POST /rd"));
      return;
    }
    onRegister(from, request, respond);
  } else if (path.size() == 2) {
    if (request.code == coap::codes::Post) {
      onUpdate(path[1], from, request, respond);
    } else if (request.code == coap::codes::Delete) {
      onDeregister(path[1], from, respond);
    } else {
      respond(coap::Message::reply(coap::codes::MethodNotAllowed, "Update is POST, De-register is DELETE"));
    }
  } else {
    respond(coap::Message::reply(coap::codes::NotFound));
  }
}

void RegistrationInterface::onRegister(const coap::Peer& from, const coap::Message& request,
                                       const coap::Endpoint::Responder& respond) {
  auto parsed = parseRegister(request, settings_.policy);
  if (auto* rejection = std::get_if<Rejection>(&parsed)) {
    respond(coap::Message::reply(rejection->code, rejection->reason));
    return;
  }
  auto& params = std::get<RegisterParameters>(parsed);
  if (refused(from, params.endpoint, respond)) return;

  std::optional<Registration> replaced;
  if (const Registration* old = store_.findByEndpoint(params.endpoint)) {
    replaced = store_.removeById(old->id);
    if (auto it = expiryTimers_.find(replaced->id); it != expiryTimers_.end()) {
      scheduler_.cancel(it->second);
      expiryTimers_.erase(it);
    }
  }

  Registration reg;
  reg.endpoint = std::move(params.endpoint);
  reg.id = newRegistrationId();
  reg.version = std::move(params.version);
  reg.binding = std::move(params.binding);
  reg.queueMode = params.queueMode;
  reg.lifetime = params.lifetime;
  reg.smsNumber = std::move(params.smsNumber);
  reg.rootPath = std::move(params.rootPath);
  reg.objectLinks = std::move(params.objectLinks);
  reg.extraParameters = std::move(params.extraParameters);
  reg.peer = from;
  reg.registeredAt = scheduler_.wallNow();
  reg.lastUpdateAt = reg.registeredAt;
  reg.expiresAt = deadline(reg.lifetime);
  const Registration& stored = store_.put(std::move(reg));
  armExpiry(stored);

  coap::Message created = coap::Message::reply(coap::codes::Created);
  created.setLocationPath("rd/" + stored.id);
  respond(std::move(created));

  for (RegistrationListener* l : listeners_) l->onRegistered(stored, replaced ? &*replaced : nullptr);
}

void RegistrationInterface::onUpdate(std::string_view id, const coap::Peer& from,
                                     const coap::Message& request,
                                     const coap::Endpoint::Responder& respond) {
  const Registration* current = store_.findById(id);
  if (!current) {
    respond(coap::Message::reply(coap::codes::NotFound, "no registration rd/" + std::string(id)));
    return;
  }
  if (refused(from, current->endpoint, respond)) return;
  auto parsed = parseUpdate(request, current->version, settings_.policy);
  if (auto* rejection = std::get_if<Rejection>(&parsed)) {
    respond(coap::Message::reply(rejection->code, rejection->reason));
    return;
  }
  auto& params = std::get<UpdateParameters>(parsed);
  RegistrationChanges changes;
  // Sets `field` to `value` and notes whether that changed it.
  const auto apply = [](auto& field, auto&& value, bool& changed) {
    if (field == value) return;
    field = std::forward<decltype(value)>(value);
    changed = true;
  };
  const Registration* updated = store_.modify(id, [&](Registration& reg) {
    if (params.lifetime) apply(reg.lifetime, *params.lifetime, changes.lifetime);
    if (params.binding) apply(reg.binding, std::move(*params.binding), changes.binding);
    if (params.queueMode) apply(reg.queueMode, *params.queueMode, changes.queueMode);
    if (params.smsNumber) apply(reg.smsNumber, std::move(*params.smsNumber), changes.smsNumber);
    if (params.objectLinks) apply(reg.objectLinks, std::move(*params.objectLinks), changes.objectLinks);
    if (params.rootPath) apply(reg.rootPath, std::move(*params.rootPath), changes.rootPath);
    // A device behind NAT may come back from a new address after sleeping:
    // its Update tells us where it is now.
    apply(reg.peer, from, changes.peer);
    reg.lastUpdateAt = scheduler_.wallNow();
    reg.expiresAt = deadline(reg.lifetime);
  });
  // The same lifetime only moves the deadline later: the timer armed for the
  // earlier one finds it moved when it fires, and waits again (expire()).
  if (changes.lifetime) armExpiry(*updated);
  respond(coap::Message::reply(coap::codes::Changed));
  for (RegistrationListener* l : listeners_) l->onUpdated(*updated, changes);
}

void RegistrationInterface::onDeregister(std::string_view id, const coap::Peer& from,
                                         const coap::Endpoint::Responder& respond) {
  if (const Registration* current = store_.findById(id)) {
    if (refused(from, current->endpoint, respond)) return;
  }
  auto removed = store_.removeById(id);
  if (!removed) {
    respond(coap::Message::reply(coap::codes::NotFound, "no registration rd/" + std::string(id)));
    return;
  }
  if (auto it = expiryTimers_.find(std::string(id)); it != expiryTimers_.end()) {
    scheduler_.cancel(it->second);
    expiryTimers_.erase(it);
    releaseSpareBuckets(expiryTimers_);
  }
  respond(coap::Message::reply(coap::codes::Deleted));
  for (RegistrationListener* l : listeners_) l->onDeregistered(*removed);
}

bool RegistrationInterface::refused(const coap::Peer& from, std::string_view endpoint,
                                    const coap::Endpoint::Responder& respond) const {
  if (!authorizer_ || !authorizer_->refusal(from, endpoint)) return false;
  // The reason goes to the log only: it may name another endpoint.
  respond(coap::Message::reply(coap::codes::Forbidden, "not allowed to act as this endpoint (see the gateway log)"));
  return true;
}

void RegistrationInterface::rebind(std::string_view id, const coap::Peer& peer) {
  const Registration* current = store_.findById(id);
  if (!current || current->peer == peer) return;
  // A token guessed from another DTLS identity (or plain CoAP for a DTLS-only
  // endpoint) must not pull the registration away.
  if (authorizer_ && authorizer_->refusal(peer, current->endpoint)) return;
  const Registration* moved = store_.modify(id, [&peer](Registration& reg) { reg.peer = peer; });
  for (RegistrationListener* l : listeners_) l->onRebound(*moved);
}

void RegistrationInterface::restore(Registration reg) {
  const Registration& stored = store_.put(std::move(reg));
  armExpiry(stored);
}

void RegistrationInterface::armExpiry(const Registration& reg) {
  if (auto it = expiryTimers_.find(reg.id); it != expiryTimers_.end()) {
    scheduler_.cancel(it->second);
  }
  auto delay = reg.expiresAt - scheduler_.now();
  if (delay < std::chrono::steady_clock::duration::zero()) delay = {};
  std::string id = reg.id;
  expiryTimers_[reg.id] = scheduler_.schedule(delay, [this, id] { expire(id); });
}

void RegistrationInterface::expire(const std::string& id) {
  if (const Registration* reg = store_.findById(id); reg && reg->expiresAt > scheduler_.now()) {
    armExpiry(*reg);  // Updates since the timer was armed moved the deadline
    return;
  }
  expiryTimers_.erase(id);
  releaseSpareBuckets(expiryTimers_);
  auto removed = store_.removeById(id);
  if (!removed) return;
  for (RegistrationListener* l : listeners_) l->onExpired(*removed);
}

std::string RegistrationInterface::newRegistrationId() {
  // 10 hex digits from the injected random source; retried on the rare clash.
  for (;;) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "%02x%08x", static_cast<unsigned>(random_() & 0xff),
                  static_cast<unsigned>(random_()));
    if (!store_.containsId(buf)) return buf;
  }
}

std::chrono::steady_clock::time_point RegistrationInterface::deadline(std::uint32_t lifetime) const {
  return scheduler_.now() + std::chrono::seconds(lifetime) + settings_.lifetimeGrace;
}

}  // namespace lwm2m::server
