#include "gateway/daemon/mqtt_outbox.h"

#include <spdlog/spdlog.h>

#include <charconv>
#include <future>
#include <memory>

namespace lwm2m::gateway {
namespace {

// Reads "<len>:<bytes>" from the front of `rest`.
bool takeField(std::string_view& rest, std::string& into) {
  const auto colon = rest.find(':');
  if (colon == std::string_view::npos || colon == 0) return false;
  std::size_t length = 0;
  auto [end, ec] = std::from_chars(rest.data(), rest.data() + colon, length);
  if (ec != std::errc() || end != rest.data() + colon || length > rest.size() - colon - 1) {
    return false;
  }
  into.assign(rest.substr(colon + 1, length));
  rest.remove_prefix(colon + 1 + length);
  return true;
}

std::int64_t systemMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

Result<void> decodeLegacyStoredTopic(std::string_view stored, mapping::OutboundMessage& into) {
  const auto nul = stored.find('\0');
  into.topic.assign(stored.substr(0, nul));
  if (nul == std::string_view::npos) return {};
  std::string_view rest = stored.substr(nul + 1);
  if (!takeField(rest, into.responseTopic) || !takeField(rest, into.correlationData) ||
      !takeField(rest, into.contentType) || !rest.empty()) {
    return fail("stored message on '" + into.topic + "' has malformed MQTT 5 properties");
  }
  return {};
}

MqttOutbox::MqttOutbox(persistence::OutboxStore& store, Clock now)
    : store_(store), now_(now ? std::move(now) : Clock(systemMs)) {}

std::int64_t MqttOutbox::append(const mapping::OutboundMessage& message,
                                std::function<void(Result<void>)> committed) {
  persistence::OutboxRecord record;
  record.topic = message.topic;
  record.responseTopic = message.responseTopic;
  record.correlationData = message.correlationData;
  record.contentType = message.contentType;
  record.payload.assign(message.payload.begin(), message.payload.end());
  record.qos = message.qos;
  record.retain = message.retain;
  record.createdAtMs = now_();
  return store_.append(std::move(record), std::move(committed));
}

void MqttOutbox::remove(std::int64_t id) {
  store_.remove(id, [id](Result<void> done) {
    if (!done) spdlog::warn("MQTT outbox: cannot remove message {}: {}", id, done.error().message);
  });
}

Result<std::vector<bridges::mqtt::StoredMessage>> MqttOutbox::loadAfter(std::int64_t afterId,
                                                                        std::size_t limit) {
  auto records = store_.loadAfter(afterId, limit);
  if (!records) return records.error();
  std::vector<bridges::mqtt::StoredMessage> messages;
  messages.reserve(records->size());
  for (persistence::OutboxRecord& record : *records) {
    bridges::mqtt::StoredMessage& m = messages.emplace_back();
    m.id = record.id;
    m.message.topic = record.topic;
    m.message.responseTopic = record.responseTopic;
    m.message.correlationData = record.correlationData;
    m.message.contentType = record.contentType;
    if (auto decoded = decodeLegacyStoredTopic(record.topic, m.message); !decoded) {
      spdlog::warn("MQTT outbox: {} (published without them)", decoded.error().message);
      m.message.responseTopic.clear();
      m.message.correlationData.clear();
      m.message.contentType.clear();
    }
    m.message.payload.assign(record.payload.begin(), record.payload.end());
    m.message.qos = record.qos;
    m.message.retain = record.retain;
  }
  return messages;
}

Result<std::size_t> MqttOutbox::count() { return store_.count(); }

Result<std::size_t> MqttOutbox::dropOldestBeyond(std::size_t bound) {
  auto promise = std::make_shared<std::promise<Result<std::size_t>>>();
  auto future = promise->get_future();
  store_.dropOldestBeyond(bound, [promise](Result<std::size_t> dropped) {
    promise->set_value(std::move(dropped));
  });
  if (future.wait_for(std::chrono::seconds(30)) != std::future_status::ready) {
    return fail("trimming the outbox to " + std::to_string(bound) +
                " messages did not finish within 30 s");
  }
  return future.get();
}

}  // namespace lwm2m::gateway
