#include "lwm2m/coap/block.h"

namespace lwm2m::coap {

namespace {
constexpr std::uint32_t kMaxBlockNum = (1u << 20) - 1;
}

std::optional<BlockOption> parseBlock(const Message& message, std::uint16_t optionNumber) {
  const Option* found = message.findOption(optionNumber);
  if (found == nullptr || found->value.size() > 3) return std::nullopt;
  std::uint32_t raw = 0;
  for (std::uint8_t byte : found->value) raw = (raw << 8) | byte;
  std::uint32_t szx = raw & 0x07;
  if (szx == 7) return std::nullopt;  // reserved (RFC 7959 §2.2)
  BlockOption block;
  block.num = raw >> 4;
  block.more = (raw & 0x08) != 0;
  block.size = static_cast<std::uint16_t>(16u << szx);
  return block;
}

void setBlock(Message& message, std::uint16_t optionNumber, BlockOption block) {
  std::uint32_t szx = 0;
  while (szx < 6 && (16u << (szx + 1)) <= block.size) ++szx;
  std::uint32_t raw = ((block.num & kMaxBlockNum) << 4) | (block.more ? 0x08u : 0u) | szx;
  message.removeOptions(optionNumber);
  message.addUintOption(optionNumber, raw);
}

}  // namespace lwm2m::coap
