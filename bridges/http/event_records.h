#pragma once
// EventRecords: the events an EventRing keeps for resuming clients, stored
// compactly in memory of their own. Each event is serialized once (id, kind,
// endpoint, paths, SSE frame) into blocks of 256 KiB mapped from the system
// apart from the heap (a larger event gets a block of its size); the oldest
// block is given back once every event in it was dropped. So the ring costs
// its events' bytes plus at most two blocks, and it never holds small
// objects scattered over the heap, where they would keep the pages of
// devices long gone resident (malloc_trim gives back only whole free pages).
//
// Contract: single-threaded (the EventRing's thread). Events are pushed with
// strictly increasing ids; from() decodes copies.

#include <cstddef>
#include <cstdint>
#include <deque>
#include <vector>

#include "bridges/http/event_filter.h"

namespace lwm2m::bridges::http {

class EventRecords {
 public:
  EventRecords() = default;
  ~EventRecords();
  EventRecords(const EventRecords&) = delete;
  EventRecords& operator=(const EventRecords&) = delete;

  void push(const StreamEvent& event);
  void popFront();
  // Copies of the events kept from the index-th oldest on (0: all), oldest first.
  std::vector<StreamEvent> from(std::size_t index) const;
  std::size_t size() const { return count_; }
  bool empty() const { return count_ == 0; }
  // Bytes mapped for the blocks.
  std::size_t mappedBytes() const { return mapped_; }

  static constexpr std::size_t kBlockBytes = 256 * 1024;

 private:
  struct Block {
    std::uint8_t* base = nullptr;
    std::size_t capacity = 0;
    std::size_t used = 0;      // bytes written
    std::size_t first = 0;     // offset of the oldest event kept
    std::size_t records = 0;   // events written
    std::size_t dropped = 0;   // of them, dropped
  };
  static StreamEvent decode(const std::uint8_t* record);
  Block& blockFor(std::size_t bytes);
  void release(Block& block);

  std::deque<Block> blocks_;
  std::size_t count_ = 0;
  std::size_t mapped_ = 0;
};

}  // namespace lwm2m::bridges::http
