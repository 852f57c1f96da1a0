#include "gateway/api/device_credentials.h"

namespace lwm2m::gateway::api {
namespace {

int hexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// "" when `text` is a usable name, else why not.
std::string nameProblem(std::string_view what, std::string_view text) {
  if (text.size() > kMaxCredentialTextBytes) {
    return std::string(what) + " is longer than " + std::to_string(kMaxCredentialTextBytes) + " bytes";
  }
  for (const char c : text) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) return std::string(what) + " contains a control character";
  }
  return {};
}

}  // namespace

Result<std::vector<std::uint8_t>> parsePskKey(std::string_view text) {
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t' || text.back() == '\r' || text.back() == '\n')) {
    text.remove_suffix(1);
  }
  if (text.substr(0, 2) == "0x") text.remove_prefix(2);
  if (text.empty()) return fail("the PSK is empty");
  if (text.size() % 2 != 0) return fail("the PSK must be an even number of hex digits");
  if (text.size() / 2 > kMaxPskKeyBytes) return fail("the PSK is longer than 64 bytes");
  std::vector<std::uint8_t> key;
  key.reserve(text.size() / 2);
  for (std::size_t i = 0; i < text.size(); i += 2) {
    const int high = hexDigit(text[i]);
    const int low = hexDigit(text[i + 1]);
    if (high < 0 || low < 0) return fail("the PSK must be hex digits (0-9, a-f)");
    key.push_back(static_cast<std::uint8_t>(high * 16 + low));
  }
  return key;
}

Result<CredentialsEntry> credentialsEntry(const CredentialsInput& input) {
  if (input.endpoint.empty()) return fail("an endpoint name is required");
  for (const auto& [what, text] : {std::pair<std::string_view, std::string_view>{"the endpoint name", input.endpoint},
                                   {"the PSK identity", input.pskIdentity},
                                   {"the certificate name", input.certificateName}}) {
    if (auto problem = nameProblem(what, text); !problem.empty()) return fail(problem);
  }
  if (input.pskIdentity.empty() != input.pskKeyHex.empty()) {
    return fail(input.pskIdentity.empty() ? "a PSK key needs a PSK identity" : "a PSK identity needs a key");
  }
  if (input.pskIdentity.empty() && input.certificateName.empty()) {
    return fail("nothing to store: give a PSK identity with a key, or a certificate name");
  }
  CredentialsEntry entry;
  entry.endpoint = input.endpoint;
  entry.securityRequired = input.securityRequired;
  if (!input.pskIdentity.empty()) {
    auto key = parsePskKey(input.pskKeyHex);
    if (!key) return key.error();
    entry.pskIdentity = input.pskIdentity;
    entry.pskKey = std::move(*key);
  }
  if (!input.certificateName.empty()) entry.certificateName = input.certificateName;
  return entry;
}

}  // namespace lwm2m::gateway::api
