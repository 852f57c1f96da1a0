#pragma once
// MqttOutbox: the MQTT link's outbox (bridges/mqtt/outbox.h) on the gateway
// database (persistence::OutboxStore).
//
// A stored row has no columns for MQTT 5 properties, so the adapter keeps
// them after the topic: "<topic>\0<len>:<response topic><len>:<correlation
// data><len>:<content type>". MQTT topic names never contain U+0000 (MQTT
// 3.1.1 §1.5.3, 5.0 §1.5.4), so a stored topic without NUL is a plain topic.
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

// The stored topic of a message (topic and MQTT 5 properties), and back.
// decodeStoredTopic() fails on a malformed property suffix, naming it.
std::string encodeStoredTopic(const mapping::OutboundMessage& message);
Result<void> decodeStoredTopic(std::string_view stored, mapping::OutboundMessage& into);

}  // namespace lwm2m::gateway
