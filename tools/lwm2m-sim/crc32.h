#pragma once
// CRC-32 (IEEE 802.3, the zlib/PNG one) of a byte string: the simulator prints
// it for every firmware package it receives so that a test can prove the
// image arrived intact.

#include <cstdint>
#include <cstdio>
#include <span>
#include <string>

namespace lwm2m::sim {

inline std::uint32_t crc32(std::span<const std::uint8_t> bytes) {
  std::uint32_t crc = 0xffffffffu;
  for (std::uint8_t byte : bytes) {
    crc ^= byte;
    for (int bit = 0; bit < 8; ++bit) crc = (crc >> 1) ^ (0xedb88320u & (0u - (crc & 1u)));
  }
  return ~crc;
}

// "bytes=262144 crc=1c291ca3": what a firmware-received line says of a package.
inline std::string packageSummary(std::span<const std::uint8_t> bytes) {
  char crc[16];
  std::snprintf(crc, sizeof crc, "%08x", crc32(bytes));
  return "bytes=" + std::to_string(bytes.size()) + " crc=" + crc;
}

}  // namespace lwm2m::sim
