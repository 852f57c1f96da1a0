#include "bridges/http/tls_context.h"

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <filesystem>

namespace lwm2m::bridges::http {
namespace ssl = boost::asio::ssl;

namespace {

// Mozilla's "intermediate" TLS 1.2 suites; TLS 1.3 keeps OpenSSL's defaults.
constexpr const char* kTls12Suites =
    "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:"
    "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:"
    "ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305";

constexpr unsigned char kSessionIdContext[] = "lwm2m-gateway-http";

// "<what> '<file>': <OpenSSL's reason>", emptying OpenSSL's error queue.
Error fileError(std::string_view what, const std::string& file) {
  std::string reason;
  while (const unsigned long code = ERR_get_error()) {
    const char* text = ERR_reason_error_string(code);
    if (reason.empty() && text) reason = text;  // the first is the cause, e.g. "no start line"
  }
  ERR_clear_error();
  return fail(std::string(what) + " '" + file + "': " + (reason.empty() ? "not usable" : reason));
}

std::optional<Error> checkFile(std::string_view what, const std::string& file) {
  std::error_code ec;
  if (file.empty()) return fail(std::string(what) + ": no file given");
  if (!std::filesystem::is_regular_file(file, ec)) {
    return fail(std::string(what) + " '" + file + "': no such file");
  }
  return std::nullopt;
}

}  // namespace

std::optional<ClientAuth> parseClientAuth(std::string_view text) {
  if (text == "none") return ClientAuth::None;
  if (text == "optional") return ClientAuth::Optional;
  if (text == "require") return ClientAuth::Require;
  return std::nullopt;
}

Result<std::shared_ptr<ssl::context>> makeServerTlsContext(const TlsSettings& settings) {
  auto context = std::make_shared<ssl::context>(ssl::context::tls_server);
  SSL_CTX* ctx = context->native_handle();
  SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
  SSL_CTX_set_options(ctx, SSL_OP_NO_COMPRESSION | SSL_OP_NO_RENEGOTIATION |
                               SSL_OP_CIPHER_SERVER_PREFERENCE);
  if (SSL_CTX_set_cipher_list(ctx, kTls12Suites) != 1) {
    return fileError("TLS 1.2 cipher suites", kTls12Suites);
  }
  SSL_CTX_set_session_id_context(ctx, kSessionIdContext, sizeof kSessionIdContext - 1);

  if (auto missing = checkFile("certificate chain", settings.certificateChainFile)) return *missing;
  if (auto missing = checkFile("private key", settings.privateKeyFile)) return *missing;
  if (SSL_CTX_use_certificate_chain_file(ctx, settings.certificateChainFile.c_str()) != 1) {
    return fileError("certificate chain", settings.certificateChainFile);
  }
  const bool keyLoaded =
      SSL_CTX_use_PrivateKey_file(ctx, settings.privateKeyFile.c_str(), SSL_FILETYPE_PEM) == 1;
  const bool mismatch = !keyLoaded && ERR_GET_REASON(ERR_peek_error()) == X509_R_KEY_VALUES_MISMATCH;
  if (!keyLoaded && !mismatch) return fileError("private key", settings.privateKeyFile);
  if (mismatch || SSL_CTX_check_private_key(ctx) != 1) {
    ERR_clear_error();
    return fail("private key '" + settings.privateKeyFile + "' does not match the certificate '" +
                settings.certificateChainFile + "'");
  }

  if (settings.clientAuth == ClientAuth::None) return context;
  if (auto missing = checkFile("client CA", settings.clientCaFile)) return *missing;
  if (SSL_CTX_load_verify_locations(ctx, settings.clientCaFile.c_str(), nullptr) != 1) {
    return fileError("client CA", settings.clientCaFile);
  }
  // The CA names sent in the CertificateRequest, so clients pick the right certificate.
  if (STACK_OF(X509_NAME)* names = SSL_load_client_CA_file(settings.clientCaFile.c_str())) {
    SSL_CTX_set_client_CA_list(ctx, names);
  }
  ERR_clear_error();
  int mode = SSL_VERIFY_PEER;
  if (settings.clientAuth == ClientAuth::Require) mode |= SSL_VERIFY_FAIL_IF_NO_PEER_CERT;
  SSL_CTX_set_verify(ctx, mode, nullptr);
  return context;
}

std::optional<std::string> verifiedPeerCommonName(const SSL* ssl) {
  X509* certificate = SSL_get0_peer_certificate(ssl);
  if (certificate == nullptr || SSL_get_verify_result(ssl) != X509_V_OK) return std::nullopt;
  X509_NAME* subject = X509_get_subject_name(certificate);
  const int index = X509_NAME_get_index_by_NID(subject, NID_commonName, -1);
  if (index < 0) return std::nullopt;
  unsigned char* text = nullptr;
  const int length = ASN1_STRING_to_UTF8(&text, X509_NAME_ENTRY_get_data(X509_NAME_get_entry(subject, index)));
  if (length < 0) return std::nullopt;
  std::string name(reinterpret_cast<char*>(text), static_cast<std::size_t>(length));
  OPENSSL_free(text);
  return name;
}

}  // namespace lwm2m::bridges::http
