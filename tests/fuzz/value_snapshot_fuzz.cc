// libFuzzer target: the value cache's snapshot file. Any text either fails
// with an error or reads as values that write and read back equal.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "gateway/core/value_snapshot_codec.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto values = lwm2m::gateway::decodeValueSnapshot(text);
  if (!values) return 0;
  auto again = lwm2m::gateway::decodeValueSnapshot(lwm2m::gateway::encodeValueSnapshot(*values));
  if (!again || !(*again == *values)) std::abort();
  return 0;
}
