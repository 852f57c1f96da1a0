#include "bridges/http/finished_requests.h"

#include <algorithm>
#include <functional>

#include "bridges/http/record_bytes.h"

namespace lwm2m::bridges::http {

// Record: id, endpoint, u8 state, JSON (texts as record_bytes writes them).

namespace {

std::uint64_t hashOf(std::string_view id) { return std::hash<std::string_view>{}(id); }

}  // namespace

void FinishedRequests::add(const FinishedRequest& request, std::int64_t stamp) {
  if (count_ == capacity_) dropOldest();  // records and slots are in the same order
  if (count_ == slots_.size()) grow();
  using record_bytes::textSize;
  const std::size_t size =
      textSize(request.requestId) + textSize(request.endpoint) + sizeof(std::uint8_t) + textSize(request.json);
  const std::string_view record = records_.pushWritten(size, [&request](char* at) {
    record_bytes::Writer out(at);
    out.text(request.requestId);
    out.text(request.endpoint);
    out.value(static_cast<std::uint8_t>(request.state));
    out.text(request.json);
  });
  slots_[(head_ + count_) % slots_.size()] = Slot{hashOf(request.requestId), stamp, record};
  ++count_;
}

std::size_t FinishedRequests::dropOlderThan(std::int64_t stamp) {
  std::size_t dropped = 0;
  while (count_ > 0 && slots_[head_].stamp < stamp) {
    dropOldest();
    ++dropped;
  }
  return dropped;
}

void FinishedRequests::dropOldest() {
  records_.popFront();
  head_ = (head_ + 1) % slots_.size();
  if (--count_ == 0) {
    slots_ = {};  // none left: neither records nor slots keep memory
    head_ = 0;
  }
}

void FinishedRequests::grow() {
  std::vector<Slot> more;
  const std::size_t size = std::min(capacity_, std::max<std::size_t>(16, 2 * slots_.size()));
  more.reserve(size);
  for (std::size_t i = 0; i < count_; ++i) more.push_back(slots_[(head_ + i) % slots_.size()]);
  more.resize(size);
  slots_ = std::move(more);
  head_ = 0;
}

std::optional<std::string_view> FinishedRequests::locate(std::string_view requestId) const {
  const std::uint64_t hash = hashOf(requestId);
  const std::size_t n = count_;
  for (std::size_t i = 0; i < n; ++i) {
    const Slot& slot = slots_[(head_ + n - 1 - i) % slots_.size()];  // newest first
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
