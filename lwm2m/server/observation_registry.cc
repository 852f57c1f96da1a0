#include "lwm2m/server/observation_registry.h"

#include <algorithm>
#include <utility>

#include "lwm2m/coap/observe.h"
#include "lwm2m/server/response_parser.h"

namespace lwm2m::server {

std::vector<model::Path> Observation::paths() const {
  if (request.operation == operations::Operation::ObserveComposite) return request.paths;
  return {request.path};
}

std::string_view observationEndName(ObservationEnd why) {
  switch (why) {
    case ObservationEnd::Replaced: return "replaced";
    case ObservationEnd::Cancelled: return "cancelled";
    case ObservationEnd::EndedByDevice: return "ended by the device";
    case ObservationEnd::RegistrationEnded: return "registration ended";
  }
  return "unknown";
}

ObservationRegistry::ObservationRegistry(coap::Endpoint& endpoint, coap::Scheduler& scheduler,
                                         RegistrationInterface& registrations,
                                         const model::ModelSource& models)
    : endpoint_(endpoint),
      scheduler_(scheduler),
      registrations_(registrations),
      models_(models),
      self_(std::make_shared<ObservationRegistry*>(this)) {}

ObservationRegistry::~ObservationRegistry() = default;

void ObservationRegistry::addListener(NotificationListener* listener) { listeners_.push_back(listener); }

void ObservationRegistry::addObservationListener(ObservationListener* listener) {
  observationListeners_.push_back(listener);
}

void ObservationRegistry::removed(const Observation& observation, ObservationEnd why) {
  for (auto* l : observationListeners_) l->onObservationRemoved(observation, why);
}

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
    erase(oldToken, ObservationEnd::Replaced);
    if (oldToken != observation.token) endpoint_.cancelRequest(exchange);
  }
  observation.lastSequence = sequence;
  observation.lastAt = scheduler_.now();
  Token token = observation.token;
  byPaths_[std::move(key)] = token;
  const Observation& added = byToken_[std::move(token)] = std::move(observation);
  for (auto* l : observationListeners_) l->onObservationAdded(added);
}

bool ObservationRegistry::restore(Observation observation) {
  const Registration* reg = registrations_.registrations().findByEndpoint(observation.endpoint);
  if (!reg) return false;
  if (!observation.registrationId.empty() && observation.registrationId != reg->id) return false;
  observation.registrationId = reg->id;
  observation.client = ClientProfile::of(*reg);
  const Token token = observation.token;
  std::weak_ptr<ObservationRegistry*> alive = self_;
  observation.exchange = endpoint_.adoptObservation(reg->peer, token, [alive, token](const coap::ResponseResult& r) {
    if (auto self = alive.lock()) (*self)->onNotification(token, r);
  });
  Key key = keyOf(observation.endpoint, observation.paths());
  if (auto old = byPaths_.find(key); old != byPaths_.end()) {
    const Token oldToken = old->second;
    const auto exchange = byToken_.at(oldToken).exchange;
    erase(oldToken, ObservationEnd::Replaced);
    endpoint_.cancelRequest(exchange);
  }
  byPaths_[std::move(key)] = token;
  byToken_[token] = std::move(observation);
  return true;
}

void ObservationRegistry::onNotification(const Token& token, const coap::ResponseResult& result) {
  auto found = byToken_.find(token);
  if (found == byToken_.end()) return;  // forgotten: the endpoint answers the next one RST
  Observation& obs = found->second;
  if (result.status != coap::RequestStatus::Ok) {
    const std::string endpoint = obs.endpoint;
    const auto paths = obs.paths();
    erase(token, ObservationEnd::EndedByDevice);
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
  event.composite = obs.request.operation == operations::Operation::ObserveComposite;
  event.sequence = sequence;
  const double wallSeconds =
      std::chrono::duration<double>(scheduler_.wallNow().time_since_epoch()).count();
  event.values = parseNotification(obs.request, message, obs.client, *models_.current(), wallSeconds);
  if (ended) erase(token, ObservationEnd::EndedByDevice);
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
  removed(obs, ObservationEnd::Cancelled);
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

void ObservationRegistry::erase(const Token& token, ObservationEnd why) {
  auto found = byToken_.find(token);
  if (found == byToken_.end()) return;
  Observation obs = std::move(found->second);
  byPaths_.erase(keyOf(obs.endpoint, obs.paths()));
  byToken_.erase(found);
  removed(obs, why);
}

void ObservationRegistry::forgetAll(const std::string& endpoint) {
  std::vector<Observation> gone;
  for (auto it = byPaths_.lower_bound(Key{endpoint, {}});
       it != byPaths_.end() && it->first.endpoint == endpoint;) {
    auto found = byToken_.find(it->second);
    gone.push_back(std::move(found->second));
    byToken_.erase(found);
    it = byPaths_.erase(it);
  }
  for (const Observation& obs : gone) endpoint_.cancelRequest(obs.exchange);
  for (const Observation& obs : gone) removed(obs, ObservationEnd::RegistrationEnded);
}

}  // namespace lwm2m::server
