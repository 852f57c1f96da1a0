#pragma once
// The LwM2M bootstrap server role (LwM2M 1.1 Transport §6.1, Core §6.1.7):
// a device sends Bootstrap-Request (POST /bs?ep=NAME[&pct=FORMAT]); the
// server answers 2.04 and then runs one bootstrap session for that endpoint:
//   [Bootstrap-Discover GET /]              if the configuration asks for it
//   [Bootstrap-Read GET /1]                 if the configuration asks for it
//                                           (LwM2M 1.1; listeners hear what the
//                                           device has; a refusal, e.g. by a
//                                           1.0 device, does not fail the session)
//   Bootstrap-Delete DELETE /0, DELETE /1   if deleteExisting (the device keeps
//                                           its bootstrap account, §6.1.7.5)
//   Bootstrap-Write PUT /0/x, /1/x, /2/x    TLV, one per configured instance
//   the credentials sink is called          (generated PSK credentials are
//                                           stored before the device may use them)
//   Bootstrap-Finish POST /bs
//
// Contract:
// - Runs on the I/O thread; handle() is given every request whose first
//   Uri-Path segment is "bs". Requests go out one at a time, each through the
//   endpoint's retransmission.
// - Idempotent retries: a Bootstrap-Request for an endpoint whose session is
//   running restarts the sequence with the same provisioned values (including
//   generated credentials), so the device ends with one consistent account.
//   A request after a finished session starts a new one (new credentials).
// - A session that has not finished within sessionTimeout fails.
// - Listeners hear onStarted() after the 2.04 was handed to the endpoint, then
//   exactly one of onFinished()/onFailed() per started session (a restart by
//   retry is not a new start). A request refused outright (no ep, no
//   configuration) is answered with an error code and reported by onFailed()
//   without onStarted().
// - With an authorizer, a Bootstrap-Request it refuses (e.g. a DTLS identity
//   that belongs to another endpoint) is answered 4.03 and reported by
//   onFailed() with the refusal as the reason; the device is not told why.
// - Generated keys never appear in a reason, a log line or an event.

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "lwm2m/coap/endpoint.h"
#include "lwm2m/coap/scheduler.h"
#include "lwm2m/model/object_model.h"
#include "lwm2m/result.h"
#include "lwm2m/server/bootstrap_config.h"
#include "lwm2m/server/registration_authorizer.h"

namespace lwm2m::server {

class BootstrapListener {
 public:
  virtual ~BootstrapListener() = default;
  virtual void onBootstrapStarted(std::string_view endpoint, const coap::Peer& peer) = 0;
  // The device acknowledged Bootstrap-Finish.
  virtual void onBootstrapFinished(std::string_view endpoint, const coap::Peer& peer) = 0;
  // `reason` names the failed step and the cause, e.g.
  // "Bootstrap-Write /0/1: device answered 4.00".
  virtual void onBootstrapFailed(std::string_view endpoint, const coap::Peer& peer,
                                 std::string_view reason) = 0;
  // Bootstrap-Read: the device's Server (/1) accounts as it reported them,
  // e.g. "1/0: short server id 1, lifetime 300 s, binding U", or why it
  // could not be read ("device answered 4.05").
  virtual void onBootstrapRead(std::string_view /*endpoint*/, std::string_view /*what*/,
                               const std::vector<std::string>& /*accounts*/) {}
};

struct BootstrapSettings {
  std::chrono::seconds sessionTimeout{60};
  std::size_t maxSessions = 1000;  // running sessions; more Bootstrap-Requests get 5.03
};

// PSK credentials the bootstrap hands to a device, to be stored so that the
// device can register with them.
struct ProvisionedPsk {
  std::string endpoint;
  std::string identity;
  model::Bytes key;
};

class BootstrapServer {
 public:
  using ConfigLookup = std::function<const BootstrapConfig*(std::string_view endpoint)>;
  // Stores generated credentials; an error fails the session before Finish.
  using CredentialsSink = std::function<Result<void>(const ProvisionedPsk&)>;
  // `n` cryptographically strong random bytes; fewer when none can be had
  // (the Bootstrap-Request is then answered 5.00 and reported failed).
  using RandomBytes = std::function<model::Bytes(std::size_t n)>;

  // `endpoint` sends the bootstrap requests; `model` types the TLV encoding.
  // All references must outlive this object.
  BootstrapServer(coap::Endpoint& endpoint, coap::Scheduler& scheduler,
                  const model::ObjectModel& model, BootstrapSettings settings,
                  ConfigLookup configs, CredentialsSink credentials, RandomBytes random);
  ~BootstrapServer();
  BootstrapServer(const BootstrapServer&) = delete;
  BootstrapServer& operator=(const BootstrapServer&) = delete;

  // Listeners are called in the order added; they must outlive this object.
  void addListener(BootstrapListener* listener);
  // Asked before a Bootstrap-Request is served (nullptr: everyone may); it
  // must outlive this object.
  void setAuthorizer(const RegistrationAuthorizer* authorizer) { authorizer_ = authorizer; }

  void handle(const coap::Peer& from, const coap::Message& request,
              const coap::Endpoint::Responder& respond);

  std::size_t runningSessions() const { return sessions_.size(); }

 private:
  struct Session;
  struct Step;
  void start(Session& session);
  void sendStep(const std::string& endpoint);
  void onStepAnswered(const std::string& endpoint, std::uint64_t generation,
                      const coap::ResponseResult& result);
  void finish(const std::string& endpoint);
  void failSession(const std::string& endpoint, const std::string& reason);
  Result<std::vector<Step>> plan(const Session& session) const;
  Result<std::vector<std::string>> serverAccounts(const coap::Message& response) const;
  Result<BootstrapConfig> withCredentials(const BootstrapConfig& config, std::string_view endpoint);

  coap::Endpoint& endpoint_;
  coap::Scheduler& scheduler_;
  const model::ObjectModel& model_;
  BootstrapSettings settings_;
  ConfigLookup configs_;
  CredentialsSink credentials_;
  RandomBytes random_;
  std::map<std::string, std::unique_ptr<Session>, std::less<>> sessions_;
  std::vector<BootstrapListener*> listeners_;
  const RegistrationAuthorizer* authorizer_ = nullptr;
  std::uint64_t generations_ = 0;
};

}  // namespace lwm2m::server
