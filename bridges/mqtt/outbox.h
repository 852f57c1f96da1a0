#pragma once
// Outbox: where the MQTT link keeps QoS >= 1 uplink messages until the broker
// acknowledged them, so that they survive a broker outage and a gateway
// restart. The link owns the publishing logic; an Outbox only stores.
//
// The gateway implements it over its database (gateway/mqtt_outbox.h); tests
// may use an in-memory one.
//
// Threading contract: every call is made on the link's I/O thread. append()
// and remove() never block (they queue a write); `committed` may run on any
// thread, after the write is durable, and must only post. loadAfter() and
// count() are synchronous reads: the link calls them at start-up and, during
// operation, only for small batches. dropOldestBeyond() waits for its commit
// and is used at start-up only.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <vector>

#include "lwm2m/result.h"
#include "mapping/outbound_message.h"

namespace lwm2m::bridges::mqtt {

struct StoredMessage {
  std::int64_t id = 0;  // strictly increasing with append order: publish order
  mapping::OutboundMessage message;
};

class Outbox {
 public:
  virtual ~Outbox() = default;

  // Stores the message (MQTT 5 properties included) and returns its id at
  // once. Appends commit in id order: once `committed` ran for an id, every
  // smaller id is durable too (or failed). An empty `committed` is allowed.
  virtual std::int64_t append(const mapping::OutboundMessage& message,
                              std::function<void(Result<void>)> committed) = 0;

  // The broker acknowledged the message (or the link dropped it). Removing an
  // unknown id is not an error.
  virtual void remove(std::int64_t id) = 0;

  // Told just before remove(id) when that removal is the broker's
  // acknowledgement (not a drop or a refusal), e.g. to time deliveries.
  virtual void acknowledged(std::int64_t id) { (void)id; }

  // Up to `limit` stored messages with an id above `afterId`, oldest first.
  // Sees committed messages only.
  virtual Result<std::vector<StoredMessage>> loadAfter(std::int64_t afterId,
                                                       std::size_t limit) = 0;

  virtual Result<std::size_t> count() = 0;

  // Keeps the newest `bound` messages; returns how many older ones it removed.
  // Blocks until the removal is committed (start-up only).
  virtual Result<std::size_t> dropOldestBeyond(std::size_t bound) = 0;
};

}  // namespace lwm2m::bridges::mqtt
