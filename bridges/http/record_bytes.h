#pragma once
// Little helpers to write and read the fixed-layout records the event ring
// keeps (event_records.h, event_ring.cc): values copied bytewise in the
// machine's own order, texts as u32 length + bytes. Records never leave the
// process, so there is no byte order or version to handle; a reader must only
// read what the same code wrote.

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

namespace lwm2m::bridges::http::record_bytes {

template <typename T>
void putValue(std::string& out, T value) {
  out.append(reinterpret_cast<const char*>(&value), sizeof value);
}
inline void putText(std::string& out, std::string_view text) {
  putValue(out, static_cast<std::uint32_t>(text.size()));
  out.append(text);
}
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

}  // namespace lwm2m::bridges::http::record_bytes
