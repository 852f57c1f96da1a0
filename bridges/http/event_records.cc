#include "bridges/http/event_records.h"

#include <sys/mman.h>

#include <algorithm>
#include <cstring>
#include <new>
#include <string_view>

namespace lwm2m::bridges::http {
namespace {

// Record: u32 size of the whole record, u64 id, u8 kind, u32 endpoint length,
// endpoint, u16 path count, per path u16 length and its text, u32 frame
// length, frame.
void recordPutBytes(std::uint8_t*& at, const void* data, std::size_t n) {
  std::memcpy(at, data, n);
  at += n;
}
template <typename T>
void recordPutValue(std::uint8_t*& at, T value) {
  recordPutBytes(at, &value, sizeof value);
}
template <typename T>
T recordTakeValue(const std::uint8_t*& at) {
  T value;
  std::memcpy(&value, at, sizeof value);
  at += sizeof value;
  return value;
}
std::string_view recordTakeText(const std::uint8_t*& at, std::size_t n) {
  std::string_view text(reinterpret_cast<const char*>(at), n);
  at += n;
  return text;
}

}  // namespace

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
  std::vector<std::string> paths;
  paths.reserve(event.paths.size());
  std::size_t bytes = 4 + 8 + 1 + 4 + event.endpoint.size() + 2 + 4 + event.frame.size();
  for (const auto& path : event.paths) {
    paths.push_back(path.toString());
    bytes += 2 + paths.back().size();
  }
  Block& block = blockFor(bytes);
  std::uint8_t* at = block.base + block.used;
  recordPutValue(at, static_cast<std::uint32_t>(bytes));
  recordPutValue(at, event.id);
  recordPutValue(at, static_cast<std::uint8_t>(event.kind));
  recordPutValue(at, static_cast<std::uint32_t>(event.endpoint.size()));
  recordPutBytes(at, event.endpoint.data(), event.endpoint.size());
  recordPutValue(at, static_cast<std::uint16_t>(paths.size()));
  for (const auto& path : paths) {
    recordPutValue(at, static_cast<std::uint16_t>(path.size()));
    recordPutBytes(at, path.data(), path.size());
  }
  recordPutValue(at, static_cast<std::uint32_t>(event.frame.size()));
  recordPutBytes(at, event.frame.data(), event.frame.size());
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
  StreamEvent event;
  (void)recordTakeValue<std::uint32_t>(at);
  event.id = recordTakeValue<std::uint64_t>(at);
  event.kind = static_cast<gateway::api::DeviceEventKind>(recordTakeValue<std::uint8_t>(at));
  const auto endpointSize = recordTakeValue<std::uint32_t>(at);
  event.endpoint = std::string(recordTakeText(at, endpointSize));
  const auto paths = recordTakeValue<std::uint16_t>(at);
  for (std::uint16_t i = 0; i < paths; ++i) {
    const auto pathSize = recordTakeValue<std::uint16_t>(at);
    if (auto path = model::Path::parse(recordTakeText(at, pathSize))) event.paths.push_back(*path);
  }
  const auto frameSize = recordTakeValue<std::uint32_t>(at);
  event.frame = std::string(recordTakeText(at, frameSize));
  return event;
}

}  // namespace lwm2m::bridges::http
