#pragma once
// FinishedRequests: the last `capacity` finished requests of the REST API,
// each kept as what GET /api/v1/requests/{id} answers (its JSON, rendered
// once when it finished) with its endpoint and final state, in memory of
// their own (record_blocks.h): a wave of devices that leaves 1,000 finished
// requests behind leaves no small objects scattered over the heap.
//
// A lookup compares the ids' hashes (8 bytes a request, newest first), then
// the id itself: ~1 µs for 1,000. A request added again (its transfer's last
// Progress came after it finished) is found as it was added last; the older
// copy counts towards `capacity` until it is dropped.
//
// Each request is added with a stamp (the caller's time, e.g. steady clock
// nanoseconds; stamps do not decrease); dropOlderThan() forgets those stamped
// before a time, and with the last one their memory goes back to the system.
//
// Contract: single-threaded (the I/O thread). Precondition: capacity > 0.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "bridges/http/record_blocks.h"

namespace lwm2m::bridges::http {

enum class RequestState { Queued, Done, Failed, Expired, Cancelled };

struct FinishedRequest {
  std::string requestId;
  std::string endpoint;
  RequestState state = RequestState::Done;
  std::string json;  // the request's JSON (rest_json.h requestJson)
};

class FinishedRequests {
 public:
  explicit FinishedRequests(std::size_t capacity) : capacity_(capacity) {}

  // Keeps `request`; the oldest beyond `capacity` is dropped.
  void add(const FinishedRequest& request, std::int64_t stamp = 0);
  // Drops the requests added with a stamp below `stamp`; returns how many.
  std::size_t dropOlderThan(std::int64_t stamp);
  std::optional<FinishedRequest> find(std::string_view requestId) const;
  bool contains(std::string_view requestId) const { return locate(requestId).has_value(); }
  std::size_t size() const { return count_; }
  // Bytes mapped for the records.
  std::size_t mappedBytes() const { return records_.mappedBytes(); }

 private:
  struct Slot {
    std::uint64_t hash;
    std::int64_t stamp;
    std::string_view record;
  };
  std::optional<std::string_view> locate(std::string_view requestId) const;
  static FinishedRequest decode(std::string_view record);
  void dropOldest();
  void grow();  // more slots, up to capacity_, in order from 0

  std::size_t capacity_;
  RecordBlocks records_;
  // A ring: count_ slots from head_ (the oldest) on, in the order of records_.
  std::vector<Slot> slots_;
  std::size_t head_ = 0;
  std::size_t count_ = 0;
};

}  // namespace lwm2m::bridges::http
