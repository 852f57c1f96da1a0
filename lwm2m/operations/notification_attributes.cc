#include "lwm2m/operations/notification_attributes.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <type_traits>

#include "lwm2m/model/value.h"

namespace lwm2m::operations {
namespace {

enum class Kind { Seconds, Number, Flag, Count };

struct Field {
  std::string_view name;
  Kind kind;
};

constexpr std::array<Field, 10> kFields{{
    {"pmin", Kind::Seconds},
    {"pmax", Kind::Seconds},
    {"gt", Kind::Number},
    {"lt", Kind::Number},
    {"st", Kind::Number},
    {"epmin", Kind::Seconds},
    {"epmax", Kind::Seconds},
    {"edge", Kind::Flag},
    {"con", Kind::Flag},
    {"hqmax", Kind::Count},
}};

// The member behind a name; exactly one of the three is non-null. `A` is
// NotificationAttributes or its const.
template <class A, class W = std::conditional_t<std::is_const_v<A>, const std::optional<std::uint32_t>,
                                                 std::optional<std::uint32_t>>>
struct Slot {
  W* whole = nullptr;
  std::conditional_t<std::is_const_v<A>, const std::optional<double>, std::optional<double>>* number = nullptr;
  std::conditional_t<std::is_const_v<A>, const std::optional<bool>, std::optional<bool>>* flag = nullptr;
};

template <class A>
Slot<A> slotOf(A& a, std::string_view name) {
  if (name == "pmin") return {&a.minPeriod};
  if (name == "pmax") return {&a.maxPeriod};
  if (name == "gt") return {nullptr, &a.greaterThan};
  if (name == "lt") return {nullptr, &a.lessThan};
  if (name == "st") return {nullptr, &a.step};
  if (name == "epmin") return {&a.minEvalPeriod};
  if (name == "epmax") return {&a.maxEvalPeriod};
  if (name == "edge") return {nullptr, nullptr, &a.edge};
  if (name == "con") return {nullptr, nullptr, &a.confirmable};
  return {&a.historicalQueueMax};  // hqmax
}

Result<double> number(std::string_view name, std::string_view text) {
  std::string copy(text);
  char* end = nullptr;
  const double d = std::strtod(copy.c_str(), &end);
  if (copy.empty() || end != copy.c_str() + copy.size() || !std::isfinite(d) ||
      std::isspace(static_cast<unsigned char>(copy.front()))) {
    return fail("attribute \"" + std::string(name) + "\" must be a number, not \"" + copy + "\"");
  }
  return d;
}

Result<std::uint32_t> whole(std::string_view name, std::string_view text, Kind kind) {
  std::uint32_t v = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || end != text.data() + text.size()) {
    return fail("attribute \"" + std::string(name) + "\" must be a whole number" +
                (kind == Kind::Seconds ? " of seconds" : "") + ", not \"" + std::string(text) + "\"");
  }
  return v;
}

}  // namespace

bool NotificationAttributes::empty() const { return toQueries(*this).empty(); }

std::string_view attributeNames() { return "pmin, pmax, gt, lt, st, epmin, epmax, edge, con, hqmax"; }

bool isAttributeName(std::string_view name) {
  return std::any_of(kFields.begin(), kFields.end(), [name](const Field& f) { return f.name == name; });
}

