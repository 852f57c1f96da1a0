#include "lwm2m/operations/package.h"

#include <algorithm>

namespace lwm2m::operations {

bool isSha256Name(std::string_view text) {
  return text.size() == 64 && std::all_of(text.begin(), text.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
         });
}

}  // namespace lwm2m::operations
