#pragma once
// CRC-32 (IEEE 802.3, the zlib/PNG one) of a byte string: the simulator prints
// it for every firmware package it receives so that a test can prove the
// image arrived intact.

#include <cstdint>
#include <span>

namespace lwm2m::sim {

inline std::uint32_t crc32(std::span<const std::uint8_t> bytes) {
  std::uint32_t crc = 0xffffffffu;
  for (std::uint8_t byte : bytes) {
    crc ^= byte;
    for (int bit = 0; bit < 8; ++bit) crc = (crc >> 1) ^ (0xedb88320u & (0u - (crc & 1u)));
  }
  return ~crc;
}

}  // namespace lwm2m::sim
