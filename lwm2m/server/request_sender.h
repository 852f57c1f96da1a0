#pragma once
// Sends DeviceRequests to registered devices through the CoAP endpoint and
// hands back exactly one DeviceResponse per request.
//
// Contract (I/O thread only):
// - The callback is called once, never from inside send(): with the device's
//   answer, or Timeout when request.timeout (else the default timeout) passes
//   first (a dead device never hangs a caller; DeviceResponse::acknowledged
//   tells whether the device had acknowledged it), Reset on RST, NotRegistered
//   for an unknown endpoint, BadRequest when the request cannot be expressed
//   for that client.
// - An answer that comes after the timeout (the device had acknowledged the
//   request) is ignored and reported to the late-answer listener only.
// - Requests to different devices are independent: one slow device delays
//   nobody else. Several requests to one device may be in flight at once.
// - Observe / Observe-Composite: a successful answer with an Observe option
//   registers the observation in the ObservationRegistry, which then gets
//   every notification. Cancel-Observe sends GET/FETCH with Observe=1 and the
//   observation's token (active cancel) after forgetting it locally.
// - An answer from a new address rebinds the registration's peer.
// - Destroying the sender drops pending callbacks (they are never called).
// - A package write (DeviceRequest::package) reads the package from the
//   PackageStore block by block as the device acknowledges them (Block1);
//   the request's timeout then counts from the last acknowledged block, not
//   from the start, so a long transfer that keeps moving never times out.
//   A package that is not stored (or no store is set) fails with BadRequest.
// - As a RegistrationListener (add it to the RegistrationInterface): the
//   requests still in flight to a registration that ends (De-register or
//   expiry) end at once with NotRegistered, their CoAP exchanges cancelled,
//   instead of waiting for their timeout: nothing is kept for a device that
//   left. A new registration of the same endpoint (restart) leaves them be.

#include <cstdint>
#include <functional>
#include <memory>
#include <string_view>
#include <unordered_map>

#include "lwm2m/coap/endpoint.h"
#include "lwm2m/coap/scheduler.h"
#include "lwm2m/model/model_source.h"
#include "lwm2m/operations/device_request.h"
#include "lwm2m/operations/device_response.h"
#include "lwm2m/server/observation_registry.h"
#include "lwm2m/server/registration_interface.h"

namespace lwm2m::server {

class RequestSender : public RegistrationListener {
 public:
  using Callback = std::function<void(operations::DeviceResponse)>;
  // An answer (its CoAP code, "2.05") that came after its request timed out.
  using LateAnswerListener =
      std::function<void(const std::string& endpoint, const operations::DeviceRequest&, const std::string& code)>;

  // `random` makes observation tokens. Every reference must outlive the sender.
  // A request is built and its answer decoded with the model in force when
  // it was sent (see model::ModelSource).
  RequestSender(coap::Endpoint& endpoint, coap::Scheduler& scheduler,
                RegistrationInterface& registrations, ObservationRegistry& observations,
                const model::ModelSource& models, std::function<std::uint32_t()> random);
  ~RequestSender() override;
  RequestSender(const RequestSender&) = delete;
  RequestSender& operator=(const RequestSender&) = delete;

  void send(std::string_view endpoint, operations::DeviceRequest request, Callback onResponse);

  // For requests without their own timeout (default kDefaultRequestTimeout).
  void setDefaultTimeout(std::chrono::milliseconds timeout) { defaultTimeout_ = timeout; }
  void setLateAnswerListener(LateAnswerListener listener) { onLate_ = std::move(listener); }
  // Where package writes read their bytes; must outlive the sender.
  void setPackageStore(const operations::PackageStore* store) { packages_ = store; }
  // Told after each block of a package write the device acknowledged:
  // (endpoint, request, bytes acknowledged, package size).
  using TransferListener = std::function<void(const std::string& endpoint, const operations::DeviceRequest& request,
                                              std::uint64_t acknowledged, std::uint64_t size)>;
  void setTransferListener(TransferListener listener) { transfers_ = std::move(listener); }

  // Requests sent and not yet answered or timed out.
  std::size_t pending() const { return pending_.size(); }

  void onRegistered(const Registration&, const Registration*) override {}
  void onUpdated(const Registration&, const RegistrationChanges&) override {}
  void onDeregistered(const Registration& reg) override { registrationEnded(reg, "de-registered"); }
  void onExpired(const Registration& reg) override { registrationEnded(reg, "registration expired"); }

 private:
  struct Pending;
  // A request that timed out after the device acknowledged it: its exchange
  // stays open (bounded by the CoAP response timeout) to recognise a late answer.
  struct Late {
    std::string endpoint;
    std::string registrationId;
    operations::DeviceRequest request;
    coap::Endpoint::RequestId exchange = 0;
  };
  void registrationEnded(const Registration& reg, std::string_view why);
  void timedOut(std::uint64_t id);
  void complete(std::uint64_t id, operations::DeviceResponse response);
  void onAnswer(std::uint64_t id, const coap::ResponseResult& result);
  void later(Callback onResponse, operations::DeviceResponse response);
  void armTimeout(std::uint64_t id);
  Result<coap::RequestBody> packageBody(std::uint64_t id, const operations::PackageReference& package);
  Token newToken();

  coap::Endpoint& endpoint_;
  coap::Scheduler& scheduler_;
  RegistrationInterface& registrations_;
  ObservationRegistry& observations_;
  const model::ModelSource& models_;
  std::function<std::uint32_t()> random_;
  const operations::PackageStore* packages_ = nullptr;
  TransferListener transfers_;
  std::unordered_map<std::uint64_t, std::unique_ptr<Pending>> pending_;
  std::unordered_map<std::uint64_t, Late> late_;
  std::chrono::milliseconds defaultTimeout_ = operations::kDefaultRequestTimeout;
  LateAnswerListener onLate_;
  std::uint64_t nextId_ = 1;
  std::shared_ptr<RequestSender*> self_;  // handlers hold a weak_ptr: no call after destruction
};

}  // namespace lwm2m::server
