#include "gateway/api/storage.h"

namespace lwm2m::gateway::api {

std::string_view toString(StorageState state) {
  switch (state) {
    case StorageState::Ok: return "ok";
    case StorageState::Full: return "full";
    case StorageState::Failing: return "failing";
    case StorageState::Damaged: return "damaged";
  }
  return "ok";
}

}  // namespace lwm2m::gateway::api