Result<void> setAttribute(NotificationAttributes& into, std::string_view name, std::string_view text) {
  auto field = std::find_if(kFields.begin(), kFields.end(), [name](const Field& f) { return f.name == name; });
  if (field == kFields.end()) {
    return fail("unknown attribute \"" + std::string(name) + "\" (known: " + std::string(attributeNames()) + ")");
  }
  auto slot = slotOf(into, name);
  if (text.empty()) {
    if (slot.whole) slot.whole->reset();
    if (slot.number) slot.number->reset();
    if (slot.flag) slot.flag->reset();
    if (std::find(into.clear.begin(), into.clear.end(), name) == into.clear.end()) into.clear.emplace_back(name);
    // Kept in the order of attributeNames(), so equal sets compare equal.
    auto rank = [](const std::string& n) {
      return std::find_if(kFields.begin(), kFields.end(), [&n](const Field& f) { return f.name == n; }) - kFields.begin();
    };
    std::sort(into.clear.begin(), into.clear.end(), [&](const auto& a, const auto& b) { return rank(a) < rank(b); });
    return {};
  }
  into.clear.erase(std::remove(into.clear.begin(), into.clear.end(), name), into.clear.end());
  switch (field->kind) {
    case Kind::Seconds:
    case Kind::Count: {
      auto v = whole(name, text, field->kind);
      if (!v) return v.error();
      *slot.whole = *v;
      return {};
    }
    case Kind::Number: {
      auto v = number(name, text);
      if (!v) return v.error();
      *slot.number = *v;
      return {};
    }
    case Kind::Flag:
      if (text == "1" || text == "true") {
        *slot.flag = true;
      } else if (text == "0" || text == "false") {
        *slot.flag = false;
      } else {
        return fail("attribute \"" + std::string(name) + "\" must be 0 or 1, not \"" + std::string(text) + "\"");
      }
      return {};
  }
  return {};
}

std::vector<std::string> toQueries(const NotificationAttributes& a) {
  std::vector<std::string> out;
  for (const Field& f : kFields) {
    const auto slot = slotOf(a, f.name);
    const std::string name(f.name);
    if (slot.whole && *slot.whole) out.push_back(name + "=" + std::to_string(**slot.whole));
    if (slot.number && *slot.number) out.push_back(name + "=" + model::formatFloat(**slot.number));
    if (slot.flag && *slot.flag) out.push_back(name + (**slot.flag ? "=1" : "=0"));
  }
  for (const Field& f : kFields) {
    if (std::find(a.clear.begin(), a.clear.end(), f.name) != a.clear.end()) out.emplace_back(f.name);
  }
  return out;
}

std::string toQueryString(const NotificationAttributes& attributes) {
  std::string out;
  for (const std::string& q : toQueries(attributes)) {
    if (!out.empty()) out += '&';
    out += q;
  }
  return out;
}

Result<NotificationAttributes> parseQueryString(std::string_view text) {
  NotificationAttributes a;
  while (!text.empty()) {
    const auto amp = text.find('&');
    std::string_view item = text.substr(0, amp);
    text = amp == std::string_view::npos ? std::string_view() : text.substr(amp + 1);
    const auto eq = item.find('=');
    const std::string_view name = item.substr(0, eq);
    const std::string_view value = eq == std::string_view::npos ? std::string_view() : item.substr(eq + 1);
    if (eq != std::string_view::npos && value.empty()) {
      return fail("attribute \"" + std::string(name) + "\" has '=' but no value");
    }
    if (auto r = setAttribute(a, name, value); !r) return r.error();
  }
  return a;
}

Result<void> checkAttributes(const NotificationAttributes& a) {
  if (a.minPeriod && a.maxPeriod && *a.minPeriod > *a.maxPeriod) {
    return fail("pmax must not be below pmin (pmin " + std::to_string(*a.minPeriod) + ", pmax " +
                std::to_string(*a.maxPeriod) + ")");
  }
  if (a.minEvalPeriod && a.maxEvalPeriod && *a.minEvalPeriod > *a.maxEvalPeriod) {
    return fail("epmax must not be below epmin");
  }
  if (a.step && *a.step < 0) return fail("st must not be negative");
  if (a.lessThan && a.greaterThan) {
    const double st = a.step.value_or(0);
    if (!(*a.lessThan + 2 * st < *a.greaterThan)) {
      return fail("lt + 2*st must be below gt (LwM2M 1.2 §5.1.2)");
    }
  }
  return {};
}

}  // namespace lwm2m::operations
