#pragma once
// HTTPS for the API: the OpenSSL server context and what a verified client
// certificate says about its holder.
//
// The context speaks TLS 1.2 and 1.3 only; TLS 1.2 with forward-secret AEAD
// suites only (ECDHE with AES-GCM or ChaCha20-Poly1305); no compression, no
// renegotiation. With a client CA, clients are asked for a certificate
// (ClientAuth::Optional: one that is presented must verify; Require: the
// handshake fails without one).

#include <boost/asio/ssl/context.hpp>

#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "lwm2m/result.h"

namespace lwm2m::bridges::http {

enum class ClientAuth { None, Optional, Require };

// "none", "optional", "require".
std::optional<ClientAuth> parseClientAuth(std::string_view text);

struct TlsSettings {
  std::string certificateChainFile;  // PEM: the server's certificate, then intermediates
  std::string privateKeyFile;        // PEM, unencrypted
  std::string clientCaFile;          // PEM CAs client certificates must chain to; with clientAuth
  ClientAuth clientAuth = ClientAuth::None;
};

// The context, or an error naming the file and OpenSSL's reason, e.g.
//   "certificate chain '/etc/gw/api.pem': no start line".
Result<std::shared_ptr<boost::asio::ssl::context>> makeServerTlsContext(const TlsSettings& settings);

// The subject CN of the peer's certificate if the handshake verified one;
// nullopt when there is none (or it has no CN).
std::optional<std::string> verifiedPeerCommonName(const SSL* ssl);

}  // namespace lwm2m::bridges::http
