#include "gateway/api/firmware.h"

namespace lwm2m::gateway::api {

std::string_view toString(TransferMode mode) { return mode == TransferMode::Push ? "push" : "pull"; }

std::string_view toString(TransferState state) {
  switch (state) {
    case TransferState::Queued: return "queued";
    case TransferState::Transferring: return "transferring";
    case TransferState::Delivered: return "delivered";
    case TransferState::Failed: return "failed";
  }
  return "unknown";
}

}  // namespace lwm2m::gateway::api
