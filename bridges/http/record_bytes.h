#pragma once
// Little helpers to write and read the fixed-layout records the event ring and
// the finished REST requests keep (event_records.h, event_ring.cc,
// finished_requests.cc): values copied bytewise in the
// machine's own order, texts as u32 length + bytes. Records never leave the
// process, so there is no byte order or version to handle; a reader must only
// read what the same code wrote.

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#include "lwm2m/model/path.h"

namespace lwm2m::bridges::http::record_bytes {

// The bytes Writer::text() writes for `text`.
inline std::size_t textSize(std::string_view text) { return sizeof(std::uint32_t) + text.size(); }

// Writes a record into space sized beforehand (sizeof each value, textSize
// each text; RecordBlocks::pushWritten gives the space): values bytewise,
// texts as u32 length + bytes.
class Writer {
 public:
  explicit Writer(char* at) : at_(at) {}
  template <typename T>
  void value(T v) {
    std::memcpy(at_, &v, sizeof v);
    at_ += sizeof v;
  }
  void text(std::string_view t) {
    value(static_cast<std::uint32_t>(t.size()));
    if (!t.empty()) std::memcpy(at_, t.data(), t.size());
    at_ += t.size();
  }

 private:
  char* at_;
};

template <typename T>
T takeValue(std::string_view& in) {
  T value{};
  std::memcpy(&value, in.data(), sizeof value);
  in.remove_prefix(sizeof value);
  return value;
}
inline std::string_view takeText(std::string_view& in) {
  const auto size = takeValue<std::uint32_t>(in);
  std::string_view text = in.substr(0, size);
  in.remove_prefix(text.size());
  return text;
}

// A path as depth + four ids: Path's fixed size, whatever its depth.
inline constexpr std::size_t kPathSize = sizeof(std::uint8_t) + 4 * sizeof(std::uint16_t);
inline void writePath(Writer& put, const model::Path& path) {
  put.value(static_cast<std::uint8_t>(path.depth()));
  for (int i = 0; i < 4; ++i) put.value(static_cast<std::uint16_t>(i < path.depth() ? path.id(i) : 0));
}
inline model::Path takePath(std::string_view& in) {
  const int depth = takeValue<std::uint8_t>(in);
  model::Path path;
  for (int i = 0; i < 4; ++i) {
    const auto id = takeValue<std::uint16_t>(in);
    if (i < depth) path = path.child(id);
  }
  return path;
}

}  // namespace lwm2m::bridges::http::record_bytes
