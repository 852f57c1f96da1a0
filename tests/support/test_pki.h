#pragma once
// A throw-away certificate authority for TLS tests, made with the openssl
// command: a CA, a server certificate for 127.0.0.1 (CN and IP SAN), and a
// client certificate, all PEM, valid for a day.

#include <filesystem>
#include <string>

namespace lwm2m::testing {

struct TestPki {
  std::string caFile;
  std::string serverCert, serverKey;
  std::string clientCert, clientKey;
};

// Writes the files into `dir` (which must exist); throws std::runtime_error
// if openssl fails.
TestPki makeTestPki(const std::filesystem::path& dir);

struct CertificateFiles {
  std::string cert, key;
};

// A client certificate for `cn`, signed by the CA that makeTestPki(dir) made,
// whose validity ended a day ago. Throws like makeTestPki.
CertificateFiles issueExpiredClientCertificate(const std::filesystem::path& dir,
                                              const std::string& cn);

}  // namespace lwm2m::testing
