// libFuzzer target: the HTTP credentials file. Any text gives credentials or
// an error naming the file; loaded credentials have a name, a role and one
// source of secret each.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "gateway/daemon/config.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto auth = lwm2m::gateway::loadHttpAuthText(text, "fuzz.yaml");
  if (!auth) {
    if (auth.error().message.rfind("fuzz.yaml", 0) != 0) std::abort();  // names the file
    return 0;
  }
  for (const auto& t : auth->tokens) {
    if (t.name.empty() || t.role.empty() || t.token.empty() == t.tokenFile.empty()) std::abort();
  }
  for (const auto& c : auth->certificates) {
    if (c.cn.empty() || c.role.empty()) std::abort();
  }
  return 0;
}
