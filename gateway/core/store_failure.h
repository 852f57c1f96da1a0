#pragma once
// A completion for a write to the store that logs its failure, naming what
// was stored and for which device; success is silent.

#include <string>

#include "persistence/write.h"

namespace lwm2m::gateway {

persistence::WriteCompletion logStoreFailure(std::string what, std::string endpoint);

}  // namespace lwm2m::gateway
