// The server's guard in place: limits, access control and CORS over real
// loopback connections.
#include "bridges/http/http_server.h"

#include <gtest/gtest.h>

#include <boost/asio/post.hpp>

#include <future>
#include <thread>

#include "tests/unit/bridges/http/fake_directory.h"
#include "tests/unit/bridges/http/http_test_client.h"

namespace lwm2m::bridges::http {
namespace {

class GuardedServerTest : public ::testing::Test {
 protected:
  void start(const HttpServerSettings& settings) {
    RestServices services;
    services.devices = &directory_;
    services.health = [] { return gateway::api::HealthReport{"1.2.3", 5s, 0, false}; };
    server_ = std::make_unique<HttpServer>(
        io_, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0), std::move(services), settings);
    server_->start();
    endpoint_ = server_->localEndpoint();
    thread_ = std::thread([this] { io_.run(); });
  }

  void TearDown() override {
    std::promise<void> done;
    asio::post(io_, [&] {
      server_->stop();
      done.set_value();
    });
    ASSERT_EQ(done.get_future().wait_for(5s), std::future_status::ready);
    thread_.join();
  }

  static HttpServerSettings guarded() {
    HttpServerSettings s;
    s.limits.maxHeaders = 8;
    s.limits.idleTimeout = 1s;
    s.limits.maxConnections = 3;
    s.access.enabled = true;
    s.access.credentials = {{"viewer", "v-token", Role::Read}};
    s.cors.origins = {"https://ui.example"};
    return s;
  }

  asio::io_context io_;
  testing::FakeDirectory directory_;
  std::unique_ptr<HttpServer> server_;
  tcp::endpoint endpoint_;
  std::thread thread_;
};

TEST_F(GuardedServerTest, CredentialsAreAskedForAndRolesEnforced) {
  start(guarded());
  Client client(endpoint_);
  ClientResponse response;
  ASSERT_FALSE(client.exchange(request(beast_http::verb::get, "/api/v1/devices"), response));
  EXPECT_EQ(response.result(), beast_http::status::unauthorized);
  EXPECT_EQ(response[beast_http::field::www_authenticate], "Bearer realm=\"lwm2m-gateway\"");

  auto withToken = request(beast_http::verb::get, "/api/v1/devices");
  withToken.set(beast_http::field::authorization, "Bearer v-token");
  ASSERT_FALSE(client.exchange(withToken, response));  // the same connection goes on
  EXPECT_EQ(response.result(), beast_http::status::ok);

  auto reload = request(beast_http::verb::post, "/api/v1/mapping/reload");
  reload.set(beast_http::field::authorization, "Bearer v-token");
  reload.body() = "{}";
  ASSERT_FALSE(client.exchange(reload, response));
  EXPECT_EQ(response.result(), beast_http::status::forbidden);
  EXPECT_NE(response.body().find("needs the role 'admin'"), std::string::npos) << response.body();
  EXPECT_FALSE(response.keep_alive()) << "the body was not read: the connection ends";

  Client probe(endpoint_);
  ASSERT_FALSE(probe.exchange(request(beast_http::verb::get, "/health"), response));
  EXPECT_EQ(response.result(), beast_http::status::ok) << "health stays open";
}

TEST_F(GuardedServerTest, TooManyHeaderFieldsAre431) {
  start(guarded());
  Client client(endpoint_);
  ClientResponse response;
  auto r = request(beast_http::verb::get, "/health");
  for (int i = 0; i < 10; ++i) r.set("X-Filler-" + std::to_string(i), "x");
  ASSERT_FALSE(client.exchange(r, response));
  EXPECT_EQ(response.result(), beast_http::status::request_header_fields_too_large);
  EXPECT_NE(response.body().find("too many header fields: 11 (limit 8)"), std::string::npos)
      << response.body();
}

TEST_F(GuardedServerTest, ConfiguredBodyAndHeaderSizesAreEnforced) {
  auto settings = guarded();
  settings.access.enabled = false;
  settings.limits.bodyBytes = 100;
  settings.limits.headerBytes = 512;
  start(settings);
  ClientResponse response;
  Client big(endpoint_);
  auto post = request(beast_http::verb::post, "/api/v1/mapping/reload");
  post.body() = std::string(101, 'x');
  ASSERT_FALSE(big.exchange(post, response));
  EXPECT_EQ(response.result(), beast_http::status::payload_too_large);
  EXPECT_NE(response.body().find("larger than 100 bytes"), std::string::npos) << response.body();

  Client longHeader(endpoint_);
  auto get = request(beast_http::verb::get, "/health");
  get.set("X-Long", std::string(600, 'y'));
  ASSERT_FALSE(longHeader.exchange(get, response));
  EXPECT_EQ(response.result(), beast_http::status::request_header_fields_too_large);
}

TEST_F(GuardedServerTest, SilentAndIdleConnectionsAreClosedAfterTheIdleTimeout) {
  start(guarded());
  Client silent(endpoint_);
  const auto before = std::chrono::steady_clock::now();
  EXPECT_TRUE(silent.waitForClose());
  const auto waited = std::chrono::steady_clock::now() - before;
  EXPECT_GE(waited, 900ms);
  EXPECT_LT(waited, 4s);
}

TEST_F(GuardedServerTest, ConnectionsBeyondTheLimitAreClosedAtOnce) {
  start(guarded());
  ClientResponse response;
  Client a(endpoint_), b(endpoint_), c(endpoint_);
  ASSERT_FALSE(a.exchange(request(beast_http::verb::get, "/health"), response));
  ASSERT_FALSE(b.exchange(request(beast_http::verb::get, "/health"), response));
  ASSERT_FALSE(c.exchange(request(beast_http::verb::get, "/health"), response));
  Client d(endpoint_);
  const auto before = std::chrono::steady_clock::now();
  EXPECT_TRUE(d.exchange(request(beast_http::verb::get, "/health"), response));
  EXPECT_LT(std::chrono::steady_clock::now() - before, 900ms) << "closed at once, not timed out";
}

TEST_F(GuardedServerTest, CorsAllowsTheConfiguredOriginOnly) {
  start(guarded());
  Client client(endpoint_);
  ClientResponse response;
  auto preflight = request(beast_http::verb::options, "/api/v1/devices");
  preflight.set(beast_http::field::origin, "https://ui.example");
  preflight.set(beast_http::field::access_control_request_method, "GET");
  ASSERT_FALSE(client.exchange(preflight, response));
  EXPECT_EQ(response.result(), beast_http::status::no_content) << "no credentials on preflights";
  EXPECT_EQ(response[beast_http::field::access_control_allow_origin], "https://ui.example");

  auto get = request(beast_http::verb::get, "/api/v1/devices");
  get.set(beast_http::field::origin, "https://ui.example");
  get.set("X-API-Key", "v-token");
  ASSERT_FALSE(client.exchange(get, response));
  EXPECT_EQ(response.result(), beast_http::status::ok);
  EXPECT_EQ(response[beast_http::field::access_control_allow_origin], "https://ui.example");

  get.set(beast_http::field::origin, "https://evil.example");
  ASSERT_FALSE(client.exchange(get, response));
  EXPECT_EQ(response.find(beast_http::field::access_control_allow_origin), response.end());
}

}  // namespace
}  // namespace lwm2m::bridges::http
