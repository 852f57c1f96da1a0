#include "bridges/http/credentials_body.h"

#include <rapidjson/document.h>
#include <rapidjson/error/en.h>

#include <string>

namespace lwm2m::bridges::http {

Result<gateway::api::CredentialsEntry> decodeCredentialsBody(std::string_view endpoint, std::string_view body) {
  rapidjson::Document json;
  json.Parse(body.data(), body.size());
  if (json.HasParseError()) {
    return fail(std::string("the body is not JSON: ") + rapidjson::GetParseError_En(json.GetParseError()) +
                " at offset " + std::to_string(json.GetErrorOffset()));
  }
  if (!json.IsObject()) {
    return fail("the body must be a JSON object with pskIdentity and pskKey, certificateName, securityRequired");
  }
  gateway::api::CredentialsInput input;
  input.endpoint = std::string(endpoint);
  for (const auto& member : json.GetObject()) {
    const std::string_view name(member.name.GetString(), member.name.GetStringLength());
    const auto& value = member.value;
    if (name == "securityRequired") {
      if (!value.IsBool()) return fail("securityRequired must be true or false");
      input.securityRequired = value.GetBool();
      continue;
    }
    std::string* field = name == "pskIdentity"       ? &input.pskIdentity
                         : name == "pskKey"          ? &input.pskKeyHex
                         : name == "certificateName" ? &input.certificateName
                                                     : nullptr;
    if (name == "endpoint") {
      if (!value.IsString() || std::string_view(value.GetString(), value.GetStringLength()) != endpoint) {
        return fail("endpoint in the body must be the path's endpoint '" + std::string(endpoint) + "' (or left out)");
      }
      continue;
    }
    if (!field) {
      return fail("unknown member '" + std::string(name) +
                  "' (expected pskIdentity, pskKey, certificateName, securityRequired)");
    }
    if (!value.IsString()) return fail(std::string(name) + " must be a string");
    field->assign(value.GetString(), value.GetStringLength());
    if (field->empty()) return fail(std::string(name) + " must not be empty (leave it out instead)");
  }
  return gateway::api::credentialsEntry(input);
}

}  // namespace lwm2m::bridges::http
