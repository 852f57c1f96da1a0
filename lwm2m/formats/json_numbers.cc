#include "lwm2m/formats/json_numbers.h"

#include <algorithm>
#include <cstddef>

namespace lwm2m::formats {
namespace {

bool isDigit(char c) { return c >= '0' && c <= '9'; }

// The number at `at` (a '-' or a digit): where it ends, and whether RapidJSON
// would misread it: a zero with more than 22 decimals or with an exponent,
// or a number below 1e-324 (zero as a double).
struct NumberToken {
  std::size_t end;
  bool misread;
};

NumberToken scanNumber(std::string_view s, std::size_t at) {
  constexpr long kUnderflow = -324;  // a first digit at 10^-325 or below: the double is 0
  constexpr long kExponentCap = 100000;
  std::size_t i = at;
  if (s[i] == '-') ++i;
  const std::size_t digitsFrom = i;
  bool zero = true;
  long firstDigit = 0;  // decimal exponent of the first significant digit, without the exponent part
  std::size_t integerDigits = 0;
  for (; i < s.size() && isDigit(s[i]); ++i, ++integerDigits) {
    if (zero && s[i] != '0') zero = false;
  }
  if (!zero) firstDigit = static_cast<long>(integerDigits) - 1;  // JSON has no leading zeros
  std::size_t decimals = 0;
  if (i < s.size() && s[i] == '.') {
    for (++i; i < s.size() && isDigit(s[i]); ++i) {
      ++decimals;
      if (zero && s[i] != '0') {
        zero = false;
        firstDigit = -static_cast<long>(decimals);
      }
    }
  }
  bool hasExponent = false;
  long exponent = 0;
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    hasExponent = true;
    ++i;
    bool negative = false;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) negative = s[i++] == '-';
    for (; i < s.size() && isDigit(s[i]); ++i) exponent = std::min(kExponentCap, exponent * 10 + (s[i] - '0'));
    if (negative) exponent = -exponent;
  }
  if (integerDigits + decimals == 0) return {i == digitsFrom ? at + 1 : i, false};  // not a number
  if (zero) return {i, decimals > 22 || hasExponent};
  // Below 1e-324 however written: RapidJSON's own underflow check counts the
  // digits, not where the first one is, so a long significand with a small
  // exponent (2.000…0333E-333) or zeros written out (0.000…0001) gets past it.
  return {i, firstDigit + exponent < kUnderflow};
}

}  // namespace

std::string_view withPlainZeros(std::string_view json, std::string& scratch) {
  bool copying = false;
  std::size_t copied = 0;  // json[0, copied) is in scratch, when copying
  bool inString = false;
  for (std::size_t i = 0; i < json.size();) {
    const char c = json[i];
    if (inString) {
      if (c == '\\') {
        i += 2;
        continue;
      }
      if (c == '"') inString = false;
      ++i;
      continue;
    }
    if (c == '"') {
      inString = true;
      ++i;
      continue;
    }
    if (c != '-' && !isDigit(c)) {
      ++i;
      continue;
    }
    const NumberToken number = scanNumber(json, i);
    if (number.misread) {
      if (!copying) {
        scratch.clear();
        scratch.reserve(json.size());
        copying = true;
      }
      scratch.append(json.substr(copied, i - copied));
      scratch.append(c == '-' ? "-0.0" : "0.0");
      copied = number.end;
    }
    i = number.end;
  }
  if (!copying) return json;
  scratch.append(json.substr(copied));
  return scratch;
}

}  // namespace lwm2m::formats
