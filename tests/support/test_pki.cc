#include "tests/support/test_pki.h"

#include <fstream>
#include <stdexcept>
#include <vector>

#include "tests/support/process.h"

namespace lwm2m::testing {
namespace {

void openssl(const std::vector<std::string>& args, const std::filesystem::path& log) {
  std::vector<std::string> argv = {"openssl"};
  argv.insert(argv.end(), args.begin(), args.end());
  auto p = Process::start(argv, {log.string(), false});
  const auto status = p.waitFor(std::chrono::seconds(30));
  if (status != 0) {
    std::ifstream in(log);
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    throw std::runtime_error("openssl " + args.front() + " failed:\n" + text);
  }
}

// A P-256 key and a certificate for `cn`, signed by the CA, valid from now
// for `days` (a negative count gives a certificate that has already expired).
void issue(const std::filesystem::path& dir, const std::string& name, const std::string& cn,
           const std::string& extensions, int days = 1) {
  const auto log = dir / "openssl.log";
  openssl({"req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
           "-keyout", (dir / (name + ".key")).string(), "-out", (dir / (name + ".csr")).string(),
           "-subj", "/CN=" + cn},
          log);
  std::ofstream(dir / (name + ".ext")) << extensions << "\n";
  openssl({"x509", "-req", "-in", (dir / (name + ".csr")).string(), "-CA",
           (dir / "ca.pem").string(), "-CAkey", (dir / "ca.key").string(), "-CAcreateserial",
           "-days", std::to_string(days), "-out", (dir / (name + ".pem")).string(), "-extfile",
           (dir / (name + ".ext")).string()},
          log);
}

}  // namespace

TestPki makeTestPki(const std::filesystem::path& dir) {
  openssl({"req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
           "-keyout", (dir / "ca.key").string(), "-out", (dir / "ca.pem").string(), "-days", "1",
           "-subj", "/CN=lwm2m-gateway test CA"},
          dir / "openssl.log");
  issue(dir, "server", "127.0.0.1", "subjectAltName=IP:127.0.0.1,DNS:localhost");
  issue(dir, "client", "lwm2m-gateway", "extendedKeyUsage=clientAuth");
  return TestPki{(dir / "ca.pem").string(),     (dir / "server.pem").string(),
                 (dir / "server.key").string(), (dir / "client.pem").string(),
                 (dir / "client.key").string()};
}

CertificateFiles issueExpiredClientCertificate(const std::filesystem::path& dir,
                                              const std::string& cn) {
  const std::string name = "expired-client";
  issue(dir, name, cn, "extendedKeyUsage=clientAuth", -1);
  return {(dir / (name + ".pem")).string(), (dir / (name + ".key")).string()};
}

}  // namespace lwm2m::testing
