#pragma once
// HeldStopSignals: SIGINT, SIGTERM and SIGHUP held (blocked) while the
// gateway starts, so that one arriving then stops (or reloads) it cleanly
// instead of killing it half-started. Without it, a service manager's or a
// script's SIGTERM sent between the process start and the moment the
// gateway's own handlers exist (reading the configuration, opening the
// database, building its parts) ended the process with the signal's default
// action (exit status 143, no clean stop).
//
// Construct it first thing in main(): the block is inherited across the
// gateway executing itself again (heap_trim.h) and by every thread started
// while it is held (the store writer, the MQTT client's threads), which
// therefore never take these signals. release() once the handlers are
// installed (the gateway's signal sets exist): a signal that arrived
// meanwhile is delivered then, to them. Release at once where no handler
// comes (the command-line actions that print and exit, the credentials
// command that reads standard input).
//
// Threading contract: construct, release and destroy on the same thread (the
// main thread); the block applies to that thread (and those it starts).

#include <signal.h>

namespace lwm2m::gateway {

class HeldStopSignals {
 public:
  HeldStopSignals();
  ~HeldStopSignals();  // releases if release() was not called
  HeldStopSignals(const HeldStopSignals&) = delete;
  HeldStopSignals& operator=(const HeldStopSignals&) = delete;

  // Unblocks the three signals, whatever mask the process was started with
  // (the gateway executing itself again starts with them blocked; a parent
  // that left them blocked would otherwise keep the gateway from ever
  // stopping on SIGTERM). A pending one is delivered before this returns.
  // Idempotent.
  void release();

 private:
  sigset_t held_;
  bool holding_ = false;
};

}  // namespace lwm2m::gateway
