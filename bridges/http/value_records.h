#pragma once
// The values of an event kept unrendered in the event ring (event_ring.cc):
// records written bytewise (record_bytes.h) and read back as they were:
// path, time, type and value. Only what valuesSize() sized and writeValues()
// wrote may be read back, in the same process.

#include <cstddef>
#include <string_view>
#include <vector>

#include "bridges/http/record_bytes.h"
#include "lwm2m/model/record.h"

namespace lwm2m::bridges::http {

// The bytes writeValues() writes for `records`.
std::size_t valuesSize(const std::vector<model::Record>& records);
void writeValues(record_bytes::Writer& put, const std::vector<model::Record>& records);
// Reads what writeValues() wrote from the front of `in`, and takes it off.
std::vector<model::Record> takeValues(std::string_view& in);

}  // namespace lwm2m::bridges::http
