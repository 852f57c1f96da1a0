#pragma once
// A small CBOR (RFC 8949) reader and writer for the SenML CBOR and LwM2M
// CBOR codecs. The reader builds a tree of Items from a whole payload and
// checks every length against the bytes left before allocating; nesting is
// limited; indefinite-length strings, arrays and maps are accepted; half,
// single and double floats are read. The writer emits preferred (shortest)
// heads, and floats as single precision when exact, else double.

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "lwm2m/result.h"

namespace lwm2m::formats::cbor {

enum class Kind : std::uint8_t { Unsigned, Negative, Bytes, Text, Array, Map, Tag, Simple, Bool, Null, Undefined, Float };

struct Item {
  Kind kind = Kind::Null;
  std::uint64_t number = 0;  // Unsigned: the value; Negative: -1 - value; Tag: tag number; Simple: value
  double floating = 0;       // Float
  bool boolean = false;      // Bool
  std::string string;        // Bytes or Text content
  std::vector<Item> items;   // Array elements; Map keys and values alternating; Tag content

  bool isInteger() const { return kind == Kind::Unsigned || kind == Kind::Negative; }
  size_t mapSize() const { return items.size() / 2; }
};

inline constexpr size_t kMaxDepth = 16;

// Decodes exactly one item covering the whole payload. Errors name the
// offset and the problem.
Result<Item> decode(std::span<const std::uint8_t> payload, size_t maxDepth = kMaxDepth);

class Writer {
 public:
  void unsignedInteger(std::uint64_t v) { head(0, v); }
  void integer(std::int64_t v);
  void bytes(std::span<const std::uint8_t> data);
  void text(std::string_view data);
  void arrayHeader(std::uint64_t count) { head(4, count); }
  void mapHeader(std::uint64_t count) { head(5, count); }
  void tag(std::uint64_t tag) { head(6, tag); }
  void boolean(bool v) { out_.push_back(v ? 0xF5 : 0xF4); }
  void null() { out_.push_back(0xF6); }
  void floating(double v);

  std::vector<std::uint8_t> take() { return std::move(out_); }

 private:
  void head(std::uint8_t major, std::uint64_t value);
  std::vector<std::uint8_t> out_;
};

}  // namespace lwm2m::formats::cbor
