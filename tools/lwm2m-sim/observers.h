#pragma once
// The device side of Observe (RFC 7641 §4, LwM2M Information Reporting):
// who observes which paths, the notification attributes the server wrote
// (pmin, pmax, st, gt, lt; inherited from the instance and object level),
// and when a notification is due.
//
// A notification is due once pmin has passed since the last one and either
// the value changed (by at least st for a numeric resource, or crossed gt/lt)
// or pmax has passed.

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "lwm2m/coap/transport.h"
#include "lwm2m/model/path.h"

namespace lwm2m::sim {

struct Attributes {
  std::optional<std::uint32_t> pmin, pmax;
  std::optional<double> st, gt, lt;
};

struct Observer {
  coap::Peer peer;
  coap::Token token;
  std::vector<model::Path> paths;
  bool composite = false;
  std::uint16_t format = 0;
  std::uint32_t sequence = 0;
  std::chrono::steady_clock::time_point lastSentAt{};
  std::vector<std::uint8_t> lastBody;
  std::optional<double> lastNumber;  // single numeric resource: for st/gt/lt
};

class Observers {
 public:
  // Applies "pmin=10", "st=0.5", "pmax" (clears) ...; false on a malformed query.
  bool writeAttributes(const model::Path& path, const std::vector<std::string>& queries);
  Attributes attributesOf(const model::Path& path) const;       // with inheritance
  const Attributes* ownAttributes(const model::Path& path) const;  // as written at `path`

  // Adds or replaces (same peer and token, or same peer and paths) an observer.
  Observer& add(Observer observer);
  bool removeByToken(const coap::Peer& peer, const coap::Token& token);
  void removePeer(const coap::Peer& peer);
  std::vector<Observer>& all() { return observers_; }
  bool empty() const { return observers_.empty(); }

  // Whether `observer` should be notified now with `body` (`number` is the
  // value when the observation is of one numeric resource).
  bool due(const Observer& observer, const std::vector<std::uint8_t>& body, std::optional<double> number,
           std::chrono::steady_clock::time_point now) const;

 private:
  std::map<model::Path, Attributes> attributes_;
  std::vector<Observer> observers_;
};

}  // namespace lwm2m::sim
