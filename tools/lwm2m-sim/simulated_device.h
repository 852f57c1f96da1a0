#pragma once
// One simulated LwM2M client: its own UDP socket and CoAP endpoint, a
// registration life cycle (Register, periodic Update, De-register), the
// objects of DeviceObjects answered through DmInterface, Observe
// notifications driven by the written attributes, and optional periodic
// Send reports (POST /dp).
//
// Runs entirely on the io_context thread of the simulator; thousands of these
// share one thread. Timers run only while there is something to do (an
// observer, a Send period).

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <boost/asio/io_context.hpp>

#include "lwm2m/coap/endpoint.h"
#include "lwm2m/coap/scheduler.h"
#include "tools/lwm2m-sim/device_objects.h"
#include "tools/lwm2m-sim/dm_interface.h"
#include "tools/lwm2m-sim/event_log.h"
#include "tools/lwm2m-sim/misbehaviour.h"
#include "tools/lwm2m-sim/notifying_transport.h"
#include "tools/lwm2m-sim/observers.h"

namespace lwm2m::sim {

// What a device does first after its address changed (--rebind-with).
enum class RebindUplink { Update, Notify, Send };

struct DeviceSettings {
  std::string endpoint;
  std::uint32_t lifetime = 300;
  std::string version = "1.1";  // empty: send no lwm2m= at all (old clients)
  std::string binding = "U";
  bool queueMode = false;       // Q parameter (1.1+) or b=UQ (1.0)
  std::vector<std::string> objectLinks{"/1/0", "/3/0", "/5/0", "/3303/0", "/3311/0", "/3311/1"};
  std::chrono::seconds updateInterval{0};  // 0: lifetime / 2
  std::chrono::milliseconds sendInterval{0};  // 0: no Send reports
  // Once registered, after this long, move to a new UDP port (a NAT rebinding)
  // and speak first with `rebindWith`: an Update, the next notification, or a
  // Send report. 0: never.
  std::chrono::milliseconds rebindAfter{0};
  RebindUplink rebindWith = RebindUplink::Update;
  coap::TransmissionParameters transmission;
  // Speak CoAP over DTLS with these credentials (PSK or certificate); the
  // outcome of each handshake is printed (dtls-established, dtls-failed ...).
  std::optional<coap::DtlsSettings> dtls;
  Misbehaviour misbehaviour;
  // The id of the vendor object (tools/lwm2m-sim/vendor_object.h) the device
  // implements, announced with the instances objectLinks gives (else /ID/0).
  std::optional<model::ObjectId> vendorObject;
};

class SimulatedDevice {
 public:
  SimulatedDevice(boost::asio::io_context& io, coap::Scheduler& scheduler,
                  const coap::Peer& server, const coap::Peer& bindTo, DeviceSettings settings,
                  EventLog& log, std::function<std::uint32_t()> random);
  ~SimulatedDevice();

  void start();
  // Sends De-register (if registered) and calls `done` when answered or timed out.
  void stop(bool deregister, std::function<void()> done);

  bool registered() const { return !location_.empty(); }
  const std::string& endpointName() const { return settings_.endpoint; }

 private:
  void sendRegister();
  // `then` runs after a successful Update.
  void sendUpdate(std::function<void()> then = {});
  void scheduleRebind();
  void rebind();
  void scheduleUpdate();
  // Registers again after `after` (kRegisterRetry, or the Max-Age of a 5.03).
  void scheduleRetry(std::chrono::seconds after);
  static constexpr std::chrono::seconds kRegisterRetry{5};
  // Before each Register and Update: radio on for misbehaviour.awakeFor.
  void wakeUp();
  void handleRequest(const coap::Peer& from, const coap::Message& request,
                     const coap::Endpoint::Responder& respond);
  void pullPackage(model::InstanceId instance, const std::string& uri);
  void armNotifications();
  void notifyDue();
  void scheduleSend();
  void sendReport(bool afterRefusal = false);
  std::string objectLinksPayload() const;
  std::optional<coap::DtlsSettings> dtlsSettings();
  std::int64_t unixNow() const;

  coap::Scheduler& scheduler_;
  coap::Peer server_;
  DeviceSettings settings_;
  EventLog& log_;
  DeviceObjects objects_;
  Observers observers_;
  DmInterface dm_;
  NotifyingTransport transport_;
  coap::Endpoint endpoint_;
  std::string location_;  // "rd/{id}" once registered
  coap::Scheduler::TimerId timer_ = 0;
  coap::Scheduler::TimerId notifyTimer_ = 0;
  coap::Scheduler::TimerId sendTimer_ = 0;
  coap::Scheduler::TimerId firmwareTimer_ = 0;
  coap::Scheduler::TimerId rebindTimer_ = 0;
  coap::Scheduler::TimerId sleepTimer_ = 0;
  std::vector<coap::Scheduler::TimerId> lateAnswers_;  // --answer-after
  bool asleep_ = false;
  bool rebound_ = false;
  bool stopping_ = false;
};

}  // namespace lwm2m::sim
