#pragma once
// Exact JSON number parsing around a RapidJSON 1.1 defect.
//
// The gateway parses JSON with kParseFullPrecisionFlag, so that a Float
// written as the shortest text that reads back as itself reads back exactly
// (devices' SenML and LwM2M JSON, commands, the value snapshot). RapidJSON
// 1.1 (Debian 12, Yocto scarthgap) takes a zero written with more than 22
// decimals or with an exponent ("0.000000000000000000000000", "0e-30")
// through a path that counts the leading zero bits of 0: undefined, in
// practice a wrong value (9.6e-240 for 0e-30 on x86-64). A number below
// 1e-324 written with its zeros ("0.000…0001", 400 zeros) or with a long
// significand ("2.000…0333E-333", 49 digits) makes it read past its table
// of powers of ten: a crash (all found by the fuzz targets). Every number
// below 1e-324 is zero as a double.
//
// withPlainZeros() returns `json` with each such number written as 0.0
// (-0.0 when negative): the same value as a double. Only when there is one is `json`
// copied (into `scratch`); otherwise it is returned as it is. Text inside
// strings is left alone. Offsets of parse errors after a rewritten number
// are then off by what it lost.
//
// parseFullPrecision<Flags>() parses `json` so into `doc`.

#include <string>
#include <string_view>

#include <rapidjson/document.h>

namespace lwm2m::formats {

std::string_view withPlainZeros(std::string_view json, std::string& scratch);

template <unsigned Flags>
void parseFullPrecision(rapidjson::Document& doc, std::string_view json) {
  std::string scratch;
  const std::string_view text = withPlainZeros(json, scratch);
  doc.Parse<Flags | rapidjson::kParseFullPrecisionFlag>(text.data(), text.size());
}

}  // namespace lwm2m::formats
