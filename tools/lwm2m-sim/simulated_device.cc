#include "tools/lwm2m-sim/simulated_device.h"

#include <charconv>

namespace lwm2m::sim {
namespace {

constexpr std::uint16_t kTextPlain = 0;
constexpr std::uint16_t kLinkFormat = 40;

// "3" / "0" / "5700" → int, or -1 when not a plain number.
int pathId(const std::string& s) {
  int v = -1;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  return (ec == std::errc() && end == s.data() + s.size()) ? v : -1;
}

coap::Message reply(coap::Code code) {
  coap::Message m;
  m.code = code;
  return m;
}

}  // namespace

SimulatedDevice::SimulatedDevice(boost::asio::io_context& io, coap::Scheduler& scheduler,
                                 const coap::Peer& server, const coap::Peer& bindTo,
                                 DeviceSettings settings, EventLog& log,
                                 std::function<std::uint32_t()> random)
    : scheduler_(scheduler),
      server_(server),
      settings_(std::move(settings)),
      log_(log),
      objects_(settings_.endpoint, random()),
      transport_(io, bindTo),
      endpoint_(transport_, scheduler, settings_.transmission, std::move(random)) {
  endpoint_.setRequestHandler(
      [this](const coap::Peer& from, const coap::Message& request, coap::Endpoint::Responder respond) {
        handleRequest(from, request, respond);
      });
}

SimulatedDevice::~SimulatedDevice() {
  if (timer_) scheduler_.cancel(timer_);
  transport_.close();
}

void SimulatedDevice::start() {
  endpoint_.start();
  sendRegister();
}

std::string SimulatedDevice::objectLinksPayload() const {
  std::string out;
  if (settings_.version != "1.0" && !settings_.version.empty()) {
    out = "</>;rt=\"oma.lwm2m\";ct=110";
  }
  for (const std::string& link : settings_.objectLinks) {
    if (!out.empty()) out += ",";
    out += "<" + link + ">";
  }
  return out;
}

void SimulatedDevice::sendRegister() {
  coap::Message request;
  request.type = coap::MessageType::Confirmable;
  request.code = coap::codes::Post;
  request.setUriPath("rd");
  request.addUriQuery("ep=" + settings_.endpoint);
  request.addUriQuery("lt=" + std::to_string(settings_.lifetime));
  if (!settings_.version.empty()) request.addUriQuery("lwm2m=" + settings_.version);
  const bool legacyQueue = settings_.queueMode && (settings_.version == "1.0" || settings_.version.empty());
  request.addUriQuery("b=" + settings_.binding + (legacyQueue ? "Q" : ""));
  if (settings_.queueMode && !legacyQueue) request.addUriQuery("Q");
  request.setContentFormat(kLinkFormat);
  const std::string payload = objectLinksPayload();
  request.payload.assign(payload.begin(), payload.end());

  endpoint_.sendRequest(server_, std::move(request), [this](const coap::ResponseResult& r) {
    if (stopping_) return;
    if (r.status != coap::RequestStatus::Ok) {
      log_.lifecycle("register-failed", settings_.endpoint,
                     r.status == coap::RequestStatus::Timeout ? "timeout" : "reset");
      scheduleRetry();
      return;
    }
    if (r.response.code != coap::codes::Created) {
      log_.lifecycle("register-failed", settings_.endpoint,
                     r.response.code.toString() + " " + r.response.payloadString());
      scheduleRetry();
      return;
    }
    location_.clear();
    for (const std::string& segment : r.response.locationPath()) {
      if (!location_.empty()) location_ += "/";
      location_ += segment;
    }
    log_.lifecycle("registered", settings_.endpoint, location_);
    scheduleUpdate();
  });
}

void SimulatedDevice::scheduleRetry() {
  timer_ = scheduler_.schedule(std::chrono::seconds(5), [this] {
    timer_ = 0;
    sendRegister();
  });
}

void SimulatedDevice::scheduleUpdate() {
  auto interval = settings_.updateInterval.count() > 0
                      ? settings_.updateInterval
                      : std::chrono::seconds(std::max<std::uint32_t>(1, settings_.lifetime / 2));
  timer_ = scheduler_.schedule(interval, [this] {
    timer_ = 0;
    sendUpdate();
  });
}

void SimulatedDevice::sendUpdate() {
  coap::Message request;
  request.code = coap::codes::Post;
  request.setUriPath(location_);
  endpoint_.sendRequest(server_, std::move(request), [this](const coap::ResponseResult& r) {
    if (stopping_) return;
    if (r.status == coap::RequestStatus::Ok && r.response.code == coap::codes::Changed) {
      log_.activity("updated", settings_.endpoint, location_);
      scheduleUpdate();
      return;
    }
    // The server forgot us (4.04) or did not answer: register again, as a real client would.
    log_.lifecycle("update-failed", settings_.endpoint,
                   r.status == coap::RequestStatus::Ok ? r.response.code.toString() : "timeout");
    location_.clear();
    sendRegister();
  });
}

void SimulatedDevice::stop(bool deregister, std::function<void()> done) {
  stopping_ = true;
  if (timer_) {
    scheduler_.cancel(timer_);
    timer_ = 0;
  }
  if (!deregister || location_.empty()) {
    done();
    return;
  }
  coap::Message request;
  request.code = coap::codes::Delete;
  request.setUriPath(location_);
  endpoint_.sendRequest(server_, std::move(request),
                        [this, done = std::move(done)](const coap::ResponseResult& r) {
                          const bool ok = r.status == coap::RequestStatus::Ok &&
                                          r.response.code == coap::codes::Deleted;
                          log_.lifecycle(ok ? "deregistered" : "deregister-failed", settings_.endpoint,
                                         location_);
                          location_.clear();
                          done();
                        });
}

void SimulatedDevice::handleRequest(const coap::Peer&, const coap::Message& request,
                                    const coap::Endpoint::Responder& respond) {
  const auto path = request.uriPath();
  if (request.code != coap::codes::Get) {
    respond(reply(coap::codes::MethodNotAllowed));
    return;
  }
  if (path.size() == 3) {
    const int object = pathId(path[0]), instance = pathId(path[1]), resource = pathId(path[2]);
    auto value = objects_.read(object, instance, resource, unixNow());
    if (!value) {
      respond(reply(coap::codes::NotFound));
      return;
    }
    if (auto accept = request.accept(); accept && *accept != kTextPlain) {
      respond(reply(coap::codes::NotAcceptable));
      return;
    }
    coap::Message content = reply(coap::codes::Content);
    content.setContentFormat(kTextPlain);
    content.payload.assign(value->text.begin(), value->text.end());
    log_.activity("read", settings_.endpoint, "/" + path[0] + "/" + path[1] + "/" + path[2]);
    respond(std::move(content));
    return;
  }
  respond(reply(coap::codes::NotFound));
}

std::int64_t SimulatedDevice::unixNow() const {
  return std::chrono::duration_cast<std::chrono::seconds>(scheduler_.wallNow().time_since_epoch())
      .count();
}

}  // namespace lwm2m::sim
