#include "bridges/http/package_fetcher.h"

#include <gtest/gtest.h>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/streambuf.hpp>
#include <boost/asio/write.hpp>
#include <chrono>
#include <cstdlib>
#include <optional>
#include <thread>

#include "tests/support/test_pki.h"

// https firmware downloads: the TLS client context is made when it is first
// needed (a gateway that never downloads over https never initialises
// OpenSSL for it), and it verifies the server either way.
namespace lwm2m::bridges::http {
namespace {

namespace asio = boost::asio;
using asio::ip::tcp;

// Stores what it is given, in memory.
class MemoryUpload : public gateway::api::PackageUpload {
 public:
  explicit MemoryUpload(std::string& into) : into_(into) {}
  Result<void> write(std::span<const std::uint8_t> bytes) override {
    into_.append(bytes.begin(), bytes.end());
    return {};
  }
  Result<gateway::api::PackageInfo> finish() override { return gateway::api::PackageInfo{"", into_.size()}; }
  std::uint64_t written() const override { return into_.size(); }
  Result<void> expectSize(std::uint64_t) const override { return {}; }

 private:
  std::string& into_;
};

// One TLS connection on 127.0.0.1, in its own thread: answers one GET with
// `body`, or gives up when the client aborts the handshake.
class OneShotHttpsServer {
 public:
  OneShotHttpsServer(const lwm2m::testing::TestPki& pki, std::string body)
      : tls_(asio::ssl::context::tls_server), acceptor_(io_, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0)) {
    tls_.use_certificate_chain_file(pki.serverCert);
    tls_.use_private_key_file(pki.serverKey, asio::ssl::context::pem);
    thread_ = std::thread([this, body = std::move(body)] {
      boost::system::error_code ec;
      asio::ssl::stream<tcp::socket> stream(io_, tls_);
      acceptor_.accept(stream.next_layer(), ec);
      if (!ec) stream.handshake(asio::ssl::stream_base::server, ec);
      if (ec) return;
      asio::streambuf request;
      asio::read_until(stream, request, "\r\n\r\n", ec);
      if (ec) return;
      std::string response = "HTTP/1.1 200 OK\r\nContent-Length: " + std::to_string(body.size()) +
                             "\r\nConnection: close\r\n\r\n" + body;
      asio::write(stream, asio::buffer(response), ec);
      stream.shutdown(ec);
    });
  }
  ~OneShotHttpsServer() {
    boost::system::error_code ec;
    acceptor_.close(ec);
    thread_.join();
  }
  std::string url() const { return "https://127.0.0.1:" + std::to_string(acceptor_.local_endpoint().port()) + "/fw.bin"; }

 private:
  asio::io_context io_;
  asio::ssl::context tls_;
  tcp::acceptor acceptor_;
  std::thread thread_;
};

class PackageFetcherTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    std::string pattern = (std::filesystem::temp_directory_path() / "lwm2m-fetch-XXXXXX").string();
    ASSERT_NE(mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
    pki_ = lwm2m::testing::makeTestPki(dir_);
  }
  static void TearDownTestSuite() { std::filesystem::remove_all(dir_); }

  // Downloads `url` with `fetcher`; the result, or nullopt after 10 s.
  std::optional<Result<gateway::api::PackageInfo>> download(PackageFetcher& fetcher, const std::string& url) {
    std::optional<Result<gateway::api::PackageInfo>> result;
    fetcher.fetch(url, std::make_unique<MemoryUpload>(received_),
                  [&](Result<gateway::api::PackageInfo> r) { result.emplace(std::move(r)); });
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (!result && std::chrono::steady_clock::now() < deadline) io_.run_for(std::chrono::milliseconds(50));
    return result;
  }

  static inline std::filesystem::path dir_;
  static inline lwm2m::testing::TestPki pki_;
  asio::io_context io_;
  std::string received_;
};

TEST_F(PackageFetcherTest, AConfiguredCaFileThatCannotBeLoadedFailsAtStartNamingIt) {
  const std::string missing = (dir_ / "missing-ca.pem").string();
  try {
    PackageFetcher fetcher(io_, missing, 1 << 20);
    FAIL() << "a missing firmware.ca_file was accepted";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("firmware.ca_file " + missing), std::string::npos) << e.what();
  }
}

TEST_F(PackageFetcherTest, DownloadsOverHttpsFromAServerTheConfiguredCaSigned) {
  PackageFetcher fetcher(io_, pki_.caFile, 1 << 20);
  OneShotHttpsServer server(pki_, "firmware image");
  auto result = download(fetcher, server.url());
  ASSERT_TRUE(result.has_value()) << "no result in 10 s";
  ASSERT_TRUE(result->ok()) << result->error().message;
  EXPECT_EQ(received_, "firmware image");
  EXPECT_EQ(result->value().size, 14u);
}

TEST_F(PackageFetcherTest, WithTheSystemStoreAServerItDoesNotTrustIsRefused) {
  // No firmware.ca_file: the context is made on this first https download,
  // from the system's CA store, which does not hold the test CA.
  PackageFetcher fetcher(io_, "", 1 << 20);
  OneShotHttpsServer server(pki_, "firmware image");
  auto result = download(fetcher, server.url());
  ASSERT_TRUE(result.has_value()) << "no result in 10 s";
  ASSERT_FALSE(result->ok());
  EXPECT_NE(result->error().message.find("TLS handshake with 127.0.0.1 failed"), std::string::npos)
      << result->error().message;
  EXPECT_NE(result->error().message.find("certificate verify failed"), std::string::npos) << result->error().message;
  EXPECT_TRUE(received_.empty());
}

}  // namespace
}  // namespace lwm2m::bridges::http
