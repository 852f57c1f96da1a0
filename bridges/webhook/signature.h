#pragma once
// The signature of a webhook POST, so that the receiver can tell the event
// came from this gateway and was not replayed:
//
//   X-Lwm2m-Timestamp: 1765000000                  (unix seconds when sent)
//   X-Lwm2m-Signature: sha256=<hex>                HMAC-SHA256 with the webhook's secret
//                                                  over "<timestamp>.<body>"
//
// The timestamp is inside the signed text so that it cannot be changed; a
// receiver recomputes the HMAC over the timestamp header, a '.', and the raw
// body, compares in constant time, and refuses old timestamps.

#include <cstdint>
#include <string>
#include <string_view>

namespace lwm2m::bridges::webhook {

// "sha256=" followed by 64 lowercase hex digits.
std::string signatureHeader(std::string_view secret, std::int64_t timestamp, std::string_view body);

}  // namespace lwm2m::bridges::webhook
