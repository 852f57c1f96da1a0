#pragma once
// MqttOutbox: the MQTT link's outbox (bridges/mqtt/outbox.h) on the gateway
// database (persistence::OutboxStore).
//
// MQTT 5 properties have their own columns. Rows written before schema 4
// kept them after the topic ("<topic>\0<len>:<response topic><len>:<correlation
// data><len>:<content type>"); such rows are still read. MQTT topic names never
// contain U+0000 (MQTT 3.1.1 §1.5.3, 5.0 §1.5.4), so a topic without NUL is plain.
//
// Threading: see outbox.h. `committed` runs on the database's writer thread.

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "bridges/mqtt/outbox.h"
#include "persistence/outbox_store.h"

namespace lwm2m::gateway {

class MqttOutbox final : public bridges::mqtt::Outbox {
 public:
  using Clock = std::function<std::int64_t()>;  // unix ms, for the created_at column
  explicit MqttOutbox(persistence::OutboxStore& store, Clock now = {});

  std::int64_t append(const mapping::OutboundMessage& message,
                      std::function<void(Result<void>)> committed) override;
  void remove(std::int64_t id) override;
  Result<std::vector<bridges::mqtt::StoredMessage>> loadAfter(std::int64_t afterId,
                                                              std::size_t limit) override;
  Result<std::size_t> count() override;
  // Waits at most 30 s for the commit.
  Result<std::size_t> dropOldestBeyond(std::size_t bound) override;

 private:
  persistence::OutboxStore& store_;
  Clock now_;
};

// Reads a topic stored before schema 4 (topic and MQTT 5 properties) into
// `into`; a topic without NUL leaves `into`'s properties as they are. Fails on
// a malformed property suffix, naming it.
Result<void> decodeLegacyStoredTopic(std::string_view stored, mapping::OutboundMessage& into);

}  // namespace lwm2m::gateway
