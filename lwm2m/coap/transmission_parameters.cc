#include "lwm2m/coap/transmission_parameters.h"

#include <cmath>

namespace lwm2m::coap {

namespace {
std::chrono::milliseconds scaled(std::chrono::milliseconds base, double factor) {
  return std::chrono::milliseconds(
      static_cast<std::chrono::milliseconds::rep>(std::llround(static_cast<double>(base.count()) * factor)));
}
}  // namespace

std::chrono::milliseconds TransmissionParameters::maxTransmitSpan() const {
  return scaled(ackTimeout, (std::ldexp(1.0, static_cast<int>(maxRetransmit)) - 1.0) * ackRandomFactor);
}

std::chrono::milliseconds TransmissionParameters::maxTransmitWait() const {
  return scaled(ackTimeout,
                (std::ldexp(1.0, static_cast<int>(maxRetransmit) + 1) - 1.0) * ackRandomFactor);
}

std::chrono::milliseconds TransmissionParameters::exchangeLifetime() const {
  return maxTransmitSpan() + 2 * maxLatency + processingDelay();
}

std::chrono::milliseconds TransmissionParameters::nonLifetime() const {
  return maxTransmitSpan() + maxLatency;
}

std::chrono::milliseconds TransmissionParameters::effectiveResponseTimeout() const {
  return responseTimeout.count() > 0 ? responseTimeout : exchangeLifetime();
}

}  // namespace lwm2m::coap
