#pragma once
// The OpenSSL side of the DTLS layer that is shared by all sessions: the
// SSL_CTX built from DtlsSettings (suites, PSK callbacks, certificates,
// session resumption) and the HMAC secret of the stateless cookies.
// Internal to lwm2m/coap; users see dtls_transport.h.

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>

#include <openssl/ssl.h>

#include "lwm2m/coap/dtls_settings.h"

namespace lwm2m::coap {

// What the OpenSSL callbacks of one SSL object need to know: the peer (for
// cookies) and where to put a reason that OpenSSL would not report itself.
struct DtlsCallbackContext {
  Peer peer;
  std::string failureReason;
};

class DtlsContext {
 public:
  // Throws std::runtime_error naming the file or setting that is wrong
  // (start-up path).
  explicit DtlsContext(const DtlsSettings& settings);
  ~DtlsContext();
  DtlsContext(const DtlsContext&) = delete;
  DtlsContext& operator=(const DtlsContext&) = delete;

  // A new SSL object for one peer, in the configured role, with MTU and
  // options set and `context` attached for the callbacks. No BIOs yet.
  SSL* newSsl(DtlsCallbackContext* context) const;

  // Stateless cookie: HMAC-SHA256 over the peer's address and port with a
  // secret that rotates; a cookie from the previous secret is still accepted.
  std::size_t makeCookie(const Peer& peer, std::span<std::uint8_t> out) const;
  bool verifyCookie(const Peer& peer, std::span<const std::uint8_t> cookie) const;
  void rotateCookieSecret();

  const DtlsSettings& settings() const { return settings_; }

 private:
  void configureCredentials();
  void configureResumption();

  DtlsSettings settings_;
  SSL_CTX* ctx_ = nullptr;
  std::array<std::uint8_t, 32> cookieSecret_{};
  std::array<std::uint8_t, 32> previousCookieSecret_{};
};

// The identity the peer of an established session authenticated with, if any.
std::optional<PeerIdentity> authenticatedIdentity(SSL* ssl);

// Why the last OpenSSL call on `ssl` failed, in words (alert, verify error or
// library reason); never key material.
std::string failureReason(SSL* ssl, const DtlsCallbackContext& context);

}  // namespace lwm2m::coap
