#include "lwm2m/coap/dtls_context.h"

#include <algorithm>
#include <cstring>
#include <stdexcept>

#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <openssl/x509v3.h>

namespace lwm2m::coap {
namespace {

// The suites LwM2M 1.x names (Transport spec §5.2.8) plus the ECDHE-PSK and
// GCM variants clients commonly offer. DTLS 1.2 only.
constexpr const char* kPskSuites =
    "PSK-AES128-CCM8:PSK-AES128-GCM-SHA256:PSK-AES128-CBC-SHA256:"
    "ECDHE-PSK-AES128-CBC-SHA256:ECDHE-PSK-CHACHA20-POLY1305";
constexpr const char* kCertificateSuites =
    "ECDHE-ECDSA-AES128-CCM8:ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES128-SHA256";

constexpr unsigned char kSessionIdContext[] = "lwm2m-gateway";
constexpr long kMaxDatagram = 2048;

[[noreturn]] void failSetup(const std::string& what) {
  const unsigned long code = ERR_get_error();
  std::string message = "DTLS: " + what;
  if (code != 0) {
    char buffer[256];
    ERR_error_string_n(code, buffer, sizeof buffer);
    message += ": ";
    message += buffer;
  }
  ERR_clear_error();
  throw std::runtime_error(message);
}

DtlsContext* owner(SSL* ssl) {
  return static_cast<DtlsContext*>(SSL_CTX_get_app_data(SSL_get_SSL_CTX(ssl)));
}

DtlsCallbackContext* callbackContext(SSL* ssl) {
  return static_cast<DtlsCallbackContext*>(SSL_get_app_data(ssl));
}

unsigned int serverPsk(SSL* ssl, const char* identity, unsigned char* psk, unsigned int maxLength) {
  auto* context = callbackContext(ssl);
  const PskKeyring* keyring = owner(ssl)->settings().pskKeyring;
  const std::string_view name = identity ? identity : "";
  std::optional<std::vector<std::uint8_t>> key;
  if (keyring) key = keyring->keyFor(name);
  if (!key || key->empty() || key->size() > maxLength) {
    if (context) context->failureReason = "unknown PSK identity '" + printable(name) + "'";
    if (key) OPENSSL_cleanse(key->data(), key->size());
    return 0;
  }
  std::memcpy(psk, key->data(), key->size());
  const auto length = static_cast<unsigned int>(key->size());
  OPENSSL_cleanse(key->data(), key->size());
  return length;
}

unsigned int clientPsk(SSL* ssl, const char* /*hint*/, char* identity, unsigned int maxIdentity,
                       unsigned char* psk, unsigned int maxLength) {
  const DtlsSettings& settings = owner(ssl)->settings();
  if (settings.pskIdentity.size() + 1 > maxIdentity || settings.pskKey.size() > maxLength) return 0;
  std::memcpy(identity, settings.pskIdentity.c_str(), settings.pskIdentity.size() + 1);
  std::memcpy(psk, settings.pskKey.data(), settings.pskKey.size());
  return static_cast<unsigned int>(settings.pskKey.size());
}

// Alerts are the only explanation a peer gives; keep the first fatal one.
void onInfo(const SSL* ssl, int where, int value) {
  if (!(where & SSL_CB_ALERT)) return;
  auto* context = callbackContext(const_cast<SSL*>(ssl));
  if (!context || !context->failureReason.empty()) return;
  const char* level = SSL_alert_type_string(value);
  if (level == nullptr || std::strcmp(level, "F") != 0) return;
  context->failureReason = std::string((where & SSL_CB_READ) ? "peer sent alert: " : "sent alert: ") +
                           SSL_alert_desc_string_long(value);
}

int onGenerateCookie(SSL* ssl, unsigned char* cookie, unsigned int* length) {
  auto* context = callbackContext(ssl);
  if (!context) return 0;
  *length = static_cast<unsigned int>(
      owner(ssl)->makeCookie(context->peer, std::span<std::uint8_t>(cookie, DTLS1_COOKIE_LENGTH)));
  return *length > 0 ? 1 : 0;
}

int onVerifyCookie(SSL* ssl, const unsigned char* cookie, unsigned int length) {
  auto* context = callbackContext(ssl);
  if (!context) return 0;
  return owner(ssl)->verifyCookie(context->peer, std::span<const std::uint8_t>(cookie, length)) ? 1 : 0;
}

std::string utf8(const ASN1_STRING* text) {
  unsigned char* out = nullptr;
  const int length = ASN1_STRING_to_UTF8(&out, text);
  if (length < 0) return {};
  std::string result(reinterpret_cast<char*>(out), static_cast<std::size_t>(length));
  OPENSSL_free(out);
  return result;
}

}  // namespace

DtlsContext::DtlsContext(const DtlsSettings& settings) : settings_(settings) {
  ctx_ = SSL_CTX_new(DTLS_method());
  if (!ctx_) failSetup("cannot create the OpenSSL context");
  SSL_CTX_set_app_data(ctx_, this);
  SSL_CTX_set_min_proto_version(ctx_, DTLS1_2_VERSION);
  SSL_CTX_set_max_proto_version(ctx_, DTLS1_2_VERSION);
  SSL_CTX_set_options(ctx_, SSL_OP_NO_RENEGOTIATION);
  // The write buffer of every session is sized by this (16 KiB by default);
  // CoAP datagrams stay far below it (block-wise transfers above 1 KiB).
  // 2 KiB saves ~14 KiB per session; a bigger datagram is dropped and counted.
  SSL_CTX_set_max_send_fragment(ctx_, kMaxDatagram);
  SSL_CTX_set_info_callback(ctx_, onInfo);
  if (settings_.role == DtlsSettings::Role::Server) {
    SSL_CTX_set_cookie_generate_cb(ctx_, onGenerateCookie);
    SSL_CTX_set_cookie_verify_cb(ctx_, onVerifyCookie);
  }
  configureCredentials();
  configureResumption();
  if (RAND_bytes(cookieSecret_.data(), static_cast<int>(cookieSecret_.size())) != 1) {
    failSetup("no randomness for the cookie secret");
  }
  previousCookieSecret_ = cookieSecret_;
}

DtlsContext::~DtlsContext() {
  OPENSSL_cleanse(cookieSecret_.data(), cookieSecret_.size());
  OPENSSL_cleanse(previousCookieSecret_.data(), previousCookieSecret_.size());
  OPENSSL_cleanse(settings_.pskKey.data(), settings_.pskKey.size());
  SSL_CTX_free(ctx_);
}

void DtlsContext::configureCredentials() {
  const bool server = settings_.role == DtlsSettings::Role::Server;
  const bool psk = server ? settings_.pskKeyring != nullptr : !settings_.pskIdentity.empty();
  if (!server && psk && settings_.pskKey.empty()) failSetup("PSK identity given without a key");
  if (psk) {
    if (server) {
      SSL_CTX_set_psk_server_callback(ctx_, serverPsk);
    } else {
      SSL_CTX_set_psk_client_callback(ctx_, clientPsk);
    }
  }
  const bool ownCertificate = !settings_.certificateFile.empty();
  if (ownCertificate != !settings_.privateKeyFile.empty()) {
    failSetup("a certificate needs its private key and a key its certificate");
  }
  if (ownCertificate) {
    if (SSL_CTX_use_certificate_chain_file(ctx_, settings_.certificateFile.c_str()) != 1) {
      failSetup("cannot load certificate " + settings_.certificateFile);
    }
    if (SSL_CTX_use_PrivateKey_file(ctx_, settings_.privateKeyFile.c_str(), SSL_FILETYPE_PEM) != 1) {
      failSetup("cannot load private key " + settings_.privateKeyFile);
    }
    if (SSL_CTX_check_private_key(ctx_) != 1) {
      failSetup("private key " + settings_.privateKeyFile + " does not match certificate " +
                settings_.certificateFile);
    }
  }
  const bool verifyPeers = !settings_.caFile.empty();
  if (verifyPeers) {
    if (SSL_CTX_load_verify_locations(ctx_, settings_.caFile.c_str(), nullptr) != 1) {
      failSetup("cannot load CA bundle " + settings_.caFile);
    }
    // A server asks for a client certificate only in certificate handshakes;
    // PSK handshakes are not affected. A client always verifies the server.
    int mode = SSL_VERIFY_PEER;
    if (server && !psk) mode |= SSL_VERIFY_FAIL_IF_NO_PEER_CERT;
    SSL_CTX_set_verify(ctx_, mode, nullptr);
  }
  if (!psk && !ownCertificate && !(verifyPeers && !server)) {
    failSetup("no credentials: set a PSK or a certificate");
  }
  std::string suites = settings_.cipherList;
  if (suites.empty()) {
    if (psk) suites = kPskSuites;
    if (ownCertificate || (verifyPeers && !server)) {
      suites += (suites.empty() ? "" : ":") + std::string(kCertificateSuites);
    }
  }
  if (SSL_CTX_set_cipher_list(ctx_, suites.c_str()) != 1) {
    failSetup("no usable cipher suite in '" + suites + "'");
  }
}

void DtlsContext::configureResumption() {
  const bool server = settings_.role == DtlsSettings::Role::Server;
  // Session tickets (on by default) let a returning device resume without
  // server state; the server cache serves clients that resume by session id.
  SSL_CTX_set_session_cache_mode(ctx_, server ? SSL_SESS_CACHE_SERVER : SSL_SESS_CACHE_CLIENT);
  SSL_CTX_set_session_id_context(ctx_, kSessionIdContext, sizeof kSessionIdContext - 1);
  SSL_CTX_sess_set_cache_size(ctx_, static_cast<long>(settings_.maxSessions));
  SSL_CTX_set_timeout(ctx_, static_cast<long>(settings_.resumptionLifetime.count()));
}

SSL* DtlsContext::newSsl(DtlsCallbackContext* context) const {
  SSL* ssl = SSL_new(ctx_);
  if (!ssl) return nullptr;
  SSL_set_app_data(ssl, context);
  SSL_set_options(ssl, SSL_OP_NO_QUERY_MTU);
  SSL_set_mtu(ssl, static_cast<long>(settings_.mtu));
  if (settings_.role == DtlsSettings::Role::Server) {
    SSL_set_accept_state(ssl);
  } else {
    SSL_set_connect_state(ssl);
  }
  return ssl;
}

namespace {

std::size_t peerBytes(const Peer& peer, std::uint8_t* out) {
  std::size_t n = 0;
  const auto address = peer.address();
  if (address.is_v4()) {
    const auto bytes = address.to_v4().to_bytes();
    std::memcpy(out, bytes.data(), bytes.size());
    n = bytes.size();
  } else {
    const auto bytes = address.to_v6().to_bytes();
    std::memcpy(out, bytes.data(), bytes.size());
    n = bytes.size();
  }
  out[n++] = static_cast<std::uint8_t>(peer.port() >> 8);
  out[n++] = static_cast<std::uint8_t>(peer.port() & 0xff);
  return n;
}

std::size_t hmac(const std::array<std::uint8_t, 32>& secret, const Peer& peer, std::uint8_t* out) {
  std::uint8_t data[18];
  const std::size_t length = peerBytes(peer, data);
  unsigned int outLength = 0;
  if (!HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()), data, length, out,
            &outLength)) {
    return 0;
  }
  return outLength;
}

}  // namespace

