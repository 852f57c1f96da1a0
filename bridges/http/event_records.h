#pragma once
// EventRecords: the events an EventRing keeps for resuming clients, stored
// compactly in memory of their own (record_blocks.h). Each event is
// serialized once (id, kind, endpoint, paths, SSE frame); the ring costs its
// events' bytes plus at most two blocks, never small objects scattered over
// the heap.
//
// Contract: single-threaded (the EventRing's thread). Events are pushed with
// strictly increasing ids; from() decodes copies.

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "bridges/http/event_filter.h"
#include "bridges/http/record_blocks.h"

namespace lwm2m::bridges::http {

class EventRecords {
 public:
  // `stamp`: the caller's time of the event (stamps do not decrease).
  void push(const StreamEvent& event, std::int64_t stamp = 0);
  // The same record from its parts, for a caller that has no StreamEvent
  // (the ring's unrendered events): no copy of the parts on the heap.
  void push(std::uint64_t id, gateway::api::DeviceEventKind kind, std::string_view endpoint,
            std::span<const model::Path> paths, std::string_view frame, std::int64_t stamp);
  void popFront() { records_.popFront(); }
  // The stamp of the oldest event. Precondition: not empty().
  std::int64_t frontStamp() const;
  // Copies of the events kept from the index-th oldest on (0: all), oldest first.
  std::vector<StreamEvent> from(std::size_t index) const;
  std::size_t size() const { return records_.size(); }
  bool empty() const { return records_.empty(); }
  // Bytes mapped for the blocks.
  std::size_t mappedBytes() const { return records_.mappedBytes(); }

  static constexpr std::size_t kBlockBytes = RecordBlocks::kBlockBytes;

 private:
  static StreamEvent decode(std::string_view record);

  RecordBlocks records_;
};

}  // namespace lwm2m::bridges::http
