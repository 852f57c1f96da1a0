#include "bridges/http/finished_requests.h"

#include <functional>

#include "bridges/http/record_bytes.h"

namespace lwm2m::bridges::http {

// Record: id, endpoint, u8 state, JSON (texts as record_bytes writes them).

namespace {

std::uint64_t hashOf(std::string_view id) { return std::hash<std::string_view>{}(id); }

}  // namespace

void FinishedRequests::add(const FinishedRequest& request) {
  std::string record;
  record.reserve(16 + request.requestId.size() + request.endpoint.size() + request.json.size());
  record_bytes::putText(record, request.requestId);
  record_bytes::putText(record, request.endpoint);
  record_bytes::putValue(record, static_cast<std::uint8_t>(request.state));
  record_bytes::putText(record, request.json);
  const Slot slot{hashOf(request.requestId), records_.push(record)};
  if (slots_.size() < capacity_) {
    slots_.push_back(slot);
    return;
  }
  // Full: the oldest goes (records and slots are in the same order).
  records_.popFront();
  slots_[head_] = slot;
  head_ = (head_ + 1) % capacity_;
}

std::optional<std::string_view> FinishedRequests::locate(std::string_view requestId) const {
  const std::uint64_t hash = hashOf(requestId);
  const std::size_t n = slots_.size();
  for (std::size_t i = 0; i < n; ++i) {
    const Slot& slot = slots_[(head_ + n - 1 - i) % n];  // newest first
    if (slot.hash != hash) continue;
    std::string_view in = slot.record;
    if (record_bytes::takeText(in) == requestId) return slot.record;
  }
  return std::nullopt;
}

std::optional<FinishedRequest> FinishedRequests::find(std::string_view requestId) const {
  auto record = locate(requestId);
  if (!record) return std::nullopt;
  return decode(*record);
}

FinishedRequest FinishedRequests::decode(std::string_view in) {
  FinishedRequest request;
  request.requestId = std::string(record_bytes::takeText(in));
  request.endpoint = std::string(record_bytes::takeText(in));
  request.state = static_cast<RequestState>(record_bytes::takeValue<std::uint8_t>(in));
  request.json = std::string(record_bytes::takeText(in));
  return request;
}

}  // namespace lwm2m::bridges::http
