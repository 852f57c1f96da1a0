#include "bridges/http/record_blocks.h"

#include <sys/mman.h>

#include <algorithm>
#include <cstring>
#include <new>

namespace lwm2m::bridges::http {

RecordBlocks::~RecordBlocks() {
  for (Block& block : blocks_) release(block);
}

void RecordBlocks::release(Block& block) {
  if (block.base) ::munmap(block.base, block.capacity);
  mapped_ -= block.capacity;
  block.base = nullptr;
}

RecordBlocks::Block& RecordBlocks::blockFor(std::size_t bytes) {
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

std::string_view RecordBlocks::read(const std::uint8_t* at) {
  std::uint32_t size;
  std::memcpy(&size, at, sizeof size);
  return {reinterpret_cast<const char*>(at) + sizeof size, size};
}

std::string_view RecordBlocks::push(std::string_view record) {
  return pushWritten(record.size(), [&record](char* at) {
    if (!record.empty()) std::memcpy(at, record.data(), record.size());
  });
}

std::uint8_t* RecordBlocks::append(std::size_t recordSize) {
  const auto size = static_cast<std::uint32_t>(recordSize);
  Block& block = blockFor(sizeof size + size);
  std::uint8_t* at = block.base + block.used;
  std::memcpy(at, &size, sizeof size);
  block.used += sizeof size + size;
  ++block.records;
  ++count_;
  return at;
}

void RecordBlocks::popFront() {
  if (count_ == 0) return;
  Block& front = blocks_.front();
  const std::string_view record = read(front.base + front.first);
  front.first += sizeof(std::uint32_t) + record.size();
  ++front.dropped;
  --count_;
  // A block whose records are all gone goes back to the system, unless it is
  // the one being written.
  if (front.dropped == front.records && blocks_.size() > 1) {
    release(front);
    blocks_.pop_front();
  } else if (count_ == 0) {
    for (Block& block : blocks_) release(block);
    blocks_.clear();
  }
}

}  // namespace lwm2m::bridges::http
