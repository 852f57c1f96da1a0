#include "bridges/http/operations_routes.h"

#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include "tests/support/prometheus_text.h"

namespace lwm2m::bridges::http {
namespace {

namespace beast_http = boost::beast::http;

Request request(beast_http::verb verb, const std::string& target) {
  Request r{verb, target, 11};
  r.keep_alive(true);
  return r;
}

struct OperationsFixture : ::testing::Test {
  gateway::api::ReadinessReport report{{{"storage", true, "last probe write committed 1 s ago"},
                                        {"mqtt", true, "connected to tcp://broker:1883"}}};
  metrics::Registry registry;
  OperationsRoutes routes{[this] { return report; }, registry};
};

TEST_F(OperationsFixture, ReadyIs200WhenEveryCheckIsReadyElse503NamingWhatIsNot) {
  auto ok = routes.handle(request(beast_http::verb::get, "/ready"));
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->result(), beast_http::status::ok);
  EXPECT_EQ(ok->body(),
            "{\"status\":\"ready\",\"notReady\":[],\"checks\":{\"storage\":{\"ready\":true,\"detail\":\"last probe "
            "write committed 1 s ago\"},\"mqtt\":{\"ready\":true,\"detail\":\"connected to tcp://broker:1883\"}}}");

  report.checks[1] = {"mqtt", false, "not connected to tcp://broker:1883"};
  auto down = routes.handle(request(beast_http::verb::get, "/ready/"));
  ASSERT_TRUE(down);
  EXPECT_EQ(down->result(), beast_http::status::service_unavailable);
  rapidjson::Document body;
  body.Parse(down->body().c_str());
  EXPECT_STREQ(body["status"].GetString(), "not ready");
  ASSERT_EQ(body["notReady"].Size(), 1u);
  EXPECT_STREQ(body["notReady"][0].GetString(), "mqtt");
  EXPECT_EQ(down->at(beast_http::field::content_type), "application/json");
  EXPECT_EQ(down->at(beast_http::field::cache_control), "no-store");
  EXPECT_TRUE(down->keep_alive());
}

TEST_F(OperationsFixture, MetricsAreTheTextFormatOfTheRegistry) {
  registry.counter("lwm2m_gateway_things_total", "Things.", {"kind"}).with({"a\"b"}).inc(4);
  auto r = routes.handle(request(beast_http::verb::get, "/metrics?name[]=x"));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->result(), beast_http::status::ok);
  EXPECT_EQ(r->at(beast_http::field::content_type), "text/plain; version=0.0.4; charset=utf-8");
  auto parsed = lwm2m::testing::parsePrometheusText(r->body());
  ASSERT_TRUE(parsed.exposition) << parsed.error;
  EXPECT_EQ(parsed.exposition->value("lwm2m_gateway_things_total", {{"kind", "a\"b"}}), 4);
}

TEST_F(OperationsFixture, OtherMethodsAre405AndOtherPathsAreNotItsOwn) {
  auto r = routes.handle(request(beast_http::verb::post, "/metrics"));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->result(), beast_http::status::method_not_allowed);
  EXPECT_EQ(r->at(beast_http::field::allow), "GET");
  EXPECT_FALSE(routes.handle(request(beast_http::verb::get, "/health")));
  EXPECT_FALSE(routes.handle(request(beast_http::verb::get, "/metricsx")));
  EXPECT_FALSE(routes.handle(request(beast_http::verb::get, "/api/v1/devices")));
}

}  // namespace
}  // namespace lwm2m::bridges::http
