#pragma once
// The server side of the LwM2M Send operation (TS Core §6.4.6, Transport
// §6.4.7): a registered device POSTs timestamped values to /dp in SenML JSON,
// SenML CBOR or (LwM2M 1.2) LwM2M CBOR.
//
// Contract (I/O thread only):
// - handle() is given every request whose first Uri-Path segment is "dp".
// - A Send from a registered device is answered 2.04 and then, after the
//   answer is handed to the endpoint, delivered to listeners as a SendEvent.
// - From an address no registration has: 4.03 Forbidden. Another method than
//   POST: 4.05. A format the device may not use: 4.15. An undecodable body:
//   4.00 with the decoder's message as diagnostic payload. No event then.
// - Over plain UDP the address is the only proof of who sends: a Send from a
//   device whose address changed (NAT) is refused 4.03 until its Update (or a
//   notification or response) tells the server where it is now.

#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "lwm2m/coap/endpoint.h"
#include "lwm2m/coap/scheduler.h"
#include "lwm2m/formats/content_format.h"
#include "lwm2m/model/node.h"
#include "lwm2m/model/model_source.h"
#include "lwm2m/server/registration_interface.h"

namespace lwm2m::server {

struct SendEvent {
  std::string endpoint;
  std::string registrationId;
  formats::ContentFormat format = formats::kSenmlCbor;
  std::vector<model::TimestampedNodes> values;  // sorted by time, untimed first
};

class SendListener {
 public:
  virtual ~SendListener() = default;
  virtual void onSend(const SendEvent& event) = 0;
};

class SendHandler : public RegistrationListener {
 public:
  // Add this handler as a listener of `registrations` so it knows devices' addresses.
  SendHandler(coap::Scheduler& scheduler, const RegistrationInterface& registrations,
              const model::ModelSource& models);

  void addListener(SendListener* listener);  // must outlive this object
  void handle(const coap::Peer& from, const coap::Message& request,
              const coap::Endpoint::Responder& respond);

  void onRegistered(const Registration& reg, const Registration* replaced) override;
  void onUpdated(const Registration& reg, const RegistrationChanges& changes) override {
    if (changes.peer) index(reg);  // else indexed already, where it is
  }
  void onDeregistered(const Registration& reg) override { unindex(reg); }
  void onExpired(const Registration& reg) override { unindex(reg); }
  void onRebound(const Registration& reg) override { index(reg); }
  // Addresses in the index now, those devices moved away from included (for tests).
  std::size_t indexedAddresses() const { return idByPeer_.size(); }

 private:
  const Registration* registrationAt(const coap::Peer& from) const;
  void index(const Registration& reg);
  void unindex(const Registration& reg);
  void dropMovedAway();
  static constexpr std::size_t kSlackEntries = 64;

  coap::Scheduler& scheduler_;
  const RegistrationInterface& registrations_;
  const model::ModelSource& models_;
  // Where each registration's device is (registration id by address); may
  // also hold addresses devices moved away from (index()).
  std::unordered_map<coap::Peer, std::string, coap::PeerHash, coap::PeerEqual> idByPeer_;
  std::vector<SendListener*> listeners_;
};

}  // namespace lwm2m::server
