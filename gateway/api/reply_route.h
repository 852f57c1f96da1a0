#pragma once
// ReplyRoute: where and how a bridge wants a command's answers published.
// Made by the bridge that accepted the command, stored with the request by
// the gateway (also while it waits for a sleeping device), and handed back
// unread in every event of that request. The gateway never interprets it.

#include <cstdint>
#include <string>

namespace lwm2m::gateway::api {

enum class ReplyStyle : std::uint8_t {
  Json,  // the gateway's JSON reply {"id","endpoint","code","status",...}
  Emqx,  // the EMQX LwM2M gateway's reply shape
};

struct ReplyRoute {
  std::string topic;            // empty: answers are not published
  std::string correlationData;  // MQTT 5 Correlation Data (bytes), echoed as a property
  std::string correlationId;    // MQTT 3.1.1: the command's "correlation", echoed in the body
  std::string requestId;        // the caller's own id ("id", EMQX "reqID"), echoed
  ReplyStyle style = ReplyStyle::Json;
  int qos = 0;
  std::string echo;  // EMQX: the request object its replies repeat

  bool empty() const { return topic.empty(); }
  friend bool operator==(const ReplyRoute&, const ReplyRoute&) = default;
};

}  // namespace lwm2m::gateway::api
