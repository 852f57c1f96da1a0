#include "bridges/webhook/webhook_bridge.h"

#include <spdlog/spdlog.h>

#include <boost/asio/post.hpp>

#include <algorithm>
#include <random>
#include <stdexcept>

#include "bridges/webhook/http_poster.h"
#include "bridges/webhook/webhook_url.h"
#include "mapping/event_json.h"
#include "mapping/patterns.h"

namespace lwm2m::bridges::webhook {
namespace api = gateway::api;

namespace {

std::int64_t unixSeconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

bool wants(const WebhookSettings& w, const api::DeviceEvent& event) {
  if (!w.kinds.empty() && std::find(w.kinds.begin(), w.kinds.end(), event.kind) == w.kinds.end()) return false;
  return mapping::globMatch(w.endpoint, event.device.endpoint);
}

}  // namespace

WebhookBridge::WebhookBridge(boost::asio::io_context& io, coap::Scheduler& scheduler, WebhooksSettings settings,
                             WebhookOutbox& outbox, const model::ModelSource& models)
    : settings_(std::move(settings)), outbox_(outbox), models_(models) {
  auto random = std::make_shared<std::mt19937>(std::random_device{}());
  for (const WebhookSettings& w : settings_.webhooks) {
    auto url = parseWebhookUrl(w.url);
    if (!url) throw std::runtime_error("webhook " + w.name + ": url " + w.url + ": " + url.error().message);
    std::shared_ptr<boost::asio::ssl::context> tls;
    try {
      if (url->tls) tls = makeTlsContext(w.caFile);
    } catch (const std::exception& e) {
      throw std::runtime_error("webhook " + w.name + ": " + e.what());
    }
    PosterSettings poster{w.name, *url, w.secret, w.headers, w.timeout, settings_.userAgent, unixSeconds};
    QueueSettings queue{w.name, settings_.outboxLimit, settings_.retryMin, settings_.retryMax};
    targets_.push_back(Target{
        w, std::make_shared<WebhookQueue>(
               queue, outbox_, std::make_unique<HttpPoster>(io, std::move(poster), std::move(tls)), scheduler,
               [&io](std::function<void()> f) { boost::asio::post(io, std::move(f)); },
               [random] { return std::uniform_real_distribution<double>(0.0, 1.0)(*random); })});
  }
}

WebhookBridge::~WebhookBridge() { stop(); }

void WebhookBridge::start() {
  std::vector<std::string> names;
  for (const Target& t : targets_) names.push_back(t.settings.name);
  auto dropped = outbox_.dropOtherWebhooks(names);
  if (!dropped) throw std::runtime_error("webhooks: " + dropped.error().message);
  if (*dropped > 0) spdlog::warn("webhooks: {} stored events of webhooks no longer configured dropped", *dropped);
  for (Target& t : targets_) {
    t.queue->loadBacklog();
    spdlog::info("webhook {}: POST to {}", t.settings.name, t.settings.url);
  }
}

void WebhookBridge::stop() {
  for (Target& t : targets_) t.queue->stop();
}

void WebhookBridge::onDeviceEvent(const api::DeviceEvent& event) {
  std::string body;
  for (Target& t : targets_) {
    if (!wants(t.settings, event)) continue;
    if (body.empty()) body = mapping::eventJson(mapping::viewOf(event, settings_.gatewayId), *models_.current());
    const auto atMs =
        std::chrono::duration_cast<std::chrono::milliseconds>(event.at.time_since_epoch()).count();
    t.queue->append(std::string(api::toString(event.kind)), body, atMs);
  }
}

std::vector<WebhookStats> WebhookBridge::stats() const {
  std::vector<WebhookStats> all;
  for (const Target& t : targets_) all.push_back(WebhookStats{t.settings.name, t.queue->counts()});
  return all;
}

}  // namespace lwm2m::bridges::webhook
