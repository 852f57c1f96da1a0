#include "gateway/daemon/held_signals.h"

#include <pthread.h>

namespace lwm2m::gateway {

HeldStopSignals::HeldStopSignals() {
  sigemptyset(&held_);
  for (int signal : {SIGINT, SIGTERM, SIGHUP}) sigaddset(&held_, signal);
  pthread_sigmask(SIG_BLOCK, &held_, nullptr);
  holding_ = true;
}

HeldStopSignals::~HeldStopSignals() { release(); }

void HeldStopSignals::release() {
  if (!holding_) return;
  holding_ = false;
  pthread_sigmask(SIG_UNBLOCK, &held_, nullptr);
}

}  // namespace lwm2m::gateway
