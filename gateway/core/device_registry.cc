#include "gateway/core/device_registry.h"

#include <charconv>

namespace lwm2m::gateway {

Result<coap::Peer> parsePeer(std::string_view text) {
  auto colon = text.rfind(':');
  if (colon == std::string_view::npos) return fail("expected HOST:PORT");
  std::string host(text.substr(0, colon));
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  unsigned port = 0;
  auto portText = text.substr(colon + 1);
  auto [end, ec] = std::from_chars(portText.data(), portText.data() + portText.size(), port);
  if (ec != std::errc() || end != portText.data() + portText.size() || port == 0 || port > 65535) {
    return fail("bad port");
  }
  boost::system::error_code error;
  auto address = boost::asio::ip::make_address(host, error);
  if (error) return fail("'" + host + "' is not an IP address");
  return coap::Peer(address, static_cast<std::uint16_t>(port));
}

api::DeviceInfo toDeviceInfo(const server::Registration& reg, const coap::Scheduler& clock) {
  api::DeviceInfo info;
  fillDeviceInfo(info, reg, clock);
  return info;
}

namespace {

void fillObjectLinks(std::vector<api::ObjectLink>& out, const server::ObjectLinks& links) {
  out.resize(links.size());
  for (std::size_t i = 0; i < links.size(); ++i) {
    const formats::Link& link = links[i];
    api::ObjectLink& into = out[i];
    into.path = link.target;
    into.attributes.resize(link.attributes.size());
    for (std::size_t a = 0; a < link.attributes.size(); ++a) {
      into.attributes[a].first = link.attributes[a].name;
      into.attributes[a].second = link.attributes[a].value.value_or("");
    }
  }
}

// Everything but the object links.
void fillFacts(api::DeviceInfo& info, const server::Registration& reg, const coap::Scheduler& clock) {
  info.endpoint = reg.endpoint;
  info.registrationId = reg.id;
  info.lwm2mVersion = reg.version;
  info.binding = reg.binding;
  info.queueMode = reg.queueMode;
  info.lifetimeSeconds = reg.lifetime;
  info.smsNumber = reg.smsNumber;
  coap::writePeer(info.address, reg.peer);
  info.rootPath = reg.rootPath;
  info.registeredAt = reg.registeredAt;
  info.lastUpdateAt = reg.lastUpdateAt;
  // The deadline is kept on the steady clock; show it on the wall clock.
  info.expiresAt = clock.wallNow() + std::chrono::duration_cast<std::chrono::system_clock::duration>(
                                         reg.expiresAt - clock.now());
}

}  // namespace

void fillDeviceInfo(api::DeviceInfo& info, const server::Registration& reg, const coap::Scheduler& clock) {
  fillFacts(info, reg, clock);
  fillObjectLinks(info.objectLinks, reg.objectLinks);
}

void refillDeviceInfo(api::DeviceInfo& info, server::ObjectLinks& linksFilled, const server::Registration& reg,
                      const coap::Scheduler& clock) {
  fillFacts(info, reg, clock);
  if (reg.objectLinks == linksFilled) return;
  fillObjectLinks(info.objectLinks, reg.objectLinks);
  linksFilled = reg.objectLinks;
}

std::vector<api::DeviceInfo> DeviceRegistry::devices() const {
  std::vector<api::DeviceInfo> out;
  out.reserve(store_.size());
  store_.forEach([&](const server::Registration& reg) { out.push_back(toDeviceInfo(reg, clock_)); });
  return out;
}

std::optional<api::DeviceInfo> DeviceRegistry::find(std::string_view endpoint) const {
  const server::Registration* reg = store_.findByEndpoint(endpoint);
  if (!reg) return std::nullopt;
  return toDeviceInfo(*reg, clock_);
}

bool DeviceRegistry::fill(std::string_view endpoint, api::DeviceInfo& into) const {
  const server::Registration* reg = store_.findByEndpoint(endpoint);
  if (!reg) return false;
  fillDeviceInfo(into, *reg, clock_);
  return true;
}

}  // namespace lwm2m::gateway
