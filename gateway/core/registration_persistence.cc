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
  r.address = formatPeer(reg.peer);
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

void RegistrationPersistence::onRegistered(const server::Registration& reg, const server::Registration*) {
  store_.upsert(toRecord(reg, clock_), logStoreFailure("registration", reg.endpoint));
}

void RegistrationPersistence::onUpdated(const server::Registration& reg) {
  // An Update may change lifetime, binding or object links: store the whole record.
  store_.upsert(toRecord(reg, clock_), logStoreFailure("update", reg.endpoint));
}

void RegistrationPersistence::onDeregistered(const server::Registration& reg) {
  store_.remove(reg.endpoint, logStoreFailure("de-registration", reg.endpoint));
}

void RegistrationPersistence::onExpired(const server::Registration& reg) {
  store_.remove(reg.endpoint, logStoreFailure("expiry", reg.endpoint));
}

}  // namespace lwm2m::gateway
