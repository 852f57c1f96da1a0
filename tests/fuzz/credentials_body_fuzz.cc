// libFuzzer target: a credentials body from untrusted bytes. Any body gives
// an entry that keeps the rules (a PSK identity with a 1..64-byte key or no
// PSK at all, something given, the path's endpoint) or an error; no error
// message repeats a pskKey value it was given. (A key that happens to be
// part of the message's own text, e.g. "t 'fuzz-e" of "endpoint 'fuzz-ep'",
// is there as well when the body carries another key of the same length:
// that is no leak.)
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "bridges/http/credentials_body.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view body(reinterpret_cast<const char*>(data), size);
  auto entry = lwm2m::bridges::http::decodeCredentialsBody("fuzz-ep", body);
  if (!entry) {
    if (entry.error().message.empty()) std::abort();
    rapidjson::Document json;
    json.Parse(body.data(), body.size());
    if (!json.HasParseError() && json.IsObject() && json.HasMember("pskKey") && json["pskKey"].IsString()) {
      const std::string key = json["pskKey"].GetString();
      const std::string& message = entry.error().message;
      // (An unknown member's name is named; the key is never.)
      if (key.size() >= 4 && message.find(key) != std::string::npos && message.find("unknown member") == std::string::npos &&
          message.find("the PSK") == std::string::npos && message.find("a PSK") == std::string::npos) {
        json["pskKey"].SetString(std::string(key.size(), key.front() == '0' ? '1' : '0').c_str(),
                                 static_cast<rapidjson::SizeType>(key.size()), json.GetAllocator());
        rapidjson::StringBuffer other;
        rapidjson::Writer<rapidjson::StringBuffer> writer(other);
        json.Accept(writer);
        auto again = lwm2m::bridges::http::decodeCredentialsBody("fuzz-ep", other.GetString());
        if (again || again.error().message.find(key) == std::string::npos) std::abort();
      }
    }
    return 0;
  }
  if (entry->endpoint != "fuzz-ep") std::abort();
  if (entry->pskIdentity.has_value() == entry->pskKey.empty()) std::abort();
  if (entry->pskKey.size() > lwm2m::gateway::api::kMaxPskKeyBytes) std::abort();
  if (!entry->pskIdentity && !entry->certificateName) std::abort();
  return 0;
}
