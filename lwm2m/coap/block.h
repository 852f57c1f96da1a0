#pragma once
// Block1/Block2 option values (RFC 7959 §2.2): NUM, M and SZX packed into a
// 0–3 byte unsigned integer.

#include <cstdint>
#include <optional>

#include "lwm2m/coap/message.h"

namespace lwm2m::coap {

struct BlockOption {
  std::uint32_t num = 0;    // block number, < 2^20
  bool more = false;        // M bit
  std::uint16_t size = 16;  // 16, 32, …, 1024 (SZX 0..6)

  friend bool operator==(const BlockOption&, const BlockOption&) = default;
};

// nullopt if the option is absent or invalid (SZX 7, more than 3 bytes).
std::optional<BlockOption> parseBlock(const Message& message, std::uint16_t optionNumber);
// Replaces the option. Precondition: size is a power of two in 16..1024 (other
// sizes are rounded down to one), num < 2^20.
void setBlock(Message& message, std::uint16_t optionNumber, BlockOption block);

}  // namespace lwm2m::coap
