#include "gateway/core/registration_persistence.h"

#include <spdlog/spdlog.h>

#include "gateway/core/device_registry.h"
#include "gateway/core/store_failure.h"
#include "gateway/core/unix_time.h"

namespace lwm2m::gateway {
persistence::RegistrationRecord toRecord(const server::Registration& reg, const coap::Scheduler& clock) {
  persistence::RegistrationRecord r;
  r.endpoint = reg.endpoint;
  r.registrationId = reg.id;
  r.address = coap::toString(reg.peer);
  r.lwm2mVersion = reg.version;
  r.binding = reg.binding;
  r.queueMode = reg.queueMode;
  r.lifetimeSeconds = reg.lifetime;
  r.smsNumber = reg.smsNumber;
  r.rootPath = reg.rootPath;
  r.objectLinks = formats::encodeLinkFormat(reg.objectLinks);
  r.registeredAtMs = unixMs(reg.registeredAt);
  r.lastUpdateAtMs = unixMs(reg.lastUpdateAt);
  // The deadline lives on the steady clock; store it on the wall clock.
  r.expiresAtMs = unixMs(clock.wallNow()) +
                  std::chrono::duration_cast<std::chrono::milliseconds>(reg.expiresAt - clock.now()).count();
  return r;
}

Result<server::Registration> fromRecord(const persistence::RegistrationRecord& record,
                                        const coap::Scheduler& clock) {
  server::Registration reg;
  reg.endpoint = record.endpoint;
  reg.id = record.registrationId;
  auto peer = parsePeer(record.address);
  if (!peer) return fail("address '" + record.address + "': " + peer.error().message);
  reg.peer = *peer;
  reg.version = record.lwm2mVersion;
  reg.binding = record.binding;
  reg.queueMode = record.queueMode;
  reg.lifetime = record.lifetimeSeconds;
  reg.smsNumber = record.smsNumber;
  reg.rootPath = record.rootPath.empty() ? "/" : record.rootPath;
  if (!record.objectLinks.empty()) {
    auto links = formats::parseLinkFormat(record.objectLinks);
    if (!links) return fail("object links: " + links.error().message);
    reg.objectLinks = std::move(*links);
  }
  reg.registeredAt = fromUnixMs(record.registeredAtMs);
  reg.lastUpdateAt = fromUnixMs(record.lastUpdateAtMs);
  reg.expiresAt = clock.now() + std::chrono::milliseconds(record.expiresAtMs - unixMs(clock.wallNow()));
  return reg;
}

Result<RegistrationPersistence::Restored> RegistrationPersistence::restoreInto(
    server::RegistrationInterface& rd) {
  auto records = store_.loadAll();
  if (!records) return records.error();
  Restored restored;
  for (const persistence::RegistrationRecord& record : *records) {
    auto reg = fromRecord(record, clock_);
    if (!reg) {
      restored.unreadable.push_back(record.endpoint + ": " + reg.error().message);
      store_.remove(record.endpoint, logStoreFailure("removal", record.endpoint));
      continue;
    }
    if (reg->expiresAt <= clock_.now()) {
      store_.remove(record.endpoint, logStoreFailure("removal", record.endpoint));
      restored.expired.push_back(std::move(*reg));
      continue;
    }
    rd.restore(std::move(*reg));
    ++restored.registrations;
  }
  return restored;
}

RegistrationPersistence::~RegistrationPersistence() {
  if (flushTimer_ != 0) clock_.cancel(flushTimer_);
}

void RegistrationPersistence::store(const server::Registration& reg, const char* what) {
  // The whole record supersedes a refresh gathered for it.
  if (!refreshes_.empty()) refreshes_.erase(reg.endpoint);
  store_.upsert(toRecord(reg, clock_), logStoreFailure(what, reg.endpoint));
}

void RegistrationPersistence::onRegistered(const server::Registration& reg, const server::Registration*) {
  store(reg, "registration");
}

void RegistrationPersistence::onUpdated(const server::Registration& reg, const server::RegistrationChanges& changes) {
  // An Update that changes lifetime, binding, object links or address: the whole record.
  if (changes.any() || refreshDelay_.count() <= 0) return store(reg, "update");
  // The deadline lives on the steady clock; store it on the wall clock (as toRecord does).
  const std::int64_t wallMs = unixMs(clock_.wallNow());
  refreshes_[reg.endpoint] = Refresh{
      unixMs(reg.lastUpdateAt),
      wallMs + std::chrono::duration_cast<std::chrono::milliseconds>(reg.expiresAt - clock_.now()).count()};
  if (flushTimer_ == 0) {
    flushTimer_ = clock_.schedule(refreshDelay_, [this] {
      flushTimer_ = 0;
      flush();
    });
  }
}

void RegistrationPersistence::flush() {
  if (flushTimer_ != 0) {
    clock_.cancel(flushTimer_);
    flushTimer_ = 0;
  }
  if (refreshes_.empty()) return;
  std::vector<persistence::RegistrationRefresh> batch;
  batch.reserve(refreshes_.size());
  for (auto& [endpoint, times] : refreshes_) {
    batch.push_back({endpoint, times.lastUpdateAtMs, times.expiresAtMs});
  }
  refreshes_ = {};  // its buckets too: a burst of Updates leaves no large table behind
  const std::size_t count = batch.size();
  store_.refresh(std::move(batch), [count](Result<void> r) {
    if (!r) spdlog::error("cannot store the lifetime refresh of {} devices: {}", count, r.error().message);
  });
}

void RegistrationPersistence::onDeregistered(const server::Registration& reg) {
  if (!refreshes_.empty()) refreshes_.erase(reg.endpoint);
  store_.remove(reg.endpoint, logStoreFailure("de-registration", reg.endpoint));
}

void RegistrationPersistence::onExpired(const server::Registration& reg) {
  if (!refreshes_.empty()) refreshes_.erase(reg.endpoint);
  store_.remove(reg.endpoint, logStoreFailure("expiry", reg.endpoint));
}

}  // namespace lwm2m::gateway
