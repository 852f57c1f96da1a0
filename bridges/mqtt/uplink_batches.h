#pragma once
// UplinkBatches: gathers the messages of uplink rules with `batch`
// (mapping/rule_set.h, Batch) into fewer MQTT messages.
//
// Contract:
// - add() publishes a message without batching (OutboundMessage::batching)
//   at once, after the open batch of its topic if there is one. Any other joins the open batch of its topic, opened by the first
//   message for that topic (a message with another QoS or content type for
//   the same topic first publishes the open batch).
// - A batch is published as one message: a JSON array of the gathered
//   payloads in the order they came, or, with `joinArrays` (SenML), one array
//   of all their elements. It goes out when it holds `maxMessages` messages,
//   when adding the next payload would pass kMaxBatchBytes, or `maxDelay`
//   after its first message, whichever comes first. Its QoS, content type and
//   limits are its first message's.
// - Order: within a topic, messages keep their order; a batch may be
//   overtaken by messages of other topics (it waits, they do not).
// - flush() publishes every open batch now (before the rules change and
//   before the MQTT link stops); the destructor drops what is still open.
//   What a batch gathers is in memory until it is published: a crash loses at
//   most `maxDelay` of a rule's messages (QoS 1 messages are durable from
//   their publication on, in the outbox).
// - A SenML payload that is not an array is published on its own.
//
// Threading contract: I/O thread only (the scheduler's).

#include <cstddef>
#include <functional>
#include <string>
#include <unordered_map>

#include "lwm2m/coap/scheduler.h"
#include "mapping/outbound_message.h"

namespace lwm2m::bridges::mqtt {

class UplinkBatches {
 public:
  using Publish = std::function<void(mapping::OutboundMessage)>;

  // `scheduler` must outlive this object.
  UplinkBatches(coap::Scheduler& scheduler, Publish publish);
  ~UplinkBatches();
  UplinkBatches(const UplinkBatches&) = delete;
  UplinkBatches& operator=(const UplinkBatches&) = delete;

  void add(mapping::OutboundMessage message);
  void flush();
  std::size_t open() const { return open_.size(); }  // batches gathering now

 private:
  struct Open {
    mapping::OutboundMessage message;  // its payload: "[" and the elements so far
    std::size_t count = 0;             // messages gathered
    coap::Scheduler::TimerId timer = 0;
  };
  using Batches = std::unordered_map<std::string, Open>;

  void close(Batches::iterator it);  // publishes the batch and forgets it

  coap::Scheduler& scheduler_;
  Publish publish_;
  Batches open_;  // by topic
};

}  // namespace lwm2m::bridges::mqtt
