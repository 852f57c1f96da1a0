#include "bridges/http/event_records.h"

#include <cstring>
#include <string>
#include <string_view>

#include "bridges/http/record_bytes.h"

namespace lwm2m::bridges::http {

// Record: i64 stamp, u64 id, u8 kind, endpoint, u16 path count, each path's
// text, frame (texts as record_bytes writes them).

void EventRecords::push(const StreamEvent& event, std::int64_t stamp) {
  std::string record;
  record.reserve(40 + event.endpoint.size() + event.frame.size() + 16 * event.paths.size());
  record_bytes::putValue(record, stamp);
  record_bytes::putValue(record, event.id);
  record_bytes::putValue(record, static_cast<std::uint8_t>(event.kind));
  record_bytes::putText(record, event.endpoint);
  record_bytes::putValue(record, static_cast<std::uint16_t>(event.paths.size()));
  for (const auto& path : event.paths) record_bytes::putText(record, path.toString());
  record_bytes::putText(record, event.frame);
  records_.push(record);
}

std::vector<StreamEvent> EventRecords::from(std::size_t index) const {
  std::vector<StreamEvent> events;
  if (index >= records_.size()) return events;
  events.reserve(records_.size() - index);
  records_.visitFrom(index, [&events](std::string_view record) { events.push_back(decode(record)); });
  return events;
}

std::int64_t EventRecords::frontStamp() const {
  std::string_view in = records_.front();
  return record_bytes::takeValue<std::int64_t>(in);
}

StreamEvent EventRecords::decode(std::string_view in) {
  record_bytes::takeValue<std::int64_t>(in);  // the stamp
  StreamEvent event;
  event.id = record_bytes::takeValue<std::uint64_t>(in);
  event.kind = static_cast<gateway::api::DeviceEventKind>(record_bytes::takeValue<std::uint8_t>(in));
  event.endpoint = std::string(record_bytes::takeText(in));
  const auto paths = record_bytes::takeValue<std::uint16_t>(in);
  for (std::uint16_t i = 0; i < paths; ++i) {
    if (auto path = model::Path::parse(record_bytes::takeText(in))) event.paths.push_back(*path);
  }
  event.frame = std::string(record_bytes::takeText(in));
  return event;
}

}  // namespace lwm2m::bridges::http
