#pragma once
// Small helpers shared by the format tests: hex byte vectors and payloads.

#include <cctype>
#include <string>
#include <string_view>

#include "lwm2m/formats/node_codec.h"

namespace lwm2m::formats::testing {

// "C8 00 14" -> bytes; spaces and newlines ignored.
inline Bytes hex(std::string_view text) {
  Bytes out;
  int nibble = -1;
  for (char c : text) {
    if (std::isspace(static_cast<unsigned char>(c))) continue;
    int v = std::isdigit(static_cast<unsigned char>(c)) ? c - '0' : (std::tolower(c) - 'a' + 10);
    if (nibble < 0) {
      nibble = v;
    } else {
      out.push_back(static_cast<std::uint8_t>(nibble * 16 + v));
      nibble = -1;
    }
  }
  return out;
}

inline Bytes bytesOf(std::string_view text) { return Bytes(text.begin(), text.end()); }
inline std::string textOf(const Bytes& bytes) { return std::string(bytes.begin(), bytes.end()); }

}  // namespace lwm2m::formats::testing
