#pragma once
// WebhookBridge: device events POSTed as JSON to configured HTTP(S)
// endpoints. Each webhook chooses its events by kind and endpoint glob and
// has its own durable, ordered queue (webhook_queue.h states the delivery
// contract) and its own HTTP client (http_poster.h).
//
// Body: the event in the mapping's `event` payload style
// (mapping/event_json.h), the same JSON as the event stream's data lines and
// MQTT rules with `payload: event`.
//
// Threading contract: construct, call and destroy on the I/O thread (device
// events arrive there); start() reads the outbox synchronously, so call it
// before the I/O loop runs. stats() may be read from any thread.

#include <boost/asio/io_context.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "bridges/webhook/webhook_outbox.h"
#include "bridges/webhook/webhook_queue.h"
#include "gateway/api/device_events.h"
#include "lwm2m/coap/scheduler.h"
#include "lwm2m/model/model_source.h"

namespace lwm2m::bridges::webhook {

struct WebhookSettings {
  std::string name;  // unique; outbox key, logs, stats
  std::string url;   // checked by parseWebhookUrl
  std::vector<gateway::api::DeviceEventKind> kinds;  // empty: every kind
  std::string endpoint = "*";                        // glob
  std::string secret;
  std::string caFile;
  std::chrono::milliseconds timeout{10000};
  std::vector<std::pair<std::string, std::string>> headers;
};

struct WebhooksSettings {
  std::vector<WebhookSettings> webhooks;
  std::size_t outboxLimit = 10000;  // per webhook
  std::chrono::milliseconds retryMin{1000};
  std::chrono::milliseconds retryMax{300000};
  std::string gatewayId;   // "gateway" in the JSON
  std::string userAgent = "lwm2m-gateway";
};

struct WebhookStats {
  std::string name;
  WebhookCounts counts;
};

class WebhookBridge : public gateway::api::DeviceEventListener {
 public:
  // Throws std::runtime_error naming the webhook for a bad URL or an
  // unreadable ca_file. `outbox` and `model` must outlive the bridge.
  WebhookBridge(boost::asio::io_context& io, coap::Scheduler& scheduler, WebhooksSettings settings,
                WebhookOutbox& outbox, const model::ModelSource& models);
  ~WebhookBridge() override;  // stop()

  // Drops what the outbox keeps for webhooks no longer configured, takes over
  // the rest, and starts delivering. Throws std::runtime_error if the outbox
  // cannot be read.
  void start();
  // No more POSTs; what waits stays in the outbox.
  void stop();

  void onDeviceEvent(const gateway::api::DeviceEvent& event) override;

  std::vector<WebhookStats> stats() const;

 private:
  struct Target {
    WebhookSettings settings;
    std::shared_ptr<WebhookQueue> queue;
  };

  const WebhooksSettings settings_;
  WebhookOutbox& outbox_;
  const model::ModelSource& models_;
  std::vector<Target> targets_;
};

}  // namespace lwm2m::bridges::webhook
