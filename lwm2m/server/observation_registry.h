#pragma once
// The observations the server holds, per registration: token ↔ observed
// paths, the client's formats, the last Observe sequence. Notifications
// arriving with a token are decoded into a NotificationEvent for listeners.
//
// Contract (I/O thread only):
// - add() replaces any observation of the same endpoint and paths; the old
//   token is forgotten (its next notification is answered RST).
// - A notification older than the last accepted one (RFC 7641 §3.4) is dropped.
// - A notification from a new address rebinds the registration's peer.
// - A re-registration, de-registration or expiry ends every observation of
//   that device, silently (passive cancel: the endpoint answers RST).
// - An error notification or a Reset/Timeout of a CON notification's
//   exchange ends the observation; listeners hear onObservationEnded().
// - Every change to the set of observations held (added, replaced, cancelled,
//   ended by the device or with its registration) is told to the
//   ObservationListeners, after the registry has changed; restore() is not
//   (what it puts back came from such a listener). Sequence numbers of later
//   notifications are not reported: they change with every packet.

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "lwm2m/coap/endpoint.h"
#include "lwm2m/coap/scheduler.h"
#include "lwm2m/model/model_source.h"
#include "lwm2m/operations/device_request.h"
#include "lwm2m/operations/device_response.h"
#include "lwm2m/server/registration_interface.h"
#include "lwm2m/server/request_builder.h"

namespace lwm2m::server {

using Token = coap::Token;

struct NotificationEvent {
  std::string endpoint;
  std::string registrationId;
  std::vector<model::Path> paths;  // the observed path(s)
  bool composite = false;
  std::uint32_t sequence = 0;      // the Observe option value
  // Decoded body: node (single path) or nodes (composite), timestamped values,
  // content format. values.outcome is InvalidResponse when undecodable.
  operations::DeviceResponse values;
};

class NotificationListener {
 public:
  virtual ~NotificationListener() = default;
  virtual void onNotification(const NotificationEvent& event) = 0;
  // The device ended the observation (error code, RST) or it could not go on.
  virtual void onObservationEnded(const std::string& endpoint, const std::vector<model::Path>& paths,
                                  const std::string& reason) = 0;
};

struct Observation {
  std::string endpoint;
  std::string registrationId;
  operations::DeviceRequest request;  // Observe or ObserveComposite
  Token token;
  coap::Endpoint::RequestId exchange = 0;
  ClientProfile client;
  std::optional<std::uint32_t> lastSequence;
  std::chrono::steady_clock::time_point lastAt{};

  std::vector<model::Path> paths() const;
};

// Why an observation left the registry.
enum class ObservationEnd : std::uint8_t {
  Replaced,           // a new observation of the same endpoint and paths took its place
  Cancelled,          // the server cancelled it: forget() (passive) or take() (active)
  EndedByDevice,      // error code, RST, timeout, or a final notification without Observe
  RegistrationEnded,  // the device re-registered, de-registered or expired
};
std::string_view observationEndName(ObservationEnd why);  // "replaced", "cancelled", ...

// Hears the observations the registry holds come and go, e.g. to keep them
// across restarts. Called on the I/O thread; must not block or call back
// into the registry.
class ObservationListener {
 public:
  virtual ~ObservationListener() = default;
  // The device accepted `observation` (add()). If it replaces an earlier one
  // of the same paths, onObservationRemoved(earlier, Replaced) came first.
  virtual void onObservationAdded(const Observation& observation) = 0;
  virtual void onObservationRemoved(const Observation& observation, ObservationEnd why) = 0;
};

class ObservationRegistry : public RegistrationListener {
 public:
  // Every reference must outlive the registry.
  ObservationRegistry(coap::Endpoint& endpoint, coap::Scheduler& scheduler,
                      RegistrationInterface& registrations, const model::ModelSource& models);
  ~ObservationRegistry() override;
  ObservationRegistry(const ObservationRegistry&) = delete;
  ObservationRegistry& operator=(const ObservationRegistry&) = delete;

  // Listeners must outlive this object.
  void addListener(NotificationListener* listener);
  void addObservationListener(ObservationListener* listener);

  // Records an observation the device accepted (its first response carried
  // Observe = `sequence`).
  void add(Observation observation, std::uint32_t sequence);
  // Puts back an observation kept across a restart: its token is adopted by
  // the endpoint so notifications keep flowing. No request is sent, and no
  // ObservationListener hears of it (only of an observation of the same
  // paths it replaces, as Replaced). The registration of the endpoint must
  // exist and, when observation.registrationId is set, be that one; false
  // (nothing changed) otherwise. The client profile is taken from it.
  bool restore(Observation observation);
  // Handles a later answer on an observation's exchange (a notification, or
  // the end of the exchange).
  void onNotification(const Token& token, const coap::ResponseResult& result);

  // Passive cancel: forgets the observation of these paths; true if one existed.
  bool forget(std::string_view endpoint, const std::vector<model::Path>& paths);
  // Removes and returns the observation of these paths (for an active cancel).
  std::optional<Observation> take(std::string_view endpoint, const std::vector<model::Path>& paths);
  const Observation* find(std::string_view endpoint, const std::vector<model::Path>& paths) const;
  std::size_t count(std::string_view endpoint) const;
  std::size_t size() const { return byToken_.size(); }

  // RegistrationListener: a device that re-registered, left or expired has no observations.
  void onRegistered(const Registration& reg, const Registration* replaced) override;
  void onUpdated(const Registration&, const RegistrationChanges&) override {}
  void onDeregistered(const Registration& reg) override { forgetAll(reg.endpoint); }
  void onExpired(const Registration& reg) override { forgetAll(reg.endpoint); }

 private:
  struct Key {
    std::string endpoint;
    std::vector<model::Path> paths;
    friend auto operator<=>(const Key&, const Key&) = default;
  };
  static Key keyOf(std::string_view endpoint, std::vector<model::Path> paths);
  // Removes the observation of `token` and tells the ObservationListeners.
  void erase(const Token& token, ObservationEnd why);
  void forgetAll(const std::string& endpoint);
  void removed(const Observation& observation, ObservationEnd why);

  coap::Endpoint& endpoint_;
  coap::Scheduler& scheduler_;
  RegistrationInterface& registrations_;
  const model::ModelSource& models_;  // notifications decode with the model in force
  std::map<Token, Observation> byToken_;
  std::map<Key, Token> byPaths_;
  std::vector<NotificationListener*> listeners_;
  std::vector<ObservationListener*> observationListeners_;
  std::shared_ptr<ObservationRegistry*> self_;  // restored exchanges' handlers hold a weak_ptr
};

}  // namespace lwm2m::server
