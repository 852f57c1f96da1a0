#pragma once
// The queue's own row format: a queued request (typed DeviceRequest and the
// bridge's reply route) as the text kept in queued_request.body, and back.
// It is the only serializer of a stored request; nothing else (no JSON
// codec) writes or reads queued rows, except the one-time reading of rows
// written before schema version 4 (see RequestQueueStore).
//
// One line per field, "<key> <value>"; node lines follow the node's shape
// (object > instance > resource > resource instance), each value with its
// type, so a request reads back equal to what was written, for any object,
// with or without a model.

#include <string>
#include <string_view>

#include "gateway/api/reply_route.h"
#include "lwm2m/operations/device_request.h"
#include "lwm2m/result.h"

namespace lwm2m::persistence {

struct RequestRow {
  operations::DeviceRequest request;
  gateway::api::ReplyRoute reply;

  friend bool operator==(const RequestRow&, const RequestRow&) = default;
};

std::string encodeRequestRow(const RequestRow& row);
// Errors name the line and what was wrong (a damaged row).
Result<RequestRow> decodeRequestRow(std::string_view text);

}  // namespace lwm2m::persistence
