#include "lwm2m/server/observation_registry.h"

#include <algorithm>
#include <utility>

#include "lwm2m/coap/observe.h"
#include "lwm2m/server/response_parser.h"

namespace lwm2m::server {

std::vector<model::Path> Observation::paths() const {
  if (request.operation == Operation::ObserveComposite) return request.paths;
  return {request.path};
}

ObservationRegistry::ObservationRegistry(coap::Endpoint& endpoint, coap::Scheduler& scheduler,
                                         RegistrationInterface& registrations,
                                         const model::ObjectModel& model)
    : endpoint_(endpoint),
      scheduler_(scheduler),
      registrations_(registrations),
      model_(model),
      self_(std::make_shared<ObservationRegistry*>(this)) {}

ObservationRegistry::~ObservationRegistry() = default;

void ObservationRegistry::addListener(NotificationListener* listener) { listeners_.push_back(listener); }

ObservationRegistry::Key ObservationRegistry::keyOf(std::string_view endpoint, std::vector<model::Path> paths) {
  std::sort(paths.begin(), paths.end());
  paths.erase(std::unique(paths.begin(), paths.end()), paths.end());
  return Key{std::string(endpoint), std::move(paths)};
}

void ObservationRegistry::add(Observation observation, std::uint32_t sequence) {
  Key key = keyOf(observation.endpoint, observation.paths());
  if (auto old = byPaths_.find(key); old != byPaths_.end()) {
    // A new observation of the same paths replaces the old one (passive cancel).
    const Token oldToken = old->second;
    const auto exchange = byToken_.at(oldToken).exchange;
    erase(oldToken);
    if (oldToken != observation.token) endpoint_.cancelRequest(exchange);
  }
  observation.lastSequence = sequence;
  observation.lastAt = scheduler_.now();
  Token token = observation.token;
  byPaths_[std::move(key)] = token;
  byToken_[std::move(token)] = std::move(observation);
}

void ObservationRegistry::restore(Observation observation) {
  const Registration* reg = registrations_.registrations().findByEndpoint(observation.endpoint);
  if (!reg) return;
  observation.registrationId = reg->id;
  const Token token = observation.token;
  std::weak_ptr<ObservationRegistry*> alive = self_;
  observation.exchange = endpoint_.adoptObservation(reg->peer, token, [alive, token](const coap::ResponseResult& r) {
    if (auto self = alive.lock()) (*self)->onNotification(token, r);
  });
  Key key = keyOf(observation.endpoint, observation.paths());
  if (auto old = byPaths_.find(key); old != byPaths_.end()) {
    const auto exchange = byToken_.at(old->second).exchange;
    erase(old->second);
    endpoint_.cancelRequest(exchange);
  }
  byPaths_[std::move(key)] = token;
  byToken_[token] = std::move(observation);
}

void ObservationRegistry::onNotification(const Token& token, const coap::ResponseResult& result) {
  auto found = byToken_.find(token);
  if (found == byToken_.end()) return;  // forgotten: the endpoint answers the next one RST
  Observation& obs = found->second;
  if (result.status != coap::RequestStatus::Ok) {
    const std::string endpoint = obs.endpoint;
    const auto paths = obs.paths();
    erase(token);
    for (auto* l : listeners_) {
      l->onObservationEnded(endpoint, paths, std::string(coap::requestStatusName(result.status)));
    }
    return;
  }
  const coap::Message& message = result.response;
  const auto now = scheduler_.now();
  const std::uint32_t sequence = message.observe().value_or(0);
  if (message.observe() && obs.lastSequence &&
      !coap::isNewerNotification(*obs.lastSequence, obs.lastAt, sequence, now)) {
    return;  // reordered: older than what listeners already have
  }
  if (const Registration* reg = registrations_.registrations().findById(obs.registrationId);
      reg && reg->peer != result.from) {
    registrations_.rebind(reg->id, result.from);
  }
  obs.lastSequence = sequence;
  obs.lastAt = now;

  const bool ended = !message.code.isSuccess() || !message.observe();
  NotificationEvent event;
  event.endpoint = obs.endpoint;
  event.registrationId = obs.registrationId;
  event.paths = obs.paths();
  event.composite = obs.request.operation == Operation::ObserveComposite;
  event.sequence = sequence;
  const double wallSeconds =
      std::chrono::duration<double>(scheduler_.wallNow().time_since_epoch()).count();
  event.values = parseNotification(obs.request, message, obs.client, model_, wallSeconds);
  if (ended) erase(token);
  if (message.code.isSuccess()) {
    for (auto* l : listeners_) l->onNotification(event);
  }
  if (ended) {
    const std::string reason = message.code.isSuccess()
                                   ? "the device ended the observation"
                                   : message.code.toString() + " " + std::string(coap::codeName(message.code));
    for (auto* l : listeners_) l->onObservationEnded(event.endpoint, event.paths, reason);
  }
}

bool ObservationRegistry::forget(std::string_view endpoint, const std::vector<model::Path>& paths) {
  auto taken = take(endpoint, paths);
  if (!taken) return false;
  endpoint_.cancelRequest(taken->exchange);
  return true;
}

std::optional<Observation> ObservationRegistry::take(std::string_view endpoint,
                                                     const std::vector<model::Path>& paths) {
  auto found = byPaths_.find(keyOf(endpoint, paths));
  if (found == byPaths_.end()) return std::nullopt;
  auto observation = byToken_.find(found->second);
  Observation obs = std::move(observation->second);
  byToken_.erase(observation);
  byPaths_.erase(found);
  return obs;
}

const Observation* ObservationRegistry::find(std::string_view endpoint,
                                             const std::vector<model::Path>& paths) const {
  auto found = byPaths_.find(keyOf(endpoint, paths));
  return found == byPaths_.end() ? nullptr : &byToken_.at(found->second);
}

std::size_t ObservationRegistry::count(std::string_view endpoint) const {
  std::size_t n = 0;
  for (auto it = byPaths_.lower_bound(Key{std::string(endpoint), {}});
       it != byPaths_.end() && it->first.endpoint == endpoint; ++it) {
    ++n;
  }
  return n;
}

void ObservationRegistry::onRegistered(const Registration&, const Registration* replaced) {
  if (replaced) forgetAll(replaced->endpoint);
}

void ObservationRegistry::erase(const Token& token) {
  auto found = byToken_.find(token);
  if (found == byToken_.end()) return;
  byPaths_.erase(keyOf(found->second.endpoint, found->second.paths()));
  byToken_.erase(found);
}

void ObservationRegistry::forgetAll(const std::string& endpoint) {
  std::vector<coap::Endpoint::RequestId> exchanges;
  for (auto it = byPaths_.lower_bound(Key{endpoint, {}});
       it != byPaths_.end() && it->first.endpoint == endpoint;) {
    exchanges.push_back(byToken_.at(it->second).exchange);
    byToken_.erase(it->second);
    it = byPaths_.erase(it);
  }
  for (auto exchange : exchanges) endpoint_.cancelRequest(exchange);
}

}  // namespace lwm2m::server
