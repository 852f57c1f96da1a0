#include "bridges/http/event_records.h"

#include <sys/mman.h>

#include <algorithm>
#include <cstring>
#include <new>
#include <string>
#include <string_view>

#include "bridges/http/record_bytes.h"

namespace lwm2m::bridges::http {

// Record: u32 size of the whole record, u64 id, u8 kind, endpoint, u16 path
// count, each path's text, frame (texts as record_bytes writes them).

EventRecords::~EventRecords() {
  for (Block& block : blocks_) release(block);
}

void EventRecords::release(Block& block) {
  if (block.base) ::munmap(block.base, block.capacity);
  mapped_ -= block.capacity;
  block.base = nullptr;
}

EventRecords::Block& EventRecords::blockFor(std::size_t bytes) {
  if (!blocks_.empty() && blocks_.back().capacity - blocks_.back().used >= bytes) return blocks_.back();
  Block block;
  block.capacity = std::max(kBlockBytes, (bytes + 4095) / 4096 * 4096);
  void* base = ::mmap(nullptr, block.capacity, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (base == MAP_FAILED) throw std::bad_alloc();
  block.base = static_cast<std::uint8_t*>(base);
  mapped_ += block.capacity;
  blocks_.push_back(block);
  return blocks_.back();
}

void EventRecords::push(const StreamEvent& event) {
  std::string record;
  record.reserve(32 + event.endpoint.size() + event.frame.size() + 16 * event.paths.size());
  record_bytes::putValue(record, std::uint32_t{0});  // the size, set below
  record_bytes::putValue(record, event.id);
  record_bytes::putValue(record, static_cast<std::uint8_t>(event.kind));
  record_bytes::putText(record, event.endpoint);
  record_bytes::putValue(record, static_cast<std::uint16_t>(event.paths.size()));
  for (const auto& path : event.paths) record_bytes::putText(record, path.toString());
  record_bytes::putText(record, event.frame);
  const auto bytes = static_cast<std::uint32_t>(record.size());
  std::memcpy(record.data(), &bytes, sizeof bytes);
  Block& block = blockFor(bytes);
  std::memcpy(block.base + block.used, record.data(), bytes);
  block.used += bytes;
  ++block.records;
  ++count_;
}

void EventRecords::popFront() {
  if (count_ == 0) return;
  Block& front = blocks_.front();
  std::uint32_t size;
  std::memcpy(&size, front.base + front.first, sizeof size);
  front.first += size;
  ++front.dropped;
  --count_;
  // A block whose events are all gone goes back to the system, unless it is
  // the one being written.
  if (front.dropped == front.records && blocks_.size() > 1) {
    release(front);
    blocks_.pop_front();
  } else if (count_ == 0) {
    for (Block& block : blocks_) release(block);
    blocks_.clear();
  }
}

std::vector<StreamEvent> EventRecords::from(std::size_t index) const {
  std::vector<StreamEvent> events;
  if (index >= count_) return events;
  events.reserve(count_ - index);
  for (const Block& block : blocks_) {
    const std::size_t kept = block.records - block.dropped;
    if (index >= kept) {
      index -= kept;
      continue;
    }
    const std::uint8_t* at = block.base + block.first;
    for (std::size_t i = 0; i < kept; ++i) {
      std::uint32_t size;
      std::memcpy(&size, at, sizeof size);
      if (i >= index) events.push_back(decode(at));
      at += size;
    }
    index = 0;
  }
  return events;
}

StreamEvent EventRecords::decode(const std::uint8_t* at) {
  std::uint32_t size;
  std::memcpy(&size, at, sizeof size);
  std::string_view in(reinterpret_cast<const char*>(at) + sizeof size, size - sizeof size);
  StreamEvent event;
  event.id = record_bytes::takeValue<std::uint64_t>(in);
  event.kind = static_cast<gateway::api::DeviceEventKind>(record_bytes::takeValue<std::uint8_t>(in));
  event.endpoint = std::string(record_bytes::takeText(in));
  const auto paths = record_bytes::takeValue<std::uint16_t>(in);
  for (std::uint16_t i = 0; i < paths; ++i) {
    if (auto path = model::Path::parse(record_bytes::takeText(in))) event.paths.push_back(*path);
  }
  event.frame = std::string(record_bytes::takeText(in));
  return event;
}

}  // namespace lwm2m::bridges::http