std::size_t DtlsContext::makeCookie(const Peer& peer, std::span<std::uint8_t> out) const {
  std::uint8_t digest[EVP_MAX_MD_SIZE];
  const std::size_t length = std::min({hmac(cookieSecret_, peer, digest), out.size(), sizeof digest});
  std::memcpy(out.data(), digest, length);
  return length;
}

bool DtlsContext::verifyCookie(const Peer& peer, std::span<const std::uint8_t> cookie) const {
  for (const auto* secret : {&cookieSecret_, &previousCookieSecret_}) {
    std::uint8_t digest[EVP_MAX_MD_SIZE];
    const std::size_t length = hmac(*secret, peer, digest);
    if (length != 0 && cookie.size() == std::min<std::size_t>(length, DTLS1_COOKIE_LENGTH) &&
        CRYPTO_memcmp(digest, cookie.data(), cookie.size()) == 0) {
      return true;
    }
  }
  return false;
}

void DtlsContext::rotateCookieSecret() {
  previousCookieSecret_ = cookieSecret_;
  if (RAND_bytes(cookieSecret_.data(), static_cast<int>(cookieSecret_.size())) != 1) {
    cookieSecret_ = previousCookieSecret_;  // keep the old one rather than none
  }
}

std::optional<PeerIdentity> authenticatedIdentity(SSL* ssl) {
  if (const char* psk = SSL_get_psk_identity(ssl); psk != nullptr && SSL_get0_peer_certificate(ssl) == nullptr) {
    const SSL_CIPHER* cipher = SSL_get_current_cipher(ssl);
    if (cipher && SSL_CIPHER_get_auth_nid(cipher) == NID_auth_psk) {
      return PeerIdentity{PeerIdentity::Kind::PreSharedKey, psk, {}};
    }
  }
  X509* certificate = SSL_get0_peer_certificate(ssl);
  if (certificate == nullptr || SSL_get_verify_result(ssl) != X509_V_OK) return std::nullopt;
  PeerIdentity identity{PeerIdentity::Kind::Certificate, {}, {}};
  X509_NAME* subject = X509_get_subject_name(certificate);
  const int index = X509_NAME_get_index_by_NID(subject, NID_commonName, -1);
  if (index >= 0) identity.name = utf8(X509_NAME_ENTRY_get_data(X509_NAME_get_entry(subject, index)));
  auto* names = static_cast<GENERAL_NAMES*>(
      X509_get_ext_d2i(certificate, NID_subject_alt_name, nullptr, nullptr));
  if (names) {
    for (int i = 0; i < sk_GENERAL_NAME_num(names); ++i) {
      const GENERAL_NAME* name = sk_GENERAL_NAME_value(names, i);
      if (name->type == GEN_DNS || name->type == GEN_URI) {
        identity.altNames.push_back(utf8(name->d.ia5));
      }
    }
    GENERAL_NAMES_free(names);
  }
  return identity;
}

std::string failureReason(SSL* ssl, const DtlsCallbackContext& context) {
  const long verify = SSL_get_verify_result(ssl);
  if (verify != X509_V_OK) {
    return std::string("certificate rejected: ") + X509_verify_cert_error_string(verify);
  }
  std::string reason = context.failureReason;
  const unsigned long code = ERR_peek_last_error();
  if (code != 0) {
    const char* text = ERR_reason_error_string(code);
    if (text && reason.find(text) == std::string::npos) {
      reason += (reason.empty() ? "" : " (") + std::string(text) + (reason.empty() ? "" : ")");
    }
  }
  ERR_clear_error();
  return reason.empty() ? "handshake failed" : reason;
}

}  // namespace lwm2m::coap
