// Checks of written values (the `validate` key of downlink rules and HTTP aliases).
#include <algorithm>
#include <cstdlib>
#include <sstream>

#include "mapping/command_parts.h"

namespace lwm2m::mapping {
namespace {

std::optional<double> numberOf(const model::Value& v) {
  switch (v.type()) {
    case model::DataType::Integer: return static_cast<double>(v.asInteger());
    case model::DataType::UnsignedInteger: return static_cast<double>(v.asUnsigned());
    case model::DataType::Float: return v.asFloat();
    case model::DataType::Time: return static_cast<double>(v.asTime());
    default: return std::nullopt;
  }
}

std::string numberText(double v) {
  std::ostringstream out;
  out << v;
  return out.str();
}

bool oneOf(const model::Value& value, const std::vector<std::string>& allowed) {
  const auto number = numberOf(value);
  const std::string text = value.type() == model::DataType::Float ? model::formatFloat(value.asFloat())
                                                                  : value.toDisplayString();
  return std::any_of(allowed.begin(), allowed.end(), [&](const std::string& a) {
    if (a == text) return true;
    char* end = nullptr;
    double parsed = std::strtod(a.c_str(), &end);
    return number && !a.empty() && end == a.c_str() + a.size() && parsed == *number;
  });
}

}  // namespace

Result<void> checkValues(const ValueCheck& check, const std::vector<model::Record>& values) {
  for (const auto& r : values) {
    const std::string where = "value for " + r.path.toString();
    if (check.type && r.value.type() != *check.type) {
      return fail(where + " is " + std::string(model::toString(r.value.type())) + ", the alias accepts " +
                  std::string(model::toString(*check.type)));
    }
    if (check.min || check.max) {
      auto number = numberOf(r.value);
      if (!number) return fail(where + " is not a number");
      if (check.min && *number < *check.min) {
        return fail(where + " " + numberText(*number) + " is below the minimum " + numberText(*check.min));
      }
      if (check.max && *number > *check.max) {
        return fail(where + " " + numberText(*number) + " is above the maximum " + numberText(*check.max));
      }
    }
    if (!check.oneOf.empty() && !oneOf(r.value, check.oneOf)) {
      std::string list;
      for (const auto& a : check.oneOf) list += (list.empty() ? "" : ", ") + a;
      return fail(where + " must be one of: " + list);
    }
  }
  return {};
}

}  // namespace lwm2m::mapping
