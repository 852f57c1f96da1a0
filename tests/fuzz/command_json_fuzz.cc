// libFuzzer target: the gateway's JSON command decoder (REST bodies and the
// commands stored in the durable queue), and reading a reply route back from
// a stored command. Whatever decodes is encoded as the CoAP request a device
// would receive.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "gateway/command_json.h"
#include "lwm2m/model/object_model.h"
#include "lwm2m/server/request_builder.h"
#include "mapping/command_encoding.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const lwm2m::model::ObjectModel kModel = lwm2m::model::ObjectModel::builtIn();
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  (void)lwm2m::mapping::replyRouteOf(text);
  auto command = lwm2m::gateway::parseCommand(text, kModel);
  if (!command) return 0;
  lwm2m::server::ClientProfile client;
  client.version = "1.1";
  (void)lwm2m::server::buildRequest(command->request, client, kModel);
  return 0;
}
