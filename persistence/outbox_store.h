#pragma once
// OutboxStore: MQTT store-and-forward. Uplink messages the broker has not
// acknowledged survive a broker outage and a gateway restart, and are
// published oldest first when the broker is back.
//
// Writes are queued to the database's writer thread and never block; `done`
// runs on that thread after the COMMIT (see write.h). Reads are synchronous on
// a separate connection and see committed data only.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "lwm2m/result.h"
#include "persistence/write.h"

namespace lwm2m::persistence {

struct OutboxRecord {
  std::int64_t id = 0;  // store-assigned, strictly increasing: publish order
  std::string topic;
  std::vector<std::uint8_t> payload;
  int qos = 1;  // 0, 1 or 2
  bool retain = false;
  std::int64_t createdAtMs = 0;  // unix ms
  // MQTT 5 properties; empty when absent.
  std::string responseTopic;
  std::string correlationData;  // bytes
  std::string contentType;

  bool operator==(const OutboxRecord&) const = default;
};

class OutboxStore {
 public:
  virtual ~OutboxStore() = default;

  // Appends the message and returns its id at once (record.id is ignored).
  // Ids grow strictly and are never reused. Fails (through `done`) on a qos
  // outside 0..2.
  virtual std::int64_t append(OutboxRecord record, WriteCompletion done) = 0;

  // The broker acknowledged the message. Removing an unknown id succeeds.
  // The removal needs no commit of its own: it may wait (about 100 ms) for
  // the next write's transaction (StoreWriter::submitUnhurried); a crash
  // before then only has the message sent again, which QoS 1 allows.
  virtual void remove(std::int64_t id, WriteCompletion done) = 0;

  // Keeps the newest `bound` messages and removes the older ones; `done`
  // receives how many were removed (after the COMMIT, on the writer thread).
  virtual void dropOldestBeyond(std::size_t bound,
                                std::function<void(Result<std::size_t>)> done) = 0;

  // The `limit` oldest messages, oldest first.
  virtual Result<std::vector<OutboxRecord>> loadOldest(std::size_t limit) = 0;
  // The `limit` oldest messages with an id above `afterId`, oldest first (to
  // read a large backlog in batches).
  virtual Result<std::vector<OutboxRecord>> loadAfter(std::int64_t afterId, std::size_t limit) = 0;
  virtual Result<std::size_t> count() = 0;
};

}  // namespace lwm2m::persistence
