// libFuzzer target: the one JSON command codec (REST bodies, MQTT json style).
// Whatever decodes must encode to JSON that decodes to the same request, must
// survive the queue's row format unchanged, and is built into the CoAP
// request a device would receive. Any row text must read back or fail cleanly.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "lwm2m/model/object_model.h"
#include "lwm2m/server/request_builder.h"
#include "mapping/command_codec.h"
#include "persistence/request_row.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const lwm2m::model::ObjectModel kModel = lwm2m::model::ObjectModel::builtIn();
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  (void)lwm2m::persistence::decodeRequestRow(text);
  auto request = lwm2m::mapping::decodeCommand(text, kModel);
  if (!request) return 0;
  auto again = lwm2m::mapping::decodeCommand(lwm2m::mapping::encodeCommand(*request), kModel);
  if (!again || !(*again == *request)) std::abort();
  const lwm2m::persistence::RequestRow row{*request, {}};
  auto stored = lwm2m::persistence::decodeRequestRow(lwm2m::persistence::encodeRequestRow(row));
  if (!stored || !(*stored == row)) std::abort();
  lwm2m::server::ClientProfile client;
  client.version = "1.1";
  (void)lwm2m::server::buildRequest(*request, client, kModel);
  return 0;
}
