#include "bridges/http/event_records.h"

#include <cstring>
#include <string>
#include <string_view>

#include "bridges/http/record_bytes.h"

namespace lwm2m::bridges::http {

// Record: i64 stamp, u64 id, u8 kind, endpoint, u16 path count, each path,
// frame (as record_bytes writes them).

void EventRecords::push(const StreamEvent& event, std::int64_t stamp) {
  push(event.id, event.kind, event.endpoint, event.paths, event.frame, stamp);
}

void EventRecords::push(std::uint64_t id, gateway::api::DeviceEventKind kind, std::string_view endpoint,
                        std::span<const model::Path> paths, std::string_view frame, std::int64_t stamp) {
  using record_bytes::textSize;
  const std::size_t size = sizeof stamp + sizeof id + sizeof(std::uint8_t) + textSize(endpoint) +
                           sizeof(std::uint16_t) + paths.size() * record_bytes::kPathSize + textSize(frame);
  records_.pushWritten(size, [&](char* at) {
    record_bytes::Writer out(at);
    out.value(stamp);
    out.value(id);
    out.value(static_cast<std::uint8_t>(kind));
    out.text(endpoint);
    out.value(static_cast<std::uint16_t>(paths.size()));
    for (const auto& path : paths) record_bytes::writePath(out, path);
    out.text(frame);
  });
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
    event.paths.push_back(record_bytes::takePath(in));
  }
  event.frame = std::string(record_bytes::takeText(in));
  return event;
}

}  // namespace lwm2m::bridges::http
