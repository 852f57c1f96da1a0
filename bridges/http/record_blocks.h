#pragma once
// RecordBlocks: a queue of byte records (oldest first) stored in blocks of
// 256 KiB mapped from the system apart from the heap (a larger record gets a
// block of its size). The oldest block goes back to the system once every
// record in it was dropped. So what is kept costs its bytes plus at most two
// blocks, and it never holds small objects scattered over the heap, where
// they would keep pages of devices long gone resident (malloc_trim gives
// back only whole free pages). The event ring's records and the finished
// requests of the REST API live in it.
//
// Contract: single-threaded. A record pushed stays where push() put it until
// it is popped: the view push() returns is valid until then.

#include <cstddef>
#include <cstdint>
#include <deque>
#include <string_view>

namespace lwm2m::bridges::http {

class RecordBlocks {
 public:
  RecordBlocks() = default;
  ~RecordBlocks();
  RecordBlocks(const RecordBlocks&) = delete;
  RecordBlocks& operator=(const RecordBlocks&) = delete;

  // Stores a copy of `record` after the others; returns the copy.
  std::string_view push(std::string_view record);
  // Stores a record of `size` bytes that `write(char* at)` writes in place
  // (all `size` of them); returns it.
  template <typename Write>
  std::string_view pushWritten(std::size_t size, Write&& write) {
    std::uint8_t* at = append(size);
    write(reinterpret_cast<char*>(at + sizeof(std::uint32_t)));
    return read(at);
  }
  // Drops the oldest record (none: nothing).
  void popFront();
  // The oldest record. Precondition: not empty().
  std::string_view front() const { return read(blocks_.front().base + blocks_.front().first); }
  std::size_t size() const { return count_; }
  bool empty() const { return count_ == 0; }
  // Bytes mapped for the blocks.
  std::size_t mappedBytes() const { return mapped_; }

  // Calls visit(record) for each record kept from the index-th oldest on
  // (0: all), oldest first.
  template <typename Visit>
  void visitFrom(std::size_t index, Visit&& visit) const {
    for (const Block& block : blocks_) {
      const std::size_t kept = block.records - block.dropped;
      if (index >= kept) {
        index -= kept;
        continue;
      }
      const std::uint8_t* at = block.base + block.first;
      for (std::size_t i = 0; i < kept; ++i) {
        const std::string_view record = read(at);
        if (i >= index) visit(record);
        at = reinterpret_cast<const std::uint8_t*>(record.data() + record.size());
      }
      index = 0;
    }
  }

  static constexpr std::size_t kBlockBytes = 256 * 1024;

 private:
  // Room for a record of `size` bytes after the others, its length written;
  // returns where the record (length first) starts.
  std::uint8_t* append(std::size_t size);
  struct Block {
    std::uint8_t* base = nullptr;
    std::size_t capacity = 0;
    std::size_t used = 0;      // bytes written
    std::size_t first = 0;     // offset of the oldest record kept
    std::size_t records = 0;   // records written
    std::size_t dropped = 0;   // of them, dropped
  };
  // The record at `at` (a u32 size, then its bytes).
  static std::string_view read(const std::uint8_t* at);
  Block& blockFor(std::size_t bytes);
  void release(Block& block);

  std::deque<Block> blocks_;
  std::size_t count_ = 0;
  std::size_t mapped_ = 0;
};

}  // namespace lwm2m::bridges::http
