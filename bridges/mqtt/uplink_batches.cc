#include "bridges/mqtt/uplink_batches.h"

#include <optional>
#include <string_view>
#include <utility>
#include <vector>

#include "mapping/rule_set.h"

namespace lwm2m::bridges::mqtt {

namespace {

bool isBlank(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

// The elements of a JSON array's text, without its brackets and outer
// blanks ("" for an empty array); nullopt when the text is not an array.
std::optional<std::string_view> arrayElements(std::string_view text) {
  while (!text.empty() && isBlank(text.front())) text.remove_prefix(1);
  while (!text.empty() && isBlank(text.back())) text.remove_suffix(1);
  if (text.size() < 2 || text.front() != '[' || text.back() != ']') return std::nullopt;
  text = text.substr(1, text.size() - 2);
  while (!text.empty() && isBlank(text.front())) text.remove_prefix(1);
  while (!text.empty() && isBlank(text.back())) text.remove_suffix(1);
  return text;
}

bool sameDelivery(const mapping::OutboundMessage& a, const mapping::OutboundMessage& b) {
  return a.qos == b.qos && a.contentType == b.contentType && a.batching.joinArrays == b.batching.joinArrays;
}

}  // namespace

UplinkBatches::UplinkBatches(coap::Scheduler& scheduler, Publish publish)
    : scheduler_(scheduler), publish_(std::move(publish)) {}

UplinkBatches::~UplinkBatches() {
  for (auto& [topic, batch] : open_) scheduler_.cancel(batch.timer);
}

void UplinkBatches::add(mapping::OutboundMessage message) {
  if (message.batching.maxMessages <= 1) {
    if (!open_.empty()) {  // keep the topic's order: what was gathered before goes first
      if (auto it = open_.find(message.topic); it != open_.end()) close(it);
    }
    publish_(std::move(message));
    return;
  }
  std::string_view elements = message.payload;
  if (message.batching.joinArrays) {
    auto inner = arrayElements(message.payload);
    if (!inner) {
      publish_(std::move(message));
      return;
    }
    if (inner->empty()) return;  // an empty pack adds nothing
    elements = *inner;
  }
  auto it = open_.find(message.topic);
  if (it != open_.end() && (!sameDelivery(it->second.message, message) ||
                            it->second.message.payload.size() + elements.size() + 2 > mapping::kMaxBatchBytes)) {
    close(it);
    it = open_.end();
  }
  if (it == open_.end()) {
    Open batch;
    batch.message.topic = message.topic;
    batch.message.qos = message.qos;
    batch.message.contentType = message.contentType;
    batch.message.batching = message.batching;
    batch.message.payload.reserve(elements.size() + 2);
    batch.message.payload += '[';
    const std::string topic = message.topic;
    batch.timer = scheduler_.schedule(message.batching.maxDelay, [this, topic] {
      auto due = open_.find(topic);
      if (due == open_.end()) return;
      due->second.timer = 0;
      close(due);
    });
    it = open_.emplace(topic, std::move(batch)).first;
  }
  Open& batch = it->second;
  if (batch.count > 0) batch.message.payload += ',';
  batch.message.payload.append(elements.data(), elements.size());
  if (++batch.count >= batch.message.batching.maxMessages) close(it);
}

void UplinkBatches::flush() {
  while (!open_.empty()) close(open_.begin());
}

void UplinkBatches::close(Batches::iterator it) {
  Open batch = std::move(it->second);
  open_.erase(it);
  scheduler_.cancel(batch.timer);
  batch.message.payload += ']';
  batch.message.batching = {};
  publish_(std::move(batch.message));
}

}  // namespace lwm2m::bridges::mqtt
