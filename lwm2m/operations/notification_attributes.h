#pragma once
// Notification attributes (LwM2M TS Core 1.2 §5.1.2) and their one codec, the
// Uri-Query form "pmin=10", "st=0.5", "edge=1". Every other shape (command
// JSON, mapping rules, stored observations) goes through setAttribute() and
// toQueries(), so each attribute is named, typed and range-checked once.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "lwm2m/result.h"

namespace lwm2m::operations {

struct NotificationAttributes {
  std::optional<std::uint32_t> minPeriod;           // pmin, seconds
  std::optional<std::uint32_t> maxPeriod;           // pmax, seconds
  std::optional<double> greaterThan;                // gt
  std::optional<double> lessThan;                   // lt
  std::optional<double> step;                       // st
  std::optional<std::uint32_t> minEvalPeriod;       // epmin, seconds
  std::optional<std::uint32_t> maxEvalPeriod;       // epmax, seconds
  std::optional<bool> edge;                         // edge (1.2): 0 falling, 1 rising
  std::optional<bool> confirmable;                  // con (1.2): notifications as CON
  std::optional<std::uint32_t> historicalQueueMax;  // hqmax (1.2)
  // Names sent without a value, which removes the attribute on the device.
  std::vector<std::string> clear;

  bool empty() const;
  friend bool operator==(const NotificationAttributes&, const NotificationAttributes&) = default;
};

// "pmin, pmax, gt, lt, st, epmin, epmax, edge, con, hqmax".
std::string_view attributeNames();
bool isAttributeName(std::string_view name);

// Sets one attribute from its text ("10", "0.5", "1"); an empty text clears it
// (adds the name to `clear`). Errors name the attribute and what was wrong.
Result<void> setAttribute(NotificationAttributes& into, std::string_view name, std::string_view text);

// Every set attribute as "name=value", then every cleared name, in the order
// of attributeNames(). Numbers as the shortest text that reads back the same.
std::vector<std::string> toQueries(const NotificationAttributes& attributes);
// toQueries() joined with '&' ("" when empty), and back.
std::string toQueryString(const NotificationAttributes& attributes);
Result<NotificationAttributes> parseQueryString(std::string_view text);

// The checks the specification makes across attributes: pmin <= pmax,
// epmin <= epmax, lt < gt when both are set with st (lt + 2*st < gt).
Result<void> checkAttributes(const NotificationAttributes& attributes);

}  // namespace lwm2m::operations
