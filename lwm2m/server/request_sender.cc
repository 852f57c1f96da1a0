#include "lwm2m/server/request_sender.h"

#include <cstdio>
#include <utility>

#include "lwm2m/server/request_builder.h"
#include "lwm2m/server/response_parser.h"
#include "lwm2m/spare_buckets.h"

namespace lwm2m::server {

struct RequestSender::Pending {
  std::string endpoint;
  std::string registrationId;
  operations::DeviceRequest request;
  ClientProfile client;
  std::shared_ptr<const model::ObjectModel> models;  // the model snapshot it was built with
  Token token;
  Callback callback;
  coap::Endpoint::RequestId exchange = 0;
  coap::Scheduler::TimerId timer = 0;
};

namespace {

bool isObserve(operations::Operation op) { return op == operations::Operation::Observe || op == operations::Operation::ObserveComposite; }
bool isCancel(operations::Operation op) {
  return op == operations::Operation::CancelObserve || op == operations::Operation::CancelObserveComposite;
}

std::vector<model::Path> observedPaths(const operations::DeviceRequest& r) {
  if (r.operation == operations::Operation::ObserveComposite || r.operation == operations::Operation::CancelObserveComposite) {
    return r.paths;
  }
  return {r.path};
}

}  // namespace

RequestSender::RequestSender(coap::Endpoint& endpoint, coap::Scheduler& scheduler,
                             RegistrationInterface& registrations, ObservationRegistry& observations,
                             const model::ModelSource& models, std::function<std::uint32_t()> random)
    : endpoint_(endpoint),
      scheduler_(scheduler),
      registrations_(registrations),
      observations_(observations),
      models_(models),
      random_(std::move(random)),
      self_(std::make_shared<RequestSender*>(this)) {}

RequestSender::~RequestSender() {
  for (auto& [id, p] : pending_) {
    scheduler_.cancel(p->timer);
  }
  auto pending = std::move(pending_);
  pending_.clear();
  self_.reset();
  for (auto& [id, p] : pending) endpoint_.cancelRequest(p->exchange);
  auto late = std::move(late_);
  late_.clear();
  for (auto& [id, l] : late) endpoint_.cancelRequest(l.exchange);
}

Token RequestSender::newToken() {
  Token token(8);
  const std::uint32_t a = random_(), b = random_();
  for (int i = 0; i < 4; ++i) {
    token[static_cast<size_t>(i)] = static_cast<std::uint8_t>(a >> (8 * i));
    token[static_cast<size_t>(i + 4)] = static_cast<std::uint8_t>(b >> (8 * i));
  }
  return token;
}

void RequestSender::later(Callback onResponse, operations::DeviceResponse response) {
  std::weak_ptr<RequestSender*> alive = self_;
  scheduler_.schedule(std::chrono::steady_clock::duration::zero(),
                      [alive, cb = std::move(onResponse), r = std::move(response)]() mutable {
                        if (alive.lock() && cb) cb(std::move(r));
                      });
}

void RequestSender::send(std::string_view endpoint, operations::DeviceRequest request, Callback onResponse) {
  const Registration* reg = registrations_.registrations().findByEndpoint(endpoint);
  if (!reg) {
    later(std::move(onResponse),
          operations::DeviceResponse::failure(operations::Outcome::NotRegistered, "no registration for '" + std::string(endpoint) + "'"));
    return;
  }
  auto p = std::make_unique<Pending>();
  p->endpoint = reg->endpoint;
  p->registrationId = reg->id;
  p->client = ClientProfile::of(*reg);
  p->callback = std::move(onResponse);

  if (isCancel(request.operation)) {
    // Active cancel: forget the token here first, so the cancelling request
    // (which reuses it) is the only exchange the endpoint matches it to.
    auto observation = observations_.take(reg->endpoint, observedPaths(request));
    if (!observation) {
      later(std::move(p->callback),
            operations::DeviceResponse::failure(operations::Outcome::BadRequest, "no observation of these paths on '" + reg->endpoint + "'"));
      return;
    }
    endpoint_.cancelRequest(observation->exchange);
    p->token = observation->token;
  } else if (isObserve(request.operation)) {
    p->token = newToken();
  }

  p->models = models_.current();
  auto message = buildRequest(request, p->client, *p->models, p->token);
  if (!message) {
    later(std::move(p->callback), operations::DeviceResponse::failure(operations::Outcome::BadRequest, message.error().message));
    return;
  }
  const std::uint64_t id = nextId_++;
  std::weak_ptr<RequestSender*> alive = self_;
  std::optional<coap::RequestBody> body;
  if (request.package) {
    auto opened = packageBody(id, *request.package);
    if (!opened) {
      later(std::move(p->callback), operations::DeviceResponse::failure(operations::Outcome::BadRequest, opened.error().message));
      return;
    }
    body = std::move(*opened);
  }
  p->request = std::move(request);
  Pending& stored = *pending_.emplace(id, std::move(p)).first->second;
  armTimeout(id);
  const Token token = stored.token;
  const bool keep = isObserve(stored.request.operation);
  auto onResult = [this, alive, id, token, keep](const coap::ResponseResult& result) {
    if (!alive.lock()) return;
    if (pending_.count(id)) {
      onAnswer(id, result);
    } else if (keep) {
      observations_.onNotification(token, result);
    } else if (auto late = late_.find(id); late != late_.end()) {
      Late l = std::move(late->second);
      late_.erase(late);
      releaseSpareBuckets(late_);
      if (result.status == coap::RequestStatus::Ok && onLate_) {
        onLate_(l.endpoint, l.request, result.response.code.toString());
      }
    }
  };
  if (body) {
    stored.exchange = endpoint_.sendRequest(reg->peer, std::move(message.value()), std::move(*body), std::move(onResult));
  } else {
    stored.exchange = endpoint_.sendRequest(reg->peer, std::move(message.value()), std::move(onResult), keep);
  }
}

// (Re)starts the request's timeout: from the send, and again from each
// acknowledged block of a package write.
void RequestSender::armTimeout(std::uint64_t id) {
  Pending& p = *pending_.at(id);
  scheduler_.cancel(p.timer);
  std::weak_ptr<RequestSender*> alive = self_;
  p.timer = scheduler_.schedule(p.request.timeout.value_or(defaultTimeout_), [this, alive, id] {
    if (alive.lock()) timedOut(id);
  });
}

Result<coap::RequestBody> RequestSender::packageBody(std::uint64_t id, const operations::PackageReference& package) {
  if (!packages_) return fail("this gateway keeps no firmware packages");
  if (!package.stored()) return fail("the package from " + package.source + " is not stored yet");
  auto reader = packages_->open(package.sha256);
  if (!reader) return reader.error();
  if ((*reader)->size() != package.size) {
    return fail("package " + package.sha256 + " holds " + std::to_string((*reader)->size()) + " bytes, not " +
                std::to_string(package.size));
  }
  std::shared_ptr<operations::PackageReader> shared = std::move(*reader);
  std::weak_ptr<RequestSender*> alive = self_;
  coap::RequestBody body;
  body.size = shared->size();
  body.read = [shared](std::uint64_t offset, std::span<std::uint8_t> out) { return shared->read(offset, out); };
  body.progress = [this, alive, id, size = body.size](std::uint64_t acknowledged) {
    if (!alive.lock()) return;
    auto found = pending_.find(id);
    if (found == pending_.end()) return;
    armTimeout(id);
    if (transfers_) transfers_(found->second->endpoint, found->second->request, acknowledged, size);
  };
  return body;
}

void RequestSender::timedOut(std::uint64_t id) {
  auto found = pending_.find(id);
  if (found == pending_.end()) return;
  Pending& p = *found->second;
  p.timer = 0;
  const auto exchange = p.exchange;
  const bool acknowledged = endpoint_.acknowledged(exchange);
  const auto seconds = std::chrono::duration<double>(p.request.timeout.value_or(defaultTimeout_)).count();
  char limit[32];
  std::snprintf(limit, sizeof limit, "%g s", seconds);
  auto response = operations::DeviceResponse::failure(
      operations::Outcome::Timeout,
      acknowledged ? std::string("the device acknowledged the request but sent no answer within ") + limit
                   : std::string("no answer within ") + limit + " (not even an acknowledgement)");
  response.acknowledged = acknowledged;
  if (acknowledged && !isObserve(p.request.operation)) {
    // Its answer may still come: recognise it (and ignore it) until the CoAP
    // exchange ends by itself.
    late_.emplace(id, Late{p.endpoint, p.registrationId, p.request, exchange});
    complete(id, std::move(response));
    return;
  }
  complete(id, std::move(response));
  endpoint_.cancelRequest(exchange);
}

void RequestSender::registrationEnded(const Registration& reg, std::string_view why) {
  std::vector<std::uint64_t> ended;
  for (const auto& [id, p] : pending_) {
    if (p->registrationId == reg.id) ended.push_back(id);
  }
  for (std::uint64_t id : ended) {
    auto found = pending_.find(id);
    std::unique_ptr<Pending> p = std::move(found->second);
    pending_.erase(found);
    scheduler_.cancel(p->timer);
    endpoint_.cancelRequest(p->exchange);  // its handler finds nothing pending
    later(std::move(p->callback),
          operations::DeviceResponse::failure(operations::Outcome::NotRegistered,
                                              "the device " + std::string(why) + " while the request was in flight"));
  }
  if (!ended.empty()) releaseSpareBuckets(pending_);
  std::vector<coap::Endpoint::RequestId> exchanges;
  for (auto it = late_.begin(); it != late_.end();) {
    if (it->second.registrationId == reg.id) {
      exchanges.push_back(it->second.exchange);
      it = late_.erase(it);
    } else {
      ++it;
    }
  }
  if (!exchanges.empty()) releaseSpareBuckets(late_);
  for (auto exchange : exchanges) endpoint_.cancelRequest(exchange);
}

void RequestSender::onAnswer(std::uint64_t id, const coap::ResponseResult& result) {
  Pending& p = *pending_.at(id);
  switch (result.status) {
    case coap::RequestStatus::Ok: break;
    case coap::RequestStatus::Reset:
      complete(id, operations::DeviceResponse::failure(operations::Outcome::Reset, "the device answered RST"));
      return;
    case coap::RequestStatus::Cancelled:
      complete(id, operations::DeviceResponse::failure(operations::Outcome::Timeout, "cancelled"));
      return;
    case coap::RequestStatus::Overloaded:
      complete(id, operations::DeviceResponse::failure(operations::Outcome::Timeout, "too many requests in flight to this device"));
      return;
    case coap::RequestStatus::Timeout:
      complete(id, operations::DeviceResponse::failure(operations::Outcome::Timeout, "the device did not acknowledge"));
      return;
    case coap::RequestStatus::BodyUnavailable:
      complete(id, operations::DeviceResponse::failure(operations::Outcome::BadRequest,
                                                       "the package could not be read from the gateway's store"));
      return;
  }
  if (const Registration* reg = registrations_.registrations().findById(p.registrationId);
      reg && reg->peer != result.from) {
    registrations_.rebind(reg->id, result.from);
  }
  const double now = std::chrono::duration<double>(scheduler_.wallNow().time_since_epoch()).count();
  operations::DeviceResponse response = parseResponse(p.request, result.response, p.client, *p.models, now);
  if (isObserve(p.request.operation) && result.response.code.isSuccess() && result.response.observe()) {
    Observation obs;
    obs.endpoint = p.endpoint;
    obs.registrationId = p.registrationId;
    obs.request = p.request;
    obs.token = p.token;
    obs.exchange = p.exchange;
    obs.client = p.client;
    observations_.add(std::move(obs), *result.response.observe());
  }
  complete(id, std::move(response));
}

void RequestSender::complete(std::uint64_t id, operations::DeviceResponse response) {
  auto found = pending_.find(id);
  if (found == pending_.end()) return;
  std::unique_ptr<Pending> p = std::move(found->second);
  pending_.erase(found);
  releaseSpareBuckets(pending_);
  scheduler_.cancel(p->timer);
  if (p->callback) p->callback(std::move(response));
}

}  // namespace lwm2m::server
