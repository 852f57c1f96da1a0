#pragma once
// The file format of the value cache kept across restarts (see
// value_snapshot.h): JSON, one entry per cached resource value, each with its
// type so it reads back equal to what was written, with or without a model.
//
//   {"version":1,"values":[
//     {"endpoint":"sim-0001","path":"/3303/0/5700","type":"Float","value":21.5,
//      "at_ms":1796563164610,"source":"notification"}, ...]}
//
// Values are written as the mapping writes them (numbers, booleans, Opaque as
// base64, Objlnk as "o:i", text). Entries come in the cache's order (least
// recently updated first), so a restore rebuilds the same eviction order.

#include <string>
#include <string_view>
#include <vector>

#include "gateway/api/latest_values.h"
#include "lwm2m/result.h"

namespace lwm2m::gateway {

struct CachedValue {
  std::string endpoint;
  api::LatestValue value;

  friend bool operator==(const CachedValue&, const CachedValue&) = default;
};

std::string encodeValueSnapshot(const std::vector<CachedValue>& values);

// The whole file or an error naming the entry (by index) and what is wrong
// with it: a damaged or foreign file is refused as a whole, never half read.
Result<std::vector<CachedValue>> decodeValueSnapshot(std::string_view text);

}  // namespace lwm2m::gateway
