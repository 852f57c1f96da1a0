#pragma once
// Ways a simulated device misbehaves on purpose, as real devices in the field
// do, so that the gateway's handling of them can be tested:
//  - a request it acknowledges (empty ACK) and never answers (--never-answer),
//    or answers only much later (--answer-after);
//  - a queue-mode device that goes to sleep sooner than the server assumes
//    (--awake-for): while asleep its radio is off, every datagram to it is
//    lost, until its next Update wakes it.

#include <chrono>
#include <string>
#include <string_view>
#include <vector>

#include "lwm2m/coap/message.h"

namespace lwm2m::sim {

// The LwM2M operation a server's CoAP request carries: "read", "discover",
// "observe", "cancel-observe", "write", "write-attributes", "execute",
// "create", "delete", "read-composite", "observe-composite",
// "cancel-observe-composite", "write-composite".
std::string operationOf(const coap::Message& request);

struct Misbehaviour {
  // Operation names (as operationOf) or paths ("/3/0/9"): matching requests
  // get an empty ACK and never a response.
  std::vector<std::string> neverAnswer;
  // > 0: those requests are answered after all, this long after they came.
  std::chrono::milliseconds answerAfter{0};
  // Queue mode: asleep this long after each message the device sends; 0: never.
  std::chrono::milliseconds awakeFor{0};

  bool ignores(const coap::Message& request) const;
};

}  // namespace lwm2m::sim
