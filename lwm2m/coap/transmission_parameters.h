#pragma once
// CoAP transmission parameters (RFC 7252 §4.8) and the times derived from them
// (§4.8.2). Defaults give EXCHANGE_LIFETIME 247 s, NON_LIFETIME 145 s and
// MAX_TRANSMIT_WAIT 93 s.

#include <chrono>

namespace lwm2m::coap {

struct TransmissionParameters {
  std::chrono::milliseconds ackTimeout{2000};
  double ackRandomFactor = 1.5;
  unsigned maxRetransmit = 4;
  std::chrono::milliseconds maxLatency{100'000};
  // How long an incoming CON request may wait for the handler's response
  // before an empty ACK is sent and the response becomes a separate one.
  std::chrono::milliseconds separateAckDelay{500};
  // How long to wait for a separate response after the empty ACK, or for the
  // response to a NON request. Zero means exchangeLifetime().
  std::chrono::milliseconds responseTimeout{0};

  // ackTimeout × (2^maxRetransmit − 1) × ackRandomFactor
  std::chrono::milliseconds maxTransmitSpan() const;
  // ackTimeout × (2^(maxRetransmit+1) − 1) × ackRandomFactor
  std::chrono::milliseconds maxTransmitWait() const;
  // PROCESSING_DELAY = ackTimeout
  std::chrono::milliseconds processingDelay() const { return ackTimeout; }
  // maxTransmitSpan + 2 × maxLatency + processingDelay
  std::chrono::milliseconds exchangeLifetime() const;
  // maxTransmitSpan + maxLatency
  std::chrono::milliseconds nonLifetime() const;
  // responseTimeout, or exchangeLifetime() when it is zero.
  std::chrono::milliseconds effectiveResponseTimeout() const;
};

}  // namespace lwm2m::coap
