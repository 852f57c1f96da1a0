#include "tools/lwm2m-sim/simulated_device.h"

#include "lwm2m/formats/content_format.h"
#include "lwm2m/formats/format_registry.h"
#include "tools/lwm2m-sim/crc32.h"
#include "tools/lwm2m-sim/package_download.h"

namespace lwm2m::sim {
namespace {

constexpr std::uint16_t kLinkFormat = 40;
constexpr std::size_t kLargestPackage = 64 * 1024 * 1024;  // pushed (Block1) or pulled (Block2)
constexpr std::int64_t kDownloading = 1, kDownloaded = 2, kIdle = 0;

}  // namespace

SimulatedDevice::SimulatedDevice(boost::asio::io_context& io, coap::Scheduler& scheduler,
                                 const coap::Peer& server, const coap::Peer& bindTo,
                                 DeviceSettings settings, EventLog& log,
                                 std::function<std::uint32_t()> random)
    : scheduler_(scheduler),
      server_(server),
      settings_(std::move(settings)),
      log_(log),
      objects_(settings_.endpoint, random(), settings_.objectLinks, settings_.vendorObject),
      dm_(objects_, observers_, settings_.version, settings_.endpoint, log_),
      transport_(io, scheduler, bindTo, static_cast<std::uint16_t>(random()), dtlsSettings()),
      endpoint_(transport_, scheduler, settings_.transmission, std::move(random)) {
  endpoint_.setRequestHandler(
      [this](const coap::Peer& from, const coap::Message& request, coap::Endpoint::Responder respond) {
        handleRequest(from, request, respond);
      });
  transport_.onReset([this](const coap::Peer& from, const coap::Token& token) {
    // The server forgot the observation (passive cancel, or a server that
    // lost it): printed even with --quiet, since it ends a stream of values.
    if (observers_.removeByToken(from, token)) {
      log_.lifecycle("observe-reset", settings_.endpoint, "notification reset by the server");
    }
  });
  endpoint_.setMaxBodySize(kLargestPackage);
  dm_.onPackageUri = [this](model::InstanceId instance, const std::string& uri) { pullPackage(instance, uri); };
  dm_.onFirmwareUpdate = [this] {
    if (firmwareTimer_) return;
    firmwareTimer_ = scheduler_.schedule(std::chrono::seconds(1), [this] {
      firmwareTimer_ = 0;
      objects_.finishUpdate();
      log_.activity("firmware-updated", settings_.endpoint, "1.0.1");
    });
  };
}

// Pull mode: State Downloading, then Downloaded with the package's CRC
// printed, or Idle with the Update Result of the failure. An empty URI
// cancels (State Idle).
void SimulatedDevice::pullPackage(model::InstanceId instance, const std::string& uri) {
  if (uri.empty()) {
    objects_.setFirmwareState(instance, kIdle, 0);
    return;
  }
  objects_.setFirmwareState(instance, kDownloading, 0);
  log_.activity("firmware-download", settings_.endpoint, uri);
  downloadPackage(endpoint_, uri, [this, instance](DownloadResult result) {
    if (!result.ok) {
      objects_.setFirmwareState(instance, kIdle, result.updateResult);
      log_.lifecycle("firmware-download-failed", settings_.endpoint, result.error);
      return;
    }
    objects_.setFirmwareState(instance, kDownloaded, 0);
    log_.lifecycle("firmware-received", settings_.endpoint, packageSummary(result.package));
  });
}

SimulatedDevice::~SimulatedDevice() {
  for (auto timer : {timer_, notifyTimer_, sendTimer_, firmwareTimer_, rebindTimer_, sleepTimer_}) {
    if (timer) scheduler_.cancel(timer);
  }
  for (auto timer : lateAnswers_) scheduler_.cancel(timer);
  transport_.close();
}

std::optional<coap::DtlsSettings> SimulatedDevice::dtlsSettings() {
  if (!settings_.dtls) return std::nullopt;
  coap::DtlsSettings s = *settings_.dtls;
  s.onEvent = [this](const coap::DtlsEvent& e) {
    switch (e.kind) {
      case coap::DtlsEvent::Kind::Established:
        log_.activity("dtls-established", settings_.endpoint);
        break;
      case coap::DtlsEvent::Kind::Resumed:
        log_.activity("dtls-resumed", settings_.endpoint);
        break;
      case coap::DtlsEvent::Kind::Failed:
        log_.lifecycle("dtls-failed", settings_.endpoint, e.reason);
        break;
      case coap::DtlsEvent::Kind::Closed:
      case coap::DtlsEvent::Kind::Expired:
        log_.activity("dtls-closed", settings_.endpoint, e.reason);
        break;
    }
  };
  return s;
}

void SimulatedDevice::start() {
  endpoint_.start();
  sendRegister();
}

std::string SimulatedDevice::objectLinksPayload() const {
  std::string out;
  if (settings_.version != "1.0" && !settings_.version.empty()) {
    // 1.2 devices prefer LwM2M CBOR; 1.1 devices SenML JSON.
    out = settings_.version == "1.2" ? "</>;rt=\"oma.lwm2m\";ct=\"11544 110\"" : "</>;rt=\"oma.lwm2m\";ct=110";
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

  wakeUp();
  endpoint_.sendRequest(server_, std::move(request), [this](const coap::ResponseResult& r) {
    if (stopping_) return;
    if (r.status != coap::RequestStatus::Ok) {
      log_.lifecycle("register-failed", settings_.endpoint,
                     r.status == coap::RequestStatus::Timeout ? "timeout" : "reset");
      scheduleRetry(kRegisterRetry);
      return;
    }
    if (r.response.code != coap::codes::Created) {
      // A 5.03 with Max-Age is the server shedding load: come back when it says (RFC 7252 §5.9.3.4).
      const std::uint32_t maxAge = r.response.code == coap::codes::ServiceUnavailable
                                       ? r.response.uintOption(coap::option::MaxAge).value_or(0)
                                       : 0;
      log_.lifecycle("register-failed", settings_.endpoint,
                     r.response.code.toString() + " " + r.response.payloadString() +
                         (maxAge > 0 ? " Max-Age " + std::to_string(maxAge) : std::string()));
      scheduleRetry(maxAge > 0 ? std::chrono::seconds(maxAge) : kRegisterRetry);
      return;
    }
    location_.clear();
    for (const std::string& segment : r.response.locationPath()) {
      if (!location_.empty()) location_ += "/";
      location_ += segment;
    }
    log_.lifecycle("registered", settings_.endpoint, location_);
    observers_.all().clear();  // a new registration starts without observations
    scheduleUpdate();
    scheduleSend();
    scheduleRebind();
  });
}

void SimulatedDevice::scheduleRebind() {
  if (settings_.rebindAfter.count() <= 0 || rebound_ || rebindTimer_) return;
  rebindTimer_ = scheduler_.schedule(settings_.rebindAfter, [this] {
    rebindTimer_ = 0;
    rebind();
  });
}

// "rebound sim-0001 127.0.0.1:40001 127.0.0.1:40517" (old, new), then the
// first uplink from the new port.
void SimulatedDevice::rebind() {
  rebound_ = true;
  const coap::Peer old = transport_.localEndpoint();
  coap::Peer now;
  try {
    now = transport_.rebind();
  } catch (const std::exception& e) {
    log_.lifecycle("rebind-failed", settings_.endpoint, e.what());
    return;
  }
  log_.lifecycle("rebound", settings_.endpoint, coap::toString(old) + " " + coap::toString(now));
  switch (settings_.rebindWith) {
    case RebindUplink::Update:
      if (timer_) scheduler_.cancel(timer_);
      timer_ = 0;
      sendUpdate();
      break;
    case RebindUplink::Send:
      sendReport();
      break;
    case RebindUplink::Notify:
      break;  // the next notification goes out from the new port
  }
}

void SimulatedDevice::scheduleRetry(std::chrono::seconds after) {
  timer_ = scheduler_.schedule(after, [this] {
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

void SimulatedDevice::sendUpdate(std::function<void()> then) {
  coap::Message request;
  request.code = coap::codes::Post;
  request.setUriPath(location_);
  wakeUp();
  endpoint_.sendRequest(server_, std::move(request), [this, then = std::move(then)](const coap::ResponseResult& r) {
    if (stopping_) return;
    if (r.status == coap::RequestStatus::Ok && r.response.code == coap::codes::Changed) {
      log_.activity("updated", settings_.endpoint, location_);
      scheduleUpdate();
      if (then) then();
      return;
    }
    // The server forgot us (4.04) or did not answer: register again, as a real client would.
    log_.lifecycle("update-failed", settings_.endpoint,
                   r.status == coap::RequestStatus::Ok ? r.response.code.toString() : "timeout");
    location_.clear();
    sendRegister();
  });
}

// "awake EP" / "asleep EP" (--awake-for): printed even with --quiet, since a
// test of a sleeping device follows them.
void SimulatedDevice::wakeUp() {
  if (settings_.misbehaviour.awakeFor.count() <= 0) return;
  if (sleepTimer_) scheduler_.cancel(sleepTimer_);
  if (asleep_) {
    asleep_ = false;
    transport_.setRadioOff(false);
    log_.lifecycle("awake", settings_.endpoint);
  }
  sleepTimer_ = scheduler_.schedule(settings_.misbehaviour.awakeFor, [this] {
    sleepTimer_ = 0;
    asleep_ = true;
    transport_.setRadioOff(true);
    log_.lifecycle("asleep", settings_.endpoint);
  });
}

void SimulatedDevice::stop(bool deregister, std::function<void()> done) {
  stopping_ = true;
  for (auto* timer : {&timer_, &notifyTimer_, &sendTimer_, &firmwareTimer_, &rebindTimer_, &sleepTimer_}) {
    if (*timer) scheduler_.cancel(*timer);
    *timer = 0;
  }
  transport_.setRadioOff(false);  // awake to hear the answer to De-register
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

void SimulatedDevice::handleRequest(const coap::Peer& from, const coap::Message& request,
                                    const coap::Endpoint::Responder& respond) {
  if (settings_.misbehaviour.ignores(request)) {
    // The endpoint acknowledges it (empty ACK); no response ever follows.
    std::string path;
    for (const std::string& segment : request.uriPath()) path += "/" + segment;
    const std::string what = operationOf(request) + " " + (path.empty() ? "/" : path);
    const auto delay = settings_.misbehaviour.answerAfter;
    if (delay.count() <= 0) {
      log_.lifecycle("never-answered", settings_.endpoint, what);
      return;
    }
    log_.lifecycle("answering-late", settings_.endpoint, what);
    lateAnswers_.push_back(scheduler_.schedule(delay, [this, from, request, respond, what] {
      objects_.tick(unixNow());
      respond(dm_.handle(from, request, scheduler_.now()));
      log_.lifecycle("answered-late", settings_.endpoint, what);
    }));
    return;
  }
  objects_.tick(unixNow());
  respond(dm_.handle(from, request, scheduler_.now()));
  armNotifications();
}

void SimulatedDevice::armNotifications() {
  if (notifyTimer_ || observers_.empty() || stopping_) return;
  notifyTimer_ = scheduler_.schedule(std::chrono::seconds(1), [this] {
    notifyTimer_ = 0;
    notifyDue();
    armNotifications();
  });
}

void SimulatedDevice::notifyDue() {
  objects_.tick(unixNow());
  const auto now = scheduler_.now();
  for (Observer& o : observers_.all()) {
    auto snap = dm_.snapshot(o);
    if (!snap) continue;
    if (!observers_.due(o, snap->body, snap->number, now)) continue;
    o.sequence = (o.sequence + 1) & 0xffffffu;
    o.lastSentAt = now;
    o.lastBody = snap->body;
    o.lastNumber = snap->number;
    coap::Message n;
    n.code = coap::codes::Content;
    n.token = o.token;
    n.setObserve(o.sequence);
    n.setContentFormat(o.format);
    n.payload = std::move(snap->body);
    transport_.sendNotification(o.peer, std::move(n));
    log_.activity("notify", settings_.endpoint, o.paths.front().toString() + " " + std::to_string(o.sequence));
  }
}

void SimulatedDevice::scheduleSend() {
  if (settings_.sendInterval.count() <= 0 || sendTimer_) return;
  sendTimer_ = scheduler_.schedule(settings_.sendInterval, [this] {
    sendTimer_ = 0;
    sendReport();
    scheduleSend();
  });
}

void SimulatedDevice::sendReport(bool afterRefusal) {
  if (location_.empty()) return;
  objects_.tick(unixNow());
  model::NodesByPath nodes;
  std::vector<model::Path> reported{model::Path(3303, 0, 5700), model::Path(3, 0, 9)};
  if (settings_.vendorObject) reported.emplace_back(*settings_.vendorObject, 0, 1);  // its counter
  for (const model::Path& path : reported) {
    if (auto node = objects_.read(path)) nodes.emplace(path, *node);
  }
  if (nodes.empty()) return;
  // LwM2M CBOR (1.2) carries no times; SenML CBOR stamps the values.
  const bool lwm2mCbor = settings_.version == "1.2";
  const auto format = lwm2mCbor ? formats::kLwm2mCbor : formats::kSenmlCbor;
  const formats::FormatRegistry& registry = formats::FormatRegistry::standard();
  auto body = lwm2mCbor ? registry.encodeNodes(format, nodes, objects_.model())
                        : registry.timestampedEncoder(format)->encodeTimestamped(
                              {{static_cast<double>(unixNow()), std::move(nodes)}}, objects_.model());
  if (!body) return;
  coap::Message request;
  request.code = coap::codes::Post;
  request.setUriPath("dp");
  request.setContentFormat(format);
  request.payload = std::move(body.value());
  endpoint_.sendRequest(server_, std::move(request), [this, afterRefusal](const coap::ResponseResult& r) {
    if (stopping_) return;
    log_.activity("sent", settings_.endpoint,
                  r.status == coap::RequestStatus::Ok ? r.response.code.toString()
                                                      : std::string(coap::requestStatusName(r.status)));
    // 4.03: the server does not know this address (it changed). Tell it with
    // an Update, then send the report again, once.
    if (r.status == coap::RequestStatus::Ok && r.response.code == coap::codes::Forbidden && !afterRefusal &&
        !location_.empty()) {
      log_.lifecycle("send-refused", settings_.endpoint, r.response.code.toString() + " " + r.response.payloadString());
      if (timer_) scheduler_.cancel(timer_);
      timer_ = 0;
      sendUpdate([this] { sendReport(true); });
    }
  });
}

std::int64_t SimulatedDevice::unixNow() const {
  return std::chrono::duration_cast<std::chrono::seconds>(scheduler_.wallNow().time_since_epoch())
      .count();
}

}  // namespace lwm2m::sim
