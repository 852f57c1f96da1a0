#pragma once
// Queued requests stored before schema version 4 kept the JSON command of
// that version in queued_request.body, with the MQTT reply route under
// "reply". An upgrade keeps them: they are read once more with the command
// codec (mapping/command_codec.h) and then live on as typed requests.

#include <string_view>

#include "lwm2m/model/object_model.h"
#include "lwm2m/result.h"
#include "persistence/request_row.h"

namespace lwm2m::gateway {

Result<persistence::RequestRow> readLegacyQueuedCommand(std::string_view json, const model::ObjectModel& model);

}  // namespace lwm2m::gateway
