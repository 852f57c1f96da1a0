#pragma once
// The composition root: builds every part of the daemon from the configuration,
// wires them in one direction (CoAP → LwM2M server → events → bridges), runs
// the single I/O thread, shuts everything down on SIGINT/SIGTERM and reloads
// the object definitions and the mapping rules on SIGHUP.

#include <memory>

#include "gateway/daemon/config.h"

namespace lwm2m::gateway {

class Gateway {
 public:
  // Throws std::runtime_error with a message naming what could not be set up
  // (address in use, data directory not writable, ...).
  explicit Gateway(const GatewayConfig& config);
  ~Gateway();
  Gateway(const Gateway&) = delete;
  Gateway& operator=(const Gateway&) = delete;

  // Runs until SIGINT/SIGTERM or stop(); returns after a clean shutdown.
  void run();
  // Thread-safe: asks the I/O thread to shut down.
  void stop();

 private:
  void waitForReload();  // SIGHUP reloads the object definitions and the mapping rules

  struct Parts;
  std::unique_ptr<Parts> parts_;
};

}  // namespace lwm2m::gateway
