#include "lwm2m/coap/peer_identity.h"

#include <algorithm>
#include <cstdio>

namespace lwm2m::coap {

PeerIdentities::~PeerIdentities() = default;
PskKeyring::~PskKeyring() = default;

bool PeerIdentity::hasName(std::string_view candidate) const {
  if (name == candidate) return true;
  return std::any_of(altNames.begin(), altNames.end(),
                     [&](const std::string& alt) { return alt == candidate; });
}

std::string printable(std::string_view text) {
  std::string out;
  for (char c : text.substr(0, 128)) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte >= 0x20 && byte < 0x7f && byte != '\\') {
      out += c;
    } else {
      char escaped[5];
      std::snprintf(escaped, sizeof escaped, "\\x%02x", byte);
      out += escaped;
    }
  }
  return out;
}

std::string describe(const PeerIdentity& identity) {
  if (identity.kind == PeerIdentity::Kind::PreSharedKey) {
    return "psk identity '" + printable(identity.name) + "'";
  }
  return "certificate CN '" + printable(identity.name) + "'";
}

}  // namespace lwm2m::coap
