#include "bridges/webhook/signature.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>

namespace lwm2m::bridges::webhook {

std::string signatureHeader(std::string_view secret, std::int64_t timestamp, std::string_view body) {
  std::string text = std::to_string(timestamp);
  text += '.';
  text += body;
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()),
       reinterpret_cast<const unsigned char*>(text.data()), text.size(), digest, &length);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out = "sha256=";
  for (unsigned int i = 0; i < length; ++i) {
    out += kHex[digest[i] >> 4];
    out += kHex[digest[i] & 0xf];
  }
  return out;
}

}  // namespace lwm2m::bridges::webhook
