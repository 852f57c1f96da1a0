// The counters a Prometheus scrape sees after a series of device events,
// read back through the independent text-format parser.
#include "gateway/core/device_event_metrics.h"

#include <gtest/gtest.h>

#include "lwm2m/coap/manual_scheduler.h"
#include "metrics/text_format.h"
#include "tests/support/prometheus_text.h"

namespace lwm2m::gateway {
namespace {

using namespace std::chrono_literals;
using api::DeviceEventKind;

api::DeviceEvent event(DeviceEventKind kind) {
  api::DeviceEvent e;
  e.kind = kind;
  e.device.endpoint = "sensor-1";
  return e;
}

api::DeviceEvent command(DeviceEventKind kind, const std::string& id, operations::Operation op,
                         std::optional<operations::Outcome> outcome = std::nullopt) {
  api::DeviceEvent e = event(kind);
  e.command = api::CommandInfo{};
  e.command->requestId = id;
  e.command->request.operation = op;
  if (outcome) e.command->response = operations::DeviceResponse::failure(*outcome, "");
  return e;
}

struct EventMetricsFixture : ::testing::Test {
  coap::ManualScheduler clock;
  metrics::Registry registry;
  DeviceEventMetrics counting{registry, clock};

  testing::PromExposition scrape() {
    auto parsed = testing::parsePrometheusText(metrics::renderText(registry));
    EXPECT_TRUE(parsed.exposition) << parsed.error;
    return parsed.exposition.value_or(testing::PromExposition{});
  }
};

TEST_F(EventMetricsFixture, CountsRegistrationLifeAndReports) {
  for (auto kind : {DeviceEventKind::Registered, DeviceEventKind::Updated, DeviceEventKind::Updated,
                    DeviceEventKind::Notification, DeviceEventKind::Notification, DeviceEventKind::Notification,
                    DeviceEventKind::Send, DeviceEventKind::Deregistered, DeviceEventKind::Registered,
                    DeviceEventKind::Expired, DeviceEventKind::Awake, DeviceEventKind::Asleep}) {
    counting.onDeviceEvent(event(kind));
  }
  const auto m = scrape();
  EXPECT_EQ(m.value("lwm2m_gateway_registrations_total"), 2);
  EXPECT_EQ(m.value("lwm2m_gateway_registration_updates_total"), 2);
  EXPECT_EQ(m.value("lwm2m_gateway_deregistrations_total"), 1);
  EXPECT_EQ(m.value("lwm2m_gateway_registration_expirations_total"), 1);
  EXPECT_EQ(m.value("lwm2m_gateway_notifications_total"), 3);
  EXPECT_EQ(m.value("lwm2m_gateway_send_requests_total"), 1);
}

TEST_F(EventMetricsFixture, CountsEveryRequestByOperationAndOutcomeFromTheStart) {
  auto m = scrape();
  EXPECT_EQ(m.value("lwm2m_gateway_requests_total", {{"operation", "read"}, {"outcome", "success"}}), 0);
  EXPECT_EQ(m.value("lwm2m_gateway_requests_total", {{"operation", "write_replace"}, {"outcome", "timeout"}}), 0);
  EXPECT_EQ(m.value("lwm2m_gateway_requests_total", {{"operation", "execute"}, {"outcome", "cancelled"}}), 0);

  using operations::Operation;
  using operations::Outcome;
  counting.onDeviceEvent(command(DeviceEventKind::Response, "1", Operation::Read, Outcome::Success));
  counting.onDeviceEvent(command(DeviceEventKind::Response, "2", Operation::Read, Outcome::Success));
  counting.onDeviceEvent(command(DeviceEventKind::Response, "3", Operation::Read, Outcome::DeviceError));
  counting.onDeviceEvent(command(DeviceEventKind::Response, "4", Operation::Execute, Outcome::Timeout));
  counting.onDeviceEvent(command(DeviceEventKind::RequestExpired, "5", Operation::WriteReplace));
  counting.onDeviceEvent(command(DeviceEventKind::RequestCancelled, "6", Operation::Observe));
  m = scrape();
  EXPECT_EQ(m.value("lwm2m_gateway_requests_total", {{"operation", "read"}, {"outcome", "success"}}), 2);
  EXPECT_EQ(m.value("lwm2m_gateway_requests_total", {{"operation", "read"}, {"outcome", "device_error"}}), 1);
  EXPECT_EQ(m.value("lwm2m_gateway_requests_total", {{"operation", "execute"}, {"outcome", "timeout"}}), 1);
  EXPECT_EQ(m.value("lwm2m_gateway_requests_total", {{"operation", "write_replace"}, {"outcome", "expired"}}), 1);
  EXPECT_EQ(m.value("lwm2m_gateway_requests_total", {{"operation", "observe"}, {"outcome", "cancelled"}}), 1);
  EXPECT_EQ(m.sum("lwm2m_gateway_requests_total"), 6);
}

TEST_F(EventMetricsFixture, TimesACommandFromAcceptanceToItsAnswer) {
  using operations::Operation;
  counting.onDeviceEvent(command(DeviceEventKind::Queued, "a", Operation::Read));
  counting.onDeviceEvent(command(DeviceEventKind::Queued, "b", Operation::WriteReplace));
  EXPECT_EQ(counting.pendingCommands(), 2u);
  clock.advance(40ms);
  counting.onDeviceEvent(command(DeviceEventKind::Response, "a", Operation::Read, operations::Outcome::Success));
  clock.advance(2h);  // a sleeping device woke up
  counting.onDeviceEvent(command(DeviceEventKind::Response, "b", Operation::WriteReplace,
                                 operations::Outcome::Success));
  // A response whose acceptance was not seen (queued before a restart) is counted, not timed.
  counting.onDeviceEvent(command(DeviceEventKind::Response, "c", Operation::Read, operations::Outcome::Success));
  EXPECT_EQ(counting.pendingCommands(), 0u);
  const auto m = scrape();
  EXPECT_EQ(m.value("lwm2m_gateway_command_duration_seconds_count"), 2);
  EXPECT_EQ(m.value("lwm2m_gateway_command_duration_seconds_bucket", {{"le", "0.05"}}), 1);
  EXPECT_EQ(m.value("lwm2m_gateway_command_duration_seconds_bucket", {{"le", "3600"}}), 1);
  EXPECT_EQ(m.value("lwm2m_gateway_command_duration_seconds_bucket", {{"le", "14400"}}), 2);
  EXPECT_DOUBLE_EQ(*m.value("lwm2m_gateway_command_duration_seconds_sum"), 0.04 + 7200.04);
}

TEST_F(EventMetricsFixture, ACommandThatExpiresOrIsCancelledIsForgotten) {
  using operations::Operation;
  counting.onDeviceEvent(command(DeviceEventKind::Queued, "a", Operation::Read));
  counting.onDeviceEvent(command(DeviceEventKind::Queued, "b", Operation::Read));
  counting.onDeviceEvent(command(DeviceEventKind::RequestExpired, "a", Operation::Read));
  counting.onDeviceEvent(command(DeviceEventKind::RequestCancelled, "b", Operation::Read));
  EXPECT_EQ(counting.pendingCommands(), 0u);
  EXPECT_EQ(scrape().value("lwm2m_gateway_command_duration_seconds_count"), 0);
}

}  // namespace
}  // namespace lwm2m::gateway
