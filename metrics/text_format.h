#pragma once
// The Prometheus text exposition format, version 0.0.4 (what GET /metrics
// answers): for each family "# HELP", "# TYPE", then its samples, one per line:
//
//   # HELP lwm2m_gateway_requests_total Requests to devices by operation and outcome.
//   # TYPE lwm2m_gateway_requests_total counter
//   lwm2m_gateway_requests_total{operation="read",outcome="success"} 3
//   # TYPE lwm2m_gateway_command_duration_seconds histogram
//   lwm2m_gateway_command_duration_seconds_bucket{le="0.01"} 1
//   lwm2m_gateway_command_duration_seconds_bucket{le="+Inf"} 2
//   lwm2m_gateway_command_duration_seconds_sum 0.35
//   lwm2m_gateway_command_duration_seconds_count 2
//
// Label values escape '\\', '"' and newline; help text escapes '\\' and
// newline. Values: shortest decimal form that reads back exactly, "+Inf",
// "-Inf", "NaN". No timestamps (the scraper stamps them).

#include <string>
#include <string_view>

#include "metrics/registry.h"

namespace lwm2m::metrics {

// The Content-Type of the text format.
inline constexpr std::string_view kTextContentType = "text/plain; version=0.0.4; charset=utf-8";

// Every family of `registry`, in registration order. Runs the registry's
// reporting functions (see the threading contract of registry.h).
std::string renderText(const Registry& registry);

// The pieces, for tests and for other writers.
std::string escapeLabelValue(std::string_view value);
std::string escapeHelp(std::string_view help);
std::string formatValue(double value);

}  // namespace lwm2m::metrics
